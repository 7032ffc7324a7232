import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AppError } from '../../../core/errors.ts';
import type { PreviewHandle, PreviewRuntime, PreviewStartRequest } from '../../../core/ports/preview-runtime.ts';
import { probeHealthOnce } from '../../../preview/health-probe.ts';
import { isPortFree } from '../../../preview/port-allocator.ts';
import { createProcessPreviewRuntime, PROCESS_SANDBOX_WARNING, type ProcessPreviewRuntimeOptions } from './process-preview-runtime.ts';
import { cpuGroupPath, cpuQuotaOf, findCpuController } from './cpu-cgroup.ts';
import { isGroupAlive, isPidAlive, signalGroup, sleep } from './process-group.ts';
import { readSupervisorState, type SupervisorState } from './supervisor-config.ts';

const execFileP = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const FIXTURE = join(here, 'fixtures', 'tiny-app');
const STARTER = join(here, 'fixtures', 'start-preview-and-exit.ts');
const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

let root = '';
let sourceDir = '';
let options: ProcessPreviewRuntimeOptions;
let runtime: PreviewRuntime;
/** Every supervisor group a test saw, killed at the end whatever the test's outcome. */
const groups = new Set<number>();

async function waitFor<T>(what: string, check: () => Promise<T | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

function request(taskId: string, extra: Partial<PreviewStartRequest> = {}): PreviewStartRequest {
  return { taskId, projectSlug: 'tiny-app', sourceDir, reservedPorts: [], timeoutMs: 20_000, detached: false, ...extra };
}

async function startTracked(req: PreviewStartRequest): Promise<PreviewHandle> {
  const handle = await runtime.start(req);
  groups.add(handle.pid);
  return handle;
}

function stateOf(taskId: string): SupervisorState | null {
  return readSupervisorState(join(root, 'previews', taskId, 'supervisor.json'));
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(AppError.isInstance(e), `expected an AppError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the promise to reject');
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'catalyst-preview-'));
  // The source stands in for a task's git worktree, with the clutter a worktree really has.
  sourceDir = join(root, 'source');
  await cp(FIXTURE, sourceDir, { recursive: true });
  await writeFile(join(sourceDir, '.git'), 'gitdir: /elsewhere/.git/worktrees/task\n');
  await mkdir(join(sourceDir, 'node_modules', 'left-pad'), { recursive: true });
  await mkdir(join(sourceDir, 'data'), { recursive: true });
  await writeFile(join(sourceDir, 'data', 'app.db'), 'stale database');
  await mkdir(join(sourceDir, 'frontend', 'src', 'data'), { recursive: true });
  await writeFile(join(sourceDir, 'frontend', 'src', 'data', 'seed.json'), '[]');
  options = {
    previewsDir: join(root, 'previews'),
    portRange: { from: 18000, to: 18499 },
    memoryMb: 192,
    nodeModulesDir: NODE_MODULES,
    baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
    buildTimeoutMs: 30_000,
    // This suite covers the unsandboxed runtime; sandboxed-preview.test.ts covers bubblewrap.
    sandbox: 'none',
  };
  runtime = createProcessPreviewRuntime(options);
});

after(async () => {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  await rm(root, { recursive: true, force: true });
});

describe('process preview runtime', () => {
  test('starts a built copy of the app, reports it, and stops the whole process group', async () => {
    const handle = await startTracked(request('lifecycle'));
    assert.equal(handle.url, `http://127.0.0.1:${handle.port}`);
    assert.equal(handle.healthUrl, `${handle.url}/health`);
    assert.ok(handle.port >= 18000 && handle.port <= 18499);
    assert.deepEqual(handle.sandbox, { kind: 'none', warning: PROCESS_SANDBOX_WARNING });
    assert.equal(handle.mode, 'process');

    const health = await fetch(handle.healthUrl);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.match(await (await fetch(handle.url)).text(), /tiny-app built page/);
    const info = (await (await fetch(`${handle.url}/info`)).json()) as Record<string, unknown>;
    assert.equal(info.dataDir, join(root, 'previews', 'lifecycle', 'data'));
    assert.equal(info.host, '127.0.0.1');
    assert.equal(info.hasJwtSecret, true);
    assert.equal(info.nodeOptions, '--max-old-space-size=192');

    // The working copy leaves the worktree's clutter behind but keeps nested source folders.
    const copy = handle.workingCopy;
    await assert.rejects(stat(join(copy, '.git')));
    await assert.rejects(stat(join(copy, 'data')));
    assert.equal(await readFile(join(copy, 'frontend', 'src', 'data', 'seed.json'), 'utf8'), '[]');
    assert.ok((await lstat(join(copy, 'node_modules'))).isSymbolicLink());
    assert.equal(await readlink(join(copy, 'node_modules')), NODE_MODULES);

    const state = stateOf('lifecycle');
    assert.equal(state?.pid, handle.pid);
    assert.equal(state?.port, handle.port);
    assert.equal(state?.appPid, info.pid);

    const seen = await runtime.inspect(handle);
    assert.equal(seen.alive, true);
    assert.equal(seen.healthy, true);
    assert.ok(seen.logTail.some((l) => l.includes('tiny-app listening')));

    await runtime.stop(handle);
    assert.equal(isGroupAlive(handle.pid), false);
    assert.equal(isPidAlive(state?.appPid ?? 0), false);
    assert.equal(await isPortFree(handle.port), true);
    await assert.rejects(stat(copy));
    const gone = await runtime.inspect(handle);
    assert.deepEqual([gone.alive, gone.healthy], [false, false]);
    assert.ok(
      gone.logTail.some((l) => l.includes('tiny-app: SIGTERM')),
      'the log outlives the preview',
    );

    await runtime.stop(handle); // a second stop of a dead preview is fine
    await runtime.stop({ pid: null, workingCopy: null });
  });

  test('a detached preview keeps running after the process that started it exits', async () => {
    const args = { runtime: options, taskId: 'detached', sourceDir, detached: true };
    const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', STARTER, JSON.stringify(args)], { timeout: 60_000 });
    const handle = JSON.parse(stdout) as PreviewHandle;
    groups.add(handle.pid);

    assert.equal(await probeHealthOnce(handle.url), true);
    assert.equal(isPidAlive(handle.pid), true);
    const seen = await runtime.inspect(handle);
    assert.deepEqual([seen.alive, seen.healthy], [true, true]);

    // A fresh runtime (as after a server restart) can stop it from the recorded working copy alone.
    await createProcessPreviewRuntime(options).stop({ pid: null, workingCopy: handle.workingCopy });
    assert.equal(isGroupAlive(handle.pid), false);
    assert.equal(await isPortFree(handle.port), true);
  });

  test('a preview that is not detached stops when the process that started it is gone', async () => {
    const args = { runtime: options, taskId: 'attached', sourceDir, detached: false };
    const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', STARTER, JSON.stringify(args)], { timeout: 60_000 });
    const handle = JSON.parse(stdout) as PreviewHandle;
    groups.add(handle.pid);
    await waitFor('the orphaned preview to stop', async () => !isGroupAlive(handle.pid));
    assert.equal(await probeHealthOnce(handle.url), false);
    assert.equal(stateOf('attached')?.status, 'stopped');
  });

  test('the supervisor restarts an app that crashes', async () => {
    const handle = await startTracked(request('crash'));
    const before = stateOf('crash');
    assert.ok(before?.appPid);
    process.kill(before.appPid, 'SIGKILL');

    const after = await waitFor('the app to be restarted and healthy', async () => {
      const s = stateOf('crash');
      return s && s.appPid !== before.appPid && s.status === 'running' && (await probeHealthOnce(handle.url)) ? s : null;
    });
    assert.equal(after.restarts, 1);
    assert.equal(after.pid, handle.pid);
    const log = await readFile(handle.logPath, 'utf8');
    assert.match(log, /app exited \(signal SIGKILL\); restarting \(1\/3\)/);
    await runtime.stop(handle);
    assert.equal(isGroupAlive(handle.pid), false);
  });

  test('an app that never turns healthy fails with preview_unhealthy and its log tail', async () => {
    const err = await rejection(startTracked(request('unhealthy', { timeoutMs: 5_000, env: { TINY_APP_HEALTH: 'fail' } })));
    assert.equal(err.code, 'preview_unhealthy');
    assert.equal(err.details?.reason, 'timeout');
    assert.equal(err.details?.lastError, 'HTTP 503');
    const tail = err.details?.logTail as string[];
    assert.ok(tail.length <= 30);
    assert.ok(
      tail.some((l) => l.includes('(health 503)')),
      tail.join('\n'),
    );
    const state = stateOf('unhealthy');
    assert.ok(state);
    assert.equal(isGroupAlive(state.pid), false, 'a failed start leaves nothing running');
    assert.equal(await isPortFree(state.port), true);
  });

  test('an app that crashes on every start fails as soon as the supervisor gives up', async () => {
    const err = await rejection(startTracked(request('crashloop', { timeoutMs: 60_000, env: { TINY_APP_CRASH: '1' } })));
    assert.equal(err.code, 'preview_unhealthy');
    assert.equal(err.details?.reason, 'exited');
    const tail = (err.details?.logTail as string[]).join('\n');
    assert.equal(tail.match(/crashing on start on purpose/g)?.length, 4, tail);
    assert.match(tail, /giving up/);
    assert.equal(stateOf('crashloop')?.status, 'gave_up');
  });

  test('a failing build fails the start with the build output', async () => {
    const err = await rejection(startTracked(request('badbuild', { env: { TINY_APP_BUILD_FAIL: '1' } })));
    assert.equal(err.code, 'preview_unhealthy');
    assert.equal(err.details?.stage, 'build');
    assert.ok((err.details?.logTail as string[]).some((l) => l.includes('failing on purpose')));
    assert.equal(stateOf('badbuild'), null, 'no supervisor was started');
  });

  test('previews started together get different ports, and a full range is reported', async () => {
    // A two-port range makes both starts compete for the same ports.
    let from = 18600;
    while (!((await isPortFree(from)) && (await isPortFree(from + 1)))) from += 2;
    const narrow = createProcessPreviewRuntime({ ...options, portRange: { from, to: from + 1 } });
    const [a, b] = await Promise.all([narrow.start(request('pair-a')), narrow.start(request('pair-b'))]);
    groups.add(a.pid).add(b.pid);
    try {
      assert.notEqual(a.port, b.port);
      const pids = await Promise.all([a, b].map(async (h) => ((await (await fetch(`${h.url}/info`)).json()) as { pid: number }).pid));
      assert.notEqual(pids[0], pids[1]);
      const err = await rejection(narrow.start(request('pair-c')));
      assert.equal(err.code, 'port_exhausted');
    } finally {
      await Promise.all([narrow.stop(a), narrow.stop(b)]);
    }
    assert.equal(isGroupAlive(a.pid) || isGroupAlive(b.pid), false);
  });

  test('starting a task again replaces its running preview', async () => {
    const first = await startTracked(request('again'));
    const second = await startTracked(request('again'));
    assert.notEqual(second.pid, first.pid);
    assert.equal(isGroupAlive(first.pid), false);
    assert.equal(await probeHealthOnce(second.url), true);
    await runtime.stop(second);
  });

  test('refuses task ids that would leave the previews folder', async () => {
    const err = await rejection(runtime.start(request('../escape')));
    assert.equal(err.code, 'invalid_option');
  });
});

