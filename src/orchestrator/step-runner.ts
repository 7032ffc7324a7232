/**
 * One agent step, the same under both engines: count the attempt durably, run the handler, then
 * commit inbox mark + audit events + task patch (+ outbox rows in event-driven mode) atomically.
 * A redelivered event whose step already committed is recognised by the inbox and does nothing.
 */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createEvent, parseEvent, routingKeyFor, type AgentEvent } from '../contracts/events.ts';
import {
  artifactRedosOf,
  artifactWritersOf,
  phaseTimingsOf,
  type AgentPhaseTiming,
  type ArtifactWriters,
  type TaskRecord,
} from '../contracts/records.ts';
import type { AgentContext, AgentDefinition, LiveFeed } from '../core/agent.ts';
import type { Clock } from '../core/clock.ts';
import { AppError, diskFull } from '../core/errors.ts';
import type { IdFactory } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import { bindingMatches } from '../core/routing.ts';
import type { ArtifactStore } from '../core/ports/artifact-store.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import { TERMINAL_STATUSES, taskPatchFor } from './task-state.ts';

export interface StepDeps {
  state: StateStore;
  agents: readonly AgentDefinition[];
  buildContext(input: {
    agent: AgentDefinition;
    event: AgentEvent;
    task: TaskRecord;
    attempt: number;
    signal: AbortSignal;
  }): Promise<AgentContext>;
  feed: LiveFeed;
  clock: Clock;
  newId: IdFactory;
  logger: Logger;
  maxAttempts: number;
  /** How often a running step checks whether its task was cancelled elsewhere (another process). */
  cancelPollMs?: number;
  /** Cleans up after a step a cancel interrupted (stops the task's preview, which may have just started). */
  onCancelled?(taskId: string): Promise<void>;
}

export type StepResult =
  | { status: 'committed'; emitted: AgentEvent[] }
  | { status: 'duplicate' }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: AppError; attempt: number; final: boolean };

export const CANCELLED_BY_USER = 'cancelled by the user';

/**
 * Marks the task cancelled unless it is already over. Only the status changes here; the step in
 * flight notices (its signal, or its poll of the task row) and stops without failing the task.
 */
export async function cancelTask(state: StateStore, taskId: string, now: string): Promise<TaskRecord> {
  const task = await state.getTask(taskId);
  if (!task) throw new AppError('task_not_found', `no task with id ${taskId}`, { hint: 'List tasks to find a valid id.' });
  if (TERMINAL_STATUSES.has(task.status)) {
    throw new AppError('task_finished', `task ${task.id} is already ${task.status}`, {
      hint: 'only queued or running tasks can be cancelled',
      retryable: false,
    });
  }
  return state.updateTask(task.id, { status: 'cancelled', error: CANCELLED_BY_USER, completed_at: now });
}

