import type { AgentEvent } from '../contracts/events.ts';
import type { OrchestrationMode, TaskRecord } from '../contracts/records.ts';
import type { NewProject, NewTask } from '../core/ports/state-store.ts';

export interface Submission {
  project: NewProject;
  task: NewTask;
  /** The task.initiated event. */
  initiated: AgentEvent;
}

/**
 * One interface, two transports (spec §9.3). `submit` records the task and starts it; `waitFor`
 * resolves with the task row once it is completed, failed or cancelled.
 */
export interface Engine {
  readonly mode: OrchestrationMode;
  start(): Promise<void>;
  submit(submission: Submission): Promise<TaskRecord>;
  waitFor(taskId: string, signal?: AbortSignal): Promise<TaskRecord>;
  /**
   * Marks a queued or running task cancelled and interrupts its step in flight: at once when the step
   * runs in this process, within `cancelPollMs` when it runs in another worker. Throws `task_finished`
   * when the task is already over, `task_not_found` for an unknown id.
   */
  cancel(taskId: string): Promise<TaskRecord>;
  /**
   * Takes over a queued or running task nobody runs (its process died or stopped) and continues it from
   * its last committed step. Throws `task_finished` when it is over, `task_owned` when another live
   * process holds it, `task_not_found` for an unknown id.
   */
  resume(taskId: string): Promise<TaskRecord>;
  stop(): Promise<void>;
}
