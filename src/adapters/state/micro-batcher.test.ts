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

  test('a repeated key waits for the batch holding it to finish, while other keys do not wait', async () => {
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const b = createMicroBatcher<string, string>({
      keyOf: (k) => k.split(':')[0]!,
      run: async (items) => {
        log.push(`start ${items.join(',')}`);
        if (items.includes('x:1')) await gate;
        log.push(`end ${items.join(',')}`);
        return new Map(items.map((k) => [k.split(':')[0]!, k]));
      },
    });
    const first = b.submit('x:1');
    await new Promise((r) => setImmediate(r));
    // x:1 is still running: y goes ahead in its own batch, x:2 must wait for x:1 (another connection could
    // otherwise apply it first).
    const second = b.submit('x:2');
    const other = b.submit('y:1');
    assert.equal(await other, 'y:1');
    assert.deepEqual(log, ['start x:1', 'start y:1', 'end y:1']);
    release();
    assert.deepEqual(await Promise.all([first, second]), ['x:1', 'x:2']);
    assert.deepEqual(log, ['start x:1', 'start y:1', 'end y:1', 'end x:1', 'start x:2', 'end x:2']);
    await b.idle();
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
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
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
