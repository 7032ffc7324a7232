/**
 * The model flags and commands as a user runs them, with the model configured only by the environment and
 * answered by the OpenAI-format stand-in over HTTP: `catalyst models` and `doctor` check the provider;
 * `build --json` reports the cost; `--budget-tokens` stops a build with budget_exceeded; a build recorded
 * with `--record` is rebuilt from the file with `--replay` while no provider is reachable at all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DoctorReport } from '../../src/contracts/doctor.ts';
import { ModelsReportSchema } from '../../src/contracts/llm.ts';
import { BuildResult } from '../../src/contracts/messages.ts';
import { startStandin, type Standin } from '../support/llm-standins/standin-server.ts';
import { runCatalyst } from './helpers.ts';

const KEY = 'cli-standin-secret-key-7';
let standin: Standin;
let dir: string;

before(async () => {
  standin = await startStandin('openai');
  dir = mkdtempSync(join(tmpdir(), 'catalyst-models-cli-'));
  // Builds here are about their model calls: no preview to start, no browser tests to run.
  // The coder's model is off: its sessions are tested with their own scripts (src/agents/coder).
  writeFileSync(
    join(dir, 'quick.yaml'),
    'preview: {mode: compose_only}\nagents:\n  tester: {run_e2e_tests: false, run_smoke_check: false}\n  coder: {llm: {provider: none}}\n',
  );
});
after(async () => {
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(home: string, baseUrl = standin.baseUrl): Record<string, string> {
  return {
    CATALYST_HOME: join(dir, home),
    CATALYST_LLM_PROVIDER: 'openai-compatible',
    CATALYST_LLM_MODEL: 'standin-model',
    CATALYST_LLM_BASE_URL: baseUrl,
    CATALYST_LLM_API_KEY: KEY,
  };
}

const catalyst = (args: string[], e: Record<string, string>, timeoutMs = 180_000) => runCatalyst(dir, args, timeoutMs, e);

describe('catalyst models and doctor', () => {
  test('models lists each agent with its model and checks the provider answers', async () => {
    const run = await catalyst(['models', '--json'], env('checks'));
    assert.equal(run.code, 0, run.stderr);
    const report = ModelsReportSchema.parse(JSON.parse(run.stdout));
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.models.map((m) => [m.agent, m.provider, m.model, m.check.ok]),
      ['planner', 'architect', 'coder', 'reviewer'].map((a) => [a, 'openai-compatible', 'standin-model', true]),
    );
    assert.deepEqual(report.deterministic, []);
    const text = await catalyst(['models'], env('checks'));
    assert.match(text.stdout, /planner\s+openai-compatible standin-model at http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.match(text.stdout, /✔ answered in \d+ ms/);
    const off = await catalyst(['--config', 'quick.yaml', 'models'], env('checks'));
    assert.match(off.stdout, /coder\s+none \(deterministic\)/);
  });

  test('a provider refusing the key fails models and doctor, naming provider and model, never the key', async () => {
    standin.respond(() => ({ authFail: true }));
    try {
      const run = await catalyst(['models', '--json'], env('checks'));
      assert.equal(run.code, 1);
      const report = ModelsReportSchema.parse(JSON.parse(run.stdout));
      assert.equal(report.models[0]?.check.error?.code, 'llm_auth_failed');
      assert.match(report.models[0]?.check.error?.message ?? '', /standin-model/);
      const doctor = await catalyst(['doctor', '--json'], env('checks'));
      assert.equal(doctor.code, 1);
      const checks = DoctorReport.parse(JSON.parse(doctor.stdout)).checks;
      assert.equal(checks.find((c) => c.name === 'model: planner')?.status, 'failed');
      for (const out of [run.stdout, run.stderr, doctor.stdout, doctor.stderr]) assert.ok(!out.includes(KEY), 'the key never shows');
    } finally {
      standin.respond(() => ({ reply: { text: 'ok' } }));
    }
    const doctor = DoctorReport.parse(JSON.parse((await catalyst(['doctor', '--json'], env('checks'))).stdout));
    assert.match(
      doctor.checks.find((c) => c.name === 'model: planner')?.detail ?? '',
      /^openai-compatible standin-model answered in \d+ ms/,
    );
  });

  test('without a model, models says none is configured and doctor says every agent is deterministic', async () => {
    const run = await catalyst(['models'], { CATALYST_HOME: join(dir, 'none') });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /No language model is configured/);
    const doctor = DoctorReport.parse(JSON.parse((await catalyst(['doctor', '--json'], { CATALYST_HOME: join(dir, 'none') })).stdout));
    assert.match(doctor.checks.find((c) => c.name === 'models')?.detail ?? '', /every agent is deterministic/);
    const replay = await catalyst(['build', '--json', '--replay', join(dir, 'nothing.jsonl'), 'build a todo app'], {
      CATALYST_HOME: join(dir, 'none'),
    });
    assert.equal(replay.code, 2, 'a replay without a model is refused, not ignored');
    assert.match(JSON.parse(replay.stdout).error.message, /--replay needs a language model/);
  });
});

describe('catalyst build with a model', () => {
  test('--budget-tokens stops the build with budget_exceeded and the spend; --json carries the cost', async () => {
    const run = await catalyst(
      ['build', '--json', '--progress', 'none', '--budget-tokens', '10', 'build a todo app'],
      env('budget'),
      300_000,
    );
    const result = BuildResult.parse(JSON.parse(run.stdout));
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'budget_exceeded');
    assert.match(result.error?.message ?? '', /has spent 0 tokens \(\$0\.0000\).*would pass its budget of 10 tokens/);
    assert.equal(result.cost.total.tokens_in, 0);
    assert.equal(result.cost.per_agent.planner?.failed, 1);
    assert.notEqual(run.code, 0);
    const bad = await catalyst(['build', '--budget-tokens', 'lots', 'build a todo app'], env('budget'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /expected a positive whole number/);
  });

  test('a build recorded with --record is rebuilt from the file with --replay, at no cost and with no provider', async () => {
    const file = join(dir, 'calls.jsonl');
    const asked = standin.requests.length;
    const recorded = await catalyst(
      ['--config', 'quick.yaml', 'build', '--json', '--progress', 'none', '--record', file, 'build a recipe book'],
      env('record'),
      600_000,
    );
    assert.equal(recorded.code, 0, recorded.stderr.slice(-2000));
    const first = BuildResult.parse(JSON.parse(recorded.stdout));
    assert.ok(first.cost.total.calls > 0 && first.cost.total.tokens_in > 0, 'the models were asked and paid');
    assert.equal(standin.requests.length - asked, first.cost.total.calls - first.cost.total.cache_hits);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, first.cost.total.calls - first.cost.total.cache_hits, 'one recorded answer per provider call');
    assert.ok(!readFileSync(file, 'utf8').includes(KEY));

    // Another data folder (no response cache to lean on) and a provider address nobody listens on.
    const replayed = await catalyst(
      ['--config', 'quick.yaml', 'build', '--json', '--progress', 'none', '--replay', file, 'build a recipe book'],
      env('replay', 'http://127.0.0.1:9/v1'),
      600_000,
    );
    assert.equal(replayed.code, 0, replayed.stderr.slice(-2000));
    const second = BuildResult.parse(JSON.parse(replayed.stdout));
    assert.equal(second.cost.total.calls, first.cost.total.calls);
    assert.equal(second.cost.total.cache_hits, second.cost.total.calls, 'every answer came from the file');
    assert.deepEqual([second.cost.total.tokens_in, second.cost.total.tokens_out, second.cost.total.cost_usd], [0, 0, 0]);
    assert.equal(second.project_name, first.project_name);
  });
});