describe('process preview runtime: CPU quota through a cgroup', () => {
  test('without a writable CPU controller the preview runs and says why its CPU is not limited', async () => {
    const limited = createProcessPreviewRuntime({
      ...options,
      cpus: 0.5,
      cpuControllerMounts: [{ version: 1, root: join(root, 'no-cgroups') }],
    });
    const handle = await limited.start(request('cpu-none'));
    groups.add(handle.pid);
    try {
      assert.equal(handle.cpus, undefined);
      assert.match(handle.cpuLimitReason ?? '', /no cgroup CPU controller is mounted; needs root or a delegated cgroup v2 subtree/);
      assert.match(await readFile(handle.logPath, 'utf8'), /\[catalyst\] CPU not limited: no cgroup CPU controller/);
    } finally {
      await limited.stop({ pid: handle.pid, workingCopy: handle.workingCopy });
    }
  });

  test('the app runs inside its own cgroup with a quota of preview.cpus, removed when the preview stops', async (t) => {
    const found = await findCpuController();
    if (found.controller === null) {
      t.skip(`skipped: ${found.reason} (needs root or cgroup delegation; the deployment record then says the CPU is not limited)`);
      return;
    }
    const limited = createProcessPreviewRuntime({ ...options, cpus: 0.5 });
    const handle = await limited.start(request('cpu-quota'));
    groups.add(handle.pid);
    const group = cpuGroupPath(found.controller, 'cpu-quota');
    try {
      assert.equal(handle.cpus, 0.5);
      assert.equal(await cpuQuotaOf(found.controller, group), 0.5);
      const appPid = (await waitFor('the app pid', async () => stateOf('cpu-quota')?.appPid ?? null))!;
      // The supervisor joined before starting the app, so the app is in the group from its first instruction.
      assert.match(await readFile(`/proc/${appPid}/cgroup`, 'utf8'), /catalyst-previews\/cpu-quota/);
      const members = (await readFile(join(group, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean).map(Number);
      assert.ok(members.includes(handle.pid) && members.includes(appPid), `members: ${members.join(', ')}`);
    } finally {
      await limited.stop({ pid: handle.pid, workingCopy: handle.workingCopy });
    }
    await assert.rejects(stat(group), 'the group is removed with the preview');
  });
});
