import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describeEventBus } from '../../../../test/conformance/event-bus.ts';
import { RABBITMQ_URL, closeConnectionsNamed, deleteTopology, testPrefix } from '../../../../test/support/rabbitmq.ts';
import { createEvent } from '../../../contracts/events.ts';
import { AppError } from '../../../core/errors.ts';
import { openRabbitBus, type RabbitBus } from './rabbitmq-bus.ts';

// One prefix for the whole file: every exchange and queue is private to this run and deleted after it.
const prefix = testPrefix('bus');
const opened: RabbitBus[] = [];
after(async () => {
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  for (const bus of opened) {
    const n = bus.declaredNames();
    n.exchanges.forEach((x) => exchanges.add(x));
    n.queues.forEach((q) => queues.add(q));
  }
  await deleteTopology({ exchanges, queues });
});

async function open(o: { maxDeliveries: number; retryDelayMs: number }): Promise<RabbitBus> {
  const bus = await openRabbitBus({ url: RABBITMQ_URL, prefix, ...o });
  opened.push(bus);
  return bus;
}

describeEventBus('rabbitmq', open);

function sampleEvent() {
  return createEvent(
    { event_type: 'task.failed', payload: { phase: 'coding', reason: 'x', reasons: [] } },
    {
      trace_id: randomUUID(),
      task_id: randomUUID(),
      actor: 'orchestrator',
      repo: 'r',
      branch: 'main',
      causation_id: null,
      event_id: randomUUID(),
      timestamp: new Date().toISOString(),
    },
  );
}

describe('rabbitmq bus specifics', () => {
  test('an unreachable broker is refused with a hint naming RABBITMQ_URL', async () => {
    await assert.rejects(
      openRabbitBus({ url: 'amqp://guest:guest@127.0.0.1:1', prefix }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'service_unavailable' && /RABBITMQ_URL/.test(e.hint ?? ''),
    );
  });

  test('declaring the reserved dead-letter queue name is refused', async () => {
    const bus = await open({ maxDeliveries: 3, retryDelayMs: 10 });
    try {
      await assert.rejects(
        bus.declare([{ name: 'failed-events', bindings: [] }]),
        (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
      );
    } finally {
      await bus.close();
    }
  });

  test('a closed bus refuses to publish instead of dropping the event silently', async () => {
    const bus = await open({ maxDeliveries: 3, retryDelayMs: 10 });
    await bus.close();
    await assert.rejects(bus.publish(sampleEvent()), (e: unknown) => AppError.isInstance(e) && e.code === 'service_unavailable');
  });

  test('messages survive in the durable queue while no consumer runs, and a second bus instance picks them up', async () => {
    const first = await open({ maxDeliveries: 3, retryDelayMs: 10 });
    const queue = `durable-${randomUUID().slice(0, 8)}`;
    const event = sampleEvent();
    await first.declare([{ name: queue, bindings: [{ routingKey: 'catalyst.task.failed' }] }]);
    await first.publish(event);
    await first.close();
    const second = await open({ maxDeliveries: 3, retryDelayMs: 10 });
    try {
      await second.declare([{ name: queue, bindings: [{ routingKey: 'catalyst.task.failed' }] }]);
      const got = await new Promise<string>((resolve) => {
        void second.consume(queue, async (d) => {
          if (d.event.event_id === event.event_id) resolve(d.event.event_id);
          return { outcome: 'ack' };
        });
      });
      assert.equal(got, event.event_id);
    } finally {
      await second.close();
    }
  });

  test(
    'after the broker force-closes the connection, consumers and listeners resume and publish still works',
    { timeout: 90_000 },
    async () => {
      const name = `reconnect ${prefix}${randomUUID().slice(0, 8)}`;
      const bus = await openRabbitBus({ url: RABBITMQ_URL, prefix, connectionName: name, reconnectMinMs: 50 });
      opened.push(bus);
      try {
        const queue = `resume-${randomUUID().slice(0, 8)}`;
        await bus.declare([{ name: queue, bindings: [{ routingKey: 'catalyst.task.failed' }] }]);
        const consumed = new Set<string>();
        const heard = new Set<string>();
        await bus.consume(queue, async (d) => {
          consumed.add(d.event.event_id);
          return { outcome: 'ack' };
        });
        await bus.subscribe('catalyst.task.*', (e) => void heard.add(e.event_id));
        const before = sampleEvent();
        await bus.publish(before);
        await waitUntil(() => consumed.has(before.event_id) && heard.has(before.event_id));
        assert.equal(await closeConnectionsNamed(name), 1);
        const afterClose = sampleEvent();
        await bus.publish(afterClose); // waits for the reconnect instead of failing
        await waitUntil(() => consumed.has(afterClose.event_id) && heard.has(afterClose.event_id));
        assert.equal(bus.connectionCount(), 2);
      } finally {
        await bus.close();
      }
    },
  );
});

async function waitUntil(cond: () => boolean, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
