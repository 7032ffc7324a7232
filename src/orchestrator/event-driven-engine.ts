/**
 * Event-driven mode (spec §5, §9.1): the orchestrator only records `task.initiated` (with an outbox
 * row); the relay publishes it and each agent consumes its own queue. Attempts are counted in the
 * state store, so "dead-letter after N tries" holds across restarts and transports.
 */
import type { QueueSpec, Subscription, EventBus, HandlerOutcome, Delivery } from '../core/ports/event-bus.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';
import type { Engine, Submission } from './engine.ts';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay.ts';
import { cancelTask, failTask, redoProducerOf, runStep, type StepDeps } from './step-runner.ts';
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
}

export function createEventDrivenEngine(deps: StepDeps & EventDrivenOptions): Engine & { relay: OutboxRelay | null } {
  const subscriptions: Subscription[] = [];
  const relay = deps.runRelay ? createOutboxRelay({ state: deps.state, bus: deps.bus, logger: deps.logger }) : null;
  /** Steps running in this process, by task: a cancel here aborts them at once (others poll the row). */
  const inFlight = new Map<string, Set<AbortController>>();

  async function handle(agent: AgentDefinition, delivery: Delivery): Promise<HandlerOutcome> {
    const taskId = delivery.event.task_id;
    const local = new AbortController();
    const steps = inFlight.get(taskId) ?? new Set<AbortController>();
    inFlight.set(taskId, steps.add(local));
    const signal = AbortSignal.any([AbortSignal.timeout(deps.stepTimeoutMs), local.signal]);
    let result: Awaited<ReturnType<typeof runStep>>;
    try {
      result = await runStep(deps, agent, delivery.event, { publish: true, signal });
    } finally {
      steps.delete(local);
      if (steps.size === 0) inFlight.delete(taskId);
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

  return {
    mode: 'event_driven',
    relay,
    async start() {
      await deps.bus.declare(queuesFor(deps.agents));
      for (const agent of deps.consumeFor) {
        subscriptions.push(await deps.bus.consume(queueNameOf(agent), (d) => handle(agent, d), { prefetch: deps.prefetch }));
      }
      relay?.start();
    },
    async submit(submission: Submission) {
      const task = await deps.state.createTask({ ...submission, event: submission.initiated, publish: true });
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
      // Event-driven tasks are carried by their queued events, not by an owning process (yet).
      throw new AppError('not_implemented', `task ${taskId} runs in event-driven mode, which resumes through its queues`, {
        hint: 'workers pick up its queued events when they start',
      });
    },
    async stop() {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await relay?.stop();
    },
  };
}
