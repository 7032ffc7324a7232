/**
 * PreviewRuntime in process mode (spec §7, ARCHITECTURE §2): each preview is a copy of the generated
 * app, built, then run by a small supervisor process on a port of its own. The supervisor leads its
 * own process group, so stopping a preview is one signal to the group, whatever the app spawned.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../../core/clock.ts';
import { systemClock } from '../../../core/clock.ts';
import { AppError } from '../../../core/errors.ts';
import type { PreviewHandle, PreviewInspection, PreviewRuntime, PreviewStartRequest } from '../../../core/ports/preview-runtime.ts';
import { probeHealthOnce, waitForHealthy } from '../../../preview/health-probe.ts';
import { allocatePort, DEFAULT_PORT_RANGE, type PortRange } from '../../../preview/port-allocator.ts';
import { buildApp } from './app-build.ts';
import { createCpuGroup, findCpuController, removeCpuGroup } from './cpu-cgroup.ts';
import { readLogTail } from './log-tail.ts';
import { isGroupAlive, isPidAlive, readCommandLine, signalGroup, waitForGroupExit } from './process-group.ts';
import { readSupervisorState, SUPERVISOR_CONFIG_ENV, type SupervisorConfigInput } from './supervisor-config.ts';
import { prepareWorkingCopy } from './working-copy.ts';
import { bwrapArgs, MAX_SOCKET_PATH, nodeModulesScratch, nodePrefix, probeBwrap, sandboxEnv } from '../../../preview/sandbox.ts';

const RUNS_UNCONFINED = "the preview runs with this user's rights and can reach local services";
/** Kept for callers that check the unsandboxed case; the reason varies (see `sandboxDecision`). */
export const PROCESS_SANDBOX_WARNING = `OS sandbox disabled (preview.sandbox: none): ${RUNS_UNCONFINED}`;
export const SOCKET_UNSUPPORTED_WARNING = `the app's backend/src/server.ts does not honour SOCKET_PATH, so it cannot run in the network-isolated sandbox: ${RUNS_UNCONFINED}`;
export const APP_START_COMMAND = 'node --import tsx backend/src/server.ts';

const SUPERVISOR_MAIN = fileURLToPath(new URL('./supervisor-main.ts', import.meta.url));
// Resolved from Catalyst's own dependencies: the supervisor is our code, not the app's.
const TSX_LOADER = import.meta.resolve('tsx');
const STOP_GRACE_MS = 6_000;
const KILL_WAIT_MS = 2_000;
const FAILED_START_GRACE_MS = 1_000;
const LOG_TAIL_LINES = 30;
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface ProcessPreviewRuntimeOptions {
  /** Each preview gets `<previewsDir>/<taskId>/` with `app/`, `data/`, `preview.log`, `supervisor.json`. */
  previewsDir: string;
  portRange?: PortRange;
  /** Heap cap for the app and its build (NODE_OPTIONS=--max-old-space-size). */
  memoryMb: number;
  /** Shared install the working copy's `node_modules` links to (generated apps install nothing). */
  nodeModulesDir: string;
  /** Environment every build and app starts from (PATH, HOME, …); nothing else is inherited. */
  baseEnv: Record<string, string>;
  /** Upper bound for `npm run build`; the start request's own deadline may cut it shorter. */
  buildTimeoutMs?: number;
  /**
   * `auto` (default) runs the build and the app under bubblewrap when it works on this host and the
   * app can listen on a Unix socket; `none` never sandboxes. Whatever runs unsandboxed says why in
   * the handle's `sandbox.warning`.
   */
  sandbox?: 'auto' | 'none';
  /** CPUs the app may use, enforced through a cgroup CPU quota when this process may write one (cpu-cgroup.ts). */
  cpus?: number;
  /** Where to look for the CPU controller (tests); the usual mounts by default. */
  cpuControllerMounts?: readonly { version: 1 | 2; root: string }[];
  clock?: Clock;
}

type SandboxDecision = { kind: 'bwrap'; bwrap: string; warning: null } | { kind: 'none'; warning: string };

