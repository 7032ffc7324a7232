import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../core/errors.ts';
import { createFsArtifactStore } from './artifact-store.ts';
import { createFsWorkspace } from './workspace.ts';

const taskId = '0b1c2d3e-0000-4000-8000-000000000001';

test('artifacts are written, read, copied and listed inside the task folder only', async () => {
  const root = mkdtempSync(join(tmpdir(), 'artifacts-'));
  const store = createFsArtifactStore(root);
  const path = await store.write(taskId, 'review/review-decision.json', '{}');
  assert.equal(path, join(root, taskId, 'review/review-decision.json'));
  assert.equal(await store.read(taskId, 'review/review-decision.json'), '{}');
  assert.equal(await store.read(taskId, 'missing.json'), null);
  const src = mkdtempSync(join(tmpdir(), 'cov-'));
  writeFileSync(join(src, 'index.html'), '<html>');
  await store.copyIn(taskId, 'test-results/backend/coverage', src);
  assert.deepEqual(await store.list(taskId), ['review/review-decision.json', 'test-results/backend/coverage/index.html']);
  for (const bad of ['../escape.txt', '/etc/passwd', 'a/../../b']) {
    await assert.rejects(store.write(taskId, bad, 'x'), (e) => AppError.isInstance(e) && e.code === 'invalid_artifact', bad);
  }
  assert.throws(() => store.location('../../etc'), /not a task id/);
  assert.equal(store.location(taskId), join(root, taskId));
});

test('artifacts are served as bytes and browsed with sizes, confined to the task folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'artifacts-'));
  const store = createFsArtifactStore(root);
  await store.write(taskId, 'planning/plan.yaml', 'plan: 1\n');
  assert.equal((await store.readBytes(taskId, 'planning/plan.yaml'))?.toString(), 'plan: 1\n');
  assert.equal(await store.readBytes(taskId, 'planning/missing.yaml'), null);
  const other = '0b1c2d3e-0000-4000-8000-000000000002';
  await store.write(other, 'secret.txt', 'other task');
  await assert.rejects(store.readBytes(taskId, `../${other}/secret.txt`), (e) => AppError.isInstance(e) && e.code === 'invalid_request');
  symlinkSync(join(root, other, 'secret.txt'), join(root, taskId, 'link.txt'));
  await assert.rejects(store.readBytes(taskId, 'link.txt'), (e) => AppError.isInstance(e) && e.code === 'invalid_request');
  assert.deepEqual(await store.browse(taskId), [{ path: 'planning/plan.yaml', size: 8 }]);
  assert.deepEqual(await store.browse('0b1c2d3e-0000-4000-8000-000000000003'), []);
});

test('workspace links dependencies idempotently and lists source files only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ws-'));
  mkdirSync(join(dir, 'backend/src'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'backend/src/app.ts'), 'x');
  writeFileSync(join(dir, '.git/HEAD'), 'ref');
  const ws = createFsWorkspace('/opt/deps/node_modules');
  await ws.linkDependencies(dir);
  await ws.linkDependencies(dir);
  assert.equal(readlinkSync(join(dir, 'node_modules')), '/opt/deps/node_modules');
  assert.deepEqual(await ws.listFiles(dir), ['backend/src/app.ts']);
  assert.equal(await ws.readText(join(dir, 'nope')), null);
  assert.deepEqual(await ws.browse(dir), [{ path: 'backend/src/app.ts', size: 1 }]);
  assert.equal((await ws.readInside(dir, 'backend/src/app.ts'))?.toString(), 'x');
  await assert.rejects(ws.readInside(dir, '../x'), (e) => AppError.isInstance(e) && e.code === 'invalid_request');
});
