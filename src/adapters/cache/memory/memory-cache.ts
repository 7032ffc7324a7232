/** The embedded cache: an in-process LRU (lru-cache) with per-entry TTLs; gone when the process exits. */
import { LRUCache } from 'lru-cache';
import type { Cache } from '../../../core/ports/cache.ts';

export interface MemoryCacheOptions {
  defaultTtlMs: number;
  /** Entries kept before the least recently used is evicted. */
  maxEntries?: number;
}

export function createMemoryCache(opts: MemoryCacheOptions): Cache {
  const lru = new LRUCache<string, { json: string }>({ max: opts.maxEntries ?? 10_000, ttl: opts.defaultTtlMs, ttlAutopurge: false });
  return view(lru, '', opts.defaultTtlMs, true);
}

function view(lru: LRUCache<string, { json: string }>, prefix: string, defaultTtlMs: number, root: boolean): Cache {
  // Keys are escaped like namespace names, so key `a:x` can never equal namespace `a` + key `x`.
  const k = (key: string) => `${prefix}${escapeName(key)}`;
  return {
    kind: 'memory',
    async get<T>(key: string): Promise<T | null> {
      const hit = lru.get(k(key));
      // Stored as JSON text so a caller can never mutate what another caller reads.
      return hit ? (JSON.parse(hit.json) as T) : null;
    },
    async set(key, value, setOpts = {}) {
      lru.set(k(key), { json: JSON.stringify(value) }, { ttl: setOpts.ttlMs ?? defaultTtlMs });
    },
    async delete(key) {
      return lru.delete(k(key));
    },
    async clear() {
      let n = 0;
      for (const key of [...lru.keys()]) {
        if (key.startsWith(prefix) && lru.delete(key)) n += 1;
      }
      return n;
    },
    namespace(name) {
      return view(lru, `${prefix}${escapeName(name)}:`, defaultTtlMs, false);
    },
    async close() {
      if (root) lru.clear();
    },
  };
}

/** Colons inside names and keys are escaped: `:` only ever separates a namespace from what follows. */
export function escapeName(name: string): string {
  return name.replace(/%/g, '%25').replace(/:/g, '%3A');
}
