/**
 * A key-value cache with expiry (spec §3.1 Redis: LLM response cache, hot task progress).
 *
 * Guarantees every adapter keeps (test/conformance/cache.ts):
 * - Values are JSON: `get` returns a deep copy of what `set` stored (no shared mutation), or null when
 *   the key is missing or expired. `set` replaces the value and restarts its time to live.
 * - A key expires after its `ttlMs` (default: the adapter's configured TTL); an expired key is never
 *   returned, however the adapter evicts it.
 * - `delete` reports whether the key existed. `clear` removes every key of this namespace and no other.
 * - `namespace(name)` is a view whose keys cannot collide with the parent's or another namespace's;
 *   views share the connection, so only the root's `close` releases it.
 * - A cache is an optimisation: callers must cope with any key being gone.
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T = unknown>(key: string): Promise<T | null>;
  set(key: string, value: unknown, opts?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<boolean>;
  clear(): Promise<number>;
  namespace(name: string): Cache;
  close(): Promise<void>;
}
