/**
 * The Cache conformance suite (src/core/ports/cache.ts), run by the in-process LRU and by Redis.
 * Each test works in its own namespace, so a shared Redis never mixes runs; expiry is checked by
 * bounded polling, never by asserting how long something took.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Cache } from '../../src/core/ports/cache.ts';

export interface CacheHarness {
  /** A cache whose default TTL is `defaultTtlMs`. */
  open(defaultTtlMs: number): Promise<Cache>;
}

export function describeCache(name: string, harness: CacheHarness): void {
  describe(`Cache conformance: ${name}`, () => {
    let root: Cache;
    let longLived: Cache;
    const ns = () => root.namespace(`conformance-${randomUUID().slice(0, 8)}`);
    before(async () => {
      root = await harness.open(300);
      longLived = await harness.open(60_000);
    });
    after(async () => {
      await root.close();
      await longLived.close();
    });

    test('set then get returns an equal copy; a missing key is null', async () => {
      const c = longLived.namespace(`copy-${randomUUID().slice(0, 8)}`);
      const value = { model: 'deterministic', tokens: 42, ok: true, items: ['a', { b: null }], text: 'résumé ✓' };
      await c.set('llm:abc', value);
      const got = await c.get<typeof value>('llm:abc');
      assert.deepEqual(got, value);
      got!.items.push('mutated');
      assert.deepEqual(await c.get('llm:abc'), value, 'a caller cannot mutate the stored value');
      assert.equal(await c.get('nothing-here'), null);
      await c.clear();
    });

    test('set replaces a value; delete reports whether the key existed', async () => {
      const c = longLived.namespace(`replace-${randomUUID().slice(0, 8)}`);
      await c.set('k', 1);
      await c.set('k', { v: 2 });
      assert.deepEqual(await c.get('k'), { v: 2 });
      assert.equal(await c.delete('k'), true);
      assert.equal(await c.delete('k'), false);
      assert.equal(await c.get('k'), null);
    });

    test('a key expires after its ttl; a longer ttl keeps it', async () => {
      const c = ns();
      await c.set('short', 'soon gone', { ttlMs: 150 });
      await c.set('long', 'stays', { ttlMs: 60_000 });
      assert.equal(await c.get('short'), 'soon gone');
      await waitUntil(async () => (await c.get('short')) === null, 'the short-lived key expires');
      assert.equal(await c.get('long'), 'stays');
      await c.clear();
    });

    test('without a ttl a key gets the default ttl', async () => {
      const c = ns();
      await c.set('default', 1);
      assert.equal(await c.get('default'), 1);
      await waitUntil(async () => (await c.get('default')) === null, 'the key expires after the default ttl');
    });

    test('namespaces isolate keys, also from keys that look like namespaced ones; clear stays inside', async () => {
      const base = longLived.namespace(`iso-${randomUUID().slice(0, 8)}`);
      const a = base.namespace('a');
      const b = base.namespace('b');
      const tricky = base.namespace('a:b');
      await a.set('x', 'from a');
      await b.set('x', 'from b');
      await base.set('a:x', 'from base');
      await tricky.set('x', 'from a:b');
      assert.equal(await a.get('x'), 'from a');
      assert.equal(await b.get('x'), 'from b');
      assert.equal(await base.get('a:x'), 'from base');
      assert.equal(await tricky.get('x'), 'from a:b');
      assert.equal(await a.clear(), 1);
      assert.equal(await a.get('x'), null);
      assert.equal(await b.get('x'), 'from b');
      assert.equal(await base.get('a:x'), 'from base');
      assert.equal(await base.clear(), 3);
    });
  });
}

async function waitUntil(cond: () => Promise<boolean>, what: string, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
