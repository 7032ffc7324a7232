/**
 * Selection by configuration (spec §9.2): the server URLs switch each port to its server adapter, and
 * start-up logs one line per port naming the adapter. Runs against the real PostgreSQL, Redis and
 * RabbitMQ on 127.0.0.1; MongoDB and Qdrant are not available here, so pointing at them must fail
 * loudly rather than fall back.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import type { Logger } from '../../src/core/logger.ts';
import { AppError } from '../../src/core/errors.ts';
import { createRuntime } from '../../src/runtime.ts';
import { loadConfig } from '../../src/config/index.ts';
import { eventDrivenInfra } from './workers.ts';

const infra = await eventDrivenInfra('select', { redisUrl: process.env.CATALYST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' });
after(() => infra.cleanup());

function recordingLogger(lines: Array<Record<string, unknown>>): Logger {
  const log = (obj: object | string, msg?: string) => void lines.push(typeof obj === 'string' ? { msg: obj } : { ...obj, msg });
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

test('RABBITMQ_URL, POSTGRES_URL and REDIS_URL select the server adapters, one start-up line per port', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const runtime = await createRuntime(infra.config, {
    mode: 'event_driven',
    detachedPreviews: false,
    consumeFor: [],
    runRelay: false,
    logger: recordingLogger(lines),
  });
  try {
    const chosen = Object.fromEntries(lines.filter((l) => typeof l.port === 'string').map((l) => [l.port, l.adapter]));
    assert.deepEqual(chosen, {
      previews: 'process',
      state: 'postgres',
      documents: 'postgres-jsonb',
      cache: 'redis',
      vectors: 'state',
      bus: 'rabbitmq',
    });
    const byPort = (port: string) => lines.find((l) => l.port === port)!;
    // The test's URLs sit in its config file: each line names the key and the file it came from.
    const file = infra.config.source.file!;
    assert.equal(byPort('state').source, 'file');
    assert.equal(byPort('state').msg, `state: postgres (storage.databases.postgres.url in ${file})`);
    assert.equal(byPort('bus').msg, `bus: rabbitmq (orchestration.event_driven.rabbitmq_url in ${file})`);
    assert.equal(byPort('cache').msg, `cache: redis (storage.redis.url in ${file})`);
    assert.equal(byPort('vectors').msg, 'vectors: state (embedded default, in the document store)');
    await runtime.ports.cache.set('selection-probe', { ok: true }, { ttlMs: 5_000 });
    assert.deepEqual(await runtime.ports.cache.get('selection-probe'), { ok: true });
    await runtime.ports.cache.delete('selection-probe');
  } finally {
    await runtime.close();
  }
});

test('with no config file, the start-up lines name the variable that chose each server and where the embedded ones live', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-select-env-'));
  const lines: Array<Record<string, unknown>> = [];
  const config = loadConfig({ env: { PATH: process.env.PATH, HOME: process.env.HOME, POSTGRES_URL: infra.postgresUrl }, cwd: dir });
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, agents: [], logger: recordingLogger(lines) });
  try {
    const byPort = (port: string) => lines.find((l) => l.port === port)!;
    assert.equal(config.source.file, null);
    assert.equal(byPort('state').source, 'env POSTGRES_URL');
    assert.equal(byPort('state').msg, 'state: postgres (POSTGRES_URL)');
    assert.equal(byPort('cache').source, 'default');
    assert.equal(byPort('cache').msg, 'cache: memory (embedded default, in this process)');
    assert.equal(byPort('documents').msg, 'documents: postgres-jsonb (embedded default, as JSONB in the state store)');
  } finally {
    await runtime.close();
  }
  const embedded: Array<Record<string, unknown>> = [];
  const defaults = loadConfig({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: dir });
  const local = await createRuntime(defaults, {
    mode: 'sequential',
    detachedPreviews: false,
    agents: [],
    logger: recordingLogger(embedded),
  });
  try {
    const state = embedded.find((l) => l.port === 'state')!;
    assert.equal(state.msg, `state: pglite (embedded default, ${join(dir, '.catalyst', 'data')})`);
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a MONGO_URL nobody answers is refused with a hint, not silently replaced by the default', { timeout: 60_000 }, async () => {
  const config = loadConfig({
    env: { PATH: process.env.PATH, MONGO_URL: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500' },
    cwd: infra.dir,
    overrides: { 'storage.databases.mongodb.url': 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500' },
  });
  await assert.rejects(
    createRuntime(config, { mode: 'sequential', detachedPreviews: false }),
    (e: unknown) => AppError.isInstance(e) && e.code === 'service_unavailable' && /MONGO_URL/.test(e.hint ?? ''),
  );
});

test('`catalyst worker` without RabbitMQ is a configuration error (exit 2) that says what to set', { timeout: 60_000 }, async () => {
  const bin = resolve(import.meta.dirname, '../../bin/catalyst.js');
  const run = promisify(execFile);
  const result = await run(process.execPath, [bin, 'worker'], { cwd: '/tmp', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  assert.equal(result.code, 2);
  assert.match(result.stderr, /needs RabbitMQ/);
  assert.match(result.stderr, /RABBITMQ_URL/);
});

test('`catalyst worker --agents` with an unknown agent is a usage error (exit 2)', { timeout: 60_000 }, async () => {
  const bin = resolve(import.meta.dirname, '../../bin/catalyst.js');
  const run = promisify(execFile);
  const result = await run(process.execPath, [bin, 'worker', '--agents', 'planner,painter'], {
    cwd: infra.dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    timeout: 30_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown agent: painter/);
});
