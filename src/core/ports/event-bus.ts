import type { AgentEvent } from '../../contracts/events.ts';

/** A queue binding: a topic pattern (`*` one word, `#` zero or more) and an optional payload filter. */
export interface Binding {
  routingKey: string;
  /** Only events whose payload[field] equals one of the values are routed (spec §5.1 deployer filter). */
  where?: { field: string; equals: string };
}

export interface QueueSpec {
  name: string;
  bindings: Binding[];
}

export interface Delivery {
  event: AgentEvent;
  routingKey: string;
  /** Times the bus has delivered this message to this queue, starting at 1. */
  deliveryCount: number;
}

export type HandlerOutcome =
  { outcome: 'ack' } | { outcome: 'retry'; delayMs: number; reason: string } | { outcome: 'dead_letter'; reason: string };

export interface Subscription {
  /** Stops taking new messages and waits for in-flight handlers to finish. */
  close(): Promise<void>;
}

export interface DeadLetter {
  queue: string;
  event: AgentEvent;
  reason: string;
  deadLetteredAt: string;
}

/**
 * Topic routing on exchange `catalyst.events` with routing keys `catalyst.<event_type>` (spec §5.1).
 *
 * Guarantees every adapter keeps (test/conformance/event-bus.ts):
 * - `declare` is idempotent; messages published before a queue is declared are not delivered to it.
 * - An event is delivered to every declared queue with a matching binding (and passing filter), once
 *   per queue; within one queue, messages are handled in publish order when prefetch is 1.
 * - `publish` resolves only after the broker has accepted the message (publisher confirm).
 * - A handler that throws counts as `retry` with the default delay; `retry` redelivers to the same
 *   queue after the delay with deliveryCount + 1; `dead_letter` moves the message to the dead-letter
 *   queue with the reason. A queue never loses a message it accepted, except through an explicit ack.
 * - `subscribe` is a transient fan-out (UI/WebSocket): auto-deleted on close, never retried.
 */
export interface EventBus {
  readonly kind: 'in-process' | 'rabbitmq';
  declare(queues: QueueSpec[]): Promise<void>;
  publish(event: AgentEvent): Promise<void>;
  consume(queue: string, handler: (d: Delivery) => Promise<HandlerOutcome>, opts?: { prefetch?: number }): Promise<Subscription>;
  subscribe(pattern: string, handler: (event: AgentEvent) => void): Promise<Subscription>;
  deadLetters(): Promise<DeadLetter[]>;
  close(): Promise<void>;
}
