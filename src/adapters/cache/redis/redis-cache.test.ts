import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { describeCache } from '../../../../test/conformance/cache.ts';
import { AppError } from '../../../core/errors.ts';
import { openRedisCache } from './redis-cache.ts';

// The real Redis on 127.0.0.1 (`.ci/run` starts it); every key of this run lives under its own prefix.
const URL = process.env.CATALYST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `catalyst-test-${randomBytes(4).toString('hex')}:`;

after(async () => {
  const c = await openRedisCache({ url: URL, defaultTtlMs: 1000, prefix });
  await c.clear();
  await c.close();
});

describeCache('redis', { open: (defaultTtlMs) => openRedisCache({ url: URL, defaultTtlMs, prefix }) });

test('an unreachable Redis is refused with a hint naming REDIS_URL', async () => {
  await assert.rejects(
    openRedisCache({ url: 'redis://127.0.0.1:1', defaultTtlMs: 1000, prefix }),
    (e: unknown) => AppError.isInstance(e) && e.code === 'service_unavailable' && /REDIS_URL/.test(e.hint ?? ''),
  );
});
