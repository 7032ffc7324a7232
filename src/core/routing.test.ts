import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topicMatches } from './routing.ts';

test('topic patterns follow AMQP: * is one word, # is zero or more', () => {
  const cases: Array<[string, string, boolean]> = [
    ['catalyst.plan.created', 'catalyst.plan.created', true],
    ['catalyst.plan.created', 'catalyst.plan.updated', false],
    ['catalyst.*.created', 'catalyst.plan.created', true],
    ['catalyst.*', 'catalyst.plan.created', false],
    ['catalyst.#', 'catalyst.plan.created', true],
    ['catalyst.#', 'catalyst', true],
    ['#', 'anything.at.all', true],
    ['catalyst.#.opened', 'catalyst.code.pr.opened', true],
    ['catalyst.#.opened', 'catalyst.opened', true],
    ['catalyst.*.opened', 'catalyst.code.pr.opened', false],
    ['*.*', 'a', false],
  ];
  for (const [pattern, key, expected] of cases) assert.equal(topicMatches(pattern, key), expected, `${pattern} vs ${key}`);
});
