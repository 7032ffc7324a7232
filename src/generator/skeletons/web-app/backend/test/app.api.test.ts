import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

test('reports health and the server time', async () => {
  const app = buildApp({ frontendDir: null });
  try {
    const health = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const time = await app.inject({ method: 'GET', url: '/api/time' });
    assert.ok(!Number.isNaN(Date.parse(time.json().now)));
  } finally {
    await app.close();
  }
});

test('serves the built frontend at / and for client-side routes, JSON 404s under /api', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontend-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>frontend</title>');
  const app = buildApp({ frontendDir: dir });
  try {
    assert.match((await app.inject({ method: 'GET', url: '/' })).body, /<title>frontend<\/title>/);
    assert.match((await app.inject({ method: 'GET', url: '/some/route' })).body, /<title>frontend<\/title>/);
    const missing = await app.inject({ method: 'GET', url: '/api/missing' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'not_found');
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reads its settings from the environment with safe defaults', () => {
  assert.deepEqual(loadConfig({}), { port: 3000, host: '127.0.0.1', socketPath: undefined });
  assert.equal(loadConfig({ SOCKET_PATH: '/run/app.sock' }).socketPath, '/run/app.sock');
  assert.equal(loadConfig({ PORT: '8080', HOST: '0.0.0.0' }).port, 8080);
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
});
