/**
 * The VectorStore conformance suite (src/core/ports/vector-store.ts): the in-state-store cosine search
 * and Qdrant run the same tests. Each test uses its own collection.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../src/core/errors.ts';
import type { VectorStore } from '../../src/core/ports/vector-store.ts';

export interface VectorStoreHarness {
  open(): Promise<{ vectors: VectorStore; close(): Promise<void> }>;
  /** Removes the collections a run created (shared servers). */
  dropCollections?(names: string[]): Promise<void>;
}

export function describeVectorStore(name: string, harness: VectorStoreHarness): void {
  describe(`VectorStore conformance: ${name}`, () => {
    let vectors: VectorStore;
    let close: () => Promise<void>;
    const created: string[] = [];
    const collection = (label: string) => {
      const n = `conf_${label}_${randomUUID().slice(0, 8)}`;
      created.push(n);
      return n;
    };
    before(async () => {
      ({ vectors, close } = await harness.open());
    });
    after(async () => {
      await harness.dropCollections?.(created);
      await close();
    });

    test('search ranks by cosine similarity, best first, up to the limit', async () => {
      const c = collection('rank');
      await vectors.ensureCollection(c, 3);
      await vectors.upsert(c, [
        { id: 'same-direction', vector: [2, 0, 0], payload: { kind: 'code' } },
        { id: 'diagonal', vector: [1, 1, 0], payload: { kind: 'code' } },
        { id: 'orthogonal', vector: [0, 0, 5], payload: { kind: 'code' } },
        { id: 'opposite', vector: [-1, 0, 0], payload: { kind: 'code' } },
      ]);
      const hits = await vectors.search(c, [1, 0, 0], { limit: 3 });
      assert.deepEqual(
        hits.map((h) => h.id),
        ['same-direction', 'diagonal', 'orthogonal'],
      );
      assert.ok(Math.abs(hits[0]!.score - 1) < 1e-6);
      assert.ok(Math.abs(hits[1]!.score - Math.SQRT1_2) < 1e-6);
      assert.ok(Math.abs(hits[2]!.score) < 1e-6);
      assert.deepEqual(hits[0]!.payload, { kind: 'code' });
    });

    test('a payload filter keeps only points whose fields are equal', async () => {
      const c = collection('filter');
      await vectors.ensureCollection(c, 2);
      await vectors.upsert(c, [
        { id: 'a', vector: [1, 0], payload: { kind: 'finding', project: 'todo' } },
        { id: 'b', vector: [1, 0.1], payload: { kind: 'code', project: 'todo' } },
        { id: 'c', vector: [1, 0.2], payload: { kind: 'finding', project: 'notes' } },
      ]);
      const hits = await vectors.search(c, [1, 0], { limit: 10, filter: { kind: 'finding', project: 'todo' } });
      assert.deepEqual(
        hits.map((h) => h.id),
        ['a'],
      );
    });

    test('upsert replaces by id; delete removes (a missing id is fine); collections are independent', async () => {
      const c = collection('upsert');
      const other = collection('other');
      await vectors.ensureCollection(c, 2);
      await vectors.ensureCollection(c, 2);
      await vectors.ensureCollection(other, 2);
      await vectors.upsert(c, [{ id: 'p', vector: [1, 0], payload: { v: 1 } }]);
      await vectors.upsert(c, [{ id: 'p', vector: [0, 1], payload: { v: 2 } }]);
      const hits = await vectors.search(c, [0, 1], { limit: 5 });
      assert.equal(hits.length, 1);
      assert.deepEqual(hits[0]!.payload, { v: 2 });
      assert.deepEqual(await vectors.search(other, [0, 1], { limit: 5 }), []);
      await vectors.delete(c, ['p', 'never-existed']);
      assert.deepEqual(await vectors.search(c, [0, 1], { limit: 5 }), []);
    });

    test('a vector of the wrong dimension is refused', async () => {
      const c = collection('dims');
      await vectors.ensureCollection(c, 3);
      await assert.rejects(vectors.upsert(c, [{ id: 'x', vector: [1, 2], payload: {} }]), isInvalid);
      await assert.rejects(vectors.search(c, [1], { limit: 1 }), isInvalid);
      await assert.rejects(vectors.ensureCollection(c, 4), isInvalid);
    });
  });
}

const isInvalid = (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option';
