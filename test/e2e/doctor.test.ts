/** `catalyst doctor` as a new user runs it: what the machine has, what the configured services answer, who holds the data folder. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lockDataDir } from '../../src/adapters/state/data-dir-lock.ts';
import { loadConfig } from '../../src/config/index.ts';
import { DoctorReport } from '../../src/contracts/doctor.ts';
import { createRuntime } from '../../src/runtime.ts';
import { runCatalyst } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalyst-doctor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function doctor(env: Record<string, string>): Promise<{ code: number | null; report: DoctorReport }> {
  const run = await runCatalyst(dir, ['doctor', '--json'], 60_000, env);
  return { code: run.code, report: DoctorReport.parse(JSON.parse(run.stdout)) };
}

const check = (report: DoctorReport, name: string) => report.checks.find((c) => c.name === name);

test('on the embedded default every check passes and the data folder is free', async () => {
  const { code, report } = await doctor({});
  assert.equal(code, 0);
  assert.equal(report.ok, true);
  assert.equal(check(report, 'node')?.status, 'ok');
  assert.match(check(report, 'git')?.detail ?? '', /^git version/);
  assert.equal(check(report, 'state: pglite')?.status, 'ok');
  assert.match(check(report, 'data folder')?.detail ?? '', /: free$/);
  assert.match(check(report, 'previews')?.detail ?? '', /^process \(preview\.mode is process\)/);
});

test('a configured service that does not answer fails the doctor, naming the variable it came from', async () => {
  const { code, report } = await doctor({ RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1', REDIS_URL: 'redis://127.0.0.1:6379' });
  assert.equal(code, 1);
  assert.equal(report.ok, false);
  const bus = check(report, 'bus: rabbitmq');
  assert.equal(bus?.status, 'failed');
  assert.match(bus.detail, /orchestration\.event_driven\.rabbitmq_url from env RABBITMQ_URL\) but unreachable: .*ECONNREFUSED/);
  assert.match(check(report, 'cache: redis')?.detail ?? '', /^Redis \d+/, 'the real Redis answers with its version');
});

test('a data folder held by another process names that process', async () => {
  const lock = await lockDataDir(join(dir, '.catalyst', 'data'), { waitMs: 0 });
  try {
    const { report } = await doctor({});
    assert.match(check(report, 'data folder')?.detail ?? '', new RegExp(`in use by process ${process.pid} on `));
  } finally {
    await lock.release();
  }
});

test('a task left without an owner is listed with what to do about it', async () => {
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'silent' },
  });
  // A process records a build and stops before running it (no agents): the task is handed back.
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, agents: [] });
  const task = await runtime.submitBuild({ prompt: 'build a todo app' }).finally(() => runtime.close());
  const { code, report } = await doctor({});
  assert.equal(code, 0, 'a warning, not a failure');
  const ownerless = check(report, 'tasks without an owner');
  assert.equal(ownerless?.status, 'missing');
  assert.match(ownerless.detail, new RegExp(`^1: ${task.id.slice(0, 8)} queued/queued \\(handed back by a graceful stop\\)$`));
  assert.match(ownerless.hint ?? '', /catalyst resume <task>/);
});
