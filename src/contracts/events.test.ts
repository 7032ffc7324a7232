import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEvent, parseEvent, routingKeyFor } from './events.ts';

const ctx = {
  event_id: '11111111-1111-4111-8111-111111111111',
  trace_id: '22222222-2222-4222-8222-222222222222',
  task_id: '33333333-3333-4333-8333-333333333333',
  actor: 'reviewer' as const,
  repo: 'catalyst-generated/todo-app',
  branch: 'feature/task-33333333',
  causation_id: null,
  timestamp: '2026-11-25T12:00:00.000Z',
};

const decision = {
  decision: 'approved' as const,
  score: 92,
  blocking_issues: 0,
  recommendations: 2,
  items: [],
  artifacts: [],
  repair_round: 0,
};

test('createEvent fills the v1 envelope and round-trips through parseEvent', () => {
  const e = createEvent({ event_type: 'review.decision', payload: decision }, ctx);
  assert.equal(e.version, 'v1');
  assert.equal(routingKeyFor(e.event_type), 'catalyst.review.decision');
  assert.deepEqual(parseEvent(JSON.parse(JSON.stringify(e))), e);
});

test('a payload that breaks its schema is refused, naming the field', () => {
  assert.throws(
    () => createEvent({ event_type: 'review.decision', payload: { ...decision, decision: 'maybe' as 'approved' } }, ctx),
    /decision/,
  );
});

test('unknown envelope versions are rejected with a clear message, not half-read', () => {
  const e = createEvent({ event_type: 'review.decision', payload: decision }, ctx);
  assert.throws(() => parseEvent({ ...e, version: 'v2' }), /unsupported event version "v2"; this build reads v1/);
});
