import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveModelSettings } from './models.ts';
import { BUILT_IN_PRICES } from './model-prices.ts';
import { thrownAppError } from '../../test/support/app-error.ts';

const dataDir = '/tmp/catalyst-data';

describe('resolveModelSettings', () => {
  test('nothing configured: no agent has a model, no budget, the cache under the data folder', () => {
    const s = resolveModelSettings({}, { env: {}, dataDir });
    assert.deepEqual(s.agents, { planner: null, architect: null, coder: null, reviewer: null });
    assert.deepEqual(s.budget, { maxTokens: null, maxUsd: null });
    assert.deepEqual(s.cache, { enabled: true, dir: '/tmp/catalyst-data/llm-cache' });
    assert.deepEqual(s.secrets, []);
  });

  test('the environment alone configures every agent, key included', () => {
    const s = resolveModelSettings(undefined, {
      env: { CATALYST_LLM_PROVIDER: 'openai', CATALYST_LLM_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: 'sk-test-123456789' },
      dataDir,
    });
    for (const agent of ['planner', 'architect', 'coder', 'reviewer'] as const) {
      assert.deepEqual(s.agents[agent]?.primary, {
        provider: 'openai',
        model: 'gpt-4o-mini',
        baseUrl: null,
        apiKey: 'sk-test-123456789',
        temperature: null,
        maxOutputTokens: null,
      });
      assert.equal(s.agents[agent]?.timeoutMs, 120_000);
    }
    assert.deepEqual(s.secrets, ['sk-test-123456789']);
  });

  test('a value in the file wins over the environment; agents override the default per field', () => {
    const s = resolveModelSettings(
      {
        llm: {
          default: {
            provider: 'openai-compatible',
            model: 'qwen2.5-coder',
            base_url: 'http://127.0.0.1:11434/v1',
            temperature: 0.2,
            timeout_seconds: 30,
            fallbacks: [{ provider: 'openai-compatible', model: 'llama3.1', base_url: 'http://127.0.0.1:11434/v1' }],
          },
        },
        agents: {
          architect: { llm: { provider: 'anthropic', model: 'claude-sonnet-4-5' } },
          reviewer: { llm: { model: 'qwen2.5-coder:32b', max_output_tokens: 4000 }, min_approval_score: 80 },
          coder: { llm: { provider: 'none' } },
        },
      },
      { env: { CATALYST_LLM_MODEL: 'ignored', ANTHROPIC_API_KEY: 'anthropic-key-1', CATALYST_LLM_API_KEY: 'local-key-1' }, dataDir },
    );
    assert.equal(s.agents.planner?.primary.model, 'qwen2.5-coder');
    assert.equal(s.agents.planner?.primary.temperature, 0.2);
    assert.equal(s.agents.planner?.primary.apiKey, 'local-key-1');
    assert.equal(s.agents.planner?.timeoutMs, 30_000);
    assert.deepEqual(
      s.agents.planner?.fallbacks.map((f) => f.model),
      ['llama3.1'],
    );
    assert.deepEqual(s.agents.architect?.primary, {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      baseUrl: null,
      apiKey: 'anthropic-key-1',
      temperature: 0.2,
      maxOutputTokens: null,
    });
    assert.deepEqual(s.agents.architect?.fallbacks, [], 'a provider of its own does not inherit the default fallbacks');
    assert.equal(s.agents.reviewer?.primary.model, 'qwen2.5-coder:32b');
    assert.equal(s.agents.reviewer?.primary.maxOutputTokens, 4000);
    assert.equal(s.agents.coder, null);
    assert.deepEqual([...s.secrets].sort(), ['anthropic-key-1', 'local-key-1']);
  });

  test('missing model, base URL or key is refused naming the key and the variable', () => {
    const e = thrownAppError(() =>
      resolveModelSettings(
        { llm: { default: { provider: 'openai' } }, agents: { planner: { llm: { provider: 'openai-compatible', model: 'm' } } } },
        { env: {}, dataDir, file: 'my.yaml' },
      ),
    );
    assert.equal(e.code, 'invalid_config');
    assert.match(e.message, /my\.yaml: llm\.default\.model: required for provider openai/);
    assert.match(e.message, /llm\.default: provider openai needs an API key: set OPENAI_API_KEY/);
    assert.match(e.message, /agents\.planner\.llm\.base_url: required for openai-compatible/);
  });

  test('unknown keys and providers are refused', () => {
    assert.match(thrownAppError(() => resolveModelSettings({ llm: { default: { modle: 'x' } } }, { env: {}, dataDir })).message, /modle/);
    const e = thrownAppError(() => resolveModelSettings({}, { env: { CATALYST_LLM_PROVIDER: 'gemini' }, dataDir }));
    assert.match(e.message, /"gemini" is not a provider/);
    assert.match(e.hint ?? '', /none, openai, anthropic, openai-compatible/);
  });

  test('budget, cache and prices from the file', () => {
    const s = resolveModelSettings(
      {
        budget: { max_tokens_per_task: 200000, max_usd_per_task: 1.5 },
        llm: { cache: { enabled: false, dir: 'cache/llm' }, prices: { 'qwen2.5-coder': { input: 0.1, output: 0.2 } } },
      },
      { env: {}, dataDir },
    );
    assert.deepEqual(s.budget, { maxTokens: 200000, maxUsd: 1.5 });
    assert.deepEqual(s.cache, { enabled: false, dir: '/tmp/catalyst-data/cache/llm' });
    assert.deepEqual(s.prices['qwen2.5-coder'], { input: 0.1, cached_input: 0.1, output: 0.2 });
    assert.deepEqual(s.prices['gpt-4o'], BUILT_IN_PRICES['gpt-4o']);
  });

  test("the spec's agents.<name>.llm_model picks the model, and the provider from its name", () => {
    const s = resolveModelSettings(
      {
        llm: { default: { provider: 'openai', model: 'gpt-4o-mini' } },
        agents: { architect: { llm_model: 'claude-3-7-sonnet-20250219' }, coder: { llm_model: 'gpt-4o' } },
      },
      { env: { OPENAI_API_KEY: 'openai-key-1', ANTHROPIC_API_KEY: 'anthropic-key-1' }, dataDir },
    );
    assert.deepEqual(
      [s.agents.architect?.primary.provider, s.agents.architect?.primary.model, s.agents.architect?.primary.apiKey],
      ['anthropic', 'claude-3-7-sonnet-20250219', 'anthropic-key-1'],
    );
    assert.deepEqual([s.agents.coder?.primary.provider, s.agents.coder?.primary.model], ['openai', 'gpt-4o']);
    assert.equal(s.agents.planner?.primary.model, 'gpt-4o-mini');
    const both = thrownAppError(() =>
      resolveModelSettings(
        { llm: { default: { provider: 'openai', model: 'm' } }, agents: { coder: { llm_model: 'gpt-4o', llm: { model: 'gpt-4.1' } } } },
        { env: { OPENAI_API_KEY: 'k-123456' }, dataDir },
      ),
    );
    assert.match(both.message, /agents\.coder: set llm\.model or llm_model, not both/);
    const orphan = thrownAppError(() =>
      resolveModelSettings({ agents: { reviewer: { llm_model: 'qwen2.5-coder' } } }, { env: {}, dataDir }),
    );
    assert.match(orphan.message, /agents\.reviewer: model qwen2\.5-coder has no provider/);
  });
});
