/**
 * Runs one of the app's fixed checks. The only command ever run on the model's behalf is
 * `npm run --silent <script>` with a script name from this table, in the worktree, through the
 * CommandRunner (bubblewrap in production). The environment is built here from nothing: the runner adds
 * its own base (PATH, HOME) and never sees Catalyst's process environment, so no API key can reach a
 * test the model wrote.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../core/errors.ts';
import type { CommandRunner } from '../../../core/ports/command-runner.ts';
import { reportCheck, type CheckReport } from './check-output.ts';
import { CHECK_SCRIPTS, type CheckName } from './file-change.ts';
import { resolveToolPath } from './worktree-paths.ts';

export interface CheckSettings {
  timeoutMs: number;
  memoryMb: number;
  chromiumPath: string | null;
}

export interface CheckOutcome extends CheckReport {
  check: CheckName;
  durationMs: number;
}

/** The whole environment a check gets from the toolbox. */
export function checkEnv(check: CheckName, chromiumPath: string | null): Record<string, string> {
  const env: Record<string, string> = { CI: '1', NO_COLOR: '1' };
  if (check === 'e2e' && chromiumPath) env.CHROMIUM_PATH = chromiumPath;
  return env;
}

async function scriptsOf(realWorktree: string): Promise<Record<string, unknown> | string> {
  let text: string;
  try {
    // Through the path gate: the app's own test run could have replaced package.json with a link.
    const manifest = await resolveToolPath(realWorktree, 'package.json', 'read');
    if (manifest.kind !== 'file') return 'the app has no package.json';
    text = await readFile(manifest.abs, 'utf8');
  } catch {
    return 'package.json cannot be read';
  }
  try {
    const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
    return scripts && typeof scripts === 'object' ? (scripts as Record<string, unknown>) : {};
  } catch {
    return 'package.json does not parse as JSON';
  }
}

export async function runCheck(
  check: CheckName,
  opts: { worktree: string; realWorktree: string; runner: CommandRunner; settings: CheckSettings; signal?: AbortSignal },
): Promise<CheckOutcome> {
  const label = check === 'test' ? 'tests' : check;
  const script = CHECK_SCRIPTS[check];
  const notRun = (why: string): CheckOutcome => ({
    check,
    ok: false,
    summary: `${label}: not run: ${why}`,
    output: '',
    signature: `${check}:not-run`,
    durationMs: 0,
  });
  const scripts = await scriptsOf(opts.realWorktree);
  if (typeof scripts === 'string') return notRun(scripts);
  if (typeof scripts[script] !== 'string') return notRun(`package.json has no "${script}" script`);
  if (check === 'e2e' && opts.settings.chromiumPath === null) return notRun('no Chromium is available on this host');
  const started = performance.now();
  let run;
  try {
    run = await opts.runner.run({
      command: 'npm',
      args: ['run', '--silent', script],
      cwd: opts.worktree,
      env: checkEnv(check, opts.settings.chromiumPath),
      timeoutMs: opts.settings.timeoutMs,
      memoryMb: opts.settings.memoryMb,
      maxOutputBytes: 256 * 1024,
      signal: opts.signal,
    });
  } catch (e) {
    throw AppError.from(e, 'command_failed');
  }
  if (opts.signal?.aborted) throw AppError.from(opts.signal.reason ?? new Error('aborted'), 'command_failed');
  const report = reportCheck(check, run, [opts.worktree, opts.realWorktree], opts.settings.timeoutMs);
  return { check, ...report, durationMs: Math.round(run.durationMs || performance.now() - started) };
}
