import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { describeDocumentStore } from '../../../../test/conformance/document-store.ts';
import { AppError } from '../../../core/errors.ts';
import { openMongoDocumentStore } from './mongo-document-store.ts';

// MongoDB is not installed on our machines: the suite runs only when MONGO_URL points at one, in a
// database of its own that it drops afterwards.
const url = process.env.MONGO_URL ?? '';
const database = `catalyst_test_${randomBytes(4).toString('hex')}`;

if (url) {
  describeDocumentStore('mongodb', {
    async open() {
      const documents = await openMongoDocumentStore({ url, database });
      return {
        documents,
        async close() {
          const { MongoClient } = await import('mongodb');
          const client = new MongoClient(url);
          await client
            .db(database)
            .dropDatabase()
            .finally(() => client.close());
          await documents.close();
        },
      };
    },
  });
} else {
  test('DocumentStore conformance: mongodb (MONGO_URL not set: not run)', async () => {
    await assert.rejects(
      openMongoDocumentStore({ url: '', database }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_config',
    );
  });
}
