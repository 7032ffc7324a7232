import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { topicMatches } from './routing.ts';

describe('topicMatches (AMQP topic rules)', () => {
  const cases: Array<[pattern: string, key: string, expected: boolean]> = [
    ['catalyst.plan.created', 'catalyst.plan.created', true],
    ['catalyst.plan.created', 'catalyst.plan.create', false],
    ['catalyst.plan', 'catalyst.plan.created', false],
    ['catalyst.plan.created.x', 'catalyst.plan.created', false],
    // `*` is exactly one word
    ['catalyst.*', 'catalyst.plan', true],
    ['catalyst.*', 'catalyst.plan.created', false],
    ['catalyst.*', 'catalyst', false],
    ['catalyst.*.*', 'catalyst.plan.created', true],
    ['catalyst.*.*', 'catalyst.code.pr.opened', false],
    ['*.plan.*', 'catalyst.plan.created', true],
    ['*', '', false],
    ['*', 'a', true],
    // `#` is zero or more words
    ['catalyst.#', 'catalyst', true],
    ['catalyst.#', 'catalyst.plan.created', true],
    ['catalyst.#', 'catalyst.code.pr.opened', true],
    ['catalyst.#', 'other.plan.created', false],
    ['#', '', true],
    ['#', 'a.b.c', true],
    ['#.opened', 'catalyst.code.pr.opened', true],
    ['#.opened', 'opened', true],
    ['#.opened', 'catalyst.code.pr.closed', false],
    ['catalyst.#.created', 'catalyst.created', true],
    ['catalyst.#.created', 'catalyst.plan.created', true],
    ['catalyst.#.created', 'catalyst.a.b.c.created', true],
    ['catalyst.#.created', 'catalyst.plan.created.not', false],
    ['#.#', 'a', true],
    ['#.*', '', false],
    ['#.*', 'a.b', true],
    ['*.#.*', 'a', false],
    ['*.#.*', 'a.b', true],
    // literal words are compared whole, not as prefixes or globs
    ['catalyst.plan*', 'catalyst.planner', false],
    ['catalyst.p#', 'catalyst.plan', false],
    // empty words are words
    ['a.', 'a.', true],
    ['a.*', 'a.', true],
    ['a', 'a.', false],
  ];
  for (const [pattern, key, expected] of cases) {
    test(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(key)}`, () => {
      assert.equal(topicMatches(pattern, key), expected);
    });
  }

  test('many # words stay fast on long keys (no backtracking blow-up)', () => {
    const pattern = Array.from({ length: 30 }, () => '#').join('.') + '.z';
    const key = Array.from({ length: 200 }, () => 'a').join('.');
    assert.equal(topicMatches(pattern, key), false);
    assert.equal(topicMatches(pattern, `${key}.z`), true);
  });
});
