import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { interpolate, loadConfig, sourceOf } from './load.ts';
import { thrownAppError } from '../../test/support/app-error.ts';

const repoRoot = resolve(import.meta.dirname, '../..');

function tempConfig(yaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-config-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
}

describe('loadConfig', () => {
  test('no file and no environment gives the embedded setup', () => {
    const cfg = loadConfig({ env: {}, cwd: '/tmp/nowhere' });
    assert.equal(cfg.source.file, null);
    assert.equal(cfg.orchestration.mode, 'sequential');
    assert.deepEqual(cfg.adapters.state, { kind: 'pglite', dataDir: '/tmp/nowhere/.catalyst/data' });
    assert.deepEqual(cfg.adapters.bus, { kind: 'in-process' });
    assert.equal(cfg.paths.repos, '/tmp/nowhere/.catalyst/repos');
    assert.equal(cfg.agents.tester.min_coverage, 0.8);
    assert.deepEqual([...cfg.preview.port_range], [9000, 9999]);
    assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.agents.reviewer), 'config is frozen');
  });

  test('the example file holds exactly the defaults', () => {
    const fromExample = loadConfig({ file: join(repoRoot, 'config/catalyst.example.yaml'), env: {}, cwd: '/tmp/x' });
    const defaults = loadConfig({ env: {}, cwd: '/tmp/x' });
    const { source: _a, ...a } = fromExample;
    const { source: _b, ...b } = defaults;
    assert.deepEqual(a, b);
  });

  test('URLs in the environment switch ports to server adapters', () => {
    const cfg = loadConfig({
      file: join(repoRoot, 'config/catalyst.example.yaml'),
      env: {
        POSTGRES_URL: 'postgresql://postgres@127.0.0.1:5432/catalyst',
        RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
        REDIS_URL: 'redis://127.0.0.1:6379',
        PORT: '4000',
        ORCHESTRATION_MODE: 'event_driven',
      },
      cwd: '/tmp/x',
    });
    assert.deepEqual(cfg.adapters.state, { kind: 'postgres', url: 'postgresql://postgres@127.0.0.1:5432/catalyst', poolSize: 20 });
    assert.deepEqual(cfg.adapters.bus, { kind: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672' });
    assert.deepEqual(cfg.adapters.cache, { kind: 'redis', url: 'redis://127.0.0.1:6379' });
    assert.equal(cfg.server.port, 4000);
    assert.equal(cfg.orchestration.mode, 'event_driven');
  });

  test('CLI overrides win over the file', () => {
    const cfg = loadConfig({ env: {}, cwd: '/tmp/x', overrides: { 'orchestration.mode': 'event_driven' } });
    assert.equal(cfg.orchestration.mode, 'event_driven');
  });

  test('a wrong value names the file, the key and the problem', () => {
    const { dir, file } = tempConfig('orchestration:\n  mode: turbo\npreview:\n  port_range: [9999, 9000]\n');
    const err = thrownAppError(() => loadConfig({ file, env: {}, cwd: dir }));
    assert.equal(err.code, 'invalid_config');
    assert.match(err.message, new RegExp(`${file}: orchestration\\.mode: `));
    assert.match(err.message, /sequential/);
    assert.match(err.message, /preview\.port_range: the first port must not be above the second/);
    assert.ok(err.hint?.includes('catalyst.example.yaml'));
  });

  test('an unknown key is refused by name', () => {
    const { dir, file } = tempConfig('agents:\n  tester:\n    min_coverge: 0.5\n');
    const err = thrownAppError(() => loadConfig({ file, env: {}, cwd: dir }));
    assert.match(err.message, /agents\.tester: unknown key "min_coverge"/);
  });

  test('broken YAML says where', () => {
    const { dir, file } = tempConfig('orchestration:\n  mode: "sequential\n');
    const err = thrownAppError(() => loadConfig({ file, env: {}, cwd: dir }));
    assert.match(err.message, new RegExp(`^${file} at line \\d+`));
  });

  test('a missing explicit file is an error, not silently ignored', () => {
    const err = thrownAppError(() => loadConfig({ file: '/nonexistent/c.yaml', env: {}, cwd: '/tmp' }));
    assert.match(err.message, /does not exist/);
  });

  test('child processes get only a minimal environment', () => {
    const cfg = loadConfig({ env: { PATH: '/usr/bin', HOME: '/root', OPENAI_API_KEY: 'sk-secret', POSTGRES_URL: '' }, cwd: '/tmp' });
    assert.deepEqual(cfg.childEnv, { PATH: '/usr/bin', HOME: '/root' });
  });
});

