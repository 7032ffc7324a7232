/**
 * The web-app skeleton on its own, the way Catalyst treats a generated app: copied into a folder, its
 * packages linked from Catalyst's install (the workspace adapter), then its own checks — type-check, lint,
 * unit tests with coverage, browser tests — and a live preview through the process preview runtime,
 * confined by bubblewrap (listening on SOCKET_PATH) when this host has it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createFsWorkspace } from '../adapters/fs/workspace.ts';
import { createProcessPreviewRuntime } from '../adapters/preview/process/process-preview-runtime.ts';
import { signalGroup } from '../adapters/preview/process/process-group.ts';
import { probeBwrap } from '../preview/sandbox.ts';
import { readSkeleton } from './skeleton-files.ts';

// The real folder: in a git worktree node_modules may be a link, and the sandbox's scratch mounts for
// Vite (node_modules/.vite-temp) sit on the real path only.
const NODE_MODULES = realpathSync(fileURLToPath(new URL('../../node_modules', import.meta.url)));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let root = '';
let appDir = '';

/** The environment an app's scripts get: nothing of this test runner's own settings. */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['NODE_TEST_CONTEXT', 'NODE_V8_COVERAGE', 'NODE_OPTIONS', 'CHROMIUM_PATH', 'PORT', 'HOST', 'SOCKET_PATH'])
    delete env[key];
  return { ...env, ...extra };
}

async function npm(args: string[], env = appEnv()): Promise<string> {
  const child = spawn('npm', args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  assert.equal(code, 0, `npm ${args.join(' ')} failed:\n${output.slice(-4000)}`);
  return output;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'catalyst-web-app-'));
  appDir = join(root, 'web-app');
  for (const file of readSkeleton('web-app')) {
    mkdirSync(dirname(join(appDir, file.path)), { recursive: true });
    writeFileSync(join(appDir, file.path), file.content);
  }
  await createFsWorkspace(NODE_MODULES).linkDependencies(appDir);
});

after(() => rmSync(root, { recursive: true, force: true }));

describe('the web-app skeleton on its own', () => {
  test('pins exactly the packages Catalyst has installed, so it builds without a registry', () => {
    const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      const installed = JSON.parse(readFileSync(join(NODE_MODULES, name, 'package.json'), 'utf8')).version;
      assert.equal(version, installed, `${name} in skeletons/web-app/package.json matches Catalyst's install`);
    }
  });

  test('type-checks, lints clean and passes its unit tests with coverage', async () => {
    await npm(['run', 'typecheck']);
    await npm(['run', 'lint', '--', '--max-warnings', '0']);
    const output = await npm(['test']);
    assert.match(output, /ℹ fail 0/);
    const junit = readFileSync(join(appDir, 'test-results/junit.xml'), 'utf8');
    assert.ok((junit.match(/<testcase /g)?.length ?? 0) >= 4, 'the backend and frontend tests ran');
    assert.doesNotMatch(junit, /<failure/);
    const summary = JSON.parse(readFileSync(join(appDir, 'coverage/coverage-summary.json'), 'utf8'));
    assert.ok(summary.total.lines.pct >= 80, `line coverage ${summary.total.lines.pct}%`);
  });

  test('passes its browser tests in headless Chromium', async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is installed at ${CHROMIUM}`);
    await npm(['run', 'test:e2e'], appEnv({ CHROMIUM_PATH: CHROMIUM }));
    const junit = readFileSync(join(appDir, 'test-results/e2e-junit.xml'), 'utf8');
    assert.equal(junit.match(/<testcase /g)?.length, 3);
    assert.doesNotMatch(junit, /<failure/);
    assert.ok(existsSync(join(appDir, 'test-results/e2e/counter.png')));
  });

  test('runs as a preview: builds, answers /health and serves its page and API', async () => {
    const runtime = createProcessPreviewRuntime({
      previewsDir: join(root, 'previews'),
      portRange: { from: 19500, to: 19799 },
      memoryMb: 256,
      nodeModulesDir: NODE_MODULES,
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
      buildTimeoutMs: 60_000,
    });
    const handle = await runtime.start({
      taskId: 'web-app',
      projectSlug: 'web-app',
      sourceDir: appDir,
      reservedPorts: [],
      timeoutMs: 60_000,
      detached: false,
    });
    try {
      // In the sandbox the app has no network and must listen on SOCKET_PATH; the runtime forwards the port.
      if (probeBwrap(process.env.PATH).path !== null) assert.deepEqual(handle.sandbox, { kind: 'bwrap', warning: null });
      assert.deepEqual(await (await fetch(handle.healthUrl)).json(), { status: 'ok' });
      const page = await (await fetch(handle.url)).text();
      assert.match(page, /<title>Web App<\/title>/);
      const script = /<script type="module" crossorigin src="([^"]+)"/.exec(page)?.[1];
      assert.ok(script, 'the page loads the built bundle');
      assert.equal((await fetch(handle.url + script)).status, 200);
      const time = (await (await fetch(`${handle.url}/api/time`)).json()) as { now: string };
      assert.ok(!Number.isNaN(Date.parse(time.now)));
    } finally {
      await runtime.stop(handle);
      signalGroup(handle.pid, 'SIGKILL');
    }
  });
});
