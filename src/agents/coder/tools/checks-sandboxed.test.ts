/**
 * The toolbox over a real app: the web-app skeleton copied into a folder with Catalyst's packages linked
 * (as the coder's worktree is), broken through the tools the way a model would break it, then its real
 * npm scripts run through the bubblewrap-sandboxed runner — the reports must point at the right
 * file:line, and a test the "model" wrote must not see Catalyst's API keys.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFsWorkspace } from '../../../adapters/fs/workspace.ts';
import { createLocalRunner } from '../../../adapters/runner/local/local-runner.ts';
import { createSandboxedRunner } from '../../../adapters/runner/sandboxed/sandboxed-runner.ts';
import type { CommandRunner, RunRequest } from '../../../core/ports/command-runner.ts';
import { readSkeleton } from '../../../generator/skeleton-files.ts';
import { probeBwrap } from '../../../preview/sandbox.ts';
import { createCoderToolbox, installedDependencyVersions, type CoderToolbox } from './index.ts';

const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../../../node_modules', import.meta.url)));
const CATALYST_ROOT = dirname(NODE_MODULES);
const PATH = process.env.PATH ?? '/usr/bin:/bin';
const bwrap = probeBwrap(PATH);

let root = '';
let app = '';
let box: CoderToolbox;
const requests: RunRequest[] = [];

function outside(): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => !p.startsWith('app'))
    .sort();
}

before(async () => {
  process.env.OPENAI_API_KEY = 'sk-integration-never-leaks';
  process.env.ANTHROPIC_API_KEY = 'sk-ant-integration-never-leaks';
  root = realpathSync(mkdtempSync(join(tmpdir(), 'catalyst-checks-')));
  app = join(root, 'app');
  for (const file of readSkeleton('web-app')) {
    mkdirSync(dirname(join(app, file.path)), { recursive: true });
    writeFileSync(join(app, file.path), file.content);
  }
  mkdirSync(join(root, 'sibling'));
  writeFileSync(join(root, 'sibling', 'keep.txt'), 'untouched\n');
  await createFsWorkspace(NODE_MODULES).linkDependencies(app);
  const real: CommandRunner =
    bwrap.path !== null
      ? createSandboxedRunner({ baseEnv: { PATH }, readOnly: [NODE_MODULES], nodeModulesDir: NODE_MODULES })
      : createLocalRunner({ baseEnv: { PATH } });
  box = createCoderToolbox({
    worktree: app,
    runner: { sandbox: real.sandbox, run: (req) => (requests.push(req), real.run(req)) },
    limits: { maxFileBytes: 256 * 1024, maxFiles: 200, maxReadBytes: 64 * 1024 },
    check: { timeoutMs: 90_000, memoryMb: 1024, chromiumPath: null },
    allowedDependencies: installedDependencyVersions(CATALYST_ROOT),
    onEvent: () => {},
  });
});

after(() => {
  delete process.env.OPENAI_API_KEY;
  delete process.env.ANTHROPIC_API_KEY;
  rmSync(root, { recursive: true, force: true });
});

describe(`the web-app skeleton's real checks through the toolbox (${bwrap.path !== null ? 'bubblewrap' : `local runner: ${bwrap.reason}`})`, () => {
  test('a type error, a lint error, a failing test and a bad import are reported with file:line', async () => {
    const before = outside();
    await box.applyChange({
      kind: 'edit',
      path: 'frontend/src/counter.ts',
      search: 'const count = counter.count + 1;',
      replace: 'const count: string = counter.count + 1;',
    });
    await box.applyChange({
      kind: 'edit',
      path: 'backend/src/app.ts',
      search: "import { join } from 'node:path';",
      replace: "import { join } from 'node:path';\nlet unused = 1;",
    });
    await box.applyChange({
      kind: 'edit',
      path: 'frontend/src/counter.test.ts',
      search: '{ count: 2, best: 2 }',
      replace: '{ count: 3, best: 2 }',
    });
    await box.applyChange({
      kind: 'edit',
      path: 'frontend/src/App.tsx',
      search: "import { increment, reset, START } from './counter.ts';",
      replace: "import { increment, reset, START } from './counter.ts';\nimport { missing } from './nowhere.ts';",
    });

    const [typecheck, lint, tests, build] = await Promise.all(
      ['typecheck', 'lint', 'test', 'build'].map((c) => box.runCheck(c as 'typecheck')),
    );
    assert.equal(typecheck!.summary, 'typecheck: 4 errors', typecheck!.output);
    assert.match(
      typecheck!.output,
      /^frontend\/src\/counter\.ts:11:9 - error TS2322: Type 'number' is not assignable to type 'string'\.$/m,
    );
    assert.match(typecheck!.output, /^frontend\/src\/App\.tsx:3:25 - error TS2307: Cannot find module '\.\/nowhere\.ts'/m);
    assert.equal(lint!.summary, 'lint: 3 errors', lint!.output);
    assert.match(lint!.output, /^frontend\/src\/App\.tsx:3:10 error 'missing' is defined but never used/m);
    assert.match(lint!.output, /^backend\/src\/app\.ts:3:5 error 'unused' is never reassigned/m);
    assert.equal(tests!.summary, 'tests: 1 failed of 4', tests!.output);
    assert.match(tests!.output, /at TestContext\.<anonymous> \(frontend\/src\/counter\.test\.ts:7:10\)/);
    assert.equal(build!.summary, 'build: 1 error', build!.output);
    assert.match(build!.output, /Could not resolve '\.\/nowhere\.ts' in frontend\/src\/App\.tsx/);
    for (const r of [typecheck, lint, tests, build]) {
      assert.ok(!r!.output.includes(root) && !r!.output.includes(String.fromCharCode(27)), 'paths relative, no colours');
      assert.ok(r!.output.split('\n').length <= 51);
    }

    // The same errors again give the same signatures (the stuck detector's input).
    const again = await box.runCheck('test');
    assert.equal(again.signature, tests!.signature);
    assert.deepEqual(outside(), before, 'nothing outside the worktree changed');
  });

  test('fixed, the tests pass — and a test the model wrote sees none of Catalyst’s keys', async () => {
    await box.applyChange({
      kind: 'edit',
      path: 'frontend/src/counter.test.ts',
      search: '{ count: 3, best: 2 }',
      replace: '{ count: 2, best: 2 }',
    });
    await box.applyChange({
      kind: 'write',
      path: 'backend/test/env.test.ts',
      content: [
        "import assert from 'node:assert/strict';",
        "import { test } from 'node:test';",
        '',
        "test('sees no API key', () => {",
        '  assert.deepEqual(Object.keys(process.env).filter((k) => /API_KEY|TOKEN|SECRET/.test(k)), []);',
        "  assert.equal(process.env.CI, '1');",
        '});',
        '',
      ].join('\n'),
    });
    const tests = await box.runCheck('test');
    assert.equal(tests.summary, 'tests: 5 passed', tests.output);
    assert.equal(tests.ok, true);
    for (const req of requests) {
      assert.equal(req.command, 'npm');
      assert.equal(req.cwd, app);
      assert.deepEqual(req.env, { CI: '1', NO_COLOR: '1' });
    }
  });
});
