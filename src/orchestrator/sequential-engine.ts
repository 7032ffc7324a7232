/**
 * Sequential mode (spec §9.1): the agents' handlers are called directly, in the order their
 * subscriptions dictate, in this process. Events are still recorded (audit trail) but not published.
 *
 * Durable: the process running a task holds it by a lease (task-leases.ts). A task whose owner died
 * is claimed by a sweep (on start, then every sweep interval) and driven again from task.initiated:
 * each step that already committed is recognised by the inbox and hands on the events it recorded
 * then, so the drive continues from the last committed step, and the step that was interrupted runs
 * again with the same inbound event (its effects find their earlier results). A graceful stop hands
 * its tasks back instead of failing them.
 */
import { parseEvent, type AgentEvent } from '../contracts/events.ts';
import type { TaskRecord } from '../contracts/records.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';
import type { Engine, Submission } from './engine.ts';
import { cancelTask, failTask, redoProducerOf, runStep, subscribersOf, type StepDeps } from './step-runner.ts';
import { createTaskLeases, type RecoverySettings } from './task-leases.ts';
import { TERMINAL_STATUSES } from './task-state.ts';
import { waitForTask } from './wait-for-task.ts';

const TIMED_OUT = new Error('timeout');
const CANCELLED = new Error('cancelled');
/** A graceful stop: the task is handed back, not failed. */
const STOPPED = new Error('engine stopped');
/** Another process claimed the task (this one stalled past its lease): it is theirs now. */
const LOST = new Error('lease lost');

/** The events `agent`'s committed step for `event` recorded, in order (what a live run would have handed on). */
async function recordedOutput(deps: StepDeps, agent: AgentDefinition, event: AgentEvent): Promise<AgentEvent[]> {
  const stored = await deps.state.listEvents(event.task_id);
  return stored
    .filter((s) => s.actor === agent.id && s.envelope.causation_id === event.event_id)
    .map((s) => parseEvent(s.envelope))
    .filter((e) => agent.emits.includes(e.event_type));
}

