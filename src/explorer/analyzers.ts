/**
 * The explorer's three scanners behind one `Analyzers` object: repositories are cloned into the scan's
 * scratch folder first, and at full depth their lockfile is audited with `npm audit` through the
 * sandboxed command runner (the tester's audit: the lockfile comes from an untrusted repository).
 */
import { join } from 'node:path';
import { auditDependencies } from '../analysis/dependency-audit.ts';
import type { CommandRunner } from '../core/ports/command-runner.ts';
import type { Workspace } from '../core/ports/workspace.ts';
import { analyzeDatabase, parseDatabaseTarget } from './database/index.ts';
import { analyzeDeployment, parseDeploymentTarget } from './deployment/index.ts';
import type { Analyzers } from './explorer-service.ts';
import { analyzeRepository, cloneRepository, parseCloneTarget, type DependencyAudit } from './repository/index.ts';

const AUDIT_TIMEOUT_MS = 120_000;
const AUDIT_MEMORY_MB = 512;

export function createAnalyzers(deps: {
  runner: CommandRunner;
  workspace: Workspace;
  /** What git runs with (PATH, proxies, CA bundles): Catalyst's configured child environment. */
  childEnv: Readonly<Record<string, string>>;
}): Analyzers {
  async function audit(dir: string, signal: AbortSignal): Promise<DependencyAudit> {
    const scan = await auditDependencies(deps.runner, deps.workspace, dir, {
      timeoutMs: AUDIT_TIMEOUT_MS,
      memoryMb: AUDIT_MEMORY_MB,
      signal,
    });
    if (scan.status === 'unavailable' || scan.vulnerabilities === null)
      return { status: 'unavailable', reason: scan.reason ?? 'npm audit gave no result' };
    const v = scan.vulnerabilities;
    return { status: 'ok', critical: v.critical, high: v.high, moderate: v.moderate, low: v.low };
  }

  return {
    checkTarget(request) {
      if (request.type === 'github') parseCloneTarget(request.target);
      else if (request.type === 'deployment') parseDeploymentTarget(request.target);
      else parseDatabaseTarget(request.target, request.credentials ?? {});
    },
    async github(request, ctx) {
      ctx.progress(`Explorer: cloning the repository (${request.analysis_depth})`);
      const cloned = await cloneRepository({
        target: request.target,
        into: join(ctx.workDir, 'checkout'),
        depth: request.analysis_depth,
        signal: ctx.signal,
        baseEnv: deps.childEnv,
        ...(request.credentials?.github_token ? { token: request.credentials.github_token } : {}),
      });
      ctx.progress('Explorer: analyzing the tech stack, dependencies and code');
      return analyzeRepository({
        dir: cloned.dir,
        depth: request.analysis_depth,
        commit: cloned.commit,
        defaultBranch: cloned.defaultBranch,
        signal: ctx.signal,
        baseEnv: deps.childEnv,
        audit: (dir) => audit(dir, ctx.signal),
      });
    },
    deployment(request, ctx) {
      return analyzeDeployment({
        target: request.target,
        checks: request.checks,
        signal: ctx.signal,
        progress: ctx.progress,
        ...(request.credentials?.api_key ? { apiKey: request.credentials.api_key } : {}),
      });
    },
    database(request, ctx) {
      ctx.progress('Explorer: reading the schema (read-only)');
      return analyzeDatabase({
        target: request.target,
        signal: ctx.signal,
        ...(request.credentials?.username ? { username: request.credentials.username } : {}),
        ...(request.credentials?.password ? { password: request.credentials.password } : {}),
      });
    },
  };
}
