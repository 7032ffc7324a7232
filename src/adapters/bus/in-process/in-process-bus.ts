/**
 * The embedded event bus: the same topic routing, retry and dead-letter behaviour as the RabbitMQ
 * adapter (spec §5.1, ARCHITECTURE.md §1), so event-driven mode runs in one process without a broker.
 * Messages live in memory only; durability across restarts is the outbox's job, not the bus's.
 */
import { DEAD_LETTER_QUEUE, routingKeyFor, type AgentEvent } from '../../../contracts/events.ts';
import { AppError } from '../../../core/errors.ts';
import { systemClock, type Clock } from '../../../core/clock.ts';
import type { Binding, DeadLetter, Delivery, EventBus, HandlerOutcome, QueueSpec, Subscription } from '../../../core/ports/event-bus.ts';
import { bindingMatches, isHandlerOutcome, sameBinding, topicMatches } from '../../../core/routing.ts';

export interface InProcessBusOptions {
  /** Deliveries per message per queue before the bus dead-letters it whatever the handler says. */
  maxDeliveries?: number;
  /** Delay before redelivering a message whose handler threw. */
  retryDelayMs?: number;
  clock?: Clock;
}

export const DEFAULT_MAX_DELIVERIES = 3;
export const DEFAULT_RETRY_DELAY_MS = 100;

interface Message {
  event: AgentEvent;
  routingKey: string;
  deliveryCount: number;
}

type Handler = (d: Delivery) => Promise<HandlerOutcome>;

interface Consumer {
  handler: Handler;
  prefetch: number;
  inFlight: Set<Promise<void>>;
  open: boolean;
}

interface Queue {
  name: string;
  bindings: Binding[];
  ready: Message[];
  consumers: Consumer[];
  /** Round-robin cursor so several consumers of one queue share its messages. */
  nextConsumer: number;
}

interface Listener {
  pattern: string;
  handler: (event: AgentEvent) => void;
}

