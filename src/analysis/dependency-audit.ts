/**
 * Dependency audit with `npm audit --json` against the app's lockfile. It reports `ran` only when
 * npm returned an advisory report; a missing lockfile, an unreachable registry or a registry that
 * refuses the audit endpoint is `unavailable` with npm's own reason — never "0 issues".
 *
 * The app is untrusted: a `.npmrc` in its worktree could send the audit (and any token npm holds) to
 * another registry, through a proxy, or change how npm behaves. So npm never runs in the worktree:
 * only package.json and the lockfile are copied to a fresh folder, and `--userconfig` names an empty
 * file there, so neither the project's nor the user's npmrc is read. npm's global config and the
 * npm_config_* variables of Catalyst's own environment (the operator's) still apply.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from '../core/ports/command-runner.ts';
import type { Workspace } from '../core/ports/workspace.ts';

export interface VulnerabilityCounts {
  critical: number;
  high: number;
  moderate: number;
  low: number;
  info: number;
  total: number;
}

export interface Advisory {
  package: string;
  severity: string;
  range: string;
  via: string[];
  fix_available: boolean;
}

export interface DependencyScan {
  tool: 'npm audit';
  status: 'ran' | 'unavailable';
  reason: string | null;
  lockfile: string | null;
  vulnerabilities: VulnerabilityCounts | null;
  advisories: Advisory[];
}

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];
const NETWORK = /ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH|network/i;

type AuditJson = {
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  metadata?: { vulnerabilities?: Partial<VulnerabilityCounts> };
  vulnerabilities?: Record<
    string,
    { severity?: string; range?: string; via?: Array<string | { title?: string; url?: string }>; fixAvailable?: unknown }
  >;
};

export interface AuditOptions {
  timeoutMs: number;
  memoryMb: number;
  signal?: AbortSignal;
  /** Registry to ask instead of npm's configured one (tests point it at a closed port). */
  registry?: string;
}

export async function auditDependencies(
  runner: CommandRunner,
  workspace: Workspace,
  dir: string,
  opts: AuditOptions,
): Promise<DependencyScan & { log: string }> {
  const unavailable = (reason: string, lockfile: string | null, log = '') => ({
    tool: 'npm audit' as const,
    status: 'unavailable' as const,
    reason,
    lockfile,
    vulnerabilities: null,
    advisories: [],
    log,
  });
  let lockfile: string | null = null;
  let lockText = '';
  for (const name of LOCKFILES) {
    const text = await workspace.readText(`${dir}/${name}`);
    if (text !== null && lockfile === null) [lockfile, lockText] = [name, text];
  }
  if (!lockfile) return unavailable('the app has no package-lock.json or npm-shrinkwrap.json; npm audit needs a lockfile', null);

  const isolated = await mkdtemp(join(tmpdir(), 'catalyst-audit-'));
  let run;
  let args: string[];
  try {
    const manifest = await workspace.readText(`${dir}/package.json`);
    if (manifest !== null) await writeFile(join(isolated, 'package.json'), manifest);
    await writeFile(join(isolated, lockfile), lockText);
    const emptyConfig = join(isolated, 'empty-npmrc');
    await writeFile(emptyConfig, '');
    args = ['audit', '--json', '--package-lock-only', '--userconfig', emptyConfig, ...(opts.registry ? ['--registry', opts.registry] : [])];
    run = await runner.run({
      command: 'npm',
      args,
      cwd: isolated,
      env: { NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit_level: 'none' },
      timeoutMs: opts.timeoutMs,
      memoryMb: opts.memoryMb,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    await rm(isolated, { recursive: true, force: true });
  }
  const log = `$ npm ${args.join(' ')}  (package.json and ${lockfile} copied from ${dir}; its .npmrc and the user's are not read)\n${run.stdout}\n${run.stderr}`;
  if (run.timedOut) return unavailable(`npm audit timed out after ${Math.round(opts.timeoutMs / 1000)} s`, lockfile, log);
  let json: AuditJson;
  try {
    json = JSON.parse(run.stdout) as AuditJson;
  } catch {
    const tail = (run.stderr || run.stdout).trim().split('\n').slice(-2).join(' | ');
    return unavailable(`npm audit printed no JSON report (exit ${run.exitCode ?? run.signal}): ${tail}`, lockfile, log);
  }
  if (!json.metadata?.vulnerabilities) {
    const said = json.message || [json.error?.code, json.error?.summary].filter(Boolean).join(': ') || `exit ${run.exitCode}`;
    const reason = NETWORK.test(`${said} ${run.stderr}`)
      ? `the registry cannot be reached: ${said}`
      : `the registry did not return an audit report: ${said}`;
    return unavailable(reason, lockfile, log);
  }
  const v = json.metadata.vulnerabilities;
  const vulnerabilities: VulnerabilityCounts = {
    critical: v.critical ?? 0,
    high: v.high ?? 0,
    moderate: v.moderate ?? 0,
    low: v.low ?? 0,
    info: v.info ?? 0,
    total: v.total ?? 0,
  };
  const advisories: Advisory[] = Object.entries(json.vulnerabilities ?? {}).map(([name, entry]) => ({
    package: name,
    severity: entry.severity ?? 'unknown',
    range: entry.range ?? '',
    via: (entry.via ?? []).map((x) => (typeof x === 'string' ? x : (x.title ?? x.url ?? 'advisory'))),
    fix_available: Boolean(entry.fixAvailable),
  }));
  return { tool: 'npm audit', status: 'ran', reason: null, lockfile, vulnerabilities, advisories, log };
}
