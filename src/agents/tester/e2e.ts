/**
 * Browser tests of the generated app, through the app's own contract: `npm run test:e2e` with
 * `CHROMIUM_PATH` runs them headless and writes `test-results/e2e-junit.xml` plus screenshots in
 * `test-results/e2e/*.png`; without a browser the script prints "skipped: CHROMIUM_PATH not set".
 * Anything short of a JUnit report with cases is skipped or an error, never "passed".
 */
import { rm } from 'node:fs/promises';
import type { SuiteSummary } from '../../contracts/artifacts.ts';
import type { AgentContext } from '../../core/agent.ts';
import { countCases, parseJunit, type JunitCase } from './junit.ts';

export const E2E_JUNIT = 'test-results/e2e-junit.xml';
export const E2E_SCRIPT = 'test:e2e';

export interface E2eOutcome {
  suite: SuiteSummary;
  cases: JunitCase[];
  junitXml: string | null;
  /** Screenshot paths relative to the worktree. */
  screenshots: string[];
  log: string | null;
}

function skipped(note: string): E2eOutcome {
  return {
    suite: { status: 'skipped', total: 0, passed: 0, failed: 0, skipped: 0, coverage: null, duration_seconds: 0, note },
    cases: [],
    junitXml: null,
    screenshots: [],
    log: null,
  };
}

export async function runE2e(ctx: AgentContext, dir: string): Promise<E2eOutcome> {
  const { tester } = ctx.settings;
  if (!tester.runE2e) return skipped('skipped: disabled in config (agents.tester.run_e2e_tests is false)');
  const pkgText = await ctx.ports.workspace.readText(`${dir}/package.json`);
  let scripts: Record<string, unknown> = {};
  try {
    scripts = ((pkgText ? JSON.parse(pkgText) : {}) as { scripts?: Record<string, unknown> }).scripts ?? {};
  } catch {
    return skipped('skipped: package.json does not parse');
  }
  if (typeof scripts[E2E_SCRIPT] !== 'string') return skipped(`skipped: the generated app has no ${E2E_SCRIPT} script`);
  if (tester.chromiumPath === null) return skipped('skipped: chromium not found');

  // A report left by an earlier run must not be read as this run's.
  await rm(`${dir}/${E2E_JUNIT}`, { force: true });
  const run = await ctx.ports.runner.run({
    command: 'npm',
    args: ['run', '--silent', E2E_SCRIPT],
    cwd: dir,
    env: {
      CI: 'true',
      NO_COLOR: '1',
      CHROMIUM_PATH: tester.chromiumPath,
      DATABASE_URL: 'sqlite::memory:',
      npm_config_update_notifier: 'false',
    },
    timeoutMs: tester.timeoutMs,
    memoryMb: tester.memoryMb,
    signal: ctx.signal,
  });
  const log = `$ CHROMIUM_PATH=${tester.chromiumPath} npm run ${E2E_SCRIPT}\n${run.stdout}\n${run.stderr}`;
  const screenshots = (await ctx.ports.workspace.listFiles(dir)).filter((p) => p.startsWith('test-results/e2e/') && p.endsWith('.png'));
  const junitXml = await ctx.ports.workspace.readText(`${dir}/${E2E_JUNIT}`);
  const cases = junitXml ? parseJunit(junitXml).map((c) => ({ ...c, suite: `e2e › ${c.suite}` })) : [];
  const n = countCases(cases);
  const seconds = Math.round(run.durationMs / 10) / 100;
  const tail = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ');
  const base = { total: n.total, passed: n.passed, failed: n.failed, skipped: n.skipped, coverage: null, duration_seconds: seconds };
  if (!junitXml && /skipped: CHROMIUM_PATH not set/.test(run.stdout + run.stderr)) {
    return { ...skipped('skipped: the app did not receive CHROMIUM_PATH'), log };
  }
  let status: SuiteSummary['status'];
  let note: string | null = null;
  if (run.timedOut) {
    status = 'error';
    note = `the browser tests timed out after ${Math.round(tester.timeoutMs / 1000)} s`;
  } else if (n.failed > 0) status = 'failed';
  else if (!junitXml || n.total === 0) {
    status = 'error';
    note = `npm run ${E2E_SCRIPT} (exit ${run.exitCode ?? run.signal}) wrote no JUnit report with test cases to ${E2E_JUNIT}: ${tail}`;
  } else if (run.exitCode !== 0) {
    status = 'error';
    note = `npm run ${E2E_SCRIPT} exited with code ${run.exitCode ?? run.signal} though no test failed: ${tail}`;
  } else status = 'passed';
  return { suite: { status, ...base, note }, cases, junitXml, screenshots, log };
}
