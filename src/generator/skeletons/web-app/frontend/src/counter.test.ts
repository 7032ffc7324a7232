import assert from 'node:assert/strict';
import { test } from 'node:test';
import { increment, reset, START } from './counter.ts';

test('counts up and remembers the best count across resets', () => {
  const twice = increment(increment(START));
  assert.deepEqual(twice, { count: 2, best: 2 });
  const again = increment(reset(twice));
  assert.deepEqual(again, { count: 1, best: 2 });
  assert.deepEqual(START, { count: 0, best: 0 }, 'the start state is never changed');
});
