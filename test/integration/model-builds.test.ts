/**
 * Real builds through the runtime (embedded PGlite, sequential) with the model configured only by the
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
import type { LlmCall, ModelAgent } from '../../src/contracts/llm.ts';
import type { ServerMessage } from '../../src/contracts/messages.ts';
import type { AgentDefinition } from '../../src/core/agent.ts';
import type { Logger } from '../../src/core/logger.ts';
import { buildResultOf } from '../../src/orchestrator/build-result.ts';
import { waitForTask } from '../../src/orchestrator/wait-for-task.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
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
async function runtimeIn(home: string, extraYaml = ''): Promise<Runtime> {
  const file = join(dir, `${home}.yaml`);
  writeFileSync(
    file,
    [
      'preview: {mode: compose_only}',
      'agents:',
      '  tester: {run_e2e_tests: false}',
      'llm:',
      '  prices: {standin-model: {input: 1, cached_input: 0.5, output: 2}}',
      extraYaml,
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

async function build(runtime: Runtime, request: Record<string, unknown>) {
  const live: ServerMessage[] = [];
  const off = runtime.feed.on((m) => {
    if (m.type === 'llm_call') live.push(m);
  });
  try {
    const submitted = await runtime.submitBuild(request);
    const task = await waitForTask(runtime.ports.state, runtime.feed, submitted.id);
    return { task, result: await buildResultOf(runtime.ports, task), calls: await runtime.ports.state.listLlmCalls(task.id), live };
  } finally {
    off();
  }
}

const tokens = (calls: readonly LlmCall[]) => calls.reduce((n, c) => n + c.tokens_in + c.tokens_out, 0);

describe('builds with a model from the environment', () => {
  let runtime: Runtime;
  before(async () => {
    runtime = await runtimeIn('home');
  });
  after(async () => {
    await runtime?.close();
  });

  test('each model call is an llm_calls row, a live llm_call message and part of the cost overview', async () => {
    const { task, result, calls, live } = await build(runtime, { prompt: 'build a todo app' });
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    const agents = new Set(calls.map((c) => c.agent));
    for (const agent of ['planner', 'architect', 'reviewer'] as const) assert.ok(agents.has(agent), `${agent} called its model`);
    assert.ok(!agents.has('coder'), 'the coder calls no model in this release');
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
    const stored = await runtime.ports.state.getTask(task.id);
    assert.equal(stored?.cost_total, Math.round(calls.reduce((s, c) => s + c.cost_usd, 0) * 1e6) / 1e6);
    const overview = await runtime.ports.state.costOverview();
    const line = overview.tasks.find((t) => t.task_id === task.id);
    assert.equal(line?.total.calls, calls.length);
    assert.equal(line?.total.tokens_in + (line?.total.tokens_out ?? 0), tokens(calls));
    // The key went out as the bearer token and nowhere into the records.
    assert.equal(standin.requests.at(-1)?.headers.authorization, 'Bearer standin-secret-key-42');
    assert.ok(!JSON.stringify(calls).includes('standin-secret-key-42'));
  });

  test('the same request again costs 0 tokens: every call is a cache hit', async () => {
    const before = standin.requests.length;
    const { result, calls } = await build(runtime, { prompt: 'build a todo app' });
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    assert.ok(calls.length >= 3);
    assert.ok(
      calls.every((c) => c.cache_hit),
      'every call answered from the cache',
    );
    assert.equal(tokens(calls), 0);
    assert.equal(
      calls.reduce((s, c) => s + c.cost_usd, 0),
      0,
    );
    assert.equal(standin.requests.length, before, 'the provider was not asked again');
  });
});

describe('a budget', () => {
  test('a task that runs out of tokens fails with budget_exceeded, saying what it spent', async () => {
    // The first call (150 tokens) fits; the next one does not.
    const runtime = await runtimeIn('budget', 'budget: {max_tokens_per_task: 200}');
    const asked = standin.requests.length;
    try {
      const { task, result, calls } = await build(runtime, { prompt: 'build a recipe book with ingredients' });
      assert.equal(task.status, 'failed');
      assert.equal(result.error?.code, 'budget_exceeded');
      assert.match(result.error?.message ?? '', /has spent 150 tokens/);
      assert.match(result.error?.hint ?? '', /budget/);
      // Whichever agent asked next (the planner's own plan request, or the architect's), it was refused unsent.
      const refused = calls.at(-1)!;
      assert.deepEqual([refused.status, refused.error_code, refused.tokens_in + refused.tokens_out], ['failed', 'budget_exceeded', 0]);
      assert.equal(tokens(calls), 150);
      assert.equal(standin.requests.length, asked + 1, 'the refused request never reached the provider');
      assert.equal(result.phases.find((p) => p.agent === refused.agent)?.runs, 1, 'a spent budget is not retried');
    } finally {
      await runtime.close();
    }
  });
});