export function createSequentialEngine(
  deps: StepDeps & { timeoutMs: number; retryDelayMs: number; recovery: RecoverySettings },
): Engine & { sweep(): Promise<string[]> } {
  const running = new Map<string, Promise<void>>();
  const controllers = new Map<string, AbortController>();
  const leases = createTaskLeases({ state: deps.state, logger: deps.logger, settings: deps.recovery });
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<string[]> | null = null;
  let stopped = false;

  async function drive(initial: AgentEvent, signal: AbortSignal): Promise<void> {
    const queue: AgentEvent[] = [initial];
    while (queue.length > 0) {
      const event = queue.shift()!;
      for (const agent of subscribersOf(deps.agents, event)) {
        const next = await settle(agent, event, signal);
        if (next === null) return;
        queue.push(...next);
      }
    }
  }

  /** Runs `agent`'s step on `event` to an outcome, retrying failed attempts: the events to go on with, or null when the drive ends. */
  async function settle(agent: AgentDefinition, event: AgentEvent, signal: AbortSignal): Promise<AgentEvent[] | null> {
    for (;;) {
      if (signal.aborted) return settleAborted(agent, event, signal.reason);
      const result = await runStep(deps, agent, event, { publish: false, signal });
      // An abort decides before the step's outcome: a stop mid-step is nobody's failure.
      if (signal.aborted && result.status === 'failed') {
        if (signal.reason === STOPPED) await deps.state.refundAttempt(agent.id, event.event_id);
        return settleAborted(agent, event, signal.reason);
      }
      if (result.status === 'committed') return result.emitted;
      // Committed before a restart: go on from what that step recorded.
      if (result.status === 'duplicate') return recordedOutput(deps, agent, event);
      if (result.status !== 'failed') return [];
      if (result.final) {
        // A corrupt artifact of an earlier step: that step runs again, and this one sees what it emits.
        const redo = await redoProducerOf(deps, agent, event, result.error, { publish: false });
        if (redo) return settle(redo.producer, redo.event, signal);
        await failTask(deps, agent, event, `${agent.id} failed after ${result.attempt} attempt(s): ${result.error.message}`, {
          publish: false,
          cause: result.error,
        });
        return null;
      }
      await new Promise((r) => setTimeout(r, deps.retryDelayMs * 2 ** (result.attempt - 1)));
    }
  }

  async function settleAborted(agent: AgentDefinition, event: AgentEvent, reason: unknown): Promise<null> {
    // Cancelled: the task row already says so. Stopped or lost: the next owner resumes it.
    if (reason === CANCELLED || reason === STOPPED || reason === LOST) return null;
    const why =
      reason === TIMED_OUT
        ? `timed out after ${Math.round(deps.timeoutMs / 1000)} s (orchestration.sequential.timeout_seconds)`
        : `interrupted: ${reason instanceof Error ? reason.message : String(reason)}`;
    await failTask(deps, agent, event, why, { publish: false });
    return null;
  }

  /** Runs a task this process holds, from `initial` (task.initiated); a task already running here is left alone. */
  function run(taskId: string, initial: AgentEvent): void {
    if (running.has(taskId) || stopped) return;
    const controller = new AbortController();
    controllers.set(taskId, controller);
    leases.track(taskId);
    const timer = setTimeout(() => controller.abort(TIMED_OUT), deps.timeoutMs);
    const done = drive(initial, controller.signal)
      .catch((e) => deps.logger.error({ err: e instanceof Error ? e.message : String(e), task_id: taskId }, 'sequential run crashed'))
      .finally(() => {
        clearTimeout(timer);
        controllers.delete(taskId);
        running.delete(taskId);
        if (!controller.signal.aborted || controller.signal.reason !== STOPPED) leases.untrack(taskId);
      });
    running.set(taskId, done);
  }

  async function initiatedOf(task: TaskRecord): Promise<AgentEvent | null> {
    const first = (await deps.state.listEvents(task.id)).find((e) => e.event_type === 'task.initiated');
    return first ? parseEvent(first.envelope) : null;
  }

  async function resumeHeld(task: TaskRecord): Promise<void> {
    const initial = await initiatedOf(task);
    if (!initial) {
      // Nothing to drive from: say so on the task rather than leave it running with nobody on it.
      await deps.state.updateTask(task.id, {
        status: 'failed',
        error: 'could not resume: the task has no task.initiated event',
        completed_at: deps.clock.now().toISOString(),
      });
      return;
    }
    const resumes = (task.metadata.resume as { count?: number } | undefined)?.count ?? 0;
    deps.logger.info({ task_id: task.id, phase: task.current_phase, resumes }, 'resuming a task after its owner stopped');
    run(task.id, initial);
  }

  async function sweepOnce(): Promise<string[]> {
    if (stopped) return [];
    const claimed = await deps.state.claimOwnerlessTasks(leases.lease, { mode: 'sequential', limit: 20 });
    for (const task of claimed) await resumeHeld(task);
    return claimed.map((t) => t.id);
  }

  function sweep(): Promise<string[]> {
    sweeping ??= sweepOnce()
      .catch((e: unknown) => {
        deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'sweep for ownerless tasks failed; will retry');
        return [];
      })
      .finally(() => {
        sweeping = null;
      });
    return sweeping;
  }

  return {
    mode: 'sequential',
    sweep,
    async start() {
      leases.start((taskId) => controllers.get(taskId)?.abort(LOST));
      if (!deps.recovery.resumeOwnerless) return;
      await sweep();
      sweepTimer = setInterval(() => void sweep(), deps.recovery.sweepMs);
      sweepTimer.unref();
    },
    async submit(submission: Submission): Promise<TaskRecord> {
      const task = await deps.state.createTask({ ...submission, event: submission.initiated, publish: false, owner: leases.lease });
      deps.feed.emit({ type: 'event', event: submission.initiated });
      run(task.id, submission.initiated);
      return task;
    },
    async resume(taskId) {
      const task = await deps.state.getTask(taskId);
      if (!task) throw new AppError('task_not_found', `no task with id ${taskId}`, { hint: 'List tasks to find a valid id.' });
      if (TERMINAL_STATUSES.has(task.status)) {
        throw new AppError('task_finished', `task ${task.id} is already ${task.status}`, {
          hint: 'only a queued or running task can be resumed; submit the build again for a new one',
          retryable: false,
        });
      }
      if (running.has(task.id)) return task;
      const held = await deps.state.claimTask(task.id, leases.lease);
      if (!held) {
        throw new AppError('task_owned', `task ${task.id} is being run by another Catalyst process`, {
          hint: 'wait for it, or stop that process: its tasks are resumed by the next one to start',
          retryable: true,
        });
      }
      await resumeHeld(held);
      return held;
    },
    async waitFor(taskId, signal) {
      await running.get(taskId);
      return waitForTask(deps.state, deps.feed, taskId, signal);
    },
    async cancel(taskId) {
      const cancelled = await cancelTask(deps.state, taskId, deps.clock.now().toISOString());
      controllers.get(taskId)?.abort(CANCELLED);
      await running.get(taskId);
      await deps
        .onCancelled?.(taskId)
        .catch((e: unknown) => deps.logger.warn({ task_id: taskId, err: String(e) }, 'clean-up after cancel failed'));
      return (await deps.state.getTask(taskId)) ?? cancelled;
    },
    async stop() {
      stopped = true;
      clearInterval(sweepTimer);
      await sweeping;
      for (const c of controllers.values()) c.abort(STOPPED);
      await Promise.allSettled([...running.values()]);
      // Handed back, not failed: whichever Catalyst process starts next on this store resumes them.
      await leases.releaseAll();
    },
  };
}
