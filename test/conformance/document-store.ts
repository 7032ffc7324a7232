/**
 * The DocumentStore conformance suite: the guarantees of src/core/ports/document-store.ts, run by every
 * adapter. Each test works in its own collection, so tests sharing one store never see each other's data.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { DocumentStore } from '../../src/core/ports/document-store.ts';

export interface DocumentStoreHarness {
  open(): Promise<{ documents: DocumentStore; close(): Promise<void> }>;
}

function collectionName(base: string): string {
  return `${base}_${randomUUID().slice(0, 8)}`;
}

export function describeDocumentStore(name: string, harness: DocumentStoreHarness): void {
  describe(`DocumentStore conformance: ${name}`, () => {
    let docs: DocumentStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await harness.open();
      docs = opened.documents;
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    test('a stored document reads back exactly; a missing one is null', async () => {
      const conversations = collectionName('conversations');
      const doc = {
        id: 'c1',
        title: 'Todo app — première version',
        messages: [{ role: 'user', content: 'build a todo app with user auth' }],
        context: { current_task_id: randomUUID(), depth: 2, archived: false, parent: null },
      };
      await docs.put(conversations, 'c1', doc);
      assert.deepEqual(await docs.get(conversations, 'c1'), doc);
      assert.equal(await docs.get(conversations, 'nope'), null);
      assert.equal(await docs.get(collectionName('elsewhere'), 'c1'), null);
    });

    test('put replaces the whole document', async () => {
      const plans = collectionName('plans');
      await docs.put(plans, 'p1', { id: 'p1', version: 1, draft: true });
      await docs.put(plans, 'p1', { id: 'p1', version: 2 });
      assert.deepEqual(await docs.get(plans, 'p1'), { id: 'p1', version: 2 });
      assert.equal((await docs.find(plans, {})).length, 1);
    });

    test('find matches top-level fields by equality, all of them at once', async () => {
      const logs = collectionName('agent_logs');
      const taskA = randomUUID();
      const taskB = randomUUID();
      await docs.put(logs, '1', { task_id: taskA, level: 'info', seq: 1, retried: false, parent: null });
      await docs.put(logs, '2', { task_id: taskA, level: 'error', seq: 2, retried: true, parent: '1' });
      await docs.put(logs, '3', { task_id: taskB, level: 'info', seq: 3, retried: false, parent: null });
      const ids = async (filter: Record<string, string | number | boolean | null>) => (await docs.find(logs, filter)).map((d) => d.seq);
      assert.deepEqual(await ids({ task_id: taskA }), [1, 2]);
      assert.deepEqual(await ids({ task_id: taskA, level: 'info' }), [1]);
      assert.deepEqual(await ids({ seq: 3 }), [3]);
      assert.deepEqual(await ids({ retried: true }), [2]);
      assert.deepEqual(await ids({ parent: null }), [1, 3]);
      assert.deepEqual(await ids({ level: 'warning' }), []);
      assert.deepEqual(await ids({}), [1, 2, 3]);
    });

    test('find sorts by a field, ascending or descending, breaking ties by insertion order, and limits', async () => {
      const reviews = collectionName('code_reviews');
      await docs.put(reviews, 'a', { name: 'a', score: 70, at: '2025-01-02T00:00:00.000Z' });
      await docs.put(reviews, 'b', { name: 'b', score: 90, at: '2025-01-01T00:00:00.000Z' });
      await docs.put(reviews, 'c', { name: 'c', score: 70, at: '2025-01-03T00:00:00.000Z' });
      await docs.put(reviews, 'd', { name: 'd', score: 85, at: '2025-01-04T00:00:00.000Z' });
      // Replacing a document keeps its place among ties.
      await docs.put(reviews, 'a', { name: 'a', score: 70, at: '2025-01-02T00:00:00.000Z', edited: true });
      const names = async (opts: { sort?: string; desc?: boolean; limit?: number }) =>
        (await docs.find(reviews, {}, opts)).map((d) => d.name);
      assert.deepEqual(await names({ sort: 'score' }), ['a', 'c', 'd', 'b']);
      assert.deepEqual(await names({ sort: 'score', desc: true }), ['b', 'd', 'a', 'c']);
      assert.deepEqual(await names({ sort: 'at' }), ['b', 'a', 'c', 'd']);
      assert.deepEqual(await names({ sort: 'at', desc: true, limit: 2 }), ['d', 'c']);
      assert.deepEqual(await names({ limit: 3 }), ['a', 'b', 'c']);
    });

    test('delete removes a document once and reports whether it existed', async () => {
      const findings = collectionName('explorer_findings');
      await docs.put(findings, 'f1', { id: 'f1' });
      await docs.put(findings, 'f2', { id: 'f2' });
      assert.equal(await docs.delete(findings, 'f1'), true);
      assert.equal(await docs.delete(findings, 'f1'), false);
      assert.equal(await docs.get(findings, 'f1'), null);
      assert.deepEqual(await docs.find(findings, {}), [{ id: 'f2' }]);
    });
  });
}
