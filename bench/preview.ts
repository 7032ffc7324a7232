/**
 * `npm run bench:preview [-- --runs 5 --duration 10 --connections 20]`: preview figures on this
 * machine (no assertions), for the generated todo app (the generator's todo fixture):
 * 1. cold start to healthy (working copy, `vite build`, supervisor, first 200 from /health), median of
 *    N, unsandboxed vs under bubblewrap (the sandbox needs server.ts to listen on SOCKET_PATH, which
 *    generated apps do; an older template gets the one-line change, stated in the output).
 * 2. memory per preview: summed RSS of the supervisor and everything under it, once healthy.
 * 3. Host-router overhead: autocannon on GET /health and GET / directly vs through the router (Host
 *    header), alternating `--pairs` times in the same run against the same app (medians quoted); and
 *    through the sandbox's port forwarder. The router runs in its own process, as in `catalyst serve`.
 * Load generator, router and app share the machine's cores, so figures are conservative.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createProcessPreviewRuntime } from '../src/adapters/preview/process/process-preview-runtime.ts';
import type { PreviewHandle, PreviewRuntime } from '../src/core/ports/preview-runtime.ts';
import { APP_DEPENDENCIES, renderApp } from '../src/generator/app/index.ts';
import { todoApp } from '../src/generator/app/test-fixtures.ts';
import { probeBwrap } from '../src/preview/sandbox.ts';
import { loadConfig } from '../src/config/index.ts';
import { installedVersions } from '../src/runtime/agent-settings.ts';

const NODE_MODULES_DIR = loadConfig({ env: {}, cwd: process.cwd() }).paths.nodeModules;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    pairs: { type: 'string', default: '3' },
  },
});
const RUNS = Number(values.runs);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const PAIRS = Number(values.pairs);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** RSS (kB) of `pid` and all its descendants: the supervisor, bwrap, the app. */
function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0);
    } catch {
      // gone
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

const root = mkdtempSync(join(tmpdir(), 'catalyst-bench-preview-'));
const plain = join(root, 'todo');
const socketReady = join(root, 'todo-socket');
for (const file of renderApp(todoApp, installedVersions(APP_DEPENDENCIES, NODE_MODULES_DIR))) {
  for (const dir of [plain, socketReady]) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
}
const serverTs = join(socketReady, 'backend', 'src', 'server.ts');
const listenLine = 'await app.listen({ port: config.port, host: config.host });';
const original = readFileSync(serverTs, 'utf8');
// Apps generated before the template read SOCKET_PATH get the one-line change; current ones need none.
const patched = !original.includes('socketPath') && !original.includes('SOCKET_PATH');
if (patched && !original.includes(listenLine))
  throw new Error(`bench: ${serverTs} neither reads SOCKET_PATH nor has the expected listen() line`);
if (patched)
  writeFileSync(
    serverTs,
    original.replace(
      listenLine,
      'await app.listen(process.env.SOCKET_PATH ? { path: process.env.SOCKET_PATH } : { port: config.port, host: config.host });',
    ),
  );

const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root };
const runtimes: Record<'none' | 'bwrap', PreviewRuntime> = {
  none: createProcessPreviewRuntime({
    previewsDir: join(root, 'previews'),
    memoryMb: 512,
    nodeModulesDir: NODE_MODULES_DIR,
    baseEnv,
    sandbox: 'none',
  }),
  bwrap: createProcessPreviewRuntime({
    previewsDir: join(root, 'previews'),
    memoryMb: 512,
    nodeModulesDir: NODE_MODULES_DIR,
    baseEnv,
    sandbox: 'auto',
  }),
};
const bwrap = probeBwrap(process.env.PATH);
const kinds: Array<'none' | 'bwrap'> = bwrap.path ? ['none', 'bwrap'] : ['none'];
const started: Array<{ rt: PreviewRuntime; h: PreviewHandle }> = [];

