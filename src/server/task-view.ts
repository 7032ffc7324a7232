/**
 * What a client sees of a task: its progress (phase, per-agent status and durations, files) computed
 * from the task row, its recorded events and the latest live progress, and the WebSocket messages
 * (spec §11.2) that replay a task's history so a client that connects late — or reloads — misses nothing.
 */
import type { AgentProgress, TaskProgress } from '../contracts/api.ts';
import { AGENT_IDS, type AgentId } from '../contracts/events.ts';
import type { ServerMessage } from '../contracts/messages.ts';
import { phaseTimingsOf, type StoredEvent, type TaskPhase, type TaskRecord } from '../contracts/records.ts';

export const PIPELINE: readonly AgentId[] = AGENT_IDS.filter((a) => a !== 'explorer');

const AGENT_OF_PHASE: Partial<Record<TaskPhase, AgentId>> = {
  // A new task's phase is 'queued' until the planner's step commits, but the planner is already at work.
  queued: 'planner',
  planning: 'planner',
  architecture: 'architect',
  coding: 'coder',
  testing: 'tester',
  review: 'reviewer',
  deployment: 'deployer',
};

export interface LiveFiles {
  files_created: number;
  total_estimated_files: number;
}

export function agentProgress(task: TaskRecord): AgentProgress[] {
  const timings = phaseTimingsOf(task);
  // The row may still say 'queued' while agents work (task.initiated is recorded before any patch).
  const active = task.status === 'running' || task.status === 'queued' ? AGENT_OF_PHASE[task.current_phase] : undefined;
  return PIPELINE.map((agent) => {
    const t = timings[agent];
    // A repair round sends the task back to the coder: the phase, not the last timing, says who works now.
    const status: AgentProgress['status'] = agent === active ? 'running' : t ? t.status : 'queued';
    return { agent, status, duration_ms: t ? Math.round(t.duration_ms) : null, runs: t?.runs ?? 0 };
  });
}

function filesFromEvents(events: readonly StoredEvent[]): LiveFiles | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    const payload = (e.envelope as { payload?: Record<string, unknown> }).payload ?? {};
    if (e.event_type === 'code.pr.opened' && typeof payload.files_created === 'number') {
      return { files_created: payload.files_created, total_estimated_files: payload.files_created };
    }
    if (e.event_type === 'task.progress' && typeof payload.files_created === 'number') {
      return { files_created: payload.files_created, total_estimated_files: Number(payload.total_estimated_files ?? 0) };
    }
  }
  return null;
}

export function taskProgress(task: TaskRecord, events: readonly StoredEvent[], live: LiveFiles | null): TaskProgress {
  const agents = agentProgress(task);
  const done = agents.filter((a) => a.status === 'done').length;
  const running = agents.some((a) => a.status === 'running') ? 0.5 : 0;
  const progress = task.status === 'completed' ? 1 : Math.min(0.99, (done + running) / agents.length);
  const files = live ?? filesFromEvents(events) ?? { files_created: 0, total_estimated_files: 0 };
  return {
    task_id: task.id,
    status: task.status,
    phase: task.current_phase,
    progress: Math.round(progress * 1000) / 1000,
    files_created: files.files_created,
    total_estimated_files: Math.max(files.total_estimated_files, files.files_created),
    preview_url: task.preview_url,
    agents,
    event_count: events.length,
    updated_at: task.updated_at,
  };
}

export function taskCompleteMessage(task: TaskRecord, artifactsDir: string, repoPath: string): ServerMessage | null {
  if (task.status !== 'completed' && task.status !== 'failed' && task.status !== 'cancelled') return null;
  return {
    type: 'task_complete',
    task_id: task.id,
    status: task.status,
    artifacts: { code: `file://${repoPath}`, tests: `file://${artifactsDir}/test-results/`, preview: task.preview_url },
    error: task.error,
  };
}

export interface StoredLog {
  agent_name: string;
  message: string;
  level: 'debug' | 'info' | 'warning' | 'error';
  timestamp: string;
}

/** The messages a client connecting now should see first, in the order they happened. */
export function replayMessages(input: {
  task: TaskRecord;
  events: readonly StoredEvent[];
  logs: readonly StoredLog[];
  live: LiveFiles | null;
  artifactsDir: string;
  repoPath: string;
}): ServerMessage[] {
  const { task } = input;
  const out: ServerMessage[] = input.logs.map((l) => ({ type: 'agent_log', task_id: task.id, ...l }));
  for (const a of agentProgress(task)) {
    out.push({
      type: 'agent_status',
      task_id: task.id,
      agent_name: a.agent,
      status: a.status,
      duration_ms: a.status === 'running' ? null : a.duration_ms,
    });
  }
  const p = taskProgress(task, input.events, input.live);
  out.push({
    type: 'progress',
    task_id: task.id,
    phase: p.phase,
    progress: p.progress,
    files_created: p.files_created,
    total_estimated_files: p.total_estimated_files,
  });
  const deployed = [...input.events]
    .reverse()
    .find((e) => e.event_type === 'deploy.status' && (e.envelope as { payload?: { status?: string } }).payload?.status === 'deployed');
  if (deployed) {
    const payload = (deployed.envelope as { payload: { preview_url: string | null; fallback_url: string | null } }).payload;
    if (payload.preview_url)
      out.push({ type: 'preview_ready', task_id: task.id, preview_url: payload.preview_url, fallback_url: payload.fallback_url });
  }
  const complete = taskCompleteMessage(task, input.artifactsDir, input.repoPath);
  if (complete) out.push(complete);
  return out;
}
