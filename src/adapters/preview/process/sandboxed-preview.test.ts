import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PreviewHandle, PreviewRuntime } from '../../../core/ports/preview-runtime.ts';
import { isPortFree } from '../../../preview/port-allocator.ts';
import { probeBwrap } from '../../../preview/sandbox.ts';
import { createProcessPreviewRuntime, SOCKET_UNSUPPORTED_WARNING } from './process-preview-runtime.ts';
import { isGroupAlive, signalGroup } from './process-group.ts';
import { readSupervisorState } from './supervisor-config.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const FIXTURE = join(here, 'fixtures', 'tiny-app');
const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
/** Catalyst's own services on this machine (spec: PostgreSQL, RabbitMQ, Redis). */
const SERVICE_PORTS = [5432, 5672, 6379];
const PG_SOCKET = '/var/run/postgresql/.s.PGSQL.5432';

function reachable(target: number | string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = typeof target === 'number' ? connect(target, '127.0.0.1') : connect(target);
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

const bwrap = probeBwrap(process.env.PATH);

if (bwrap.path === null) {
  test(`sandboxed previews (${bwrap.reason}: not run)`, async () => {
    // Without a working bwrap the runtime must say so rather than pretend to confine the app.
    const root = await mkdtemp(join(tmpdir(), 'catalyst-sbx-'));
    try {
      const runtime = createProcessPreviewRuntime({
        previewsDir: join(root, 'p'),
        memoryMb: 128,
        nodeModulesDir: NODE_MODULES,
        baseEnv: { PATH: process.env.PATH ?? '' },
      });
      const h = await runtime.start({
        taskId: 'nobwrap',
        projectSlug: 't',
        sourceDir: FIXTURE,
        reservedPorts: [],
        timeoutMs: 20_000,
        detached: false,
      });
      assert.equal(h.sandbox.kind, 'none');
      assert.match(h.sandbox.warning ?? '', /no OS sandbox/);
      await runtime.stop(h);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
} else {
  describe('sandboxed process previews (bubblewrap)', () => {
    let root = '';
    let runtime: PreviewRuntime;
    const groups = new Set<number>();

    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'catalyst-sbx-'));
      // Stands in for Catalyst's own files next to the previews folder (the database, other repos).
      await writeFile(join(root, 'catalyst-secret.txt'), 'not for previews\n');
      runtime = createProcessPreviewRuntime({
        previewsDir: join(root, 'previews'),
        portRange: { from: 18700, to: 18999 },
        memoryMb: 160,
        nodeModulesDir: NODE_MODULES,
        baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
        buildTimeoutMs: 30_000,
      });
    });
    after(async () => {
      for (const g of groups) signalGroup(g, 'SIGKILL');
      await rm(root, { recursive: true, force: true });
    });

    async function start(taskId: string, sourceDir = FIXTURE): Promise<PreviewHandle> {
      const h = await runtime.start({ taskId, projectSlug: 'tiny-app', sourceDir, reservedPorts: [], timeoutMs: 30_000, detached: false });
      groups.add(h.pid);
      return h;
    }

    test('the app runs confined, is healthy through its host port, and cannot reach services or files outside', async () => {
      const h = await start('confined');
      assert.deepEqual(h.sandbox, { kind: 'bwrap', warning: null });
      assert.equal((await fetch(h.healthUrl)).status, 200);
      assert.match(await (await fetch(h.url)).text(), /tiny-app built page/, 'the build ran (inside the sandbox) and its output is served');
      const info = (await (await fetch(`${h.url}/info`)).json()) as Record<string, unknown>;
      assert.equal(info.uid, 1000);
      assert.equal(info.home, '/tmp');
      assert.equal(info.nodeOptions, '--max-old-space-size=160');

      const previewDir = join(root, 'previews', 'confined');
      const q = new URLSearchParams();
      for (const p of SERVICE_PORTS) q.append('port', String(p));
      q.append('socket', PG_SOCKET);
      for (const w of [
        join(root, 'escaped.txt'),
        join(previewDir, 'supervisor.json'),
        '/tmp/../etc/escaped',
        join(NODE_MODULES, 'escaped.txt'),
      ])
        q.append('write', w);
      q.append('write', join(previewDir, 'data', 'inside.txt'));
      q.append('see', join(root, 'catalyst-secret.txt'));
      q.append('see', join(previewDir, 'preview.log'));
      const seen = (await (await fetch(`${h.url}/escape?${q}`)).json()) as Record<string, string | boolean>;

      for (const p of SERVICE_PORTS) assert.notEqual(seen[`tcp:${p}`], 'connected', `127.0.0.1:${p} must be unreachable inside`);
      assert.notEqual(seen[`unix:${PG_SOCKET}`], 'connected', "PostgreSQL's Unix socket must be out of sight");
      assert.notEqual(seen['write:/tmp/../etc/escaped'], 'written');
      assert.notEqual(seen[`write:${join(NODE_MODULES, 'escaped.txt')}`], 'written');
      assert.equal(seen[`write:${join(previewDir, 'data', 'inside.txt')}`], 'written', 'its own data folder is writable');
      assert.equal(seen[`see:${join(root, 'catalyst-secret.txt')}`], false, "Catalyst's data folder is not visible");
      assert.equal(seen[`see:${join(previewDir, 'preview.log')}`], false);
      // Under /tmp the sandbox has its own tmpfs: a write there may succeed but never reaches the host.
      await assert.rejects(stat(join(root, 'escaped.txt')));
      assert.equal(await readFile(join(previewDir, 'data', 'inside.txt'), 'utf8'), 'escaped\n');
      assert.doesNotMatch(
        await readFile(join(previewDir, 'supervisor.json'), 'utf8'),
        /escaped/,
        "the supervisor's state is not the app's to change",
      );

      // The same probes from the host prove the test can tell: whatever the host reaches, the app did not.
      const hostReach = await Promise.all(SERVICE_PORTS.map((p) => reachable(p)));
      assert.ok(hostReach.some(Boolean), 'at least one of PostgreSQL/RabbitMQ/Redis runs on this host');

      const state = readSupervisorState(join(previewDir, 'supervisor.json'));
      await runtime.stop(h);
      assert.equal(isGroupAlive(h.pid), false);
      assert.equal(isGroupAlive(state?.appPid ?? 0), false);
      assert.equal(await isPortFree(h.port), true);
    });

    test('the supervisor restarts a sandboxed app that dies, and the host port keeps working', async () => {
      const h = await start('sbx-crash');
      const before = readSupervisorState(join(root, 'previews', 'sbx-crash', 'supervisor.json'));
      assert.ok(before?.appPid);
      process.kill(before.appPid, 'SIGKILL');
      const deadline = Date.now() + 15_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline) {
        const s = readSupervisorState(join(root, 'previews', 'sbx-crash', 'supervisor.json'));
        healthy =
          s?.appPid !== before.appPid &&
          s?.status === 'running' &&
          (await fetch(h.healthUrl).then(
            (r) => r.status === 200,
            () => false,
          ));
        if (!healthy) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(healthy, 'restarted and healthy again');
      await runtime.stop(h);
    });

    test('an app that cannot listen on a Unix socket runs unsandboxed, with the warning', async () => {
      const src = join(root, 'tcp-only');
      await cp(FIXTURE, src, { recursive: true });
      const server = join(src, 'backend', 'src', 'server.ts');
      await writeFile(server, (await readFile(server, 'utf8')).replaceAll('SOCKET_PATH', 'NOT_A_SOCKET'));
      const h = await start('tcp-only', src);
      assert.deepEqual(h.sandbox, { kind: 'none', warning: SOCKET_UNSUPPORTED_WARNING });
      assert.equal((await fetch(h.healthUrl)).status, 200);
      assert.match(await readFile(h.logPath, 'utf8'), /warning: the app's backend\/src\/server.ts does not honour SOCKET_PATH/);
      await runtime.stop(h);
    });
  });
}