/** Aborts `controller` once the task's row says it is over (cancelled by another process). */
function watchForCancel(deps: StepDeps, taskId: string, controller: AbortController): () => void {
  const every = deps.cancelPollMs ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const poll = async () => {
    try {
      const task = await deps.state.getTask(taskId);
      if (task?.status === 'cancelled')
        controller.abort(new AppError('task_finished', `task ${taskId} was cancelled`, { retryable: false }));
    } catch {
      /* a failed poll just waits for the next one */
    }
    if (!stopped && !controller.signal.aborted) timer = setTimeout(() => void poll(), every);
  };
  timer = setTimeout(() => void poll(), every);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

export function subscribersOf(agents: readonly AgentDefinition[], event: AgentEvent): AgentDefinition[] {
  const key = routingKeyFor(event.event_type);
  return agents.filter((agent) => agent.consumes.some((b) => bindingMatches(b, key, event)));
}

export async function runStep(
  deps: StepDeps,
  agent: AgentDefinition,
  event: AgentEvent,
  opts: { publish: boolean; signal: AbortSignal },
): Promise<StepResult> {
  const attempt = await deps.state.beginAttempt(agent.id, event.event_id, event.task_id);
  if (attempt.status === 'processed') return { status: 'duplicate' };
  if (attempt.status === 'dead_lettered') return { status: 'skipped', reason: 'already dead-lettered' };
  if (attempt.attempt > deps.maxAttempts) {
    // Every allowed attempt began and none ended: each time, the process running it died mid-step. A
    // step that kills its owner is a failed step like any other, not one to retry forever.
    return {
      status: 'failed',
      attempt: attempt.attempt - 1,
      final: true,
      error: new AppError('agent_failed', `the process running it stopped during each of its ${attempt.attempt - 1} attempts`),
    };
  }

  const task = await deps.state.getTask(event.task_id);
  if (!task) {
    return {
      status: 'failed',
      attempt: attempt.attempt,
      final: true,
      error: new AppError('task_not_found', `task ${event.task_id} does not exist`),
    };
  }
  if (TERMINAL_STATUSES.has(task.status)) {
    // The task ended (failed elsewhere, cancelled): consume the event without acting on it.
    await deps.state.commitStep({
      consumer: agent.id,
      inbound_event_id: event.event_id,
      task_id: task.id,
      events: [],
      task_patch: {},
      publish: false,
    });
    return { status: 'skipped', reason: `task is ${task.status}` };
  }

  if (task.status === 'queued') {
    // task.initiated is recorded at submission, not produced by a step: its patch (running, planning)
    // is applied when the first agent picks the task up.
    Object.assign(task, await deps.state.updateTask(task.id, taskPatchFor([event], deps.clock.now().toISOString())));
  }
  const started = deps.clock.now().getTime();
  deps.feed.emit({ type: 'agent_status', task_id: task.id, agent_name: agent.id, status: 'running', duration_ms: null });
  const cancel = new AbortController();
  const stopWatching = watchForCancel(deps, task.id, cancel);
  const signal = AbortSignal.any([opts.signal, cancel.signal]);
  // A cancelled task's step ends without an outcome: its events are dropped (they would describe work
  // nobody wants), the inbox records the delivery so it is not retried, and the task stays cancelled.
  const abandonIfCancelled = async (): Promise<StepResult | null> => {
    const latest = await deps.state.getTask(task.id);
    if (latest?.status !== 'cancelled') return null;
    await deps.state.commitStep({
      consumer: agent.id,
      inbound_event_id: event.event_id,
      task_id: task.id,
      events: [],
      task_patch: {},
      publish: false,
    });
    await deps
      .onCancelled?.(task.id)
      .catch((e: unknown) => deps.logger.warn({ task_id: task.id, err: String(e) }, 'clean-up after cancel failed'));
    deps.feed.emit({
      type: 'agent_status',
      task_id: task.id,
      agent_name: agent.id,
      status: 'failed',
      duration_ms: deps.clock.now().getTime() - started,
    });
    return { status: 'skipped', reason: 'task is cancelled' };
  };
  let paths: string[] = [];
  const written = new Set<string>();
  try {
    const ctx = recordingWrites(await deps.buildContext({ agent, event, task, attempt: attempt.attempt, signal }), task.id, written);
    paths = Object.values(ctx.paths);
    const output = await agent.handle(event, ctx);
    stopWatching();
    const abandoned = await abandonIfCancelled();
    if (abandoned) return abandoned;
    const now = deps.clock.now();
    const emitted = output.events.map((draft) =>
      createEvent(draft, {
        event_id: deps.newId(),
        trace_id: task.trace_id,
        task_id: task.id,
        actor: agent.id,
        repo: `catalyst-generated/${ctx.project.slug}`,
        branch: 'main',
        causation_id: event.event_id,
        timestamp: now.toISOString(),
      }),
    );
    const duration = now.getTime() - started;
    const previous = phaseTimingsOf(task)[agent.id];
    // An agent that ends the task itself (needs_model, request_too_large, …) finished its step but failed its phase.
    const outcome = emitted.some((e) => e.event_type === 'task.failed') ? 'failed' : 'done';
    const timing: AgentPhaseTiming = {
      status: outcome,
      duration_ms: (previous?.duration_ms ?? 0) + duration,
      runs: (previous?.runs ?? 0) + 1,
    };
    // A task cancelled while this step ran keeps its status: the step's events are still recorded.
    const latest = await deps.state.getTask(task.id);
    const patch = latest && TERMINAL_STATUSES.has(latest.status) ? {} : taskPatchFor(emitted, now.toISOString());
    patch.metadata = { phases: { ...phaseTimingsOf(task), [agent.id]: timing } };
    if (written.size > 0) {
      const writers: ArtifactWriters = { ...artifactWritersOf(task) };
      for (const path of written) writers[path] = { agent: agent.id, event_id: event.event_id };
      patch.metadata.artifact_writers = writers;
    }
    const committed = await deps.state.commitStep({
      consumer: agent.id,
      inbound_event_id: event.event_id,
      task_id: task.id,
      events: emitted,
      task_patch: patch,
      publish: opts.publish,
    });
    if (committed === 'duplicate') return { status: 'duplicate' };
    deps.feed.emit({ type: 'agent_status', task_id: task.id, agent_name: agent.id, status: outcome, duration_ms: duration });
    for (const e of emitted) deps.feed.emit({ type: 'event', event: e });
    return { status: 'committed', emitted };
  } catch (e) {
    stopWatching();
    const abandoned = await abandonIfCancelled();
    if (abandoned) return abandoned;
    const error = (await fullDiskUnder(paths, e)) ?? AppError.from(e, 'agent_failed');
    const final = !error.retryable && error.category !== 'internal' ? true : attempt.attempt >= deps.maxAttempts;
    deps.logger.warn({ agent: agent.id, task_id: task.id, attempt: attempt.attempt, err: error.message }, 'agent step failed');
    deps.feed.emit({
      type: 'agent_status',
      task_id: task.id,
      agent_name: agent.id,
      status: 'failed',
      duration_ms: deps.clock.now().getTime() - started,
    });
    return { status: 'failed', error, attempt: attempt.attempt, final };
  }
}

/** The step's context with its artifact store noting each path the step writes for its own task. */
function recordingWrites<C extends { ports: { artifacts: ArtifactStore } }>(ctx: C, taskId: string, written: Set<string>): C {
  const base = ctx.ports.artifacts;
  const artifacts: ArtifactStore = Object.assign(Object.create(base) as ArtifactStore, {
    write(key: string, relPath: string, content: string | Uint8Array) {
      if (key === taskId) written.add(relPath);
      return base.write(key, relPath, content);
    },
    copyIn(key: string, relPath: string, source: string) {
      if (key === taskId) written.add(relPath);
      return base.copyIn(key, relPath, source);
    },
  });
  return { ...ctx, ports: { ...ctx.ports, artifacts } };
}

/**
 * A step failed because an artifact an earlier step of the task wrote is corrupt or missing (parseArtifact's
 * `invalid_artifact`, naming the path): a torn write the machine lost after that step committed, a file
 * damaged on disk. Rather than fail the task, the step that wrote it is opened again and runs once more
 * (an attempt like any other), and the consumer goes on from what the redo emits. Once per artifact: a
 * second corruption of the same file fails the task with its reason. Returns the producer and the event
 * it is to handle again, or null when this failure is not one a redo mends.
 */
export async function redoProducerOf(
  deps: StepDeps,
  agent: AgentDefinition,
  event: AgentEvent,
  error: AppError,
  opts: { publish: boolean },
): Promise<{ producer: AgentDefinition; event: AgentEvent } | null> {
  const artifact = error.code === 'invalid_artifact' ? error.details?.artifact : undefined;
  if (typeof artifact !== 'string') return null;
  const task = await deps.state.getTask(event.task_id);
  if (!task || TERMINAL_STATUSES.has(task.status)) return null;
  const writer = artifactWritersOf(task)[artifact];
  const redos = artifactRedosOf(task);
  if (!writer || writer.event_id === event.event_id || redos[artifact]) return null;
  const producer = deps.agents.find((a) => a.id === writer.agent);
  const stored = (await deps.state.listEvents(task.id)).find((e) => e.event_id === writer.event_id);
  if (!producer || !stored) return null;
  const producerEvent = parseEvent(stored.envelope);
  const redone = await deps.state.redoStep({
    consumer: agent.id,
    inbound_event_id: event.event_id,
    task_id: task.id,
    task_patch: {
      metadata: {
        artifact_redos: {
          ...redos,
          [artifact]: { producer: producer.id, consumer: agent.id, reason: error.message, at: deps.clock.now().toISOString() },
        },
      },
    },
    producer: producer.id,
    producer_event: producerEvent,
    requeue: opts.publish,
  });
  if (!redone) return null;
  deps.logger.warn(
    { task_id: task.id, artifact, producer: producer.id, consumer: agent.id, err: error.message },
    'an artifact an earlier step wrote is corrupt; redoing that step',
  );
  return { producer, event: producerEvent };
}

/** Below this many free bytes a failed write is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * A step that failed while a disk it writes to is full failed because of it, whatever the tool said
 * (git reports "unable to write file" without naming the cause): `disk_full`, with its hint.
 */
async function fullDiskUnder(paths: string[], e: unknown): Promise<AppError | null> {
  const said = diskFull(e);
  if (said) return said;
  for (const path of paths) {
    const free = await freeBytes(path);
    if (free !== null && free < NEARLY_FULL_BYTES) {
      const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return new AppError('disk_full', `the disk is full (${free} bytes left under ${path}): ${message}`, {
        hint: 'free space on the disk that holds the data folder (storage.data_dir), then run the build again',
        retryable: false,
        cause: e,
      });
    }
  }
  return null;
}

/** Free bytes on the filesystem holding `path` (its nearest existing parent); null when it cannot be told. */
async function freeBytes(path: string): Promise<number | null> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}

