/**
 * The preview lifecycle over real parts: PGlite state, the process preview runtime with the tiny-app
 * fixture, real supervisors and real kills.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createProcessPreviewRuntime, type ProcessPreviewRuntimeOptions } from '../adapters/preview/process/process-preview-runtime.ts';
import { isGroupAlive, isPidAlive, signalGroup } from '../adapters/preview/process/process-group.ts';
import { openStateStore } from '../adapters/state/index.ts';
import { parseEvent, type AgentEvent } from '../contracts/events.ts';
import type { PreviewDeployment } from '../contracts/records.ts';
import type { Clock } from '../core/clock.ts';
import type { PreviewHandle, PreviewRuntime } from '../core/ports/preview-runtime.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import { seedPreview, seedTask } from '../../test/support/preview-seed.ts';
import { createLiveFeed } from '../orchestrator/live-feed.ts';
import { probeHealthOnce } from './health-probe.ts';
import { isPortFree } from './port-allocator.ts';
import { listPreviews } from './preview-control.ts';
import { createPreviewEventRecorder } from './preview-events.ts';
import { startPreviewMonitor, type PreviewMonitorDeps } from './preview-monitor.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../adapters/preview/process/fixtures/tiny-app', import.meta.url));
const HANGER = join(here, 'fixtures', 'start-detached-and-hang.ts');
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

describe('preview lifecycle: monitor, TTL, limits, re-adoption', () => {
  let root = '';
  let goodSource = '';
  let crashSource = '';
  let state: StateStore;
  let options: ProcessPreviewRuntimeOptions;
  let runtime: PreviewRuntime;
  let nowMs = Date.now();
  const clock: Clock = { now: () => new Date(nowMs) };
  const sourceOf = new Map<string, string>();
  const groups = new Set<number>();
  const feed = createLiveFeed();
  const fed: AgentEvent[] = [];
  feed.on((m) => m.type === 'event' && fed.push(m.event));

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'catalyst-monitor-'));
    goodSource = join(root, 'good');
    crashSource = join(root, 'crash');
    await cp(FIXTURE, goodSource, { recursive: true });
    await cp(FIXTURE, crashSource, { recursive: true });
    await writeFile(join(crashSource, 'crash-on-start'), '');
    state = await openStateStore({ kind: 'pglite', memory: true });
    options = {
      previewsDir: join(root, 'previews'),
      portRange: { from: 19000, to: 19299 },
      memoryMb: 128,
      nodeModulesDir: NODE_MODULES,
      baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
      buildTimeoutMs: 30_000,
      // The lifecycle is the same confined or not; bubblewrap has its own tests.
      sandbox: 'none',
    };
    runtime = createProcessPreviewRuntime(options);
  });

  /** The `preview.*` events recorded for a task (agent_events), checked against the catalog, with their reasons. */
  async function previewEvents(taskId: string): Promise<Array<{ type: string; reason: string | null; url: string | null }>> {
    const events = (await state.listEvents(taskId)).map((e) => parseEvent(e.envelope)).filter((e) => e.event_type.startsWith('preview.'));
    return events.map((e) => {
      const payload = e.payload as { reason: string | null; url: string | null; task_id: string };
      assert.equal(payload.task_id, taskId);
      assert.ok(
        fed.some((f) => f.event_id === e.event_id),
        `${e.event_type} also went to the live feed`,
      );
      return { type: e.event_type, reason: payload.reason, url: payload.url };
    });
  }
  after(async () => {
    for (const g of groups) signalGroup(g, 'SIGKILL');
    await state.close();
    await rm(root, { recursive: true, force: true });
  });

  function deps(overrides: Partial<PreviewMonitorDeps> = {}): PreviewMonitorDeps {
    return {
      state,
      previews: runtime,
      clock,
      events: createPreviewEventRecorder({ state, clock, feed }),
      worktreeOf: (taskId) => sourceOf.get(taskId) ?? goodSource,
      projectSlugOf: async () => 'tiny-app',
      timeoutMs: 20_000,
      detached: false,
      // Long enough that only the explicit tick() calls of a test run a pass.
      intervalMs: 3_600_000,
      maxRestarts: 3,
      maxConcurrent: 10,
      ...overrides,
    };
  }

  async function record(
    slug: string,
    handle: PreviewHandle,
    extra: Partial<Parameters<typeof seedPreview>[2]> = {},
  ): Promise<PreviewDeployment> {
    groups.add(handle.pid);
    const task = await state.getTask(handle.taskId);
    assert.ok(task, slug);
    return seedPreview(state, handle.taskId, {
      port: handle.port,
      container_id: String(handle.pid),
      working_copy: handle.workingCopy,
      log_path: handle.logPath,
      expires_at: new Date(nowMs + 24 * 3_600_000).toISOString(),
      ...extra,
    });
  }

  /** Starts a preview as the deployer would and records its row. */
  async function deploy(slug: string, reserved: number[] = []): Promise<{ row: PreviewDeployment; handle: PreviewHandle }> {
    const task = await seedTask(state, slug);
    const handle = await runtime.start({
      taskId: task.id,
      projectSlug: slug,
      sourceDir: goodSource,
      reservedPorts: reserved,
      timeoutMs: 20_000,
      detached: false,
    });
    return { row: await record(slug, handle), handle };
  }

  async function row(id: string): Promise<PreviewDeployment> {
    const found = (await state.listPreviews()).find((p) => p.id === id);
    assert.ok(found);
    return found;
  }

  test('a preview whose process was killed is restarted by the monitor, on a port no other preview holds', async () => {
    const other = await deploy('other');
    const { row: r, handle } = await deploy('killed');
    signalGroup(handle.pid, 'SIGKILL');
    while (isGroupAlive(handle.pid)) await new Promise((res) => setTimeout(res, 20));

    const monitor = startPreviewMonitor(deps());
    const changes = await monitor.tick();
    await monitor.stop();
    assert.deepEqual(
      changes.filter((c) => c.taskId === handle.taskId).map((c) => c.kind),
      ['restarted'],
    );
    const after = await row(r.id);
    assert.equal(after.status, 'healthy');
    assert.equal(after.restart_count, 1);
    assert.notEqual(after.container_id, String(handle.pid));
    groups.add(Number(after.container_id));
    assert.equal(isPidAlive(Number(after.container_id)), true);
    assert.notEqual(after.port, other.handle.port);
    assert.equal(await probeHealthOnce(`http://127.0.0.1:${after.port}`), true);
    assert.equal(after.fallback_url, `http://127.0.0.1:${after.port}`);
    // The audit trail says what happened and why: first found dead, then restarted.
    const trail = await previewEvents(handle.taskId);
    assert.deepEqual(
      trail.map((e) => e.type),
      ['preview.unhealthy', 'preview.restarted'],
    );
    assert.match(trail[0]!.reason ?? '', /process is not running/);
    assert.match(trail[1]!.reason ?? '', /restart 1 of 3/);
    assert.equal(trail[1]!.url, after.url);
    // The healthy neighbour was left alone.
    assert.equal((await row(other.row.id)).restart_count, 0);
    await runtime.stop({ pid: Number(after.container_id), workingCopy: after.working_copy });
    await runtime.stop(other.handle);
  });

  test('an expired preview is stopped, marked expired, its working copy removed, and its port reused', async () => {
    const { row: r, handle } = await deploy('expiring');
    nowMs += 25 * 3_600_000; // past the 24 h TTL
    try {
      const monitor = startPreviewMonitor(deps());
      const changes = await monitor.tick();
      await monitor.stop();
      assert.ok(changes.some((c) => c.kind === 'expired' && c.taskId === handle.taskId));
      const after = await row(r.id);
      assert.equal(after.status, 'expired');
      const trail = await previewEvents(handle.taskId);
      assert.deepEqual(
        trail.map((e) => e.type),
        ['preview.expired'],
      );
      assert.match(trail[0]!.reason ?? '', /TTL ended .*preview\.ttl_hours/);
      assert.equal(isGroupAlive(handle.pid), false);
      await assert.rejects(stat(handle.workingCopy));
      assert.equal(await isPortFree(handle.port), true);

      // A runtime whose only port is the expired preview's gets that port for the next preview.
      const narrow = createProcessPreviewRuntime({ ...options, portRange: { from: handle.port, to: handle.port } });
      const next = await seedTask(state, 'next');
      const reserved = (await state.listPreviews({ statuses: ['starting', 'healthy', 'unhealthy'] })).map((p) => p.port!);
      const reused = await narrow.start({
        taskId: next.id,
        projectSlug: 'next',
        sourceDir: goodSource,
        reservedPorts: reserved,
        timeoutMs: 20_000,
        detached: false,
      });
      groups.add(reused.pid);
      assert.equal(reused.port, handle.port);
      await narrow.stop(reused);
    } finally {
      nowMs -= 25 * 3_600_000;
    }
  });

  test('a preview that cannot be restarted ends failed, with the log tail in its record', async () => {
    const { row: r, handle } = await deploy('doomed');
    sourceOf.set(handle.taskId, crashSource); // the code it would restart from now crashes on start
    signalGroup(handle.pid, 'SIGKILL');
    while (isGroupAlive(handle.pid)) await new Promise((res) => setTimeout(res, 20));
    const monitor = startPreviewMonitor(deps());
    const changes = await monitor.tick();
    await monitor.stop();
    const change = changes.find((c) => c.taskId === handle.taskId);
    assert.equal(change?.kind, 'failed');
    const after = await row(r.id);
    assert.equal(after.status, 'failed');
    assert.match(String(after.metadata.error), /stopped before answering GET \/health/);
    assert.deepEqual(
      (await previewEvents(handle.taskId)).map((e) => e.type),
      ['preview.unhealthy', 'preview.failed'],
    );
    assert.ok(
      (after.metadata.log_tail as string[]).some((l) => l.includes('crashing on start on purpose')),
      JSON.stringify(after.metadata.log_tail),
    );
    // A failed preview is not retried on the next pass (it is no longer live).
    const again = startPreviewMonitor(deps());
    assert.deepEqual(
      (await again.tick()).filter((c) => c.taskId === handle.taskId && c.kind !== 'cleaned'),
      [],
    );
    await again.stop();
  });

  test('past max_restarts a dead preview is marked failed instead of restarted again', async () => {
    const { row: r, handle } = await deploy('tired');
    signalGroup(handle.pid, 'SIGKILL');
    while (isGroupAlive(handle.pid)) await new Promise((res) => setTimeout(res, 20));
    const monitor = startPreviewMonitor(deps({ maxRestarts: 0 }));
    const changes = await monitor.tick();
    await monitor.stop();
    const change = changes.find((c) => c.taskId === handle.taskId);
    assert.equal(change?.kind, 'failed');
    assert.equal((await row(r.id)).status, 'failed');
  });

  test('beyond max_concurrent the least recently used preview is stopped first', async () => {
    const a = await deploy('lru-a');
    const b = await deploy('lru-b');
    const c = await deploy('lru-c');
    // a is the oldest but was used a moment ago; b was never used through the router.
    const activity = new Map([[a.handle.taskId, Date.now()]]);
    const live = (await state.listPreviews({ statuses: ['healthy'] })).length;
    const monitor = startPreviewMonitor(deps({ maxConcurrent: live - 1, lastActivity: () => activity }));
    const changes = await monitor.tick();
    await monitor.stop();
    assert.deepEqual(
      changes.filter((ch) => ch.kind === 'evicted').map((ch) => ch.taskId),
      [b.handle.taskId],
    );
    assert.equal((await row(b.row.id)).status, 'stopped');
    assert.equal((await row(b.row.id)).metadata.stopped_reason, 'max_concurrent');
    const trail = await previewEvents(b.handle.taskId);
    assert.deepEqual(
      trail.map((e) => e.type),
      ['preview.evicted'],
    );
    assert.match(trail[0]!.reason ?? '', /preview\.max_concurrent \(\d+\)/);
    assert.equal(isGroupAlive(b.handle.pid), false);
    assert.equal(isGroupAlive(a.handle.pid) && isGroupAlive(c.handle.pid), true);
    await runtime.stop(a.handle);
    await runtime.stop(c.handle);
    await listPreviews({ state, previews: runtime, clock }); // marks a and c stopped for the next tests
  });

  test('after Catalyst is killed, a new process adopts its live preview and never reuses its port', async () => {
    const task = await seedTask(state, 'adopted');
    const starter = spawn(
      process.execPath,
      ['--import', 'tsx', HANGER, JSON.stringify({ runtime: options, taskId: task.id, sourceDir: goodSource })],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: starter.stdout! }).once('line', resolve);
      starter.once('exit', (code) => reject(new Error(`starter exited with ${code}`)));
    });
    const handle = JSON.parse(line) as PreviewHandle;
    const r = await record('adopted', handle);
    starter.kill('SIGKILL'); // Catalyst dies without stopping anything
    await new Promise((resolve) => starter.once('exit', resolve));

    // A fresh runtime and monitor, as in the restarted Catalyst process.
    const fresh = createProcessPreviewRuntime(options);
    const monitor = startPreviewMonitor(deps({ previews: fresh }));
    const changes = await monitor.tick();
    await monitor.stop();
    assert.deepEqual(
      changes.filter((c) => c.taskId === handle.taskId && c.kind !== 'healthy'),
      [],
      'adopted as it is, not restarted',
    );
    const after = await row(r.id);
    assert.equal(after.status, 'healthy');
    assert.equal(after.container_id, String(handle.pid));
    assert.equal(isPidAlive(handle.pid), true);

    // Even a runtime whose range starts at the adopted port skips it: live rows reserve their ports.
    const narrow = createProcessPreviewRuntime({ ...options, portRange: { from: handle.port, to: handle.port + 1 } });
    const next = await seedTask(state, 'after-restart');
    const reserved = (await state.listPreviews({ statuses: ['starting', 'healthy', 'unhealthy'] })).map((p) => p.port!);
    const started = await narrow.start({
      taskId: next.id,
      projectSlug: 'x',
      sourceDir: goodSource,
      reservedPorts: reserved,
      timeoutMs: 20_000,
      detached: false,
    });
    groups.add(started.pid);
    assert.equal(started.port, handle.port + 1);
    await narrow.stop(started);
    await fresh.stop({ pid: handle.pid, workingCopy: handle.workingCopy });
  });

  test('`preview list` reconciles without restarting: a killed preview shows as stopped', async () => {
    const { row: r, handle } = await deploy('listed');
    signalGroup(handle.pid, 'SIGKILL');
    while (isGroupAlive(handle.pid)) await new Promise((res) => setTimeout(res, 20));
    const live = await listPreviews({ state, previews: runtime, clock });
    assert.ok(!live.some((p) => p.id === r.id));
    const after = await row(r.id);
    assert.equal(after.status, 'stopped');
    assert.equal(after.restart_count, 0);
  });
});
