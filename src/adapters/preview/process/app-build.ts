/**
 * Runs the generated app's `npm run build` before a preview starts, with its output appended to the
 * preview log. npm runs in its own process group so a timeout kills the whole build (npm, the shell
 * and vite), not just npm.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signalGroup } from './process-group.ts';

export interface BuildResult {
  ok: boolean;
  skipped: boolean;
  exitCode: number | null;
  timedOut: boolean;
}

export async function hasBuildScript(appDir: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    return typeof pkg.scripts?.build === 'string';
  } catch {
    return false;
  }
}

export async function buildApp(opts: {
  appDir: string;
  env: Record<string, string>;
  logPath: string;
  timeoutMs: number;
  /** Runs the build through this command (the sandbox), e.g. `['bwrap', …args, '--']`. */
  wrap?: string[];
}): Promise<BuildResult> {
  if (!(await hasBuildScript(opts.appDir))) return { ok: true, skipped: true, exitCode: null, timedOut: false };
  const logFd = openSync(opts.logPath, 'a');
  try {
    const [command, ...args] = [...(opts.wrap ?? []), 'npm', 'run', 'build'];
    const child = spawn(command!, args, {
      cwd: opts.appDir,
      env: opts.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        if (child.pid) signalGroup(child.pid, 'SIGKILL');
      },
      Math.max(1, opts.timeoutMs),
    );
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(null));
      child.once('exit', (code) => resolve(code));
    });
    clearTimeout(timer);
    // The build's own children (vite workers) may outlive npm; they belong to the same group.
    if (child.pid) signalGroup(child.pid, 'SIGKILL');
    return { ok: exitCode === 0 && !timedOut, skipped: false, exitCode, timedOut };
  } finally {
    closeSync(logFd);
  }
}