export function createInProcessBus(opts: InProcessBusOptions = {}): EventBus {
  const maxDeliveries = opts.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  const retryDelayMs = opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const clock = opts.clock ?? systemClock;
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
    throw new AppError('invalid_option', `maxDeliveries must be a positive integer, got ${maxDeliveries}`);
  }

  const queues = new Map<string, Queue>();
  const listeners = new Set<Listener>();
  const deadLetters: DeadLetter[] = [];
  const retryTimers = new Set<NodeJS.Timeout>();
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new AppError('service_unavailable', 'the in-process event bus is closed', { retryable: false });
  }

  function routes(queue: Queue, event: AgentEvent, routingKey: string): boolean {
    return queue.bindings.some((b) => bindingMatches(b, routingKey, event));
  }

  function deadLetter(queue: string, message: Message, reason: string): void {
    deadLetters.push({ queue, event: message.event, reason, deadLetteredAt: clock.now().toISOString() });
  }

  function dispatch(queue: Queue): void {
    if (closed) return;
    while (queue.ready.length > 0) {
      const consumer = pickConsumer(queue);
      if (!consumer) return;
      const message = queue.ready.shift() as Message;
      deliver(queue, consumer, message);
    }
  }

  function deliver(queue: Queue, consumer: Consumer, message: Message): void {
    message.deliveryCount += 1;
    const delivery: Delivery = {
      // Each delivery gets its own copy, as a broker would deserialise one: a handler that mutates
      // its event cannot change what a retry or another queue sees.
      event: structuredClone(message.event),
      routingKey: message.routingKey,
      deliveryCount: message.deliveryCount,
    };
    const run = runHandler(consumer.handler, delivery).then((outcome) => {
      settle(queue, message, outcome);
      consumer.inFlight.delete(run);
      dispatch(queue);
    });
    consumer.inFlight.add(run);
  }

  function settle(queue: Queue, message: Message, outcome: HandlerOutcome): void {
    if (outcome.outcome === 'ack') return;
    if (outcome.outcome === 'dead_letter') {
      deadLetter(queue.name, message, outcome.reason);
      return;
    }
    if (message.deliveryCount >= maxDeliveries) {
      deadLetter(queue.name, message, `gave up after ${message.deliveryCount} deliveries: ${outcome.reason}`);
      return;
    }
    if (closed) {
      // No timer may outlive close(); the message stays queued like any other undelivered one.
      queue.ready.push(message);
      return;
    }
    const timer = setTimeout(
      () => {
        retryTimers.delete(timer);
        queue.ready.push(message);
        dispatch(queue);
      },
      Math.max(0, outcome.delayMs),
    );
    retryTimers.add(timer);
  }

  async function runHandler(handler: Handler, delivery: Delivery): Promise<HandlerOutcome> {
    try {
      const outcome = await handler(delivery);
      if (isHandlerOutcome(outcome)) return outcome;
      return { outcome: 'retry', delayMs: retryDelayMs, reason: `handler returned no outcome: ${JSON.stringify(outcome)}` };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      return { outcome: 'retry', delayMs: retryDelayMs, reason: `handler threw: ${reason}` };
    }
  }

  function fanOut(event: AgentEvent, routingKey: string): void {
    for (const listener of listeners) {
      if (!topicMatches(listener.pattern, routingKey)) continue;
      const copy = structuredClone(event);
      // A listener is a UI socket: its failure must never reach the publisher or other listeners.
      queueMicrotask(() => {
        try {
          const result: unknown = listener.handler(copy);
          if (result instanceof Promise) result.catch(() => undefined);
        } catch {
          /* isolated on purpose */
        }
      });
    }
  }

  return {
    kind: 'in-process',

    async declare(specs: QueueSpec[]): Promise<void> {
      assertOpen();
      for (const spec of specs) {
        if (spec.name === DEAD_LETTER_QUEUE) {
          throw new AppError('invalid_option', `queue name ${DEAD_LETTER_QUEUE} is reserved for dead letters`);
        }
        const existing = queues.get(spec.name);
        if (existing) {
          // Redeclaring adds bindings, as queue.bind does on a broker; it never drops messages.
          for (const b of spec.bindings) {
            if (!existing.bindings.some((x) => sameBinding(x, b))) existing.bindings.push({ ...b });
          }
        } else {
          queues.set(spec.name, {
            name: spec.name,
            bindings: spec.bindings.map((b) => ({ ...b })),
            ready: [],
            consumers: [],
            nextConsumer: 0,
          });
        }
      }
    },

    async publish(event: AgentEvent): Promise<void> {
      assertOpen();
      const routingKey = routingKeyFor(event.event_type);
      const targets = [...queues.values()].filter((q) => routes(q, event, routingKey));
      for (const queue of targets) {
        queue.ready.push({ event: structuredClone(event), routingKey, deliveryCount: 0 });
      }
      fanOut(event, routingKey);
      // Handlers start on a later turn so publish never runs consumer code on the caller's stack.
      queueMicrotask(() => targets.forEach(dispatch));
    },

    async consume(queueName, handler, consumeOpts = {}): Promise<Subscription> {
      assertOpen();
      const queue = queues.get(queueName);
      if (!queue) {
        throw new AppError('invalid_option', `queue ${queueName} is not declared`, {
          hint: 'call declare() with the queue and its bindings before consuming from it',
        });
      }
      const prefetch = consumeOpts.prefetch ?? 1;
      if (!Number.isInteger(prefetch) || prefetch < 1) {
        throw new AppError('invalid_option', `prefetch must be a positive integer, got ${prefetch}`);
      }
      const consumer: Consumer = { handler, prefetch, inFlight: new Set(), open: true };
      queue.consumers.push(consumer);
      queueMicrotask(() => dispatch(queue));
      return {
        async close() {
          consumer.open = false;
          queue.consumers = queue.consumers.filter((c) => c !== consumer);
          await drain(consumer);
        },
      };
    },

    async subscribe(pattern, handler): Promise<Subscription> {
      assertOpen();
      const listener: Listener = { pattern, handler };
      listeners.add(listener);
      return {
        async close() {
          listeners.delete(listener);
        },
      };
    },

    async deadLetters(): Promise<DeadLetter[]> {
      return deadLetters.map((d) => ({ ...d, event: structuredClone(d.event) }));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      listeners.clear();
      const consumers = [...queues.values()].flatMap((q) => q.consumers);
      for (const c of consumers) c.open = false;
      await Promise.all(consumers.map(drain));
    },
  };
}

async function drain(consumer: Consumer): Promise<void> {
  while (consumer.inFlight.size > 0) await Promise.all([...consumer.inFlight]);
}

function pickConsumer(queue: Queue): Consumer | undefined {
  const n = queue.consumers.length;
  for (let i = 0; i < n; i++) {
    const index = (queue.nextConsumer + i) % n;
    const c = queue.consumers[index];
    if (c && c.open && c.inFlight.size < c.prefetch) {
      queue.nextConsumer = (index + 1) % n;
      return c;
    }
  }
  return undefined;
}
