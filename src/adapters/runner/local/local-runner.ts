/**
 * Runs a generated app's commands on the host, without an OS sandbox (`sandbox: 'none'`): the child
 * gets its own process group so timeouts and aborts kill everything it started, a Node heap cap via
 * NODE_OPTIONS, and only the environment it is given (ARCHITECTURE.md §5).
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { AppError } from '../../../core/errors.ts';
import type { CommandRunner, RunRequest, RunResult } from '../../../core/ports/command-runner.ts';
import { OutputTail } from './output-tail.ts';

export interface LocalRunnerOptions {
  /**
   * The environment every command starts from. Defaults to PATH alone, so the server's secrets
   * (API keys, database URLs) never reach untrusted code unless passed on purpose.
   */
  baseEnv?: Record<string, string>;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
/** After the main process exits, how long stray holders of its pipes get before we stop reading. */
const PIPE_DRAIN_MS = 2_000;

export function createLocalRunner(opts: LocalRunnerOptions = {}): CommandRunner {
  const baseEnv = opts.baseEnv ?? { PATH: '/usr/local/bin:/usr/bin:/bin' };
  return {
    sandbox: 'none',
    run: (req) => runCommand(req, baseEnv),
  };
}

export function childEnv(baseEnv: Record<string, string>, req: Pick<RunRequest, 'env' | 'memoryMb'>): Record<string, string> {
  const env = { ...baseEnv, ...req.env };
  const heapCap = `--max-old-space-size=${Math.max(1, Math.floor(req.memoryMb))}`;
  env.NODE_OPTIONS = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${heapCap}` : heapCap;
  return env;
}

/** How a request becomes a process; the sandboxed runner wraps the command in bubblewrap here. */
export type Launch = (req: RunRequest, env: Record<string, string>) => { command: string; args: string[]; env: Record<string, string> };

const direct: Launch = (req, env) => ({ command: req.command, args: req.args, env });

export function runCommand(req: RunRequest, baseEnv: Record<string, string>, launch: Launch = direct): Promise<RunResult> {
  if (!isDirectory(req.cwd)) {
    return Promise.reject(new AppError('invalid_option', `working directory ${req.cwd} does not exist`));
  }
  const started = performance.now();
  const limit = req.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new OutputTail(limit);
  const stderr = new OutputTail(limit);

  const how = launch(req, childEnv(baseEnv, req));
  return new Promise<RunResult>((resolve) => {
    const child = spawn(how.command, how.args, {
      cwd: req.cwd,
      env: how.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let settled = false;
    let drainTimer: NodeJS.Timeout | undefined;

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, req.timeoutMs);
    const onAbort = () => killGroup();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    if (req.signal?.aborted) killGroup();

    const finish = (result: Partial<RunResult> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      req.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        timedOut,
        durationMs: Math.round(performance.now() - started),
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        ...result,
      });
    };

    child.stdout?.on('data', (d: Buffer) => stdout.push(d));
    child.stderr?.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (err) => {
      // Spawning failed (command not found, not executable): report it the way a shell would.
      stderr.push(Buffer.from(`${err.message}\n`));
      finish({ exitCode: 127, signal: null });
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      clearTimeout(timer);
      // Whatever the command left running in its group is orphaned work; it must not outlive the run.
      killGroup();
      // A process that left the group could still hold the pipes open; don't wait on it forever.
      drainTimer = setTimeout(() => finish(), PIPE_DRAIN_MS);
    });
    child.on('close', () => finish());
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
