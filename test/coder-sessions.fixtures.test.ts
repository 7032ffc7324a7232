/**
 * The apps the scripted coder sessions build are real: each fixture, laid over the web-app skeleton the way
 * the sessions leave it, passes its own checks — type-check, lint, unit and API tests with coverage, build
 * and its browser test in headless Chromium. Without this a session could "fix" its way to code that
 * only the script believes in.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFsWorkspace } from '../src/adapters/fs/workspace.ts';
import { FIXTURE_APPS, finalFiles } from './support/coder-sessions/fixture-apps.ts';

const NODE_MODULES = realpathSync(fileURLToPath(new URL('../node_modules', import.meta.url)));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let root = '';

/** The environment an app's scripts get: nothing of this test runner's own settings. */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['NODE_TEST_CONTEXT', 'NODE_V8_COVERAGE', 'NODE_OPTIONS', 'CHROMIUM_PATH', 'PORT', 'HOST', 'SOCKET_PATH'])
    delete env[key];
  return { ...env, ...extra };
}

async function npm(dir: string, args: string[], env = appEnv()): Promise<string> {
  const child = spawn('npm', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.equal(code, 0, `${dir}: npm ${args.join(' ')} failed:\n${output.slice(-4000)}`);
  return output;
}

function testcases(junitFile: string): number {
  const junit = readFileSync(junitFile, 'utf8');
  assert.doesNotMatch(junit, /<failure/);
  return junit.match(/<testcase /g)?.length ?? 0;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'catalyst-coder-fixtures-'));
});

after(() => rmSync(root, { recursive: true, force: true }));

for (const app of FIXTURE_APPS) {
  test(`the ${app} fixture passes its own checks`, async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is installed at ${CHROMIUM}`);
    const dir = join(root, app);
    for (const [path, content] of finalFiles(app)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    await createFsWorkspace(NODE_MODULES).linkDependencies(dir);

    await npm(dir, ['run', 'typecheck']);
    await npm(dir, ['run', 'lint', '--', '--max-warnings', '0']);
    assert.match(await npm(dir, ['test']), /ℹ fail 0/);
    assert.ok(testcases(join(dir, 'test-results/junit.xml')) >= 5, 'its unit and API tests ran');
    const summary = JSON.parse(readFileSync(join(dir, 'coverage/coverage-summary.json'), 'utf8'));
    assert.ok(summary.total.lines.pct >= 60, `line coverage ${summary.total.lines.pct}%`);
    await npm(dir, ['run', 'build']);
    await npm(dir, ['run', 'test:e2e'], appEnv({ CHROMIUM_PATH: CHROMIUM }));
    assert.ok(testcases(join(dir, 'test-results/e2e-junit.xml')) >= 3, 'its browser tests ran');
    assert.ok(
      readdirSync(join(dir, 'test-results/e2e')).some((f) => f.endsWith('.png')),
      'the browser test took screenshots',
    );
  });
}