describe('loadConfig: the environment always counts', () => {
  const env = {
    POSTGRES_URL: 'postgresql://postgres@127.0.0.1:5432/catalyst',
    RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
    LOG_LEVEL: 'debug',
  };

  test('with no file, the variables the example config names choose the adapters, and say so', () => {
    const cfg = loadConfig({ env, cwd: '/tmp/nowhere' });
    assert.equal(cfg.source.file, null);
    assert.equal(cfg.adapters.state.kind, 'postgres');
    assert.equal(cfg.adapters.bus.kind, 'rabbitmq');
    assert.equal(cfg.logging.level, 'debug');
    assert.equal(sourceOf(cfg, 'storage.databases.postgres.url'), 'env POSTGRES_URL');
    assert.equal(sourceOf(cfg, 'storage.redis.url'), 'default');
  });

  test("a file that sets other keys keeps the environment's say over the rest", () => {
    const { dir, file } = tempConfig('server:\n  port: 4100\n');
    const cfg = loadConfig({ file, env, cwd: dir });
    assert.equal(cfg.server.port, 4100);
    assert.equal(sourceOf(cfg, 'server.port'), 'file');
    assert.equal(cfg.adapters.state.kind, 'postgres', 'POSTGRES_URL still moves the state store');
  });

  test('a value written in the file wins over the variable', () => {
    const { dir, file } = tempConfig('storage:\n  databases:\n    postgres:\n      url: ""\n');
    const cfg = loadConfig({ file, env, cwd: dir });
    assert.equal(cfg.adapters.state.kind, 'pglite');
    assert.equal(sourceOf(cfg, 'storage.databases.postgres.url'), 'file');
  });

  test("a command's preferred default yields to LOG_LEVEL and to the file, and a flag wins over all", () => {
    const quiet = { commandDefaults: { 'logging.level': 'warn' } };
    assert.equal(loadConfig({ env: {}, cwd: '/tmp', ...quiet }).logging.level, 'warn');
    assert.equal(loadConfig({ env: { LOG_LEVEL: 'debug' }, cwd: '/tmp', ...quiet }).logging.level, 'debug');
    const { dir, file } = tempConfig('logging:\n  level: error\n');
    assert.equal(loadConfig({ file, env: {}, cwd: dir, ...quiet }).logging.level, 'error');
    const flagged = loadConfig({ env: { LOG_LEVEL: 'debug' }, cwd: '/tmp', overrides: { 'logging.level': 'info' }, ...quiet });
    assert.equal(flagged.logging.level, 'info');
    assert.equal(sourceOf(flagged, 'logging.level'), 'flag');
  });
});

