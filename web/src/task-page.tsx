/** One task: chat, live agent timeline, progress, logs, and tabs for the results (URL: /tasks/:id/:tab). */
import { useEffect, useState } from 'react';
import type { TaskDetail } from '../../src/contracts/api.ts';
import { api } from './api.ts';
import { navigate } from './router.ts';
import { ResumeNotice } from './resume-notice.tsx';
import { ScopeNotice } from './scope-notice.tsx';
import { Chat, ErrorNote, Link, statusBadge } from './ui.tsx';
import { AGENTS, useTaskStream, type TaskStream } from './use-task-stream.ts';
import { ArchitectureView, CommitsView, FilesView, PlanView, PreviewBadge, PreviewView, ReviewView, TestsView } from './views.tsx';
import { usePreview } from './use-preview.ts';
import { CostSummary, CostView, useTaskCost } from './cost.tsx';

const TABS = [
  ['activity', 'Activity'],
  ['preview', 'Preview'],
  ['files', 'Files'],
  ['plan', 'Plan'],
  ['architecture', 'Architecture'],
  ['tests', 'Tests'],
  ['review', 'Review'],
  ['commits', 'Commits'],
  ['cost', 'Cost'],
] as const;

function seconds(ms: number | null): string {
  return ms === null ? '' : `${(ms / 1000).toFixed(1)} s`;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function overallProgress(s: TaskStream): number {
  if (s.complete?.status === 'completed') return 1;
  const done = AGENTS.filter((a) => s.agents[a].status === 'done').length;
  const coderShare =
    s.agents.coder.status === 'running' && s.progress && s.progress.total_estimated_files > 0
      ? s.progress.files_created / s.progress.total_estimated_files
      : 0;
  const running = AGENTS.some((a) => s.agents[a].status === 'running') ? Math.max(0.1, coderShare) : 0;
  return Math.min(1, (done + running) / AGENTS.length);
}

function Timeline({ stream }: { stream: TaskStream }) {
  const now = useNow(AGENTS.some((a) => stream.agents[a].status === 'running'));
  return (
    <ol className="timeline" aria-label="Agent timeline">
      {AGENTS.map((a) => {
        const st = stream.agents[a];
        const elapsed = st.status === 'running' && st.started_at ? Math.max(0, now - st.started_at) : st.duration_ms;
        return (
          <li key={a} className={`agent agent-${st.status}`} data-agent={a} data-status={st.status} aria-label={`${a}: ${st.status}`}>
            <span className="agent-name">{a}</span>
            <span className={`badge badge-${st.status}`}>{st.status}</span>
            <span className="duration">{seconds(elapsed)}</span>
          </li>
        );
      })}
    </ol>
  );
}

function ProgressBar({ stream }: { stream: TaskStream }) {
  const value = Math.round(overallProgress(stream) * 100);
  const files =
    stream.progress && stream.progress.total_estimated_files > 0
      ? `${stream.progress.files_created} of ${stream.progress.total_estimated_files} files`
      : null;
  return (
    <div className="progress-wrap">
      <div role="progressbar" aria-label="Build progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={value} className="progress">
        <div className="progress-fill" style={{ width: `${value}%` }} />
      </div>
      <span className="progress-text">
        {value}% {files ? `· ${files}` : ''}
      </span>
    </div>
  );
}

function Logs({ stream }: { stream: TaskStream }) {
  const logs = stream.logs.slice(-300);
  return (
    <section aria-labelledby="logs-title" className="logs">
      <h2 id="logs-title">Agent activity</h2>
      {logs.length === 0 ? <p className="empty">Waiting for the first agent…</p> : null}
      <ol aria-label="Agent logs" aria-live="polite">
        {logs.map((l, i) => (
          <li key={`${l.timestamp}-${i}`} className={`log log-${l.level}`}>
            <span className="log-agent">{l.agent_name}</span> {l.message}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function TaskPage({ id, tab }: { id: string; tab: string }) {
  const stream = useTaskStream(id);
  const [task, setTask] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.task(id).then(setTask, setError);
  }, [id, stream.revision]);
  const finished =
    stream.complete !== null ||
    (task !== null && ['completed', 'failed', 'cancelled'].includes(task.status) && stream.connection === 'open');
  const working = !finished && stream.error === null && !(error && !task);
  // The task row may still say 'queued' while agents work; what the agents report is more current.
  const agentsStarted = AGENTS.some((a) => stream.agents[a].status !== 'queued');
  const status = stream.complete?.status ?? (working && agentsStarted ? 'running' : (task?.status ?? 'queued'));
  const preview = stream.preview?.preview_url ?? task?.preview_url ?? null;
  const previewState = usePreview(id, preview);
  const cost = useTaskCost(id, { calls: stream.modelCalls, revision: stream.revision, running: working });

  return (
    <main className="task-page">
      <section className="conversation" aria-label="Conversation">
        <div className="bubble bubble-user">
          <span className="visually-hidden">You asked:</span>
          {task?.user_prompt ?? '…'}
        </div>
        <div className="task-meta">
          {task?.project ? <span>Project {task.project.name}</span> : null} {statusBadge(status)}
          {stream.connection !== 'open' ? (
            <span role="status" className="connection">
              {stream.connection === 'reconnecting' ? 'Connection lost — reconnecting…' : 'Connecting…'}
            </span>
          ) : null}
        </div>
        <ResumeNotice task={task} working={working} />
        <ErrorNote error={error} />
        {stream.error ? (
          <ErrorNote error={new Error(`${stream.error.message}${stream.error.hint ? ` — ${stream.error.hint}` : ''}`)} />
        ) : null}
        <Timeline stream={stream} />
        <ProgressBar stream={stream} />
        <CostSummary id={id} state={cost} />
        {stream.complete ? (
          <p role="status" className={`outcome outcome-${stream.complete.status}`}>
            {stream.complete.status === 'completed'
              ? 'Done: the app is built, tested, reviewed and deployed.'
              : `The task ${stream.complete.status}${stream.complete.error ? `: ${stream.complete.error}` : '.'}`}
          </p>
        ) : null}
        <ScopeNotice id={id} revision={stream.revision} />
        {preview ? (
          <p aria-label="Preview status">
            Preview:{' '}
            {previewState.record?.status === 'healthy' || !previewState.record ? (
              <a href={preview} target="_blank" rel="noopener noreferrer">
                {preview}
              </a>
            ) : (
              <code>{preview}</code>
            )}{' '}
            {previewState.record ? <PreviewBadge preview={previewState} /> : null}
          </p>
        ) : null}
        {working ? (
          <button type="button" className="secondary" onClick={() => api.cancel(id).catch(setError)}>
            Cancel task
          </button>
        ) : null}
        <Chat busy={working} busyLabel={`Agents working… (${AGENTS.find((a) => stream.agents[a].status === 'running') ?? 'starting'})`} />
      </section>
      <section className="results" aria-label="Results">
        <nav aria-label="Task views" className="tabs">
          {TABS.map(([key, label]) => (
            <Link
              key={key}
              to={`/tasks/${id}/${key}`}
              aria-current={tab === key ? 'page' : undefined}
              className={`tab ${tab === key ? 'tab-active' : ''}`}
            >
              {label}
            </Link>
          ))}
        </nav>
        <section aria-label={TABS.find(([k]) => k === tab)?.[1] ?? tab} className="panel">
          {tab === 'activity' ? <Logs stream={stream} /> : null}
          {tab === 'preview' ? <PreviewView preview={previewState} url={preview} /> : null}
          {tab === 'files' ? <FilesView id={id} stream={stream} /> : null}
          {tab === 'plan' ? <PlanView id={id} revision={stream.revision} /> : null}
          {tab === 'architecture' ? <ArchitectureView id={id} revision={stream.revision} /> : null}
          {tab === 'tests' ? <TestsView id={id} revision={stream.revision} /> : null}
          {tab === 'review' ? <ReviewView id={id} revision={stream.revision} /> : null}
          {tab === 'commits' ? <CommitsView id={id} revision={stream.revision} /> : null}
          {tab === 'cost' ? <CostView state={cost} running={working} /> : null}
          {!TABS.some(([k]) => k === tab) ? (
            <p>
              No view called {tab}. <button onClick={() => navigate(`/tasks/${id}`)}>Show activity</button>
            </p>
          ) : null}
        </section>
      </section>
    </main>
  );
}
