/**
 * The docker preview runtime against a real Docker engine — only when DOCKER_HOST names one (this
 * machine has none). The stand-in tests (docker-preview.test.ts) cover the behaviour; this checks
 * that a real engine agrees: images build, the container serves /health on the published port with
 * the labels and limits asked for, and stop leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../config/load.ts';
import { dockerClient, probeDockerEngine, resolveDockerEndpoint } from './docker-engine.ts';
import { createDockerPreviewRuntime, LABEL } from './docker-preview-runtime.ts';

const DOCKER_HOST = process.env.DOCKER_HOST ?? '';
const skip = DOCKER_HOST === '' ? 'skipped: no Docker engine (set DOCKER_HOST)' : false;

const SERVER = `require('node:http').createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', path: req.url }));
}).listen(Number(process.env.PORT || 3000), '0.0.0.0');
`;

test('a real Docker engine builds, runs, labels and removes a preview', { skip, timeout: 600_000 }, async () => {
  // Through the config loader, as start-up does: DOCKER_TLS_VERIFY / DOCKER_CERT_PATH apply too.
  const { docker } = loadConfig({ env: process.env, cwd: process.cwd() }).preview;
  const endpoint = resolveDockerEndpoint(docker.host, { verify: docker.tls_verify, certPath: docker.cert_path });
  const probe = await probeDockerEngine(endpoint, 5000);
  assert.ok(probe.reachable, `DOCKER_HOST=${DOCKER_HOST} is set but the engine does not answer: ${probe.reachable ? '' : probe.reason}`);

  const root = mkdtempSync(join(tmpdir(), 'docker-contract-'));
  const app = join(root, 'app');
  mkdirSync(join(app, 'backend'), { recursive: true });
  writeFileSync(join(app, 'backend/server.js'), SERVER);
  writeFileSync(
    join(app, 'Dockerfile.backend'),
    'FROM node:20-alpine\nWORKDIR /app\nCOPY backend ./backend\nEXPOSE 3000\nCMD ["node", "backend/server.js"]\n',
  );
  const runtime = createDockerPreviewRuntime({
    endpoint,
    previewsDir: join(root, 'previews'),
    memoryMb: 128,
    cpus: 0.5,
    portRange: { from: 19700, to: 19799 },
  });
  const taskId = `contract-${Date.now()}`;
  try {
    const handle = await runtime.start({
      taskId,
      projectSlug: 'contract',
      sourceDir: app,
      reservedPorts: [],
      timeoutMs: 300_000,
      detached: true,
      deploymentId: 'contract-event',
    });
    assert.equal((await fetch(handle.healthUrl)).status, 200);
    const info = await dockerClient(endpoint).getContainer(handle.containers![0]!.id).inspect();
    assert.equal(info.Config.Labels[LABEL.deployment], 'contract-event');
    assert.equal(info.Config.Labels['traefik.http.routers.contract-contract.rule'], 'Host(`contract-contract.localhost`)');
    assert.equal(info.HostConfig.Memory, 128 * 1024 * 1024);
    assert.equal(info.HostConfig.NanoCpus, 500_000_000);
    const again = await runtime.start({
      taskId,
      projectSlug: 'contract',
      sourceDir: app,
      reservedPorts: [],
      timeoutMs: 300_000,
      detached: true,
      deploymentId: 'contract-event',
    });
    assert.equal(again.containers![0]!.id, handle.containers![0]!.id, 'a redelivery reuses the container');
    await runtime.stop({ pid: null, workingCopy: handle.workingCopy });
    assert.equal((await runtime.list()).filter((c) => c.taskId === taskId).length, 0);
  } finally {
    await runtime.stop({ pid: null, workingCopy: join(root, 'previews', taskId, 'app') }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
});
