/**
 * The Redis cache (ioredis). Values are JSON strings under `<prefix><namespace>:<key>` with PX expiry,
 * so Redis evicts expired keys itself; `clear` walks its namespace with SCAN (never KEYS) and UNLINKs.
 */
import { Redis } from 'ioredis';
import { AppError } from '../../../core/errors.ts';
import type { Cache } from '../../../core/ports/cache.ts';

export interface RedisCacheOptions {
  url: string;
  defaultTtlMs: number;
  /** Prepended to every key, so several installations can share one Redis. */
  prefix?: string;
}

export async function openRedisCache(opts: RedisCacheOptions): Promise<Cache> {
  if (!opts.url)
    throw new AppError('invalid_config', 'the Redis cache needs a URL', { hint: 'set REDIS_URL, e.g. redis://127.0.0.1:6379' });
  const client = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  client.on('error', () => undefined); // reported through the failing command instead
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw new AppError('service_unavailable', `cannot connect to Redis: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'start Redis or fix REDIS_URL (storage.redis.url)',
      cause: e,
    });
  }
  return view(client, opts.prefix ?? 'catalyst:', opts.defaultTtlMs, true);
}

function view(client: Redis, prefix: string, defaultTtlMs: number, root: boolean): Cache {
  // Keys are escaped like namespace names, so key `a:x` can never equal namespace `a` + key `x`.
  const k = (key: string) => `${prefix}${escapeName(key)}`;
  return {
    kind: 'redis',
    async get<T>(key: string): Promise<T | null> {
      const raw = await client.get(k(key));
      return raw === null ? null : (JSON.parse(raw) as T);
    },
    async set(key, value, setOpts = {}) {
      await client.set(k(key), JSON.stringify(value), 'PX', Math.max(1, Math.round(setOpts.ttlMs ?? defaultTtlMs)));
    },
    async delete(key) {
      return (await client.del(k(key))) > 0;
    },
    async clear() {
      let cursor = '0';
      let n = 0;
      const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) n += await client.unlink(...keys);
      } while (cursor !== '0');
      return n;
    },
    namespace(name) {
      return view(client, `${prefix}${escapeName(name)}:`, defaultTtlMs, false);
    },
    async close() {
      if (root) await client.quit().catch(() => client.disconnect());
    },
  };
}

function escapeName(name: string): string {
  return name.replace(/%/g, '%25').replace(/:/g, '%3A');
}
