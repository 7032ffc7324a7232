/**
 * Hot task progress (spec §3.1): GET /api/tasks/{id}/progress is served from the cache port — the
 * in-process LRU by default, Redis when storage.redis.url is set — and a live message of the task
 * makes the next answer fresh at once, whatever the TTL. The TTL here is ten minutes, so nothing but
 * the invalidation can explain a fresh answer. Redis is the real one on 127.0.0.1 (`.ci/run` starts it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TaskProgress } from '../contracts/api.ts';
import { loadConfig } from '../config/index.ts';
import { createRuntime } from '../runtime.ts';
import { buildServer } from './app.ts';

const REDIS_URL = process.env.CATALYST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TEN_MINUTES_MS = 600_000;

async function withServer(
  label: string,
  overrides: Record<string, unknown>,
  run: (env: Awaited<ReturnType<typeof open>>) => Promise<void>,
) {
  const env = await open(label, overrides);
  try {
    await run(env);
  } finally {
    await env.close();
  }
}

async function open(label: string, overrides: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), `catalyst-progress-${label}-`));
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'silent', 'server.progress_cache_ttl_ms': TEN_MINUTES_MS, ...overrides },
  });
  // No agents: the task stays queued, so only this test changes it.
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: true, agents: [] });
  const app = await buildServer(runtime, { webDir: null });
  return {
    runtime,
    app,
    async progress(taskId: string): Promise<TaskProgress> {
      const res = await app.inject({ url: `/api/tasks/${taskId}/progress` });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as TaskProgress;
    },
    async close() {
      await app.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function cachedThenFresh(env: Awaited<ReturnType<typeof open>>): Promise<string> {
  const task = await env.runtime.submitBuild({ prompt: 'build a todo app with user auth' });
  const first = await env.progress(task.id);
  assert.equal(first.phase, 'queued');
  assert.equal(first.files_created, 0);
  const stored = await env.runtime.ports.cache.namespace('task-progress').get<TaskProgress>(task.id);
  assert.deepEqual(stored, first, 'the answer is kept in the cache port');

  // A change this process's feed does not see (as from another worker) is not shown within the TTL…
  await env.runtime.ports.state.updateTask(task.id, { status: 'running', current_phase: 'coding' });
  assert.equal((await env.progress(task.id)).phase, 'queued', 'served from the cache');

  // …but a live message of the task invalidates it: the very next request is fresh.
  env.runtime.feed.emit({
    type: 'progress',
    task_id: task.id,
    phase: 'coding',
    progress: 0.5,
    files_created: 7,
    total_estimated_files: 12,
  });
  const fresh = await env.progress(task.id);
  assert.equal(fresh.phase, 'coding');
  assert.equal(fresh.status, 'running');
  assert.equal(fresh.files_created, 7);
  assert.equal(fresh.total_estimated_files, 12);
  assert.equal(fresh.agents.find((a) => a.agent === 'coder')?.status, 'running');
  env.runtime.feed.emit({
    type: 'progress',
    task_id: task.id,
    phase: 'coding',
    progress: 0.6,
    files_created: 8,
    total_estimated_files: 12,
  });
  assert.equal((await env.progress(task.id)).files_created, 8);
  return task.id;
}

describe('hot task progress through the cache port', () => {
  test('in-process LRU (default): cached, and fresh as soon as a task message arrives', async () => {
    await withServer('memory', {}, async (env) => {
      assert.equal(env.runtime.ports.cache.kind, 'memory');
      await cachedThenFresh(env);
    });
  });

  test('Redis (storage.redis.url): the same, with the entry stored in Redis', async () => {
    await withServer('redis', { 'storage.redis.url': REDIS_URL }, async (env) => {
      assert.equal(env.runtime.ports.cache.kind, 'redis');
      const taskId = await cachedThenFresh(env);
      // Redis holds the entry with the configured TTL, so other servers sharing it get the same answer.
      const entry = await env.runtime.ports.cache.namespace('task-progress').get<TaskProgress>(taskId);
      assert.equal(entry?.files_created, 8);
      await env.runtime.ports.cache.namespace('task-progress').delete(taskId);
    });
  });

  test('unknown tasks are 404 and nothing is cached for them', async () => {
    await withServer('unknown', {}, async (env) => {
      const id = '00000000-0000-4000-8000-000000000000';
      const res = await env.app.inject({ url: `/api/tasks/${id}/progress` });
      assert.equal(res.statusCode, 404);
      assert.equal(await env.runtime.ports.cache.namespace('task-progress').get(id), null);
    });
  });
});
