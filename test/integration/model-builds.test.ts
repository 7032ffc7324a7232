/**
 * Real builds through the runtime (embedded PGlite, sequential) and its HTTP API, with the model configured by the
 * environment (CATALYST_LLM_PROVIDER=openai-compatible and its base URL) pointing at the OpenAI-format
 * stand-in. Every model call becomes an llm_calls row and a live llm_call message; a repeated build costs
 * 0 tokens with every call a cache hit; a spent budget fails the task with budget_exceeded and the spend.
 *
 * The planner, architect and reviewer here ask their model one question before doing their usual work
 * (the wrapper below), so these tests hold whether or not those agents make model calls of their own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { PIPELINE_AGENTS } from '../../src/agents/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { FastifyInstance } from 'fastify';
import { ModelList } from '../../src/contracts/api.ts';
import { CostOverviewSchema, summarizeTaskCost, TaskCostSchema, type LlmCall, type ModelAgent } from '../../src/contracts/llm.ts';
import type { BuildResult, ServerMessage } from '../../src/contracts/messages.ts';
import type { AgentDefinition } from '../../src/core/agent.ts';
import type { Logger } from '../../src/core/logger.ts';
import { waitForTask } from '../../src/orchestrator/wait-for-task.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { buildServer } from '../../src/server/app.ts';
import { startStandin, type Standin } from '../support/llm-standins/standin-server.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

const ASKING: readonly string[] = ['planner', 'architect', 'reviewer'];

/** The agent as it is, after one structured question to its model about the task. */
function askingFirst(agent: AgentDefinition): AgentDefinition {
  if (!ASKING.includes(agent.id)) return agent;
  return {
    ...agent,
    async handle(event, ctx) {
      const model = ctx.models.for(agent.id as ModelAgent);
      assert.ok(model, `${agent.id} has a model`);
      await model.generateObject({
        system: `You are the ${agent.id} of a software factory.`,
        prompt: `Summarise this request in one line: ${ctx.task.user_prompt}`,
        schema: z.object({ summary: z.string() }),
        schemaName: 'summary',
      });
      return agent.handle(event, ctx);
    },
  };
}

const AGENTS = PIPELINE_AGENTS.map(askingFirst);

let standin: Standin;
let dir: string;

before(async () => {
  standin = await startStandin('openai');
  standin.respond(() => ({ reply: { object: { summary: 'a small records app' }, usage: { input: 120, cached: 20, output: 30 } } }));
  dir = mkdtempSync(join(tmpdir(), 'catalyst-model-builds-'));
});

