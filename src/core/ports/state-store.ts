import type { AgentEvent } from '../../contracts/events.ts';
import type { PreviewDeployment, PreviewStatus, ProjectRecord, StoredEvent, TaskPatch, TaskRecord } from '../../contracts/records.ts';
import type { ScanRecord, ScanType } from '../../contracts/explorer.ts';
import type { CostOverview, LlmCall } from '../../contracts/llm.ts';

export interface NewProject {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  repo_path: string | null;
}

export type NewTask = Pick<TaskRecord, 'id' | 'project_id' | 'trace_id' | 'user_prompt' | 'mode'> & {
  metadata?: Record<string, unknown>;
};

export interface OutboxRow {
  id: number;
  event_id: string;
  routing_key: string;
  event: AgentEvent;
  attempts: number;
}

export type InboxStatus = 'in_progress' | 'processed' | 'dead_lettered';

export interface AttemptInfo {
  /** 1 on first delivery; counted durably, so a crash mid-handler still counts the attempt. */
  attempt: number;
  status: InboxStatus;
}

/** Everything one agent step changes, committed atomically (the transactional outbox + inbox). */
export interface StepCommit {
  consumer: string;
  /** The event that was handled; (consumer, inbound_event_id) is the inbox key. */
  inbound_event_id: string;
  task_id: string;
  events: AgentEvent[];
  task_patch: TaskPatch;
  /** true in event-driven mode: the emitted events also go to the outbox for the relay. */
  publish: boolean;
}

/**
 * A consumer's step that found an artifact an earlier step wrote corrupt: the consumer's delivery is
 * consumed without an outcome and the producer's step is opened again, so it runs once more (its
 * attempt count goes on from where it was) and the consumer then sees what the redo emits.
 */
export interface StepRedo {
  consumer: string;
  inbound_event_id: string;
  task_id: string;
  task_patch: TaskPatch;
  producer: string;
  /** The event the producer's step handled. */
  producer_event: AgentEvent;
  /** Event-driven: that event goes back to the outbox, so the relay publishes it again. */
  requeue: boolean;
}

/** A process's hold on a task: `owner` runs it until `leaseMs` after the last renewal. */
export interface TaskLease {
  owner: string;
  leaseMs: number;
}

/** A queued or running task nobody holds: its owner released it or stopped renewing its lease. */
export interface OwnerlessTask {
  task: TaskRecord;
  /** The last owner, when one held it (null: released by a graceful stop, or never owned). */
  last_owner: string | null;
  lease_expired_at: string | null;
}

export type ScanOutcome =
  | { status: 'completed'; findings: unknown; tech_stack: string[]; security_score: number; tech_debt_score: number; artifacts_dir: string }
  | { status: 'failed'; error: string };

export interface PreviewUpsert {
  id: string;
  task_id: string;
  url: string;
  fallback_url: string | null;
  container_id: string | null;
  port: number | null;
  status: PreviewStatus;
  health_check_url: string;
  working_copy: string | null;
  log_path: string | null;
  expires_at: string | null;
  metadata?: Record<string, unknown>;
}

export type PreviewPatch = Partial<
  Pick<PreviewDeployment, 'status' | 'container_id' | 'port' | 'last_health_check' | 'restart_count' | 'url' | 'fallback_url'>
> & { metadata?: Record<string, unknown> };

/**
 * Durable task state (spec §3.2: tasks, projects, agent_events, preview_deployments, explorer_scans)
 * plus the outbox and inbox that make effects exactly-once.
 *
 * Guarantees every adapter keeps (test/conformance/state-store.ts proves them):
 * - `commitStep` is atomic: inbox mark, audit events, task patch and outbox rows all land or none do.
 *   A second commit for the same (consumer, inbound_event_id) changes nothing and returns 'duplicate'.
 * - `createTask` writes the project (idempotent by id), the task, its first event and (when asked) the
 *   outbox row in one transaction.
 * - `listEvents` returns a task's events in insertion order.
 * - `claimOutbox` never hands the same unsent row to two claimers at once; a claim older than
 *   `staleAfterMs` is handed out again (the claimer died). `markOutboxSent` is idempotent.
 * - Unknown ids return null from getters and throw AppError('task_not_found' …) from updaters.
 * - Metadata patches are shallow merges into the existing JSON object.
 * - A scan is recorded `running` when it starts and finished once: `finishScan` of an unknown or
 *   already finished scan throws AppError('scan_not_found').
 * - `recordLlmCall` is idempotent by `call_id` and adds the call's cost to the task's `cost_total` in the
 *   same transaction; a call of an unknown task throws AppError('task_not_found'). `listLlmCalls` returns
 *   a task's calls in the order they were recorded, exactly as recorded.
 */
export interface StateStore {
  readonly kind: 'pglite' | 'postgres';

  upsertProject(project: NewProject): Promise<ProjectRecord>;
  getProject(id: string): Promise<ProjectRecord | null>;
  getProjectBySlug(slug: string): Promise<ProjectRecord | null>;
  listProjects(): Promise<ProjectRecord[]>;

