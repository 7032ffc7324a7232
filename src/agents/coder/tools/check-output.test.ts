/**
 * The check reports on output captured from the web-app skeleton's real scripts (fixtures/*.txt: the
 * exit code, then what `npm run <script>` printed), with a type error, lint errors, failing tests, a test
 * file that does not load and an unresolved import; the worktree was /tmp/catalyst-check-Q1w2E3/app.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { cleanOutput, MAX_OUTPUT_LINES, reportCheck, type CheckRun } from './check-output.ts';
import type { CheckName } from './file-change.ts';

const WORKTREE = '/tmp/catalyst-check-Q1w2E3/app';

function fixture(name: string): CheckRun {
  const [first, ...rest] = readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8').split('\n');
  return { exitCode: Number(/^exit (\d+)$/.exec(first!)![1]), timedOut: false, stdout: rest.join('\n'), stderr: '' };
}

const report = (check: CheckName, run: CheckRun, worktrees = [WORKTREE]) => reportCheck(check, run, worktrees, 120_000);

/** The same output as another run would print it: other timings, another temp folder. */
function rerun(run: CheckRun): CheckRun {
  const retime = (s: string) =>
    s
      .replace(/\d+\.\d+ms/g, '7.654321ms')
      .replace(/in \d+ms/g, 'in 99ms')
      .replaceAll(WORKTREE, '/tmp/catalyst-check-Z9x8C7/app');
  return { ...run, stdout: retime(run.stdout), stderr: retime(run.stderr) };
}

