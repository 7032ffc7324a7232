import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { createMemoryCache } from '../cache/memory/memory-cache.ts';
import { BUILT_IN_PRICES } from '../../config/model-prices.ts';
import { LlmCallSchema, type LlmCall, type ModelAgent } from '../../contracts/llm.ts';
import { AppError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { AgentModel, AgentModelChain, LanguageModels } from '../../core/ports/llm.ts';
import { startStandin, type Standin, type Wire } from '../../../test/support/llm-standins/standin-server.ts';
import { createLanguageModels, type LanguageModelsOptions } from './language-models.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const KEY = 'sk-standin-secret-0123456789abcdef';

const Plan = z.object({ app: z.string(), features: z.array(z.string()).min(1) });
const plan = { app: 'Todo', features: ['add todo', 'complete todo'] };

function modelOn(s: Standin, model: string, over: Partial<AgentModel> = {}): AgentModel {
  const provider = s.wire === 'ollama' ? 'openai-compatible' : s.wire;
  return { provider, model, baseUrl: s.baseUrl, apiKey: KEY, temperature: null, maxOutputTokens: null, ...over };
}

function chain(primary: AgentModel, over: Partial<AgentModelChain> = {}): AgentModelChain {
  return { primary, fallbacks: [], timeoutMs: 30_000, maxRetries: 2, ...over };
}

function models(c: AgentModelChain | null, only: ModelAgent = 'planner'): Record<ModelAgent, AgentModelChain | null> {
  return { planner: null, architect: null, coder: null, reviewer: null, [only]: c };
}

function adapter(c: AgentModelChain, over: Partial<LanguageModelsOptions> = {}) {
  const calls: LlmCall[] = [];
  const llm = createLanguageModels({
    models: models(c),
    prices: BUILT_IN_PRICES,
    cacheEnabled: false,
    logger: quiet,
    onCall: (call) => void calls.push(LlmCallSchema.parse(call)),
    ...over,
  });
  return {
    llm,
    calls,
    planner: (opts: { taskId?: string; noCache?: boolean } = {}) => llm.forAgent('planner', { taskId: opts.taskId ?? 'task-1', ...opts })!,
  };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(AppError.isInstance(e), `expected AppError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

const standins: Partial<Record<Wire, Standin>> = {};
before(async () => {
  for (const wire of ['openai', 'anthropic', 'ollama'] as const) standins[wire] = await startStandin(wire);
});
// Every test starts from clean stand-ins: no step left queued by another, its own requests, the default answer.
beforeEach(() => {
  for (const s of Object.values(standins)) s.reset();
});
after(async () => {
  await Promise.all(Object.values(standins).map((s) => s.close()));
});
const on = (wire: Wire) => standins[wire]!;

describe('structured output over each wire format', () => {
  test('openai: json_schema response_format, usage with cached tokens priced', async () => {
    const s = on('openai');
    s.script({ reply: { object: plan, usage: { input: 1000, cached: 400, output: 500 } } });
    const { planner, calls } = adapter(chain(modelOn(s, 'gpt-4o')));
    const { object, usage } = await planner().generateObject({
      schema: Plan,
      schemaName: 'plan',
      system: 'You plan apps.',
      prompt: 'a todo app',
    });
    assert.deepEqual(object, plan);
    const sent = s.requests.at(-1)!;
    assert.equal(sent.body.response_format.type, 'json_schema');
    assert.equal(sent.body.response_format.json_schema.name, 'plan');
    assert.deepEqual(sent.body.response_format.json_schema.schema.required, ['app', 'features']);
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    // gpt-4o: 600 × $2.50 + 400 × $1.25 + 500 × $10 per million = $0.007
    assert.deepEqual(
      { in: usage.tokensIn, cached: usage.tokensCached, out: usage.tokensOut, usd: usage.costUsd, hit: usage.cacheHit },
      { in: 1000, cached: 400, out: 500, usd: 0.007, hit: false },
    );
    assert.equal(calls.length, 1);
    assert.deepEqual(
      { ...calls[0], call_id: 'x', started_at: 'x', duration_ms: 0 },
      {
        call_id: 'x',
        task_id: 'task-1',
        agent: 'planner',
        provider: 'openai',
        model: 'gpt-4o',
        started_at: 'x',
        duration_ms: 0,
        tokens_in: 1000,
        tokens_cached: 400,
        tokens_out: 500,
        cost_usd: 0.007,
        cache_hit: false,
        status: 'ok',
        error_code: null,
      },
    );
  });

  test('anthropic: messages API, structured output, cache-read tokens priced', async () => {
    const s = on('anthropic');
    s.script({ reply: { object: plan, usage: { input: 2000, cached: 1000, output: 100 } } });
    const { planner } = adapter(chain(modelOn(s, 'claude-sonnet-4-5')));
    const { object, usage } = await planner().generateObject({ schema: Plan, prompt: 'a todo app' });
    assert.deepEqual(object, plan);
    assert.equal(s.requests.at(-1)!.headers['x-api-key'], KEY);
    // 1000 × $3 + 1000 × $0.30 + 100 × $15 per million
    assert.equal(usage.costUsd, 0.0048);
    assert.equal(usage.tokensIn, 2000);
    assert.equal(usage.tokensCached, 1000);
  });

  test('ollama-style server: the schema travels in the prompt and fenced JSON is accepted', async () => {
    const s = on('ollama');
    s.script({ reply: { object: plan } });
    const { planner } = adapter(chain(modelOn(s, 'qwen2.5-coder:7b', { apiKey: null })));
    const { object, usage } = await planner().generateObject({ schema: Plan, prompt: 'a todo app' });
    assert.deepEqual(object, plan);
    const sent = s.requests.at(-1)!.body;
    assert.notEqual(sent.response_format?.type, 'json_schema');
    assert.match(JSON.stringify(sent.messages[0]), /matches this JSON schema/);
    assert.match(JSON.stringify(sent.messages[0]), /features/);
    assert.equal(usage.costUsd, 0, 'a local model has no price');
  });

  test('plain text', async () => {
    const s = on('openai');
    s.script({ reply: { text: 'a short answer' } });
    const { planner } = adapter(chain(modelOn(s, 'gpt-4o-mini')));
    assert.equal((await planner().generateText({ prompt: 'hi' })).text, 'a short answer');
  });
});

describe('resilience and errors', () => {
  test("429 is retried after the Retry-After header's delay", async () => {
    const s = on('openai');
    s.script({ status: 429, headers: { 'retry-after': '3' } }, { reply: { object: plan } });
    const { planner, calls } = adapter(chain(modelOn(s, 'gpt-4o-mini')));
    const before = s.requests.length;
    const t0 = performance.now();
    const { object } = await planner().generateObject({ schema: Plan, prompt: 'a todo app' });
    const elapsed = performance.now() - t0;
    assert.deepEqual(object, plan);
    assert.equal(s.requests.length - before, 2);
    // The SDK's own first backoff is 2 s: waiting 3 s shows the header was followed. (No upper bound: a loaded machine is slow.)
    assert.ok(elapsed >= 2950, `waited ${Math.round(elapsed)} ms, the header said 3 s`);
    assert.deepEqual(
      calls.map((c) => [c.status, c.error_code]),
      [
        ['failed', 'llm_unavailable'],
        ['ok', null],
      ],
    );
  });

  test('a hang ends in llm_timeout naming provider and model', async () => {
    const s = on('anthropic');
    s.script({ hang: true });
    const { planner } = adapter(chain(modelOn(s, 'claude-haiku-4-5'), { timeoutMs: 300 }));
    const e = await rejection(planner().generateObject({ schema: Plan, prompt: 'a todo app' }));
    assert.equal(e.code, 'llm_timeout');
    assert.match(e.message, /anthropic model claude-haiku-4-5 did not answer within/);
    assert.equal(e.retryable, true);
  });

  test('401 is llm_auth_failed and the key is redacted from the message', async () => {
    const s = on('openai');
    s.script({ authFail: true });
    const { planner } = adapter(chain(modelOn(s, 'gpt-4o')));
    const e = await rejection(planner().generateText({ prompt: 'hi' }));
    assert.equal(e.code, 'llm_auth_failed');
    assert.match(e.message, /openai model gpt-4o refused the API key \(HTTP 401\)/);
    assert.ok(!e.message.includes(KEY) && !JSON.stringify(e.details).includes(KEY), e.message);
    assert.match(e.message, /\[redacted\]/);
    assert.equal(e.cause, undefined, 'the raw SDK error (with the response body) is not kept');
  });

  test('context-length overflow is llm_context_too_long on both wire formats', async () => {
    for (const wire of ['openai', 'anthropic'] as const) {
      const s = on(wire);
      s.script({ contextLength: true });
      const { planner } = adapter(chain(modelOn(s, wire === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-5')));
      const e = await rejection(planner().generateObject({ schema: Plan, prompt: 'a very long request' }));
      assert.equal(e.code, 'llm_context_too_long', `${wire}: ${e.message}`);
      assert.match(e.message, new RegExp(`too long for ${wire} model`));
    }
  });

  test('an unknown model is llm_model_not_found', async () => {
    const s = on('openai');
    s.script({ unknownModel: true });
    const { planner } = adapter(chain(modelOn(s, 'gpt-9')));
    const e = await rejection(planner().generateText({ prompt: 'hi' }));
    assert.equal(e.code, 'llm_model_not_found');
    assert.match(e.message, /openai model gpt-9 was not found/);
  });

  test('503s after the retries move to the fallback model', async () => {
    const s = on('openai');
    const down = { status: 503, headers: { 'retry-after': '0' } };
    s.script(down, down, down, { reply: { object: plan } });
    const primary = modelOn(s, 'gpt-4o');
    const { planner, calls } = adapter(chain(primary, { fallbacks: [modelOn(s, 'gpt-4o-mini')] }));
    const { object, usage } = await planner().generateObject({ schema: Plan, prompt: 'a todo app' });
    assert.deepEqual(object, plan);
    assert.equal(usage.model, 'gpt-4o-mini');
    assert.deepEqual(
      s.requests.slice(-4).map((r) => r.body.model),
      ['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o-mini'],
    );
    assert.deepEqual(
      calls.map((c) => `${c.model}:${c.status}`),
      ['gpt-4o:failed', 'gpt-4o:failed', 'gpt-4o:failed', 'gpt-4o-mini:ok'],
    );
  });

  test('a primary that hangs times out and the fallback (another provider) answers', async () => {
    const hanging = on('openai');
    const backup = on('anthropic');
    hanging.script({ hang: true });
    backup.script({ reply: { object: plan } });
    const { planner, calls } = adapter(
      chain(modelOn(hanging, 'gpt-4o'), { timeoutMs: 1500, fallbacks: [modelOn(backup, 'claude-haiku-4-5')] }),
    );
    const { object, usage } = await planner().generateObject({ schema: Plan, prompt: 'a todo app' });
    assert.deepEqual(object, plan);
    assert.deepEqual([usage.provider, usage.model], ['anthropic', 'claude-haiku-4-5']);
    assert.deepEqual(
      calls.map((c) => [c.provider, c.status, c.error_code]),
      [
        ['openai', 'failed', 'llm_timeout'],
        ['anthropic', 'ok', null],
      ],
    );
  });

  test('without a fallback, 503s end in llm_unavailable after the retries', async () => {
    const s = on('openai');
    const down = { status: 503, headers: { 'retry-after': '0' } };
    s.script(down, down, down);
    const { planner } = adapter(chain(modelOn(s, 'gpt-4o')));
    const e = await rejection(planner().generateText({ prompt: 'hi' }));
    assert.equal(e.code, 'llm_unavailable');
    assert.match(e.message, /openai model gpt-4o is unavailable after 3 attempts/);
  });

  test('output that is not JSON is llm_invalid_output, and so is a body cut off halfway', async () => {
    const s = on('openai');
    s.script({ invalidJson: true }, { truncate: { object: plan } });
    const { planner } = adapter(chain(modelOn(s, 'gpt-4o'), { maxRetries: 0 }));
    const e = await rejection(planner().generateObject({ schema: Plan, prompt: 'a todo app' }));
    assert.equal(e.code, 'llm_invalid_output');
    assert.match(e.message, /openai model gpt-4o answered with output that does not match/);
    assert.match(String(e.details?.output), /^Sure! Here is the plan/, 'the answer is kept for a repair round');
    assert.match(String(e.details?.reason), /JSON/);
    const cut = await rejection(planner().generateObject({ schema: Plan, prompt: 'a todo app' }));
    assert.ok(['llm_invalid_output', 'llm_unavailable'].includes(cut.code), cut.message);
  });

  test("the task's abort signal cancels the call with the signal's reason", async () => {
    const s = on('openai');
    s.script({ hang: true });
    const { llm } = adapter(chain(modelOn(s, 'gpt-4o')));
    const controller = new AbortController();
    const pending = llm.forAgent('planner', { taskId: 't', signal: controller.signal })!.generateText({ prompt: 'hi' });
    setTimeout(() => controller.abort(new Error('task cancelled')), 100);
    await assert.rejects(pending, /task cancelled/);
  });
});

describe('budget', () => {
  test('a call that would pass the task budget is refused before it is sent, with the spend so far', async () => {
    const s = on('openai');
    s.respond(() => ({ reply: { object: plan, usage: { input: 600, output: 300 } } }));
    const { llm } = adapter(chain(modelOn(s, 'gpt-4o')), { budget: { maxTokens: 920, maxUsd: null } });
    const planner = llm.forAgent('planner', { taskId: 'budget-task' })!;
    await planner.generateObject({ schema: Plan, prompt: 'a todo app' });
    const sent = s.requests.length;
    const e = await rejection(planner.generateObject({ schema: Plan, prompt: 'a todo app, again' }));
    assert.equal(e.code, 'budget_exceeded');
    assert.equal(s.requests.length, sent, 'nothing was sent');
    assert.deepEqual(
      { tokens: e.details?.spent_tokens, usd: e.details?.spent_usd, max: e.details?.max_tokens },
      { tokens: 900, usd: 0.0045, max: 920 },
    );
    assert.match(e.message, /has spent 900 tokens \(\$0\.0045\)/);
    // Another task has its own budget.
    await llm.forAgent('planner', { taskId: 'other-task' })!.generateObject({ schema: Plan, prompt: 'a todo app' });
  });

  test('spend recorded by another process counts toward the budget', async () => {
    const s = on('openai');
    const { llm } = adapter(chain(modelOn(s, 'gpt-4o')), { budget: { maxTokens: 10_000, maxUsd: null } });
    const sent = s.requests.length;
    const coder = llm.forAgent('coder', { taskId: 'resumed' });
    assert.equal(coder, null, 'only the planner has a model here');
    const e = await rejection(
      llm.forAgent('planner', { taskId: 'resumed', spentSoFar: { tokens: 9_990, usd: 0.05 } })!.generateText({ prompt: 'one more thing' }),
    );
    assert.equal(e.code, 'budget_exceeded');
    assert.equal(e.details?.spent_tokens, 9_990);
    assert.equal(s.requests.length, sent);
  });

  test('a dollar budget counts the price of the model', async () => {
    const s = on('openai');
    s.script({ reply: { text: 'ok', usage: { input: 10_000, output: 10_000 } } });
    const { llm } = adapter(chain(modelOn(s, 'gpt-4o')), { budget: { maxTokens: null, maxUsd: 0.1 } });
    const reviewer = llm.forAgent('planner', { taskId: 'usd-task' })!;
    await reviewer.generateText({ prompt: 'hi' }); // 10k × 2.5 + 10k × 10 per million = $0.125
    const e = await rejection(reviewer.generateText({ prompt: 'hi' }));
    assert.equal(e.code, 'budget_exceeded');
    assert.equal(e.details?.spent_usd, 0.125);
  });
});

describe('response cache and replay', () => {
  test('a repeated request is a cache hit costing 0 tokens, also from a new adapter (disk); noCache asks again', async () => {
    const s = on('openai');
    s.respond(() => ({ reply: { object: plan, usage: { input: 500, output: 100 } } }));
    const cacheDir = mkdtempSync(join(tmpdir(), 'catalyst-llm-cache-'));
    const c = chain(modelOn(s, 'gpt-4o-mini'));
    const first = adapter(c, { cacheEnabled: true, cache: createMemoryCache({ defaultTtlMs: 60_000 }), cacheDir });
    const req = { schema: Plan, system: 'plan it', prompt: 'a todo app with cache' };
    const a = await first.planner().generateObject(req);
    const sent = s.requests.length;
    const b = await first.planner().generateObject(req);
    assert.deepEqual(b.object, a.object);
    assert.equal(s.requests.length, sent, 'the second answer came from the cache');
    assert.deepEqual([b.usage.tokensIn, b.usage.tokensOut, b.usage.costUsd, b.usage.cacheHit], [0, 0, 0, true]);
    assert.deepEqual(
      first.calls.map((x) => [x.cache_hit, x.tokens_in]),
      [
        [false, 500],
        [true, 0],
      ],
    );

    const restarted = adapter(c, { cacheEnabled: true, cache: createMemoryCache({ defaultTtlMs: 60_000 }), cacheDir });
    const d = await restarted.planner().generateObject(req);
    assert.deepEqual(d.object, a.object);
    assert.equal(d.usage.cacheHit, true);
    assert.equal(s.requests.length, sent, 'a fresh process finds the answer on disk');

    await restarted.planner({ noCache: true }).generateObject(req);
    assert.equal(s.requests.length, sent + 1, '--no-cache asks the provider');
  });

  test('a recorded build replays byte for byte without the provider; a request it does not hold is llm_replay_missing', async () => {
    const s = on('anthropic');
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-llm-replay-'));
    const file = join(dir, 'calls.jsonl');
    s.script({ reply: { object: plan, usage: { input: 300, output: 80 } } }, { reply: { text: 'Looks good.\nScore: 91' } });
    const c = chain(modelOn(s, 'claude-sonnet-4-5'));
    const recording = adapter(c, { record: file });
    const o1 = await recording.planner().generateObject({ schema: Plan, prompt: 'a todo app' });
    const t1 = await recording.planner().generateText({ system: 'review', prompt: 'the diff' });
    const recorded = readFileSync(file, 'utf8');
    assert.equal(recorded.trim().split('\n').length, 2);

    const sent = s.requests.length;
    const replaying = adapter(chain(modelOn(s, 'claude-sonnet-4-5', { baseUrl: 'http://127.0.0.1:9/v1' })), { replay: file });
    const o2 = await replaying.planner().generateObject({ schema: Plan, prompt: 'a todo app' });
    const t2 = await replaying.planner().generateText({ system: 'review', prompt: 'the diff' });
    assert.equal(JSON.stringify(o2.object), JSON.stringify(o1.object));
    assert.equal(t2.text, t1.text);
    assert.equal(s.requests.length, sent, 'no request reached the provider');
    assert.deepEqual([o2.usage.cacheHit, o2.usage.tokensIn, o2.usage.costUsd], [true, 0, 0]);
    assert.equal(readFileSync(file, 'utf8'), recorded, 'replaying does not change the file');

    const e = await rejection(replaying.planner().generateObject({ schema: Plan, prompt: 'a different app' }));
    assert.equal(e.code, 'llm_replay_missing');
    assert.match(e.message, /no recorded answer for this planner request to anthropic model claude-sonnet-4-5/);
  });
});

describe('configured models and check', () => {
  test('configured() lists each agent with a model, never the key; check() asks each distinct model once', async () => {
    const s = on('openai');
    const m = modelOn(s, 'gpt-4o-mini');
    const dead = modelOn(s, 'gpt-4o', { baseUrl: 'http://proxy-user:proxy-pass-123@127.0.0.1:9/v1' });
    const llm: LanguageModels = createLanguageModels({
      models: { planner: chain(m), coder: chain(m), architect: chain(dead, { fallbacks: [m] }), reviewer: null },
      prices: BUILT_IN_PRICES,
      logger: quiet,
    });
    const listed = llm.configured();
    assert.deepEqual(
      listed.map((x) => [x.agent, x.model, x.fallbacks.map((f) => f.model)]),
      [
        ['planner', 'gpt-4o-mini', []],
        ['architect', 'gpt-4o', ['gpt-4o-mini']],
        ['coder', 'gpt-4o-mini', []],
      ],
    );
    assert.ok(!JSON.stringify(listed).includes(KEY));
    assert.equal(listed[1]!.base_url, 'http://127.0.0.1:9/v1', 'credentials in a base URL are not shown');
    const before = s.requests.length;
    const checks = await llm.check();
    assert.equal(s.requests.length - before, 1, 'planner and coder share one model: asked once');
    assert.deepEqual(
      checks.map((c) => [c.agent, c.ok, c.error?.code ?? null]),
      [
        ['planner', true, null],
        ['architect', false, 'llm_unavailable'],
        ['coder', true, null],
      ],
    );
    assert.ok(!JSON.stringify(checks).includes('proxy-pass-123'));
  });

  test('an agent without a model gets none', () => {
    const llm = createLanguageModels({ models: models(null), prices: BUILT_IN_PRICES, logger: quiet });
    assert.equal(llm.forAgent('planner', { taskId: 't' }), null);
    assert.deepEqual(llm.configured(), []);
  });
});

describe('streaming (SSE) and tool calls', () => {
  for (const wire of ['openai', 'anthropic'] as const) {
    test(`${wire}: a streamed answer arrives in pieces, with usage; the repeat comes from the cache in one piece`, async () => {
      const s = on(wire);
      const answer = 'The plan has three features: add, list and complete todos.';
      s.script({ reply: { text: answer, usage: { input: 400, cached: 100, output: 40 } } });
      const cacheDir = mkdtempSync(join(tmpdir(), 'catalyst-llm-stream-'));
      const { planner, calls } = adapter(chain(modelOn(s, wire === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5')), {
        cacheEnabled: true,
        cacheDir,
      });
      const pieces: string[] = [];
      const { text, usage } = await planner().generateText({ prompt: 'describe the plan', onTextDelta: (d) => pieces.push(d) });
      assert.equal(s.requests.at(-1)!.body.stream, true);
      assert.equal(text, answer);
      assert.ok(pieces.length > 1, `streamed in ${pieces.length} pieces`);
      assert.equal(pieces.join(''), answer);
      assert.deepEqual([usage.tokensIn, usage.tokensCached, usage.tokensOut], [400, 100, 40]);

      const again: string[] = [];
      const sent = s.requests.length;
      const repeat = await planner().generateText({ prompt: 'describe the plan', onTextDelta: (d) => again.push(d) });
      assert.equal(s.requests.length, sent);
      assert.equal(repeat.text, answer);
      assert.deepEqual(again, [answer]);
      assert.deepEqual(
        calls.map((c) => c.cache_hit),
        [false, true],
      );
    });
  }

  test('a stream cut off halfway fails (and is not cached), reported as a failed call', async () => {
    const s = on('openai');
    s.script({ truncate: { text: 'This answer will never be complete, it stops right in the middle of things.' } });
    const cacheDir = mkdtempSync(join(tmpdir(), 'catalyst-llm-trunc-'));
    const { planner, calls } = adapter(chain(modelOn(s, 'gpt-4o-mini'), { maxRetries: 0 }), { cacheEnabled: true, cacheDir });
    const e = await rejection(planner().generateText({ prompt: 'cut me off', onTextDelta: () => {} }));
    assert.ok(['llm_unavailable', 'llm_invalid_output'].includes(e.code), `${e.code}: ${e.message}`);
    assert.match(e.message, /openai model gpt-4o-mini/);
    assert.equal(calls.at(-1)?.status, 'failed');
    s.script({ reply: { text: 'complete now' } });
    assert.equal((await planner().generateText({ prompt: 'cut me off', onTextDelta: () => {} })).text, 'complete now');
  });

  for (const wire of ['openai', 'anthropic'] as const) {
    test(`${wire}: a tool loop runs the tools the model calls and returns its final answer`, async () => {
      const s = on(wire);
      s.script(
        {
          reply: {
            toolCalls: [{ name: 'write_file', args: { path: 'src/app.ts', content: 'export {}' } }],
            usage: { input: 200, output: 20 },
          },
        },
        { reply: { text: 'Wrote src/app.ts.', usage: { input: 260, output: 10 } } },
      );
      const written: string[] = [];
      const { planner, calls } = adapter(chain(modelOn(s, wire === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-5')));
      const result = await planner().runTools({
        system: 'You write files.',
        prompt: 'create the app entry point',
        maxSteps: 4,
        tools: {
          write_file: {
            description: 'Write a file in the worktree',
            input: z.object({ path: z.string(), content: z.string() }),
            execute: async ({ path }: { path: string; content: string }) => {
              written.push(path);
              return { ok: true };
            },
          },
        },
      });
      assert.deepEqual(written, ['src/app.ts']);
      assert.equal(result.text, 'Wrote src/app.ts.');
      assert.deepEqual(result.steps[0]!.toolCalls, [
        { name: 'write_file', input: { path: 'src/app.ts', content: 'export {}' }, output: { ok: true } },
      ]);
      assert.deepEqual([result.usage.tokensIn, result.usage.tokensOut], [460, 30]);
      assert.equal(calls.length, 2, 'one call per model step');
      const second = JSON.stringify(s.requests.at(-1)!.body);
      assert.match(second, /src\/app\.ts/, 'the tool result went back to the model');
    });

    test(`${wire}: with keepToolResults, older large tool results go back condensed, the recent ones whole`, async () => {
      const s = on(wire);
      const big = 'x'.repeat(5_000);
      s.script(
        { reply: { toolCalls: [{ name: 'read_file', args: { path: 'a.ts' } }] } },
        { reply: { toolCalls: [{ name: 'read_file', args: { path: 'b.ts' } }] } },
        { reply: { text: 'read both' } },
      );
      const { planner } = adapter(chain(modelOn(s, wire === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-5')));
      await planner().runTools({
        prompt: 'read two files',
        maxSteps: 5,
        keepToolResults: 1,
        tools: {
          read_file: {
            description: 'Read a file',
            input: z.object({ path: z.string() }),
            execute: async ({ path }: { path: string }) => ({ path, content: `${path}:${big}` }),
          },
        },
      });
      const last = JSON.stringify(s.requests.at(-1)!.body);
      assert.doesNotMatch(last, /a\.ts:x{100}/, 'the first file went back condensed');
      assert.match(last, /condensed to keep the context small/);
      assert.match(last, /b\.ts:x{100}/, 'the latest file went back whole');
    });

    test(`${wire}: a tool named in stopAfter ends the loop without another model turn`, async () => {
      const s = on(wire);
      s.script({ reply: { toolCalls: [{ name: 'finish', args: { summary: 'done' } }] } });
      const before = s.requests.length;
      const { planner } = adapter(chain(modelOn(s, wire === 'openai' ? 'gpt-4o' : 'claude-sonnet-4-5')));
      const result = await planner().runTools({
        prompt: 'finish at once',
        maxSteps: 5,
        stopAfter: ['finish'],
        tools: {
          finish: { description: 'Say you are done', input: z.object({ summary: z.string() }), execute: async () => ({ ok: true }) },
        },
      });
      assert.equal(s.requests.length - before, 1, 'one model call: finish stopped the loop');
      assert.deepEqual(result.steps.at(-1)!.toolCalls, [{ name: 'finish', input: { summary: 'done' }, output: { ok: true } }]);
    });
  }
});

describe('recording calls', () => {
  test('an async onCall is awaited before the request resolves; a failing one does not fail the call', async () => {
    const s = on('openai');
    const stored: string[] = [];
    const slow = adapter(chain(modelOn(s, 'gpt-4o-mini')), {
      onCall: async (call) => {
        await new Promise((r) => setTimeout(r, 50));
        stored.push(call.call_id);
      },
    });
    await slow.planner().generateText({ prompt: 'hi' });
    assert.equal(stored.length, 1, 'the row was written when the request resolved');
    const failing = adapter(chain(modelOn(s, 'gpt-4o-mini')), {
      onCall: async () => {
        throw new Error('state store down');
      },
    });
    assert.equal((await failing.planner().generateText({ prompt: 'hi' })).text, 'ok');
  });
});
