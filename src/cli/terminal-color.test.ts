import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colorEnabled, painter } from './terminal-color.ts';

test('a terminal gets colour, a pipe does not, and NO_COLOR / FORCE_COLOR override that as Node does', () => {
  const cases: Array<[Record<string, string>, boolean, boolean]> = [
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true], // an empty NO_COLOR does not count (no-color.org)
    [{ NODE_DISABLE_COLORS: '1' }, true, false],
    [{ TERM: 'dumb' }, true, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
  ];
  for (const [env, tty, expected] of cases) assert.equal(colorEnabled(env, tty), expected, `${JSON.stringify(env)} tty=${tty}`);
});

test('paint adds ANSI styles only when colour is on', () => {
  assert.equal(painter(true)('green', '✔'), '\u001b[32m✔\u001b[39m');
  assert.equal(painter(false)('green', '✔'), '✔');
});