/**
 * Failures that are the task's own outcome, whichever agent hit them: the build's error code is theirs,
 * not the failing phase's (a spent budget is not a failed test run).
 */
const CODES_NAMING_THE_FAILURE: ReadonlySet<string> = new Set(['budget_exceeded', 'disk_full']);

/**
 * Ends a task after a step failed for good: one `task.failed` event, committed against the inbound
 * event's inbox entry so it happens once however often the event is redelivered.
 */
export async function failTask(
  deps: StepDeps,
  agent: AgentDefinition,
  event: AgentEvent,
  reason: string,
  opts: { publish: boolean; cause?: AppError },
): Promise<void> {
  const task = await deps.state.getTask(event.task_id);
  if (!task) return;
  const now = deps.clock.now();
  const named = opts.cause && CODES_NAMING_THE_FAILURE.has(opts.cause.code) ? opts.cause : null;
  const failed = createEvent(
    {
      event_type: 'task.failed',
      payload: {
        phase: task.current_phase,
        reason,
        reasons: [reason],
        ...(named ? { code: named.code, ...(named.hint ? { hint: named.hint } : {}) } : {}),
      },
    },
    {
      event_id: deps.newId(),
      trace_id: task.trace_id,
      task_id: task.id,
      actor: agent.id,
      repo: event.repo,
      branch: event.branch,
      causation_id: event.event_id,
      timestamp: now.toISOString(),
    },
  );
  const previous = phaseTimingsOf(task)[agent.id];
  const patch = taskPatchFor([failed], now.toISOString());
  patch.metadata = {
    phases: {
      ...phaseTimingsOf(task),
      [agent.id]: { status: 'failed', duration_ms: previous?.duration_ms ?? 0, runs: (previous?.runs ?? 0) + 1 },
    },
  };
  const committed = await deps.state.commitStep({
    consumer: agent.id,
    inbound_event_id: event.event_id,
    task_id: task.id,
    events: [failed],
    task_patch: patch,
    publish: opts.publish,
  });
  if (committed === 'committed') deps.feed.emit({ type: 'event', event: failed });
}