describe('check reports from real output', () => {
  test('typecheck: counts tsc errors and keeps each file:line', () => {
    const r = report('typecheck', fixture('broken-typecheck'));
    assert.equal(r.ok, false);
    assert.equal(r.summary, 'typecheck: 4 errors');
    assert.deepEqual(r.output.split('\n'), [
      "frontend/src/App.tsx:3:25 - error TS2307: Cannot find module './nowhere.ts' or its corresponding type declarations.",
      "frontend/src/counter.ts:11:9 - error TS2322: Type 'number' is not assignable to type 'string'.",
      "frontend/src/counter.ts:12:12 - error TS2322: Type 'string' is not assignable to type 'number'.",
      "frontend/src/counter.ts:12:48 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
    ]);
    assert.match(r.signature, /^typecheck:[0-9a-f]{16}$/);
  });

  test('lint: ESLint stylish problems with paths relative to the worktree', () => {
    const r = report('lint', fixture('broken-lint'));
    assert.equal(r.summary, 'lint: 4 errors');
    assert.equal(r.output.split('\n').length, 4);
    assert.ok(
      r.output.includes("backend/src/app.ts:3:5 error 'unused' is never reassigned. Use 'const' instead  (prefer-const)"),
      r.output,
    );
    assert.ok(!r.output.includes('/tmp/'), 'no absolute worktree paths');
  });

  test('tests: the failing test, its assertion and the stack frame in the app, without Node internals or timings', () => {
    const r = report('test', fixture('broken-test'));
    assert.equal(r.summary, 'tests: 1 failed of 4');
    assert.match(r.output, /^✖ counts up and remembers the best count across resets$/m);
    assert.match(r.output, /AssertionError \[ERR_ASSERTION\]: Expected values to be strictly deep-equal:/);
    assert.match(r.output, /\+ {3}count: 2\n {2}- {3}count: 3/);
    assert.match(r.output, /at TestContext\.<anonymous> \(frontend\/src\/counter\.test\.ts:7:10\)/);
    assert.doesNotMatch(r.output, /node:internal|node:async_hooks|generatedMessage|ms\)|Coverage summary|\/tmp\//);
  });

  test('tests: a test file that fails to load shows its import error; nested failures show their own frames', () => {
    const r = report('test', fixture('broken2-test'));
    assert.equal(r.summary, 'tests: 3 failed of 7');
    const lines = r.output.split('\n');
    assert.equal(
      lines[0],
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find module 'frontend/src/gone.ts' imported from frontend/src/broken.test.ts",
    );
    assert.ok(lines.includes('✖ moves right after a key press'));
    assert.ok(lines.includes("  TypeError [Error]: Cannot read properties of undefined (reading 'head')"));
    assert.ok(lines.includes('      at TestContext.<anonymous> (backend/test/game.test.ts:8:27)'));
    assert.ok(lines.includes('      at TestContext.<anonymous> (backend/test/game.test.ts:11:14)'));
    assert.ok(lines.includes('✖ frontend/src/broken.test.ts'));
    assert.ok(!lines.some((l) => /Promise\.all|primordials/.test(l)), r.output);
  });

  test('e2e: a failed assertion and a Playwright timeout in the browser test, after the build it runs first', () => {
    const assertion = report('e2e', fixture('e2e-assert'));
    assert.equal(assertion.summary, 'e2e: 1 failed of 3');
    assert.deepEqual(assertion.output.split('\n'), [
      '✖ counts clicks and keeps the best count after a reset',
      '  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
      '  ',
      "  '2' !== '3'",
      '  ',
      '      at TestContext.<anonymous> (e2e/app.e2e.test.ts:54:10)',
    ]);
    const timeout = report('e2e', fixture('e2e-timeout'));
    assert.equal(timeout.summary, 'e2e: 1 failed of 3');
    assert.match(
      timeout.output,
      /locator\.click: Timeout 5000ms exceeded\.\n {2}Call log:\n {4}- waiting for getByRole\('button', \{ name: 'Clear' \}\)/,
    );
    assert.match(timeout.output, /at TestContext\.<anonymous> \(e2e\/app\.e2e\.test\.ts:55:53\)$/m);
    assert.doesNotMatch(timeout.output, /TimeoutError'|log: \[/);
    assert.notEqual(timeout.signature, assertion.signature, 'the same test failing another way is another error');
  });

  test('tests: passing', () => {
    assert.deepEqual(report('test', fixture('ok-test')), { ok: true, summary: 'tests: 4 passed', output: '', signature: 'test:ok' });
  });

  test('build: the Rolldown error with its code frame, colours and foreign stack frames gone', () => {
    const run = fixture('broken-build');
    const ESC = String.fromCharCode(27);
    assert.ok(run.stdout.includes(`${ESC}[`), 'the captured output is coloured');
    const r = report('build', run);
    assert.equal(r.summary, 'build: 1 error');
    assert.match(r.output, /\[UNRESOLVED_IMPORT\] Could not resolve '.\/nowhere.ts' in frontend\/src\/App.tsx/);
    assert.match(r.output, /frontend\/src\/App\.tsx:3:25/);
    assert.match(r.output, / 3 │ import \{ missing \} from "\.\/nowhere\.ts";/);
    assert.ok(!r.output.includes(ESC), 'no colour codes');
    assert.doesNotMatch(r.output, /rolldown|node_modules|Getter/);
    assert.deepEqual(report('build', fixture('ok-build')), { ok: true, summary: 'build: ok', output: '', signature: 'build:ok' });
  });
});

describe('signatures', () => {
  test('the same errors give the same signature across runs (timings, temp folders)', () => {
    for (const [check, name] of [
      ['typecheck', 'broken-typecheck'],
      ['lint', 'broken-lint'],
      ['test', 'broken-test'],
      ['test', 'broken2-test'],
      ['build', 'broken-build'],
      ['e2e', 'e2e-assert'],
      ['e2e', 'e2e-timeout'],
    ] as const) {
      const first = report(check, fixture(name));
      const again = reportCheck(check, rerun(fixture(name)), ['/tmp/catalyst-check-Z9x8C7/app'], 120_000);
      assert.equal(again.signature, first.signature, name);
      assert.equal(again.output, first.output, `${name}: the output is the same too`);
    }
  });

  test('an error that only moved to another line keeps its signature; another error changes it', () => {
    const run = fixture('broken-typecheck');
    const moved = { ...run, stdout: run.stdout.replace('counter.ts(11,9)', 'counter.ts(14,9)') };
    const other = {
      ...run,
      stdout: run.stdout.replace("Type 'number' is not assignable to type 'string'", "Type 'number' is not assignable to type 'boolean'"),
    };
    assert.equal(report('typecheck', moved).signature, report('typecheck', run).signature);
    assert.notEqual(report('typecheck', other).signature, report('typecheck', run).signature);
    const fixedOne = { ...run, stdout: run.stdout.replace(/^frontend\/src\/App\.tsx.*\n/m, '') };
    assert.equal(report('typecheck', fixedOne).summary, 'typecheck: 3 errors');
    assert.notEqual(report('typecheck', fixedOne).signature, report('typecheck', run).signature);
  });

  test('signatures of different checks never collide', () => {
    const ok = ['typecheck', 'lint', 'test', 'build'].map(
      (c) => report(c as CheckName, { exitCode: 0, timedOut: false, stdout: 'ℹ tests 1\nℹ pass 1\nℹ fail 0\n', stderr: '' }).signature,
    );
    assert.equal(new Set(ok).size, 4);
  });
});

describe('trimming and edge cases', () => {
  test('keeps at most ~50 lines and says how many more there were', () => {
    const stdout = Array.from({ length: 200 }, (_, i) => `src/big.ts(${i + 1},1): error TS2304: Cannot find name 'x${i}'.`).join('\n');
    const r = report('typecheck', { exitCode: 2, timedOut: false, stdout, stderr: '' });
    assert.equal(r.summary, 'typecheck: 200 errors');
    const lines = r.output.split('\n');
    assert.equal(lines.length, MAX_OUTPUT_LINES + 1);
    assert.equal(lines.at(-1), '… 150 more lines');
  });

  test('tsc elaborations stay under their error; a missing tsc is a plain failure', () => {
    const stdout = [
      "frontend/src/game.ts(8,5): error TS2353: Object literal may only specify known properties, and 'speed' does not exist in type 'Snake'.",
      "frontend/src/game.ts(12,3): error TS2741: Property 'head' is missing in type '{ body: never[]; }' but required in type 'Snake'.",
      '  frontend/src/game.ts:2:3',
      '    2   head: Point;',
      '        ~~~~',
      "    'head' is declared here.",
    ].join('\n');
    const r = report('typecheck', { exitCode: 2, timedOut: false, stdout, stderr: '' });
    assert.equal(r.summary, 'typecheck: 2 errors');
    assert.deepEqual(r.output.split('\n').slice(1), [
      "frontend/src/game.ts:12:3 - error TS2741: Property 'head' is missing in type '{ body: never[]; }' but required in type 'Snake'.",
      '  frontend/src/game.ts:2:3',
      '    2   head: Point;',
      '        ~~~~',
      "    'head' is declared here.",
    ]);
    const missing = report('typecheck', { exitCode: 127, timedOut: false, stdout: '', stderr: 'sh: 1: tsc: not found\n' });
    assert.deepEqual(missing, { ...missing, ok: false, summary: 'typecheck: failed (exit code 127)', output: 'sh: 1: tsc: not found' });
  });

  test('a timeout says so, with the last lines printed', () => {
    const r = report('test', { exitCode: null, timedOut: true, stdout: '✔ one (1ms)\nstill waiting on the server\n', stderr: '' });
    assert.deepEqual(r, {
      ok: false,
      summary: 'tests: timed out after 120 s',
      output: '✔ one (1ms)\nstill waiting on the server',
      signature: 'test:timeout',
    });
  });

  test('an unknown failure falls back to the tail of the output, stripped of npm’s noise', () => {
    const stderr =
      'npm error Missing script: "lint"\nnpm error\nOops! Something went wrong! :(\nESLint: 9.39.5\nTypeError: Key "rules": bad\n';
    const r = report('lint', { exitCode: 2, timedOut: false, stdout: '', stderr });
    assert.equal(r.summary, 'lint: failed (exit code 2)');
    assert.equal(r.output, 'Oops! Something went wrong! :(\nESLint: 9.39.5\nTypeError: Key "rules": bad');
  });

  test('tests that all pass while the script fails (a coverage threshold) are a failure that says why', () => {
    const stdout = 'ℹ tests 3\nℹ pass 3\nℹ fail 0\nERROR: Coverage for lines (71%) does not meet global threshold (80%)\n';
    const r = report('test', { exitCode: 1, timedOut: false, stdout, stderr: '' });
    assert.equal(r.ok, false);
    assert.equal(r.summary, 'tests: 3 passed, but the script exited with code 1');
    assert.match(r.output, /does not meet global threshold/);
  });

  test('node:test TAP output is read too', () => {
    const stdout = [
      'TAP version 13',
      '# Subtest: adds',
      'ok 1 - adds',
      '# Subtest: wraps around the board',
      'not ok 2 - wraps around the board',
      '  ---',
      "  location: '/tmp/catalyst-check-Q1w2E3/app/backend/test/board.test.ts:9:1'",
      "  error: 'Expected values to be strictly equal:\\n\\n0 !== 19\\n'",
      '  ...',
      '1..2',
      '# tests 2',
      '# pass 1',
      '# fail 1',
      '# duration_ms 12.5',
    ].join('\n');
    const r = report('test', { exitCode: 1, timedOut: false, stdout, stderr: '' });
    assert.equal(r.summary, 'tests: 1 failed of 2');
    assert.match(r.output, /not ok 2 - wraps around the board/);
    assert.match(r.output, /location: 'backend\/test\/board\.test\.ts:9:1'/);
  });

  test('cleanOutput strips colours, CRLF and the worktree prefix, file:// URLs included', () => {
    const text = `\u001b[31m${WORKTREE}/src/a.ts\u001b[0m\r\nat file://${WORKTREE}/src/b.ts:1:2\r\n${WORKTREE} done\nkeep /tmp/catalyst-check-Q1w2E3/apple/x`;
    assert.equal(cleanOutput(text, [WORKTREE]), 'src/a.ts\nat src/b.ts:1:2\n. done\nkeep /tmp/catalyst-check-Q1w2E3/apple/x');
  });
});