try {
  // ---- 1. cold start, alternating so both kinds see the same machine load
  const coldMs: Record<string, number[]> = { none: [], bwrap: [] };
  const memoryKb: Record<string, number> = {};
  for (let i = 0; i < RUNS; i += 1) {
    for (const kind of kinds) {
      const taskId = `cold-${kind}-${i}`;
      const t0 = performance.now();
      const h = await runtimes[kind].start({
        taskId,
        projectSlug: 'todo',
        sourceDir: kind === 'bwrap' ? socketReady : plain,
        reservedPorts: [],
        timeoutMs: 120_000,
        detached: false,
      });
      coldMs[kind]!.push(performance.now() - t0);
      if (h.sandbox.kind !== kind) throw new Error(`bench: expected sandbox ${kind}, got ${h.sandbox.kind} (${h.sandbox.warning})`);
      if (i === RUNS - 1) {
        started.push({ rt: runtimes[kind], h });
        await fetch(`${h.url}/health`);
        memoryKb[kind] = treeRssKb(h.pid);
      } else {
        await runtimes[kind].stop(h);
      }
    }
  }

  // ---- 3. router overhead against the unsandboxed preview, the router in its own process
  const direct = started.find((s) => s.h.sandbox.kind === 'none')!.h;
  const routerProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'preview-router-process.ts'), String(direct.port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [ready] = (await once(createInterface({ input: routerProcess.stdout! }), 'line')) as [string];
  const { port: routerPort, host } = JSON.parse(ready) as { port: number; host: string };
  const load = (url: string, headers: Record<string, string> = {}) =>
    autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  type Result = Awaited<ReturnType<typeof autocannon>>;
  const runs: Record<'health' | 'page', { direct: Result[]; router: Result[] }> = {
    health: { direct: [], router: [] },
    page: { direct: [], router: [] },
  };
  for (let i = 0; i < PAIRS; i += 1) {
    runs.health.direct.push(await load(`${direct.url}/health`));
    runs.health.router.push(await load(`http://127.0.0.1:${routerPort}/health`, { host }));
    // The built frontend page: what a browser asks the router for first.
    runs.page.direct.push(await load(`${direct.url}/`));
    runs.page.router.push(await load(`http://127.0.0.1:${routerPort}/`, { host }));
  }
  const sandboxed = started.find((s) => s.h.sandbox.kind === 'bwrap')?.h;
  const rForwarded = sandboxed ? await load(`${sandboxed.url}/health`) : null;
  routerProcess.kill('SIGTERM');
  await once(routerProcess, 'exit');
  /** The run with the median requests/s. */
  const mid = (rs: Result[]): Result => [...rs].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(rs.length / 2)]!;
  const rDirect = mid(runs.health.direct);
  const rRouter = mid(runs.health.router);
  const rDirectPage = mid(runs.page.direct);
  const rRouterPage = mid(runs.page.router);
  const ratios = (k: 'health' | 'page') => runs[k].router.map((r, i) => r.requests.average / runs[k].direct[i]!.requests.average);

  const row = (label: string, r: Awaited<ReturnType<typeof autocannon>> | null) =>
    r
      ? `  ${label.padEnd(34)} ${Math.round(r.requests.average).toString().padStart(7)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`
      : `  ${label.padEnd(34)} not run (${bwrap.reason})`;
  const out = {
    runs: RUNS,
    cold_start_ms_median: Object.fromEntries(kinds.map((k) => [k, Math.round(median(coldMs[k]!))])),
    cold_start_ms_all: Object.fromEntries(kinds.map((k) => [k, coldMs[k]!.map(Math.round)])),
    memory_mb_per_preview: Object.fromEntries(kinds.map((k) => [k, Math.round((memoryKb[k] ?? 0) / 1024)])),
    rps: {
      health_direct: Math.round(rDirect.requests.average),
      health_router: Math.round(rRouter.requests.average),
      health_sandbox_forwarder: rForwarded ? Math.round(rForwarded.requests.average) : null,
      page_direct: Math.round(rDirectPage.requests.average),
      page_router: Math.round(rRouterPage.requests.average),
    },
    router_vs_direct: {
      health: Number(median(ratios('health')).toFixed(2)),
      page: Number(median(ratios('page')).toFixed(2)),
    },
    router_vs_direct_all: {
      health: ratios('health').map((r) => Number(r.toFixed(2))),
      page: ratios('page').map((r) => Number(r.toFixed(2))),
    },
  };
  console.log(
    `Preview bench: todo app, ${RUNS} cold starts per kind, autocannon ${CONNECTIONS} connections x ${DURATION} s, ${PAIRS} direct/router pairs (median run shown)`,
  );
  if (bwrap.path && patched)
    console.log('  (sandboxed runs use the todo app with server.ts listening on SOCKET_PATH, the one-line change the template needs)');
  for (const k of kinds)
    console.log(
      `  cold start to healthy, ${k.padEnd(5)}      median ${out.cold_start_ms_median[k]} ms  (${out.cold_start_ms_all[k]!.join(', ')})   memory ${out.memory_mb_per_preview[k]} MB`,
    );
  console.log(row('GET /health direct', rDirect));
  console.log(row('GET /health through the Host router', rRouter));
  console.log(row('GET /health sandboxed (port forwarder)', rForwarded));
  console.log(row('GET / (frontend) direct', rDirectPage));
  console.log(row('GET / (frontend) through the router', rRouterPage));
  console.log(
    `  router / direct, median of ${PAIRS} pairs: /health ${out.router_vs_direct.health}, / ${out.router_vs_direct.page} (goal >= 0.8)`,
  );
  console.log(
    `  load average while measuring: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );
  console.log(JSON.stringify(out));
} finally {
  for (const { rt, h } of started) await rt.stop(h);
  rmSync(root, { recursive: true, force: true });
}