/** True when the app reads SOCKET_PATH, i.e. can listen on a Unix socket instead of a TCP port. */
async function appListensOnSocket(appDir: string): Promise<boolean> {
  for (const file of ['backend/src/server.ts', 'backend/src/config.ts']) {
    const text = await readFile(join(appDir, file), 'utf8').catch(() => '');
    if (text.includes('SOCKET_PATH')) return true;
  }
  return false;
}

export function createProcessPreviewRuntime(opts: ProcessPreviewRuntimeOptions): PreviewRuntime {
  const previewsDir = resolve(opts.previewsDir);
  const range = opts.portRange ?? DEFAULT_PORT_RANGE;
  const clock = opts.clock ?? systemClock;
  const buildTimeoutMs = opts.buildTimeoutMs ?? 120_000;
  const heapOption = `--max-old-space-size=${opts.memoryMb}`;
  const sandboxMode = opts.sandbox ?? 'auto';

  async function sandboxDecision(appDir: string, socketPath: string): Promise<SandboxDecision> {
    if (sandboxMode === 'none') return { kind: 'none', warning: PROCESS_SANDBOX_WARNING };
    const probe = probeBwrap(opts.baseEnv.PATH);
    if (probe.path === null) return { kind: 'none', warning: `no OS sandbox (${probe.reason}): ${RUNS_UNCONFINED}` };
    if (!(await appListensOnSocket(appDir))) return { kind: 'none', warning: SOCKET_UNSUPPORTED_WARNING };
    if (socketPath.length > MAX_SOCKET_PATH) {
      return { kind: 'none', warning: `the preview folder's path is too long for a Unix socket (${socketPath}): ${RUNS_UNCONFINED}` };
    }
    return { kind: 'bwrap', bwrap: probe.path, warning: null };
  }

  // Looked up once: whether previews can get a CPU quota on this host, and if not, why.
  let cpuController: ReturnType<typeof findCpuController> | null = null;
  const cpuControl = () => (cpuController ??= findCpuController(opts.cpuControllerMounts));

  async function cpuLimit(taskId: string): Promise<{ group: string | null; reason: string | null }> {
    if (!opts.cpus) return { group: null, reason: 'preview.cpus is not set' };
    const found = await cpuControl();
    if (found.controller === null) return { group: null, reason: `${found.reason}; needs root or a delegated cgroup v2 subtree` };
    try {
      return { group: await createCpuGroup(found.controller, taskId, opts.cpus), reason: null };
    } catch (e) {
      return { group: null, reason: `could not make a CPU group: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  // Ports handed out by this runtime and not yet released. The bind probe alone cannot see a port
  // whose app is still starting, and allocations run one at a time so two starts never pick the
  // same port between probe and claim.
  const claimedPorts = new Map<number, string>();
  const portByPid = new Map<number, number>();
  let allocation: Promise<unknown> = Promise.resolve();

  function claimPort(req: PreviewStartRequest): Promise<number> {
    const next = allocation.then(async () => {
      const port = await allocatePort({
        taskId: req.taskId,
        range,
        reservedPorts: [...req.reservedPorts, ...claimedPorts.keys()],
      });
      claimedPorts.set(port, req.taskId);
      return port;
    });
    allocation = next.catch(() => undefined);
    return next;
  }

  function releasePort(port: number, pid: number | null): void {
    claimedPorts.delete(port);
    if (pid !== null) portByPid.delete(pid);
  }

  function previewDirOf(taskId: string): string {
    if (!TASK_ID.test(taskId) || taskId === '.' || taskId === '..') {
      throw new AppError('invalid_option', `task id ${JSON.stringify(taskId)} cannot name a preview folder`, {
        hint: 'task ids are letters, digits, dot, dash and underscore',
      });
    }
    return join(previewsDir, taskId);
  }

  /** True only for `<previewsDir>/<taskId>/app`, the one folder shape `start` creates. */
  function isOwnWorkingCopy(path: string): boolean {
    const rel = relative(previewsDir, resolve(path));
    if (isAbsolute(rel) || rel.startsWith('..')) return false;
    const parts = rel.split(sep);
    return parts.length === 2 && TASK_ID.test(parts[0] ?? '') && parts[1] === 'app';
  }

  /** Stops the supervisor group `pgid`; refuses a live pid that is not one of our supervisors. */
  async function stopGroup(pgid: number, graceMs = STOP_GRACE_MS): Promise<void> {
    if (!isGroupAlive(pgid)) return;
    const cmdline = isPidAlive(pgid) ? readCommandLine(pgid) : null;
    // A recorded pid may have been reused by an unrelated process after the preview died.
    if (cmdline !== null && !cmdline.includes('supervisor-main')) return;
    signalGroup(pgid, 'SIGTERM');
    if (await waitForGroupExit(pgid, graceMs)) return;
    signalGroup(pgid, 'SIGKILL');
    await waitForGroupExit(pgid, KILL_WAIT_MS);
  }

  async function unhealthy(message: string, logPath: string, details: Record<string, unknown>): Promise<AppError> {
    return new AppError('preview_unhealthy', message, {
      hint: `see ${logPath}; the app must build, listen on $PORT and answer GET /health with 200`,
      details: { ...details, logPath, logTail: await readLogTail(logPath, LOG_TAIL_LINES) },
    });
  }

  async function start(req: PreviewStartRequest): Promise<PreviewHandle> {
    const deadline = Date.now() + req.timeoutMs;
    const previewDir = previewDirOf(req.taskId);
    const appDir = join(previewDir, 'app');
    const dataDir = join(previewDir, 'data');
    const sockDir = join(previewDir, 'sock');
    const socketPath = join(sockDir, 'app.sock');
    const logPath = join(previewDir, 'preview.log');
    const statePath = join(previewDir, 'supervisor.json');

    // One preview per task: a second start replaces the first instead of leaking it.
    const previous = readSupervisorState(statePath);
    if (previous) await stopGroup(previous.pid);

    const port = await claimPort(req);
    let supervisorPid: number | null = null;
    try {
      await mkdir(dataDir, { recursive: true });
      await mkdir(sockDir, { recursive: true });
      await writeFile(logPath, `[catalyst ${clock.now().toISOString()}] preview of task ${req.taskId} starting\n`);
      await rm(statePath, { force: true });
      await prepareWorkingCopy(req.sourceDir, appDir, opts.nodeModulesDir);
      const sandbox = await sandboxDecision(appDir, socketPath);
      // The app may write only its working copy, its data and the folder of its socket.
      const wrap =
        sandbox.kind === 'bwrap'
          ? [
              sandbox.bwrap,
              ...bwrapArgs({
                writable: [appDir, dataDir, sockDir],
                readOnly: [opts.nodeModulesDir, nodePrefix()],
                scratch: nodeModulesScratch(opts.nodeModulesDir),
                cwd: appDir,
              }),
            ]
          : [];
      const confine = (env: Record<string, string>): Record<string, string> => (sandbox.kind === 'bwrap' ? sandboxEnv(env) : env);
      if (sandbox.warning) await appendFile(logPath, `[catalyst] warning: ${sandbox.warning}\n`);

      const build = await buildApp({
        appDir,
        env: confine({ ...opts.baseEnv, ...req.env, NODE_OPTIONS: heapOption, npm_config_update_notifier: 'false' }),
        wrap,
        logPath,
        timeoutMs: Math.min(buildTimeoutMs, deadline - Date.now()),
      });
      if (!build.ok) {
        throw await unhealthy(build.timedOut ? 'the app build timed out' : `the app build failed (exit code ${build.exitCode})`, logPath, {
          stage: 'build',
          reason: build.timedOut ? 'timeout' : 'exited',
          exitCode: build.exitCode,
        });
      }

      const cpu = await cpuLimit(req.taskId);
      if (cpu.group === null) await appendFile(logPath, `[catalyst] CPU not limited: ${cpu.reason}\n`);
      const config: SupervisorConfigInput = {
        cpuCgroup: cpu.group,
        appDir,
        logPath,
        statePath,
        port,
        command: wrap[0] ?? process.execPath,
        args: [...wrap.slice(1), ...(wrap.length > 0 ? [process.execPath] : []), '--import', 'tsx', 'backend/src/server.ts'],
        env: confine({
          ...opts.baseEnv,
          ...req.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          JWT_SECRET: randomBytes(32).toString('hex'),
          NODE_OPTIONS: heapOption,
          ...(sandbox.kind === 'bwrap' ? { SOCKET_PATH: socketPath } : {}),
        }),
        parentPid: req.detached ? null : process.pid,
        socketPath: sandbox.kind === 'bwrap' ? socketPath : null,
      };
      const logFd = openSync(logPath, 'a');
      const supervisor = spawn(process.execPath, ['--import', TSX_LOADER, SUPERVISOR_MAIN], {
        cwd: previewDir,
        env: { ...opts.baseEnv, [SUPERVISOR_CONFIG_ENV]: JSON.stringify(config) },
        detached: true,
        stdio: ['ignore', logFd, logFd],
      });
      closeSync(logFd);
      const exited = new AbortController();
      supervisor.once('exit', () => {
        exited.abort();
        releasePort(port, supervisor.pid ?? null);
      });
      supervisor.once('error', () => exited.abort());
      if (req.detached) supervisor.unref();
      supervisorPid = supervisor.pid ?? null;
      if (supervisorPid === null) {
        throw await unhealthy('the preview supervisor could not be started', logPath, { stage: 'start', reason: 'exited' });
      }
      portByPid.set(supervisorPid, port);

      const url = `http://127.0.0.1:${port}`;
      const health = await waitForHealthy({ baseUrl: url, timeoutMs: deadline - Date.now(), exited: exited.signal });
      if (!health.healthy) {
        // A short grace: the start has already used its time, and a failed preview has nothing to save.
        await stopGroup(supervisorPid, FAILED_START_GRACE_MS);
        throw await unhealthy(
          health.reason === 'exited'
            ? 'the preview stopped before answering GET /health'
            : `the preview did not answer GET /health with 200 within ${req.timeoutMs} ms`,
          logPath,
          { stage: 'health', reason: health.reason, lastError: health.lastError, port },
        );
      }
      return {
        taskId: req.taskId,
        pid: supervisorPid,
        port,
        url,
        healthUrl: `${url}/health`,
        workingCopy: appDir,
        logPath,
        mode: 'process',
        sandbox: { kind: sandbox.kind, warning: sandbox.warning },
        memoryMb: opts.memoryMb,
        ...(cpu.group !== null ? { cpus: opts.cpus } : { cpuLimitReason: cpu.reason ?? undefined }),
        command:
          sandbox.kind === 'bwrap'
            ? `bwrap --unshare-all --uid 1000 … ${APP_START_COMMAND} (listening on ${socketPath})`
            : APP_START_COMMAND,
        startedAt: clock.now().toISOString(),
      };
    } catch (e) {
      if (supervisorPid !== null) await stopGroup(supervisorPid, FAILED_START_GRACE_MS);
      releasePort(port, supervisorPid);
      throw AppError.from(e);
    }
  }

  async function stop(ref: { pid: number | null; workingCopy: string | null }): Promise<void> {
    const ownCopy = ref.workingCopy !== null && isOwnWorkingCopy(ref.workingCopy) ? resolve(ref.workingCopy) : null;
    const pid = ref.pid ?? (ownCopy ? (readSupervisorState(join(dirname(ownCopy), 'supervisor.json'))?.pid ?? null) : null);
    if (pid !== null) {
      await stopGroup(pid);
      const port = portByPid.get(pid);
      if (port !== undefined) releasePort(port, pid);
      if (isGroupAlive(pid)) return; // keep the files of something we could not stop
    }
    // Only folders this runtime made are removed; the log and data stay for inspection.
    if (ownCopy) {
      await rm(ownCopy, { recursive: true, force: true });
      const found = await cpuControl();
      if (found.controller !== null) await removeCpuGroup(found.controller, basename(dirname(ownCopy)));
    }
  }

  async function inspect(ref: { pid: number | null; port: number | null; logPath: string | null }): Promise<PreviewInspection> {
    const [healthy, logTail] = await Promise.all([
      ref.port === null ? Promise.resolve(false) : probeHealthOnce(`http://127.0.0.1:${ref.port}`, 1000),
      ref.logPath === null ? Promise.resolve([]) : readLogTail(ref.logPath, LOG_TAIL_LINES),
    ]);
    return { alive: ref.pid !== null && isPidAlive(ref.pid), healthy, logTail };
  }

  return { mode: 'process', start, stop, inspect };
}
