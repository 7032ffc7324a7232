import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { countCases, failuresOf, parseJunit, toJunitXml } from './junit.ts';

test('reads counts and failure messages from Node junit output, nested and top-level cases', () => {
  const cases = parseJunit(readFileSync(new URL('./junit.fixture.xml', import.meta.url), 'utf8'));
  assert.deepEqual({ ...countCases(cases), seconds: undefined }, { total: 4, passed: 2, failed: 1, skipped: 1, seconds: undefined });
  assert.deepEqual(failuresOf(cases), [{ suite: 'todos api', name: 'fails', message: 'one is not two' }]);
  assert.equal(cases.find((c) => c.name === 'top level')?.suite, '(top level)');
});

test('an empty report has no cases', () => {
  assert.deepEqual(countCases(parseJunit('<testsuites></testsuites>')).total, 0);
});

test('cases written back with toJunitXml read the same', () => {
  const cases = parseJunit(readFileSync(new URL('./junit.fixture.xml', import.meta.url), 'utf8'));
  const again = parseJunit(toJunitXml(cases, 'all'));
  assert.deepEqual(
    again.map((c) => [c.suite, c.name, c.status, c.message]),
    cases.map((c) => [c.suite, c.name, c.status, c.message]),
  );
});
