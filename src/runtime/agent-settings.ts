/** The slice of configuration agents read (core/agent.ts `AgentSettings`), filled from config.yaml. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalystConfig } from '../config/index.ts';
import type { AgentSettings } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';
import { installedDependencyVersions } from '../agents/coder/tools/index.ts';
import { APP_DEPENDENCIES } from '../generator/app/index.ts';

/** Exact installed versions of what generated apps import, so their package.json pins real versions. */
export function installedVersions(names: readonly string[], nodeModulesDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      out[name] = (JSON.parse(readFileSync(join(nodeModulesDir, name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      throw new AppError('service_unavailable', `package ${name} is not installed in ${nodeModulesDir}`, {
        hint: 'run `npm ci` in the Catalyst folder; generated apps use its installed packages',
        retryable: false,
      });
    }
  }
  return out;
}

export function agentSettings(config: Readonly<CatalystConfig>, detached: boolean): AgentSettings {
  const a = config.agents;
  return {
    maxRepairRounds: config.orchestration.max_repair_rounds,
    planner: { maxFeatures: a.planner.max_features },
    architect: { generateDiagrams: a.architect.generate_diagrams },
    coder: {
      maxFilesPerBatch: a.coder.max_files_per_batch,
      maxRepairRounds: a.coder.max_repair_rounds,
      maxSteps: a.coder.max_steps,
      editFormat: a.coder.edit_format,
      maxFileBytes: a.coder.max_file_kb * 1024,
      maxFiles: a.coder.max_files,
      checkTimeoutMs: a.coder.check_timeout_seconds * 1000,
      contextTokens: a.coder.context_tokens,
      allowedDependencies: installedDependencyVersions(dirname(config.paths.nodeModules)),
    },
    tester: {
      timeoutMs: a.tester.timeout_seconds * 1000,
      memoryMb: a.tester.memory_mb,
      minCoverage: a.tester.min_coverage,
      runE2e: a.tester.run_e2e_tests,
      runSmokeCheck: a.tester.run_smoke_check,
      testKinds: [
        ...(a.tester.run_unit_tests ? (['unit'] as const) : []),
        ...(a.tester.run_integration_tests ? (['integration'] as const) : []),
      ],
      // An empty or missing path means no browser: the tester then reports e2e as skipped, never passed.
      chromiumPath: a.tester.chromium_path !== '' && existsSync(a.tester.chromium_path) ? a.tester.chromium_path : null,
    },
    reviewer: {
      minApprovalScore: a.reviewer.min_approval_score,
      minCoverage: a.reviewer.min_coverage,
      minPassRate: a.reviewer.min_pass_rate,
      maxTypeErrors: a.reviewer.max_type_errors,
      runTypeCheck: a.reviewer.run_type_check,
    },
    preview: {
      timeoutMs: config.preview.health_timeout_seconds * 1000,
      ttlHours: config.preview.ttl_hours,
      detached,
      mode: config.preview.mode,
      maxConcurrent: config.preview.max_concurrent,
      router: config.preview.router.enabled ? { port: config.preview.router.port, baseDomain: config.preview.router.base_domain } : null,
    },
    dependencyVersions: installedVersions(APP_DEPENDENCIES, config.paths.nodeModules),
    git: { mode: config.storage.git.mode, mergeOnApproval: config.storage.git.merge_on_approval },
  };
}
