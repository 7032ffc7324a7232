/**
 * What a finished build amounts to, for `catalyst build` (embedded or through a server) and
 * GET /api/tasks/{id}/result: one object a script can branch on. A failure names its code, the phase
 * that failed and what to do, taken from the event that ended the task.
 */
import { parse as parseYaml } from 'yaml';
import { notBuiltOf } from '../contracts/app-scope.ts';
import { Plan } from '../contracts/artifacts.ts';
import { AGENT_IDS, parseEvent, type AgentEvent } from '../contracts/events.ts';
import { summarizeTaskCost } from '../contracts/llm.ts';
import { BuildResult, type BuildFailure, type PhaseTiming } from '../contracts/messages.ts';
import { phaseTimingsOf, type TaskRecord } from '../contracts/records.ts';
import type { ArtifactStore } from '../core/ports/artifact-store.ts';
import type { GitRepos } from '../core/ports/git-repos.ts';
import type { StateStore } from '../core/ports/state-store.ts';

const PIPELINE = AGENT_IDS.filter((a) => a !== 'explorer');

export interface BuildResultPorts {
  state: StateStore;
  artifacts: ArtifactStore;
  git: GitRepos;
}

function phasesOf(task: TaskRecord): PhaseTiming[] {
  const recorded = phaseTimingsOf(task);
  return PIPELINE.map((agent) => {
    const p = recorded[agent];
    return p
      ? { agent, status: p.status, duration_ms: Math.round(p.duration_ms), runs: p.runs }
      : { agent, status: 'skipped' as const, duration_ms: 0, runs: 0 };
  });
}

const CODE_OF_PHASE: Record<string, string> = {
  testing: 'tests_failed',
  review: 'review_rejected',
  deployment: 'deploy_failed',
};

function failureOf(task: TaskRecord, events: readonly AgentEvent[]): BuildFailure | null {
  if (task.status === 'completed') return null;
  if (task.status === 'cancelled') {
    return { code: 'task_cancelled', message: task.error ?? 'the task was cancelled', phase: task.current_phase, hint: null };
  }
  const last = events.at(-1);
  if (last?.event_type === 'task.failed') {
    const { phase, reason, code, hint } = last.payload;
    return { code: code ?? CODE_OF_PHASE[phase] ?? 'build_failed', message: reason, phase, hint: hint ?? null };
  }
  if (last?.event_type === 'review.decision') {
    return {
      code: 'review_rejected',
      message: task.error ?? `the reviewer rejected the code (score ${last.payload.score})`,
      phase: 'review',
      hint: 'see review/ in the artifacts for what the reviewer found',
    };
  }
  if (last?.event_type === 'deploy.complete') {
    return {
      code: 'deploy_failed',
      message: task.error ?? 'deployment failed',
      phase: 'deployment',
      hint: 'see the deployer log in the task page',
    };
  }
  return { code: 'build_failed', message: task.error ?? `the task is ${task.status}`, phase: task.current_phase, hint: null };
}

/** What the task's plan says was asked for and not built; [] before there is a plan, or for an unreadable one. */
async function notBuiltOfTask(artifacts: ArtifactStore, taskId: string): Promise<string[]> {
  const text = await artifacts.read(taskId, 'planning/plan.yaml');
  if (text === null) return [];
  try {
    const plan = Plan.safeParse(parseYaml(text));
    return plan.success ? notBuiltOf(plan.data.scope) : [];
  } catch {
    return [];
  }
}

/** The result of a task as it stands (normally once it ended); `via` and timing are the caller's to add. */
export async function buildResultOf(
  ports: BuildResultPorts,
  task: TaskRecord,
): Promise<Omit<BuildResult, 'via' | 'duration_ms' | 'preview_supervised'>> {
  const project = await ports.state.getProject(task.project_id);
  const preview = await ports.state.getPreviewByTask(task.id);
  const live = preview?.status === 'healthy';
  const events = (await ports.state.listEvents(task.id)).map((row) => parseEvent(row.envelope));
  const failure = failureOf(task, events);
  const deployed = events.findLast((e) => e.event_type === 'deploy.complete');
  return {
    task_id: task.id,
    trace_id: task.trace_id,
    project_id: task.project_id,
    project_name: project?.name ?? '',
    project_slug: project?.slug ?? '',
    mode: task.mode,
    status: task.status === 'completed' ? 'completed' : task.status === 'cancelled' ? 'cancelled' : 'failed',
    phase: failure ? (failure.phase as BuildResult['phase']) : task.current_phase,
    error: failure,
    repo_path: project?.repo_path ?? '',
    branch: task.branch_name,
    worktree_path: task.branch_name ? ports.git.worktreePath(task.id) : null,
    commit: task.commit_sha,
    main_commit: deployed?.event_type === 'deploy.complete' ? deployed.payload.main_commit : null,
    preview_url: live ? preview.url : null,
    fallback_url: live ? preview.fallback_url : null,
    artifacts_dir: ports.artifacts.location(task.id),
    not_built: await notBuiltOfTask(ports.artifacts, task.id),
    cost: summarizeTaskCost(task.id, await ports.state.listLlmCalls(task.id)),
    phases: phasesOf(task),
  };
}
