/**
 * How each recorded event moves a task (spec §4 "Database Updates"). Agents never write the task row
 * themselves: the engine applies this patch in the same transaction as the events.
 */
import type { AgentEvent } from '../contracts/events.ts';
import { TaskPhase, type TaskPatch, type TaskRecord } from '../contracts/records.ts';

export const TERMINAL_STATUSES: ReadonlySet<TaskRecord['status']> = new Set(['completed', 'failed', 'cancelled']);

export function taskPatchFor(events: readonly AgentEvent[], now: string): TaskPatch {
  let patch: TaskPatch = {};
  for (const event of events) patch = { ...patch, ...patchForOne(event, now) };
  return patch;
}

function phase(current_phase: TaskPhase): TaskPatch {
  return { current_phase };
}

function patchForOne(event: AgentEvent, now: string): TaskPatch {
  switch (event.event_type) {
    case 'task.initiated':
      return { status: 'running', current_phase: 'planning' };
    case 'plan.created':
      return { ...phase('architecture'), commit_sha: event.payload.commit };
    case 'architecture.proposed':
      return { ...phase('coding'), commit_sha: event.payload.commit };
    case 'code.pr.opened':
      return { ...phase('testing'), branch_name: event.payload.branch, commit_sha: event.payload.commit };
    case 'test.results':
      return phase(event.payload.status === 'passed' ? 'review' : 'coding');
    case 'review.decision':
      if (event.payload.decision === 'approved') return phase('deployment');
      if (event.payload.decision === 'changes_requested') return phase('coding');
      return { status: 'failed', current_phase: 'review', error: 'the reviewer rejected the code', completed_at: now };
    case 'deploy.status':
      return event.payload.status === 'deployed' && event.payload.preview_url ? { preview_url: event.payload.preview_url } : {};
    case 'deploy.complete':
      return event.payload.status === 'completed'
        ? { status: 'completed', current_phase: 'done', completed_at: now }
        : { status: 'failed', error: 'deployment failed', completed_at: now };
    case 'task.failed': {
      // The phase that failed, not the one the task was in: a review that never passed fails in review.
      const failedIn = TaskPhase.safeParse(event.payload.phase);
      return {
        status: 'failed',
        error: event.payload.reason,
        completed_at: now,
        ...(failedIn.success ? { current_phase: failedIn.data } : {}),
      };
    }
    // A preview's later life (restarts, expiry…) is its row's business; the task's outcome is settled.
    case 'task.progress':
    case 'explorer.findings':
    case 'preview.started':
    case 'preview.healthy':
    case 'preview.unhealthy':
    case 'preview.restarted':
    case 'preview.expired':
    case 'preview.evicted':
    case 'preview.stopped':
    case 'preview.failed':
      return {};
  }
}
