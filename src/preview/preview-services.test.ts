import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProcessPreviewRuntime } from '../adapters/preview/process/process-preview-runtime.ts';
import { openStateStore } from '../adapters/state/index.ts';
import { systemClock } from '../core/clock.ts';
import { seedPreview, seedTask } from '../../test/support/preview-seed.ts';
import { previewHostLabel } from './preview-router.ts';
import { startPreviewServices } from './preview-services.ts';

test('preview services: the monitor checks what the router serves, and both close cleanly', async () => {
  const root = await mkdtemp(join(tmpdir(), 'catalyst-services-'));
  const state = await openStateStore({ kind: 'pglite', memory: true });
  // An app that is up: /health answers, and the recorded pid (this process) is alive.
  const app = createServer((req, res) => res.end(req.url === '/health' ? 'ok' : 'hello from the app'));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const port = (app.address() as AddressInfo).port;
  const task = await seedTask(state, 'svc');
  const row = await seedPreview(state, task.id, { port, container_id: String(process.pid), status: 'unhealthy' });
  const services = await startPreviewServices({
    state,
    previews: createProcessPreviewRuntime({
      previewsDir: join(root, 'p'),
      memoryMb: 128,
      nodeModulesDir: fileURLToPath(new URL('../../node_modules', import.meta.url)),
      baseEnv: {},
    }),
    clock: systemClock,
    worktreeOf: () => root,
    projectSlugOf: async () => 'svc',
    timeoutMs: 5_000,
    detached: false,
    intervalMs: 3_600_000,
    maxRestarts: 1,
    maxConcurrent: 5,
    router: { port: 0, host: '127.0.0.1', baseDomain: 'localhost' },
  });
  try {
    const changes = await services.monitor.tick();
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['healthy'],
    );
    assert.equal((await state.getPreviewByTask(task.id))?.status, 'healthy');
    const routerPort = services.router!.port;
    const body = await new Promise<string>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port: routerPort, path: '/', headers: { host: `${previewHostLabel('svc', task.id)}.localhost` } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += String(c)));
          res.on('end', () => resolve(text));
        },
      )
        .on('error', reject)
        .end();
    });
    assert.equal(body, 'hello from the app');
    assert.ok(services.router!.lastActivity().has(task.id));
    assert.equal(row.task_id, task.id);
  } finally {
    await services.close();
    app.close();
    await state.close();
    await rm(root, { recursive: true, force: true });
  }
});
