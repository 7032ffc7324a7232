import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMicroBatcher } from './micro-batcher.ts';

describe('micro-batcher: concurrent calls share one round trip', () => {
  test('calls made together run as one batch, each caller gets its own answer', async () => {
    const batches: string[][] = [];
    const b = createMicroBatcher<string, string>({
      keyOf: (k) => k,
      run: async (items) => {
        batches.push(items);
        return new Map(items.map((k) => [k, k.toUpperCase()]));
      },
    });
    const answers = await Promise.all(['a', 'b', 'c'].map((k) => b.submit(k)));
    assert.deepEqual(answers, ['A', 'B', 'C']);
    assert.deepEqual(batches, [['a', 'b', 'c']]);
  });

  test('the same key twice goes into two batches, in order (PostgreSQL cannot upsert a row twice in one statement)', async () => {
    const batches: string[][] = [];
    let n = 0;
    const b = createMicroBatcher<string, number>({
      keyOf: (k) => k,
      run: async (items) => {
        batches.push(items);
        return new Map(items.map((k) => [k, ++n]));
      },
    });
    const answers = await Promise.all([b.submit('x'), b.submit('y'), b.submit('x')]);
    assert.deepEqual(batches, [['x', 'y'], ['x']]);
    assert.deepEqual(answers, [1, 2, 3]);
  });

  test('one bad item fails only its own caller: a failed batch is retried item by item', async () => {
    const b = createMicroBatcher<string, string>({
      keyOf: (k) => k,
      run: async (items) => {
        if (items.includes('bad')) throw new Error('bad row');
        return new Map(items.map((k) => [k, 'ok']));
      },
    });
    const results = await Promise.allSettled(['one', 'bad', 'two'].map((k) => b.submit(k)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /bad row/);
  });

  test('idle() waits until every submitted item is answered', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const b = createMicroBatcher<string, string>({
      keyOf: (k) => k,
      run: async (items) => {
        await gate;
        return new Map(items.map((k) => [k, k]));
      },
    });
    let answered = false;
    void b.submit('k').then(() => (answered = true));
    const idle = b.idle();
    setTimeout(release, 20);
    await idle;
    assert.equal(answered, true);
  });
});
