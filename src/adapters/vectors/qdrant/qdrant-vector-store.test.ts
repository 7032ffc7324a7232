import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { QdrantClient } from '@qdrant/js-client-rest';
import { describeVectorStore } from '../../../../test/conformance/vector-store.ts';
import { AppError } from '../../../core/errors.ts';
import { openQdrantVectorStore, pointId } from './qdrant-vector-store.ts';

// Qdrant is not installed on our machines: the suite runs only when QDRANT_URL points at one.
const url = process.env.QDRANT_URL ?? '';
const prefix = `catalyst_test_${randomBytes(4).toString('hex')}_`;

if (url) {
  describeVectorStore('qdrant', {
    open: async () => {
      const vectors = await openQdrantVectorStore({ url, prefix });
      return { vectors, close: () => vectors.close() };
    },
    async dropCollections(names) {
      const client = new QdrantClient({ url, checkCompatibility: false });
      for (const n of names) await client.deleteCollection(`${prefix}${n}`).catch(() => undefined);
    },
  });
} else {
  test('VectorStore conformance: qdrant (QDRANT_URL not set: not run)', async () => {
    await assert.rejects(openQdrantVectorStore({ url: '' }), (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_config');
  });
}

test('qdrant point ids are stable version-5-layout UUIDs derived from the string id', () => {
  const id = pointId('src/routes/todos.ts#L10');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(pointId('src/routes/todos.ts#L10'), id);
  assert.notEqual(pointId('other'), id);
});
