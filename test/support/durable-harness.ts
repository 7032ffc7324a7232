/**
 * Kill-and-restart runs of a real `catalyst serve` on one data folder, shared by the durability tests
 * and bench:faults: start a server that SIGKILLs itself at a chosen step point
 * (test/integration/crashing-server.ts), submit a build to it, wait for it to die, start a plain
 * `catalyst serve` (bin/catalyst.js) on the same folder and follow the task to its end through the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATALYST_BIN } from '../e2e/helpers.ts';
import type { TaskRecord } from '../../src/contracts/records.ts';

const CRASHING_SERVER = resolve(import.meta.dirname, '../integration/crashing-server.ts');
// Resolved here: the child runs in a temp folder, where a bare `--import tsx` would not be found.
const TSX_LOADER = import.meta.resolve('tsx');

export interface ServerProcess {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<NodeJS.Signals | number | null>;
  stderr(): string;
}

/** Lease and sweep short enough that a restart resumes at once; the folder's config file sets them. */
export const FAST_RECOVERY_YAML = 'orchestration:\n  recovery:\n    lease_seconds: 2\n    sweep_interval_seconds: 1\n';

/**
 * The durability tests follow the pipeline's steps, events and commits, not what a browser finds in the
 * app: without the app's browser tests and the smoke check, a tester step builds no frontend and starts
 * no Chromium (the tests that look at those run them).
 */
export const NO_BROWSER_YAML = 'agents:\n  tester:\n    run_e2e_tests: false\n    run_smoke_check: false\n';

function serverInfoPid(dir: string): { pid: number; url: string } | null {
  try {
    return JSON.parse(readFileSync(join(dir, '.catalyst', 'server.json'), 'utf8')) as { pid: number; url: string };
  } catch {
    return null;
  }
}

export function startServerProcess(dir: string, opts: { crashAt?: string; env?: Record<string, string> } = {}): ServerProcess {
  const args = opts.crashAt ? ['--import', TSX_LOADER, CRASHING_SERVER] : [CATALYST_BIN, 'serve'];
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      CATALYST_CONFIG: join(dir, 'catalyst.yaml'),
      ...(opts.crashAt ? { CATALYST_TEST_CRASH_AT: opts.crashAt } : {}),
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  const url = (async () => {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const info = serverInfoPid(dir);
      // A killed server leaves its server.json behind: only the one naming this child counts.
      if (info && info.pid === child.pid) return info.url;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited before listening:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`the server did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  url.catch(() => undefined);
  return { child, url, exited, stderr: () => stderr };
}

export async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Polls the task until it ends; `onPoll` sees every row (the never-stuck checks). */
export async function followTask(
  base: string,
  taskId: string,
  opts: { timeoutMs: number; onPoll?: (task: TaskRecord) => void },
): Promise<TaskRecord> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const task = await api<TaskRecord>(base, 'GET', `/api/tasks/${taskId}`);
    opts.onPoll?.(task);
    if (TERMINAL.has(task.status)) return task;
    if (Date.now() > deadline) throw new Error(`task ${taskId} still ${task.status}/${task.current_phase} after ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

export function cleanupDir(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
