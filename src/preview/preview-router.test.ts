import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { openStateStore } from '../adapters/state/index.ts';
import type { TaskRecord } from '../contracts/records.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import { seedPreview, seedTask } from '../../test/support/preview-seed.ts';
import { notFoundPage, previewHostLabel, startPreviewRouter, type PreviewRouter } from './preview-router.ts';

/** A stand-in preview: answers with its name and the Host it saw, and echoes WebSocket messages. */
async function fakePreview(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name, path: req.url, host: req.headers.host }));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`${name}:${String(data)}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** GET through the router with an explicit Host (`*.localhost` does not resolve through the system resolver). */
function get(port: number, host: string, path = '/'): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('preview router', () => {
  let state: StateStore;
  let router: PreviewRouter;
  const servers: Server[] = [];
  let alpha: TaskRecord;
  let beta: TaskRecord;

  before(async () => {
    state = await openStateStore({ kind: 'pglite', memory: true });
    alpha = await seedTask(state, 'alpha-shop');
    beta = await seedTask(state, 'beta');
    const a = await fakePreview('alpha');
    const b = await fakePreview('beta');
    servers.push(a.server, b.server);
    await seedPreview(state, alpha.id, { port: a.port });
    await seedPreview(state, beta.id, { port: b.port, status: 'starting' });
    router = await startPreviewRouter({ state, port: 0, cacheMs: 60_000 });
  });
  after(async () => {
    await router.close();
    for (const s of servers) s.close();
    await state.close();
  });

  test('serves two previews by Host at once, with the public Host passed on', async () => {
    const hostA = `${previewHostLabel('alpha-shop', alpha.id)}.localhost:${router.port}`;
    const hostB = `${previewHostLabel('beta', beta.id)}.localhost:${router.port}`;
    const [a, b] = await Promise.all([get(router.port, hostA, '/api/items?x=1'), get(router.port, hostB)]);
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(a.body), { name: 'alpha', path: '/api/items?x=1', host: hostA });
    assert.equal(JSON.parse(b.body).name, 'beta');
    assert.equal(await router.urlFor(alpha.id), `http://alpha-shop-${alpha.id.slice(0, 8)}.localhost:${router.port}`);
    assert.ok(router.lastActivity().has(alpha.id));
    // Host names are case-insensitive.
    assert.equal(JSON.parse((await get(router.port, hostA.toUpperCase())).body).name, 'alpha');
  });

  test('passes WebSocket upgrades through to the right preview', async () => {
    const host = `${previewHostLabel('beta', beta.id)}.localhost:${router.port}`;
    const ws = new WebSocket(`ws://127.0.0.1:${router.port}/live`, { headers: { host } });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('ping'));
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
    });
    ws.close();
    assert.equal(reply, 'beta:ping');
  });

  test('unknown hosts get a 404 page listing live previews, with everything escaped', async () => {
    const res = await get(router.port, `nope-12345678.localhost:${router.port}`);
    assert.equal(res.status, 404);
    assert.match(res.type, /text\/html/);
    assert.match(res.body, /No preview at nope-12345678\.localhost/);
    assert.ok(res.body.includes(previewHostLabel('alpha-shop', alpha.id)));
    assert.ok(res.body.includes(previewHostLabel('beta', beta.id)));
    const page = notFoundPage('<script>x</script>', []);
    assert.ok(!page.includes('<script>x'));
    assert.ok(page.includes('&lt;script&gt;x&lt;/script&gt;'));
    assert.equal((await get(router.port, `127.0.0.1:${router.port}`)).status, 404);
  });

  test('a preview recorded after the table was cached is found without waiting for the cache', async () => {
    const gamma = await seedTask(state, 'gamma');
    const g = await fakePreview('gamma');
    servers.push(g.server);
    await seedPreview(state, gamma.id, { port: g.port });
    await new Promise((r) => setTimeout(r, 250));
    const res = await get(router.port, `${previewHostLabel('gamma', gamma.id)}.localhost`);
    assert.equal(JSON.parse(res.body).name, 'gamma');
  });

  test('a preview restarted on another port is reached there once the route table is invalidated', async () => {
    const epsilon = await seedTask(state, 'epsilon');
    const before = await fakePreview('epsilon-before');
    const after = await fakePreview('epsilon-after');
    servers.push(before.server, after.server);
    const row = await seedPreview(state, epsilon.id, { port: before.port });
    await new Promise((r) => setTimeout(r, 250));
    const host = `${previewHostLabel('epsilon', epsilon.id)}.localhost`;
    assert.equal(JSON.parse((await get(router.port, host)).body).name, 'epsilon-before');
    // What a monitor restart does to the row; the table is cached for a minute in this suite.
    await state.updatePreview(row.id, { port: after.port });
    assert.equal(JSON.parse((await get(router.port, host)).body).name, 'epsilon-before', 'served from the cached table');
    router.invalidate();
    assert.equal(JSON.parse((await get(router.port, host)).body).name, 'epsilon-after');
  });

  test('stopped previews are not routed', async () => {
    const delta = await seedTask(state, 'delta');
    const d = await fakePreview('delta');
    servers.push(d.server);
    await seedPreview(state, delta.id, { port: d.port, status: 'stopped' });
    await new Promise((r) => setTimeout(r, 250));
    assert.equal((await get(router.port, `${previewHostLabel('delta', delta.id)}.localhost`)).status, 404);
  });

  test('a request whose head arrives in pieces, slowly, is still routed by its Host, and Connection: close is honoured', async () => {
    const host = `${previewHostLabel('alpha-shop', alpha.id)}.localhost`;
    await get(router.port, host); // the route table is fresh, so the first piece alone would be joined
    const body = await new Promise<string>((resolve, reject) => {
      const socket = connect(router.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (c) => (answer += String(c)));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      // The app answers keep-alive; the router must still close the connection this client asked to close.
      setTimeout(() => reject(new Error(`connection still open 5 s after the answer: ${answer}`)), 5_000).unref();
      socket.write('GET /split HTTP/1.1\r\nHo');
      setTimeout(() => socket.write(`st: ${host}\r\nConnection: close\r\n\r\n`), 50);
    });
    assert.match(body, /^HTTP\/1\.1 200/);
    assert.match(body, /"name":"alpha","path":"\/split"/);
  });

  test('a live preview that refuses connections gets an error page from the router, not a dropped connection', async () => {
    const zeta = await seedTask(state, 'zeta');
    const z = await fakePreview('zeta');
    await new Promise<void>((r) => z.server.close(() => r())); // its port now refuses
    await seedPreview(state, zeta.id, { port: z.port });
    router.invalidate();
    const host = `${previewHostLabel('zeta', zeta.id)}.localhost`;
    await get(router.port, `${previewHostLabel('alpha-shop', alpha.id)}.localhost`); // reload the table
    const res = await get(router.port, host);
    assert.ok(res.status >= 500 && res.status < 600, `status ${res.status}`);
  });

  test('requests for two previews over one keep-alive connection each reach their own preview', async () => {
    const hostA = `${previewHostLabel('alpha-shop', alpha.id)}.localhost`;
    const hostB = `${previewHostLabel('beta', beta.id)}.localhost`;
    // What a proxy in front of the router (or Node's agent, connecting by IP) does: one connection, many Hosts.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(router.port, '127.0.0.1');
      let text = '';
      socket.on('data', (c) => (text += String(c)));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write(`GET /one HTTP/1.1\r\nHost: ${hostA}\r\n\r\nGET /two HTTP/1.1\r\nHost: ${hostB}\r\nConnection: close\r\n\r\n`);
    });
    const bodies = [...answer.matchAll(/\{"name":"(\w+)","path":"([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(bodies, ['alpha /one', 'beta /two']);
  });
});
