/**
 * Event-driven mode (spec §5, §9.1): the orchestrator only records `task.initiated` (with an outbox
 * row); the relay publishes it and each agent consumes its own queue. Attempts are counted in the
 * state store, so "dead-letter after N tries" holds across restarts and transports.
 *
 * Durable: the worker a step's event is delivered to holds the task's lease while the step runs, and
 * leaves it to run out after the step, which is the time the next step's worker has to take it. A task
 * whose lease ran out has nobody on it: its next event was lost on the way (a relay or broker that died
 * with it, a purged queue) or its worker died and nobody redelivered. The sweep (in processes that run
 * the relay) claims such tasks and puts their unconsumed events back in the outbox; the consumers'
 * inboxes make a second copy of an event that was in fact still queued harmless.
 */
import type { QueueSpec, Subscription, EventBus, HandlerOutcome, Delivery } from '../core/ports/event-bus.ts';
import { parseEvent, type AgentEvent } from '../contracts/events.ts';
import type { TaskRecord } from '../contracts/records.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';
import type { Engine, Submission } from './engine.ts';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay.ts';
import { cancelTask, failTask, redoProducerOf, runStep, subscribersOf, type StepDeps } from './step-runner.ts';
import { createTaskLeases, type RecoverySettings } from './task-leases.ts';
import { TERMINAL_STATUSES } from './task-state.ts';
import { waitForTask } from './wait-for-task.ts';

export function queueNameOf(agent: Pick<AgentDefinition, 'id'>): string {
  return `${agent.id}-queue`;
}

export function queuesFor(agents: readonly AgentDefinition[]): QueueSpec[] {
  return agents.map((a) => ({ name: queueNameOf(a), bindings: a.consumes }));
}

export interface EventDrivenOptions {
  bus: EventBus;
  /** Which agents this process consumes for (a worker may run a subset); the relay runs when true. */
  consumeFor: readonly AgentDefinition[];
  runRelay: boolean;
  prefetch: number;
  retryDelayMs: number;
  stepTimeoutMs: number;
  recovery: RecoverySettings;
}