  /** `owner`: the task starts held by this lease (the process that will run it). */
  createTask(input: { project: NewProject; task: NewTask; event: AgentEvent; publish: boolean; owner?: TaskLease }): Promise<TaskRecord>;
  getTask(id: string): Promise<TaskRecord | null>;
  /** Ids of tasks starting with `prefix` (a short id), at most `limit`: the caller decides whether one is unique. */
  findTaskIds(prefix: string, limit: number): Promise<string[]>;
  /** Newest first. */
  /** finishedBefore: only tasks that ended (completed_at set) before this ISO time, oldest first. */
  listTasks(opts?: { projectId?: string; limit?: number; finishedBefore?: string }): Promise<TaskRecord[]>;
  updateTask(id: string, patch: TaskPatch): Promise<TaskRecord>;

  /**
   * Task ownership (leases). Times are the database's clock, so processes on different hosts agree.
   * - `claimTask` takes one queued or running task for `lease.owner` when nobody else holds it (no owner,
   *   an expired lease, or already this owner); null when another live owner has it or it is over.
   * - `claimOwnerlessTasks` takes, in one statement, every queued or running task of `mode` whose lease is
   *   gone; two claimers never get the same task. Each claim counts a resume in `metadata.resume`.
   * - `renewLeases` extends the leases `owner` holds (only those of `taskIds` when given) and returns the ids it still holds.
   * - `holdTask` gives a live task to `lease.owner` whoever held it: in event-driven mode the worker a
   *   step's event was delivered to is the one working on the task, the delivery says so.
   * - `releaseTasks` lets go of the given tasks (all of `owner`'s when omitted), so the next sweep resumes them.
   */
  claimTask(taskId: string, lease: TaskLease): Promise<TaskRecord | null>;
  claimOwnerlessTasks(lease: TaskLease, opts: { mode: TaskRecord['mode']; limit: number }): Promise<TaskRecord[]>;
  renewLeases(owner: string, leaseMs: number, taskIds?: string[]): Promise<string[]>;
  holdTask(taskId: string, lease: TaskLease): Promise<boolean>;
  releaseTasks(owner: string, taskIds?: string[]): Promise<void>;
  listOwnerlessTasks(): Promise<OwnerlessTask[]>;

  listEvents(taskId: string): Promise<StoredEvent[]>;
  /** Events with `id` greater than `afterId`, across tasks, oldest first (for fan-out catch-up). */
  listEventsAfter(afterId: number, limit: number): Promise<StoredEvent[]>;
  /** Appends an audit event outside a step (e.g. task.progress); never goes to the outbox. */
  appendEvent(event: AgentEvent): Promise<void>;

  beginAttempt(consumer: string, eventId: string, taskId: string): Promise<AttemptInfo>;
  /** Takes back an attempt a graceful stop interrupted (the step never got to finish; it is not its fault). */
  refundAttempt(consumer: string, eventId: string): Promise<void>;
  commitStep(step: StepCommit): Promise<'committed' | 'duplicate'>;
  markDeadLettered(consumer: string, eventId: string, reason: string): Promise<void>;
  /** The task's inbox entries: which consumer handled (or is handling) which event. */
  listInbox(taskId: string): Promise<Array<{ consumer: string; event_id: string; status: InboxStatus; attempts: number }>>;
  /** Puts recorded events back in the outbox as unsent, so the relay publishes them again (consumers' inboxes dedupe). */
  requeueEvents(events: AgentEvent[]): Promise<void>;
  /**
   * Atomically: the consumer's entry processed, the producer's processed entry back in progress, the task
   * patched (and the producer's event unsent again when `requeue`). False, changing nothing, when the
   * producer's step is not a committed one or the consumer's step already ended.
   */
  redoStep(redo: StepRedo): Promise<boolean>;

  claimOutbox(limit: number, staleAfterMs: number): Promise<OutboxRow[]>;
  markOutboxSent(ids: number[]): Promise<void>;
  countUnsentOutbox(): Promise<number>;

  createScan(scan: { id: string; scan_type: ScanType; target: string }): Promise<ScanRecord>;
  finishScan(id: string, result: ScanOutcome): Promise<ScanRecord>;
  /** The record and, once completed, its findings (as stored; callers parse them). */
  getScan(id: string): Promise<{ record: ScanRecord; findings: unknown } | null>;
  /** Newest first. */
  listScans(opts?: { limit?: number }): Promise<ScanRecord[]>;

  /** One language-model call of a task (or, with task_id null, outside any task). */
  recordLlmCall(call: LlmCall): Promise<void>;
  listLlmCalls(taskId: string): Promise<LlmCall[]>;
  /** Spend across tasks: the newest `limit` tasks that called a model (default 100), and totals over all calls. */
  costOverview(opts?: { limit?: number }): Promise<CostOverview>;

  upsertPreview(preview: PreviewUpsert): Promise<PreviewDeployment>;
  getPreviewByTask(taskId: string): Promise<PreviewDeployment | null>;
  listPreviews(opts?: { statuses?: PreviewStatus[] }): Promise<PreviewDeployment[]>;
  updatePreview(id: string, patch: PreviewPatch): Promise<PreviewDeployment>;

  close(): Promise<void>;
}