after(async () => {
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A runtime over its own data folder, configured by the environment plus a file for prices and previews. */
async function runtimeIn(home: string): Promise<Runtime> {
  const file = join(dir, `${home}.yaml`);
  writeFileSync(
    file,
    [
      'preview: {mode: compose_only}',
      'agents:',
      '  tester: {run_e2e_tests: false, run_smoke_check: false}',
      // The coder's model sessions are tested with their own scripts (src/agents/coder, test/e2e/coder-sessions).
      '  coder: {llm: {provider: none}}',
      'llm:',
      '  prices: {standin-model: {input: 1, cached_input: 0.5, output: 2}}',
      'logging: {level: silent}',
    ].join('\n'),
  );
  const config = loadConfig({
    file,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CATALYST_HOME: join(dir, home),
      CATALYST_LLM_PROVIDER: 'openai-compatible',
      CATALYST_LLM_MODEL: 'standin-model',
      CATALYST_LLM_BASE_URL: standin.baseUrl,
      CATALYST_LLM_API_KEY: 'standin-secret-key-42',
    },
    cwd: dir,
  });
  return createRuntime(config, { detachedPreviews: false, agents: AGENTS, logger: quiet });
}

async function build(api: FastifyInstance, runtime: Runtime, body: Record<string, unknown>) {
  const live: ServerMessage[] = [];
  const off = runtime.feed.on((m) => {
    if (m.type === 'llm_call') live.push(m);
  });
  try {
    const res = await api.inject({ method: 'POST', url: '/api/tasks', payload: body });
    assert.equal(res.statusCode, 202, res.body);
    const task = await waitForTask(runtime.ports.state, runtime.feed, res.json().task_id);
    const result = (await api.inject({ url: `/api/tasks/${task.id}/result` })).json() as BuildResult;
    const costRes = await api.inject({ url: `/api/tasks/${task.id.slice(0, 8)}/cost` });
    assert.equal(costRes.statusCode, 200, costRes.body);
    const cost = TaskCostSchema.parse(costRes.json());
    return { task, result, cost, calls: await runtime.ports.state.listLlmCalls(task.id), live };
  } finally {
    off();
  }
}

const tokens = (calls: readonly LlmCall[]) => calls.reduce((n, c) => n + c.tokens_in + c.tokens_out, 0);

describe('builds with a model from the environment, through the API', () => {
  let runtime: Runtime;
  let api: FastifyInstance;
  before(async () => {
    runtime = await runtimeIn('home');
    api = await buildServer(runtime, { webDir: null });
  });
  after(async () => {
    await api?.close();
    await runtime?.close();
  });

  test('GET /api/models lists the model of each agent that has one, never the key', async () => {
    const res = await api.inject({ url: '/api/models' });
    assert.equal(res.statusCode, 200);
    const models = ModelList.parse(res.json());
    assert.deepEqual(
      models.map((m) => [m.agent, m.provider, m.model, m.base_url]),
      ['planner', 'architect', 'reviewer'].map((a) => [a, 'openai-compatible', 'standin-model', standin.baseUrl]),
    );
    assert.ok(!res.body.includes('standin-secret-key-42'));
  });

  test('each model call is an llm_calls row, a live llm_call message, and in the cost API', async () => {
    const { task, result, cost, calls, live } = await build(api, runtime, { prompt: 'build a todo app' });
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    const agents = new Set(calls.map((c) => c.agent));
    for (const agent of ['planner', 'architect', 'reviewer'] as const) assert.ok(agents.has(agent), `${agent} called its model`);
    assert.ok(!agents.has('coder'), 'the coder has no model here (agents.coder.llm.provider: none)');
    for (const c of calls) {
      assert.equal(c.task_id, task.id);
      assert.equal(c.provider, 'openai-compatible');
      assert.equal(c.model, 'standin-model');
      assert.equal(c.cache_hit, false);
    }
    const first = calls.find((c) => c.agent === 'planner')!;
    assert.deepEqual([first.tokens_in, first.tokens_cached, first.tokens_out], [120, 20, 30]);
    // 100 uncached at $1/M, 20 cached at $0.5/M, 30 out at $2/M.
    assert.equal(first.cost_usd, 0.00017);
    assert.deepEqual(
      live.map((m) => (m.type === 'llm_call' ? m.call.call_id : '')),
      calls.map((c) => c.call_id),
      'one live message per recorded call, in order',
    );
    assert.deepEqual(cost, summarizeTaskCost(task.id, calls));
    assert.equal(cost.total.calls, calls.length);
    assert.ok(cost.total.cost_usd > 0);
    assert.equal((await runtime.ports.state.getTask(task.id))?.cost_total, cost.total.cost_usd);
    const overview = CostOverviewSchema.parse((await api.inject({ url: '/api/cost' })).json());
    assert.deepEqual(overview.tasks.find((t) => t.task_id === task.id)?.total, cost.total);
    assert.equal(overview.per_model[0]?.model, 'standin-model');
    // The key went out as the bearer token and nowhere into the records.
    assert.equal(standin.requests.at(-1)?.headers.authorization, 'Bearer standin-secret-key-42');
    assert.ok(!JSON.stringify(calls).includes('standin-secret-key-42'));
  });

  test('the same request again costs 0 tokens: every call is a cache hit', async () => {
    const before = standin.requests.length;
    const { result, calls, cost } = await build(api, runtime, { prompt: 'build a todo app' });
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    assert.ok(calls.length >= 3);
    assert.ok(
      calls.every((c) => c.cache_hit),
      'every call answered from the cache',
    );
    assert.deepEqual([cost.total.tokens_in, cost.total.tokens_out, cost.total.cost_usd], [0, 0, 0]);
    assert.equal(cost.total.cache_hits, calls.length);
    assert.equal(standin.requests.length, before, 'the provider was not asked again');
  });

  test('a task budget from the request stops the task with budget_exceeded and the spend; no_cache asks afresh', async () => {
    const asked = standin.requests.length;
    // Cached answers cost nothing and are never refused, so without no_cache this build would sail through.
    const { task, result, calls } = await build(api, runtime, {
      prompt: 'build a todo app',
      budget: { max_tokens: 200 },
      no_cache: true,
    });
    assert.deepEqual(task.metadata.llm, { budget: { max_tokens: 200, max_usd: null }, no_cache: true });
    assert.equal(task.status, 'failed');
    assert.equal(result.error?.code, 'budget_exceeded');
    // The first call (150 tokens) fits; the next one (its agent's own request, or the next agent's) does not.
    assert.match(result.error?.message ?? '', /has spent 150 tokens/);
    assert.match(result.error?.hint ?? '', /budget/);
    assert.equal(calls[0]?.cache_hit, false, 'no_cache: the provider answered');
    const refused = calls.at(-1)!;
    assert.deepEqual([refused.status, refused.error_code, refused.tokens_in + refused.tokens_out], ['failed', 'budget_exceeded', 0]);
    assert.equal(tokens(calls), 150);
    assert.equal(standin.requests.length, asked + 1, 'the refused request never reached the provider');
    assert.equal(result.phases.find((p) => p.agent === refused.agent)?.runs, 1, 'a spent budget is not retried');
  });

  test('POST /api/tasks refuses a budget that is not a positive number', async () => {
    const res = await api.inject({ method: 'POST', url: '/api/tasks', payload: { prompt: 'build a todo app', budget: { max_usd: -1 } } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'invalid_request');
  });
});
