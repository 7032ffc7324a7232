import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LlmCallSchema, TaskCostSchema, summarizeTaskCost, type LlmCall } from './llm.ts';

function call(over: Partial<LlmCall>): LlmCall {
  return LlmCallSchema.parse({
    call_id: 'c',
    task_id: 't1',
    agent: 'planner',
    provider: 'openai',
    model: 'gpt-4o-mini',
    started_at: '2026-12-06T21:00:00.000Z',
    duration_ms: 12.5,
    tokens_in: 0,
    tokens_cached: 0,
    tokens_out: 0,
    cost_usd: 0,
    cache_hit: false,
    status: 'ok',
    error_code: null,
    ...over,
  });
}

test('task cost sums calls per agent and overall, without floating-point drift', () => {
  const cost = summarizeTaskCost('t1', [
    call({ tokens_in: 1000, tokens_cached: 200, tokens_out: 100, cost_usd: 0.1 }),
    call({ tokens_in: 500, tokens_out: 50, cost_usd: 0.2 }),
    call({ agent: 'reviewer', provider: 'anthropic', model: 'claude-sonnet-4-5', cache_hit: true }),
    call({ agent: 'reviewer', status: 'failed', error_code: 'llm_unavailable' }),
  ]);
  TaskCostSchema.parse(cost);
  assert.deepEqual(cost.per_agent.planner, {
    calls: 2,
    cache_hits: 0,
    failed: 0,
    tokens_in: 1500,
    tokens_cached: 200,
    tokens_out: 150,
    cost_usd: 0.3,
  });
  assert.deepEqual(cost.per_agent.reviewer, {
    calls: 2,
    cache_hits: 1,
    failed: 1,
    tokens_in: 0,
    tokens_cached: 0,
    tokens_out: 0,
    cost_usd: 0,
  });
  assert.equal(cost.per_agent.coder, undefined);
  assert.equal(cost.total.cost_usd, 0.3, '0.1 + 0.2 is 0.3 here, not 0.30000000000000004');
  assert.equal(cost.total.calls, 4);
});

test('a call record rejects unknown agents, negative tokens and unknown error codes', () => {
  assert.throws(() => call({ agent: 'tester' as never }));
  assert.throws(() => call({ tokens_in: -1 }));
  assert.throws(() => call({ error_code: 'llm_exploded' as never }));
});
