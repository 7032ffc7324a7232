/**
 * The stand-in itself: what the model tests sharing one stand-in rely on — each test starts clean, and a
 * request always reaches it, also on a pooled connection after the event loop was blocked.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startStandin, type Standin } from './standin-server.ts';

let s: Standin;
before(async () => {
  s = await startStandin('openai');
});
beforeEach(() => s.reset());
after(async () => {
  await s?.close();
});

/** What the OpenAI provider sends, through the same global fetch (undici) and its connection pool. */
async function complete(): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, body: await res.json() };
}

test('reset() forgets the steps left, the requests and the default answer', async () => {
  s.script({ status: 503 }, { authFail: true });
  s.respond(() => ({ status: 500 }));
  assert.equal((await complete()).status, 503);
  s.reset();
  assert.equal(s.requests.length, 0);
  const answer = await complete();
  assert.equal(answer.status, 200, 'neither the queued 401 nor the replaced default answers');
  assert.equal(answer.body.choices[0].message.content, 'ok');
  assert.equal(s.requests.length, 1);
});

test('a request sent on a pooled connection right after the event loop was blocked past 5 s arrives', async () => {
  // The stand-in shares its event loop with the client. Synchronous work (git, PGlite) blocked it past
  // Node's default 5 s keepAliveTimeout; the client then sent its next request on the idle pooled socket
  // and the server's overdue timer reset it unread: ECONNRESET, and the scripted step left for the next test.
  assert.equal((await complete()).status, 200);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6_000);
  assert.equal((await complete()).status, 200);
  assert.equal(s.requests.length, 2);
});
