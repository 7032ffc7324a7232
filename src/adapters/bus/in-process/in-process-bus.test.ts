import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEventBus } from '../../../../test/conformance/event-bus.ts';
import { AppError } from '../../../core/errors.ts';
import { createInProcessBus } from './in-process-bus.ts';

describeEventBus('in-process', (opts) => createInProcessBus(opts));

describe('in-process bus specifics', () => {
  test('consuming an undeclared queue is refused with a hint', async () => {
    const bus = createInProcessBus();
    try {
      await assert.rejects(
        bus.consume('nobody-declared-me', async () => ({ outcome: 'ack' })),
        (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option' && /declare/.test(e.hint ?? ''),
      );
    } finally {
      await bus.close();
    }
  });

  test('a closed bus refuses to publish instead of dropping the event silently', async () => {
    const bus = createInProcessBus();
    await bus.close();
    const { createEvent } = await import('../../../contracts/events.ts');
    const event = createEvent(
      { event_type: 'task.failed', payload: { phase: 'coding', reason: 'x', reasons: [] } },
      {
        trace_id: crypto.randomUUID(),
        task_id: crypto.randomUUID(),
        actor: 'orchestrator',
        repo: 'r',
        branch: 'main',
        causation_id: null,
        event_id: crypto.randomUUID(),
        timestamp: new Date().toISOString(),
      },
    );
    await assert.rejects(bus.publish(event), (e: unknown) => AppError.isInstance(e) && e.code === 'service_unavailable');
  });
});
