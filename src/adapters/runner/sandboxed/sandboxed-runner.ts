/**
 * CommandRunner that runs untrusted commands (a generated app's tests, build, type check) inside
 * bubblewrap (`sandbox: 'bwrap'`): the working directory is the only writable folder, the system is
 * read-only, Catalyst's data folder and local services (PostgreSQL, Redis, RabbitMQ — TCP ports and
 * Unix sockets) are out of reach, uid 1000, no capabilities. Timeouts, output limits and the heap cap
 * are the local runner's: killing bwrap kills the whole sandbox (--die-with-parent).
 */
import { resolve } from 'node:path';
import { AppError } from '../../../core/errors.ts';
import type { CommandRunner } from '../../../core/ports/command-runner.ts';
import { bwrapArgs, nodeModulesScratch, nodePrefix, probeBwrap, sandboxEnv } from '../../../preview/sandbox.ts';
import { runCommand } from '../local/local-runner.ts';

export interface SandboxedRunnerOptions {
  /** The environment every command starts from (see the local runner); HOME and TMPDIR become /tmp. */
  baseEnv?: Record<string, string>;
  /** Folders the commands may read besides the system: Catalyst's node_modules, which apps resolve from. */
  readOnly: string[];
  /** Catalyst's node_modules, which generated apps resolve from: visible read-only, with scratch folders for vite. */
  nodeModulesDir?: string;
}

/** Throws AppError('sandbox_unavailable') when bwrap is missing or cannot create namespaces here. */
export function createSandboxedRunner(opts: SandboxedRunnerOptions): CommandRunner {
  const baseEnv = opts.baseEnv ?? { PATH: '/usr/local/bin:/usr/bin:/bin' };
  const probe = probeBwrap(baseEnv.PATH);
  if (probe.path === null) {
    throw new AppError('invalid_config', `cannot run commands sandboxed: ${probe.reason}`, {
      hint: 'install bubblewrap (apt-get install bubblewrap), or let runtime.ts fall back to the local runner',
    });
  }
  const bwrap = probe.path;
  const readOnly = [...opts.readOnly, nodePrefix()];
  const scratch = opts.nodeModulesDir ? nodeModulesScratch(opts.nodeModulesDir) : [];
  return {
    sandbox: 'bwrap',
    run: (req) =>
      runCommand(req, baseEnv, (r, env) => ({
        command: bwrap,
        args: [...bwrapArgs({ writable: [resolve(r.cwd)], readOnly, scratch, cwd: resolve(r.cwd) }), r.command, ...r.args],
        env: sandboxEnv(env),
      })),
  };
}