export function createEventDrivenEngine(
  deps: StepDeps & EventDrivenOptions,
): Engine & { relay: OutboxRelay | null; sweep(): Promise<string[]> } {
  const subscriptions: Subscription[] = [];
  const relay = deps.runRelay ? createOutboxRelay({ state: deps.state, bus: deps.bus, logger: deps.logger }) : null;
  const leases = createTaskLeases({ state: deps.state, logger: deps.logger, settings: deps.recovery });
  /** Steps running in this process, by task: a cancel here aborts them at once (others poll the row). */
  const inFlight = new Map<string, Set<AbortController>>();
  /** Tasks this process claimed by a sweep and republished, until a worker takes them (or the hold runs out). */
  const republished = new Map<string, NodeJS.Timeout>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<string[]> | null = null;
  let stopped = false;

  async function handle(agent: AgentDefinition, delivery: Delivery): Promise<HandlerOutcome> {
    const taskId = delivery.event.task_id;
    const local = new AbortController();
    const steps = inFlight.get(taskId) ?? new Set<AbortController>();
    inFlight.set(taskId, steps.add(local));
    const signal = AbortSignal.any([AbortSignal.timeout(deps.stepTimeoutMs), local.signal]);
    let result: Awaited<ReturnType<typeof runStep>>;
    try {
      // A failed hold does not stop the step: the delivery is what carries the task; the lease only says someone is on it.
      if (await deps.state.holdTask(taskId, leases.lease).catch(() => false)) leases.track(taskId);
      // Taken up again: the sweep's hold on it (when this process republished it) is over.
      clearTimeout(republished.get(taskId));
      republished.delete(taskId);
      result = await runStep(deps, agent, delivery.event, { publish: true, signal });
    } finally {
      steps.delete(local);
      if (steps.size === 0) {
        inFlight.delete(taskId);
        if (!republished.has(taskId)) leases.untrack(taskId);
      }
    }
    if (result.status !== 'failed') {
      relay?.kick();
      return { outcome: 'ack' };
    }
    if (!result.final) {
      return { outcome: 'retry', delayMs: deps.retryDelayMs * 2 ** (result.attempt - 1), reason: result.error.message };
    }
    // A corrupt artifact of an earlier step: its event goes out again for that step to redo; this delivery is done.
    if (await redoProducerOf(deps, agent, delivery.event, result.error, { publish: true })) {
      relay?.kick();
      return { outcome: 'ack' };
    }
    const reason = `${agent.id} failed after ${result.attempt} attempt(s): ${result.error.message}`;
    await failTask(deps, agent, delivery.event, reason, { publish: true, cause: result.error });
    await deps.state.markDeadLettered(agent.id, delivery.event.event_id, reason);
    relay?.kick();
    return { outcome: 'dead_letter', reason };
  }

  /** The task's events some subscriber has not consumed (nor dead-lettered), oldest first. */
  async function unconsumed(taskId: string): Promise<AgentEvent[]> {
    const done = new Set(
      (await deps.state.listInbox(taskId)).filter((e) => e.status !== 'in_progress').map((e) => `${e.consumer}\u0000${e.event_id}`),
    );
    const events = (await deps.state.listEvents(taskId)).map((s) => parseEvent(s.envelope));
    return events.filter((e) => subscribersOf(deps.agents, e).some((a) => !done.has(`${a.id}\u0000${e.event_id}`)));
  }

  /**
   * Puts a claimed task's unconsumed events back on their way. The task stays this process's (renewed)
   * for a while so the next sweep does not queue another copy while the first is still in a queue;
   * the worker that gets it takes the task over, and if none does within the hold, the lease runs out
   * and a later sweep publishes it again.
   */
  async function republish(task: TaskRecord): Promise<void> {
    const events = await unconsumed(task.id);
    if (events.length === 0) {
      // Every event consumed and still running: no step will ever end it. Say so instead of leaving it running.
      await deps.state.updateTask(task.id, {
        status: 'failed',
        error: 'could not resume: every event of the task was consumed, yet it never ended',
        completed_at: deps.clock.now().toISOString(),
      });
      return;
    }
    deps.logger.info(
      {
        task_id: task.id,
        events: events.map((e) => e.event_type),
        resumes: (task.metadata.resume as { count?: number } | undefined)?.count ?? 0,
      },
      'republishing the unconsumed events of a task nobody was working on',
    );
    await deps.state.requeueEvents(events);
    leases.track(task.id);
    clearTimeout(republished.get(task.id));
    const hold = setTimeout(
      () => {
        republished.delete(task.id);
        if (!inFlight.has(task.id)) leases.untrack(task.id);
      },
      Math.max(4 * deps.recovery.leaseMs, 60_000),
    );
    hold.unref();
    republished.set(task.id, hold);
    relay?.kick();
  }

  async function sweepOnce(): Promise<string[]> {
    if (stopped) return [];
    const claimed = await deps.state.claimOwnerlessTasks(leases.lease, { mode: 'event_driven', limit: 20 });
    for (const task of claimed) await republish(task);
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
    mode: 'event_driven',
    relay,
    sweep,
    async start() {
      await deps.bus.declare(queuesFor(deps.agents));
      for (const agent of deps.consumeFor) {
        subscriptions.push(await deps.bus.consume(queueNameOf(agent), (d) => handle(agent, d), { prefetch: deps.prefetch }));
      }
      relay?.start();
      leases.start(() => undefined);
      // Only a process that publishes can put a task back on its way.
      if (!relay || !deps.recovery.resumeOwnerless) return;
      await sweep();
      sweepTimer = setInterval(() => void sweep(), deps.recovery.sweepMs);
      sweepTimer.unref();
    },
    async submit(submission: Submission) {
      // Held (not renewed) by the submitter until the planner's worker takes it: not ownerless meanwhile.
      const task = await deps.state.createTask({ ...submission, event: submission.initiated, publish: true, owner: leases.lease });
      deps.feed.emit({ type: 'event', event: submission.initiated });
      relay?.kick();
      return task;
    },
    waitFor(taskId, signal) {
      return waitForTask(deps.state, deps.feed, taskId, signal);
    },
    async cancel(taskId) {
      const cancelled = await cancelTask(deps.state, taskId, deps.clock.now().toISOString());
      for (const c of inFlight.get(taskId) ?? []) c.abort(new Error('cancelled'));
      // A preview started before the cancel landed is stopped here; one a remote deployer is still
      // starting is stopped by that worker when its step sees the cancel.
      await deps
        .onCancelled?.(taskId)
        .catch((e: unknown) => deps.logger.warn({ task_id: taskId, err: String(e) }, 'clean-up after cancel failed'));
      return cancelled;
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
      const held = await deps.state.claimTask(task.id, leases.lease);
      if (!held) {
        throw new AppError('task_owned', `task ${task.id} is being worked on by a Catalyst worker`, {
          hint: 'its next event is on its way; a task nobody works on for orchestration.recovery.lease_seconds is resumed by the next sweep',
          retryable: true,
        });
      }
      await republish(held);
      return held;
    },
    async stop() {
      stopped = true;
      clearInterval(sweepTimer);
      await sweeping;
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await relay?.stop();
      for (const timer of republished.values()) clearTimeout(timer);
      republished.clear();
      await leases.releaseAll();
    },
  };
}
