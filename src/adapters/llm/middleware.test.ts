import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generateText, Output, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { z } from 'zod';
import { cacheMiddleware, jsonFromText, type GenerationContext } from './middleware.ts';
import { createResponseStore, requestKey, type ResponseStore, type StoredAnswer } from './response-store.ts';

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

function answer(text: string, finish: 'stop' | 'length'): LanguageModelV3GenerateResult {
  return { content: [{ type: 'text', text }], finishReason: { unified: finish, raw: finish }, usage, warnings: [] };
}

function memoryStore(): ResponseStore & { keys: string[] } {
  const map = new Map<string, StoredAnswer>();
  return {
    keys: [],
    get: async (k) => map.get(k) ?? null,
    async set(k, v) {
      this.keys.push(k);
      map.set(k, v);
    },
  };
}

function context(): GenerationContext {
  return {
    agent: 'planner',
    taskId: 't',
    model: { provider: 'openai', model: 'gpt-4o-mini', baseUrl: null, apiKey: null, temperature: null, maxOutputTokens: null },
    source: 'provider',
    calls: [],
    pending: [],
    timeout: new AbortController().signal,
    timeoutMs: 1000,
  };
}

const params = (over: Partial<LanguageModelV3CallOptions> = {}): LanguageModelV3CallOptions => ({
  prompt: [{ role: 'user', content: [{ type: 'text', text: 'a todo app' }] }],
  ...over,
});

describe('request key', () => {
  test('ignores what does not shape the answer (signal, headers), and key order', () => {
    const a = requestKey('openai', 'm', params({ abortSignal: new AbortController().signal, headers: { authorization: 'Bearer k1' } }));
    const b = requestKey('openai', 'm', params({ headers: { authorization: 'Bearer k2' } }));
    assert.equal(a, b);
    type Format = LanguageModelV3CallOptions['responseFormat'];
    const schema1: Format = { type: 'json', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } };
    const schema2: Format = { type: 'json', schema: { required: ['a'], properties: { a: { type: 'string' } }, type: 'object' } };
    assert.equal(
      requestKey('openai', 'm', params({ responseFormat: schema1 })),
      requestKey('openai', 'm', params({ responseFormat: schema2 })),
    );
  });

  test('differs by provider, model, messages, schema and settings', () => {
    const base = requestKey('openai', 'm', params());
    const variants = [
      requestKey('anthropic', 'm', params()),
      requestKey('openai', 'm2', params()),
      requestKey('openai', 'm', params({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'a notes app' }] }] })),
      requestKey('openai', 'm', params({ responseFormat: { type: 'json', schema: { type: 'object' } } })),
      requestKey('openai', 'm', params({ temperature: 0.7 })),
      requestKey('openai', 'm', params({ tools: [{ type: 'function', name: 'write', inputSchema: { type: 'object' } }] })),
    ];
    assert.equal(new Set([base, ...variants]).size, variants.length + 1);
  });
});

describe('cache middleware on the AI SDK mock model', () => {
  test('a complete answer is served again without the model; a cut-off one (length) is not kept', async () => {
    const model = new MockLanguageModelV3({ doGenerate: async () => answer('{"app":"Todo"}', 'stop') });
    const store = memoryStore();
    const gen = context();
    const wrapped = wrapLanguageModel({ model, middleware: cacheMiddleware(gen, store, { read: true }) });
    const schema = z.object({ app: z.string() });
    const first = await generateText({ model: wrapped, prompt: 'a todo app', output: Output.object({ schema }) });
    const second = await generateText({ model: wrapped, prompt: 'a todo app', output: Output.object({ schema }) });
    assert.deepEqual(second.output, first.output);
    assert.equal(model.doGenerateCalls.length, 1);
    assert.equal(gen.source, 'cache');
    assert.equal(second.usage.inputTokens, 0);

    const cut = new MockLanguageModelV3({ doGenerate: async () => answer('{"app":"To', 'length') });
    const cutStore = memoryStore();
    const cutModel = wrapLanguageModel({ model: cut, middleware: cacheMiddleware(context(), cutStore, { read: true }) });
    await generateText({ model: cutModel, prompt: 'x' });
    assert.deepEqual(cutStore.keys, []);
  });
});

describe('JSON from a local model', () => {
  test('fenced blocks after prose, bare objects with prose around them, plain JSON', () => {
    assert.equal(jsonFromText('Here is the JSON:\n```json\n{"a": 1}\n```\nHope it helps!'), '{"a": 1}');
    assert.equal(jsonFromText('```\n{"a": [1, 2]}\n```'), '{"a": [1, 2]}');
    assert.equal(jsonFromText('Sure. {"a": {"b": 2}} Done.'), '{"a": {"b": 2}}');
    assert.equal(jsonFromText(' {"a":1} '), '{"a":1}');
    assert.equal(jsonFromText('no json here'), 'no json here');
  });
});

describe('disk store', () => {
  test('an unwritable cache folder costs the cache, not the call', async () => {
    const errors: unknown[] = [];
    // A file where the folder should be: every write fails with ENOTDIR, as on a broken mount.
    const notADir = join(mkdtempSync(join(tmpdir(), 'catalyst-llm-store-')), 'file');
    writeFileSync(notADir, 'x');
    const store = createResponseStore({ cache: null, dir: notADir, onError: (e) => errors.push(e) });
    await store.set('ab' + 'c'.repeat(62), { content: [], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] });
    assert.equal(errors.length, 1);
    assert.equal(await store.get('ab' + 'c'.repeat(62)), null);
  });
});
