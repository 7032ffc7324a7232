import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { probeHealthOnce, waitForHealthy } from './health-probe.ts';

/** A server whose /health answers 503 for the first `failures` requests, then 200. */
async function flakyServer(failures: number): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/health') return void res.writeHead(404).end();
    hits += 1;
    res.writeHead(hits > failures ? 200 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, hits: () => hits };
}

describe('health probe', () => {
  test('keeps polling until /health answers 200', async () => {
    const { url, server, hits } = await flakyServer(3);
    try {
      const res = await waitForHealthy({ baseUrl: url, timeoutMs: 10_000, initialDelayMs: 10 });
      assert.deepEqual(res, { healthy: true, attempts: 4 });
      assert.equal(hits(), 4);
      assert.equal(await probeHealthOnce(url), true);
    } finally {
      server.close();
    }
  });

  test('gives up at the deadline and reports the last failure', async () => {
    const { url, server } = await flakyServer(Number.POSITIVE_INFINITY);
    try {
      const res = await waitForHealthy({ baseUrl: url, timeoutMs: 400 });
      assert.equal(res.healthy, false);
      assert.equal(!res.healthy && res.reason, 'timeout');
      assert.equal(!res.healthy && res.lastError, 'HTTP 503');
      assert.equal(await probeHealthOnce(url), false);
    } finally {
      server.close();
    }
  });

  test('stops waiting as soon as the probed process has exited', async () => {
    const exited = new AbortController();
    // Nothing listens on port 1: the probe would otherwise retry for the whole minute.
    const pending = waitForHealthy({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 60_000, exited: exited.signal });
    setTimeout(() => exited.abort(), 150);
    const res = await pending;
    assert.equal(res.healthy, false);
    assert.equal(!res.healthy && res.reason, 'exited');
    assert.match(!res.healthy ? (res.lastError ?? '') : '', /fetch failed/);
  });
});