describe('loadConfig: no placebo settings', () => {
  test('a key Catalyst does not act on yet is refused by name, with what to do instead', () => {
    const { dir, file } = tempConfig('storage:\n  git:\n    auto_push: true\nagents:\n  tester:\n    llm_model: gpt-4o\n');
    const err = thrownAppError(() => loadConfig({ file, env: {}, cwd: dir }));
    assert.equal(err.code, 'invalid_config');
    assert.match(err.message, /storage\.git\.auto_push: not supported yet/);
    assert.match(err.message, /agents\.tester\.llm_model: not supported yet \(this agent never calls a language model/);
  });

  test('storage.git.mode local works; github is refused', () => {
    const ok = tempConfig('storage:\n  git:\n    mode: local\n');
    assert.equal(loadConfig({ file: ok.file, env: {}, cwd: ok.dir }).storage.git.mode, 'local');
    const no = tempConfig('storage:\n  git:\n    mode: github\n');
    assert.match(
      thrownAppError(() => loadConfig({ file: no.file, env: {}, cwd: no.dir })).message,
      /storage\.git\.mode: not supported yet/,
    );
  });

  test('turning off both kinds of node tests is refused: a build is always tested', () => {
    const { dir, file } = tempConfig('agents:\n  tester:\n    run_unit_tests: false\n    run_integration_tests: false\n');
    assert.match(
      thrownAppError(() => loadConfig({ file, env: {}, cwd: dir })).message,
      /run_unit_tests and run_integration_tests are both false/,
    );
  });

  test('a disabled orchestration mode cannot be chosen', () => {
    const { dir, file } = tempConfig('orchestration:\n  event_driven:\n    enabled: false\n');
    assert.equal(loadConfig({ file, env: {}, cwd: dir }).orchestration.mode, 'sequential');
    const err = thrownAppError(() => loadConfig({ file, env: {}, cwd: dir, overrides: { 'orchestration.mode': 'event_driven' } }));
    assert.match(err.message, /orchestration\.mode is event_driven, but orchestration\.event_driven\.enabled is false/);
    assert.match(err.hint ?? '', /--mode sequential/);
  });
});

describe('loadConfig: language models', () => {
  test('none by default: no agent has a model, no budget, the cache under the data folder', () => {
    const cfg = loadConfig({ env: {}, cwd: '/tmp/nowhere' });
    assert.deepEqual(cfg.models.agents, { planner: null, architect: null, coder: null, reviewer: null });
    assert.deepEqual(cfg.models.budget, { maxTokens: null, maxUsd: null });
    assert.deepEqual(cfg.models.cache, { enabled: true, dir: '/tmp/nowhere/.catalyst/llm-cache' });
    assert.equal(sourceOf(cfg, 'llm.default.provider'), 'default');
  });

  test('the environment alone gives the planner, architect, coder and reviewer a model; the key is a secret', () => {
    const cfg = loadConfig({
      env: {
        CATALYST_LLM_PROVIDER: 'openai-compatible',
        CATALYST_LLM_MODEL: 'qwen2.5-coder',
        CATALYST_LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
        CATALYST_LLM_API_KEY: 'local-secret-key-1',
      },
      cwd: '/tmp/nowhere',
    });
    for (const agent of ['planner', 'architect', 'coder', 'reviewer'] as const) {
      assert.deepEqual(cfg.models.agents[agent]?.primary, {
        provider: 'openai-compatible',
        model: 'qwen2.5-coder',
        baseUrl: 'http://127.0.0.1:11434/v1',
        apiKey: 'local-secret-key-1',
        temperature: null,
        maxOutputTokens: null,
      });
    }
    assert.deepEqual(cfg.secrets, ['local-secret-key-1']);
    assert.equal(sourceOf(cfg, 'llm.default.provider'), 'env CATALYST_LLM_PROVIDER');
  });

  test('a file sets models per agent, the budget and the cache; the file wins over the environment', () => {
    const { dir, file } = tempConfig(
      [
        'llm:',
        '  default: {provider: openai, model: gpt-4o-mini}',
        '  cache: {enabled: false, dir: cache}',
        'budget: {max_tokens_per_task: 50000, max_usd_per_task: 0.5}',
        'agents:',
        '  architect: {llm_model: claude-sonnet-4-5, generate_diagrams: false}',
        '  reviewer:',
        '    min_approval_score: 80',
        '    llm: {model: gpt-4o, timeout_seconds: 30}',
        '',
      ].join('\n'),
    );
    const cfg = loadConfig({
      file,
      env: { CATALYST_LLM_MODEL: 'ignored', OPENAI_API_KEY: 'sk-openai-test-0123456789', ANTHROPIC_API_KEY: 'anthropic-test-key' },
      cwd: dir,
    });
    assert.equal(cfg.models.agents.planner?.primary.model, 'gpt-4o-mini');
    assert.deepEqual(
      [cfg.models.agents.architect?.primary.provider, cfg.models.agents.architect?.primary.model],
      ['anthropic', 'claude-sonnet-4-5'],
    );
    assert.equal(cfg.agents.architect.generate_diagrams, false, 'the agent keys beside llm_model still apply');
    assert.equal(cfg.models.agents.reviewer?.primary.model, 'gpt-4o');
    assert.equal(cfg.models.agents.reviewer?.timeoutMs, 30_000);
    assert.equal(cfg.agents.reviewer.min_approval_score, 80);
    assert.deepEqual(cfg.models.budget, { maxTokens: 50000, maxUsd: 0.5 });
    assert.deepEqual(cfg.models.cache, { enabled: false, dir: join(dir, '.catalyst', 'cache') });
    assert.deepEqual([...cfg.secrets].sort(), ['anthropic-test-key', 'sk-openai-test-0123456789']);
  });

  test('a provider without its model or key is refused naming the variable; agents that never call a model refuse llm keys', () => {
    const missing = thrownAppError(() => loadConfig({ env: { CATALYST_LLM_PROVIDER: 'openai' }, cwd: '/tmp/nowhere' }));
    assert.equal(missing.code, 'invalid_config');
    assert.match(missing.message, /llm\.default\.model: required for provider openai \(or set CATALYST_LLM_MODEL\)/);
    assert.match(missing.message, /set OPENAI_API_KEY/);
    const { dir, file } = tempConfig('agents:\n  tester:\n    llm_model: gpt-4o\n');
    assert.match(
      thrownAppError(() => loadConfig({ file, env: {}, cwd: dir })).message,
      /agents\.tester\.llm_model: not supported yet \(this agent never calls a language model/,
    );
  });
});

describe('interpolate', () => {
  test('reads variables, defaults and leaves other text alone', () => {
    assert.equal(interpolate('a-${X}-b', { X: '1' }), 'a-1-b');
    assert.equal(interpolate('${MISSING:-fallback}', {}), 'fallback');
    assert.equal(interpolate('${EMPTY:-d}', { EMPTY: '' }), 'd');
    assert.equal(interpolate('${MISSING}', {}), '');
    assert.equal(interpolate('${N:-42}', {}), 42);
    assert.equal(interpolate('port ${N:-42}', {}), 'port 42');
    assert.deepEqual(interpolate({ a: ['${X}'] }, { X: 'y' }), { a: ['y'] });
  });
});
