/**
 * Tester (spec §4.4): runs the generated app's own tests (unit + API, under coverage) and its browser
 * tests (when the app has them and Chromium is installed) in its worktree as untrusted child
 * processes with time and memory limits; Catalyst's own browser smoke check of the running app
 * (smoke-check.ts), whatever wrote it; then a secret scan (documented rule set), SAST (ESLint with
 * eslint-plugin-security) and a dependency audit (`npm audit`, or `unavailable` with the reason).
 * Writes test-results/ as the spec lays out. Counts come from the JUnit reports the tests wrote,
 * never from the coder's claims.
 */
import type { SuiteSummary, TestSummary } from '../../contracts/artifacts.ts';
import type { AgentContext, AgentDefinition } from '../../core/agent.ts';
import { expectEvent } from '../shared/expect-event.ts';
import { auditDependencies } from '../../analysis/dependency-audit.ts';
import { runE2e } from './e2e.ts';
import { countCases, failuresOf, parseJunit, toJunitXml, type JunitCase } from './junit.ts';
import { runSast } from '../../analysis/sast.ts';
import { runSmokeCheck } from './smoke-check.ts';
import { SECRET_RULES, scanForSecrets } from '../../analysis/secret-scan.ts';

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json|ya?ml|env|example|md|html|css|sh|sql|toml)$|(^|\/)(Dockerfile[^/]*|\.env[^/]*)$/;

/** Frontend tests are the ones the generated app groups under a `frontend` suite. */
function isFrontend(c: JunitCase): boolean {
  return /^frontend\b/i.test(c.suite);
}

function suiteOf(cases: JunitCase[], coverage: number | null, note: string | null): SuiteSummary {
  const n = countCases(cases);
  return {
    status: n.total === 0 ? 'skipped' : n.failed > 0 ? 'failed' : 'passed',
    total: n.total,
    passed: n.passed,
    failed: n.failed,
    skipped: n.skipped,
    coverage,
    duration_seconds: Math.round(n.seconds * 100) / 100,
    note: n.total === 0 ? (note ?? 'skipped: no tests of this kind in the generated app') : note,
  };
}

type CoverageSummary = Record<string, { lines?: { total?: number; covered?: number; pct?: number } }>;

/** Line coverage of the files under `prefix` (backend/ or frontend/), from c8's per-file json-summary. */
function coverageUnder(summary: CoverageSummary, dir: string, prefix: string): number | null {
  let total = 0;
  let covered = 0;
  for (const [file, entry] of Object.entries(summary)) {
    if (file === 'total' || !file.startsWith(`${dir}/${prefix}`)) continue;
    total += entry.lines?.total ?? 0;
    covered += entry.lines?.covered ?? 0;
  }
  return total === 0 ? null : Math.round((covered / total) * 10000) / 10000;
}

async function readSources(ctx: AgentContext, dir: string) {
  const files: Array<{ path: string; content: string }> = [];
  for (const path of await ctx.ports.workspace.listFiles(dir)) {
    if (!SOURCE_FILE.test(path)) continue;
    const content = await ctx.ports.workspace.readText(`${dir}/${path}`);
    if (content !== null && content.length < 512 * 1024) files.push({ path, content });
  }
  return files;
}

export const testerAgent: AgentDefinition = {
  id: 'tester',
  description: "Runs the generated app's tests with coverage, plus secret and unsafe-pattern scans",
  consumes: [{ routingKey: 'catalyst.code.pr.opened' }],
  emits: ['test.results'],
  async handle(event, ctx) {
    const opened = expectEvent(event, 'code.pr.opened');
    const dir = opened.payload.worktree_path;
    const taskId = ctx.task.id;
    const { artifacts } = ctx.ports;

    ctx.log('Setting up test environment (embedded SQLite, no network)...');
    ctx.log('Running backend and frontend unit/API tests under coverage...');
    const run = await ctx.ports.runner.run({
      command: 'npm',
      args: ['test'],
      cwd: dir,
      env: {
        CI: 'true',
        NO_COLOR: '1',
        DATABASE_URL: 'sqlite::memory:',
        npm_config_update_notifier: 'false',
        // The app's test runner picks unit tests, integration tests (*.api.test.ts) or both.
        TEST_KINDS: ctx.settings.tester.testKinds.join(','),
      },
      timeoutMs: ctx.settings.tester.timeoutMs,
      memoryMb: ctx.settings.tester.memoryMb,
      signal: ctx.signal,
    });
    await artifacts.write(taskId, 'test-results/backend/test.log', `$ npm test\n${run.stdout}\n${run.stderr}`);

    const junitXml = await ctx.ports.workspace.readText(`${dir}/test-results/junit.xml`);
    const cases = junitXml ? parseJunit(junitXml) : [];
    const coverageText = await ctx.ports.workspace.readText(`${dir}/coverage/coverage-summary.json`);
    let lineCoverage: number | null = null;
    let backendCoverage: number | null = null;
    let frontendCoverage: number | null = null;
    if (coverageText) {
      const coverage = JSON.parse(coverageText) as CoverageSummary;
      const pct = coverage.total?.lines?.pct;
      lineCoverage = typeof pct === 'number' ? Math.round(pct * 100) / 10000 : null;
      backendCoverage = coverageUnder(coverage, dir, 'backend/');
      frontendCoverage = coverageUnder(coverage, dir, 'frontend/');
      await artifacts.copyIn(taskId, 'test-results/backend/coverage', `${dir}/coverage`);
      await artifacts.write(taskId, 'test-results/coverage-summary.json', coverageText);
    }

    const runProblem = run.timedOut
      ? `the test run timed out after ${Math.round(ctx.settings.tester.timeoutMs / 1000)} s (agents.tester.timeout_seconds)`
      : run.exitCode !== 0 && cases.every((c) => c.status !== 'failed')
        ? `npm test exited with code ${run.exitCode ?? run.signal}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`
        : null;
    const backendCases = cases.filter((c) => !isFrontend(c));
    const frontendCases = cases.filter(isFrontend);
    const backend = suiteOf(backendCases, backendCoverage, runProblem);
    const frontend = suiteOf(frontendCases, frontendCoverage, null);
    const pctText = (n: number | null) => (n === null ? '' : ` (${Math.round(n * 100)}% line coverage)`);
    ctx.log(`Backend tests: ${backend.passed}/${backend.total} passed${pctText(backendCoverage)}`);
    ctx.log(`Frontend tests: ${frontend.passed}/${frontend.total} passed${pctText(frontendCoverage)}`);

    ctx.log('Running browser (e2e) tests...');
    const e2eRun = await runE2e(ctx, dir);
    const e2e = e2eRun.suite;
    if (e2eRun.log !== null) await artifacts.write(taskId, 'test-results/e2e/e2e.log', e2eRun.log);
    if (e2eRun.junitXml) await artifacts.write(taskId, 'test-results/e2e/junit.xml', e2eRun.junitXml);
    for (const shot of e2eRun.screenshots)
      await artifacts.copyIn(taskId, `test-results/e2e/screenshots/${shot.slice('test-results/e2e/'.length)}`, `${dir}/${shot}`);
    ctx.log(
      e2e.status === 'skipped'
        ? `E2E tests: ${e2e.note}`
        : `E2E tests: ${e2e.passed}/${e2e.total} passed${e2e.note ? ` (${e2e.note})` : ''}, ${e2eRun.screenshots.length} screenshot(s)`,
      e2e.status === 'passed' ? 'info' : e2e.status === 'skipped' ? 'warning' : 'error',
    );
    const allCases = [...cases, ...e2eRun.cases];
    if (allCases.length > 0) {
      await artifacts.write(taskId, 'test-results/junit.xml', toJunitXml(allCases, 'all tests'));
      await artifacts.write(taskId, 'test-results/backend/junit.xml', toJunitXml(backendCases, 'backend'));
      await artifacts.write(taskId, 'test-results/frontend/junit.xml', toJunitXml(frontendCases, 'frontend'));
    }

    ctx.log('Running the smoke check in Chromium (the page renders, no errors, the main control responds)...');
    const smoke = await runSmokeCheck(ctx, dir);
    ctx.log(
      smoke.status === 'passed'
        ? `Smoke check passed in ${smoke.duration_seconds} s: ${smoke.interaction?.element ?? 'the page'} responded (${smoke.screenshots.length} screenshot(s))`
        : `Smoke check ${smoke.status}: ${smoke.reason}`,
      smoke.status === 'passed' ? 'info' : smoke.status === 'skipped' ? 'warning' : 'error',
    );

    ctx.log('Running security scans...');
    const sources = await readSources(ctx, dir);
    const secrets = scanForSecrets(sources);
    await artifacts.write(
      taskId,
      'test-results/security/secret-scan.json',
      JSON.stringify(
        {
          scanner: 'catalyst-rules (documented rule set, see secret-scan.ts)',
          rules: SECRET_RULES.map((r) => r.id),
          files_scanned: sources.length,
          findings: secrets,
        },
        null,
        2,
      ),
    );
    ctx.log(
      `Secret scan: ${secrets.length === 0 ? 'no secrets detected' : `${secrets.length} finding(s)`}`,
      secrets.length === 0 ? 'info' : 'warning',
    );
    const sast = await runSast(dir);
    await artifacts.write(taskId, 'test-results/security/sast-results.json', JSON.stringify(sast, null, 2));
    ctx.log(
      sast.status === 'ran'
        ? `SAST (ESLint security rules): ${sast.findings.length} finding(s) in ${sast.files_scanned} file(s)`
        : `SAST unavailable: ${sast.reason}`,
      sast.status === 'ran' && sast.findings.every((f) => f.severity === 'low') ? 'info' : 'warning',
    );
    const audit = await auditDependencies(ctx.ports.runner, ctx.ports.workspace, dir, {
      timeoutMs: Math.min(120_000, ctx.settings.tester.timeoutMs),
      memoryMb: ctx.settings.tester.memoryMb,
      signal: ctx.signal,
    });
    const { log: auditLog, ...dependencyScan } = audit;
    await artifacts.write(taskId, 'test-results/security/dependency-scan.json', JSON.stringify(dependencyScan, null, 2));
    if (auditLog) await artifacts.write(taskId, 'test-results/security/npm-audit.log', auditLog);
    const vulns = audit.vulnerabilities;
    ctx.log(
      vulns
        ? `Dependency scan: ${vulns.critical} critical, ${vulns.high} high, ${vulns.moderate} moderate, ${vulns.low} low`
        : `Dependency audit: unavailable (${audit.reason})`,
      vulns && vulns.critical + vulns.high === 0 ? 'info' : 'warning',
    );

    const findings = [...secrets, ...sast.findings];
    const severity = (s: string) => findings.filter((f) => f.severity === s).length;
    const e2eBroken = e2e.status === 'failed' || e2e.status === 'error';
    const e2eProblem = e2e.status === 'error' ? [{ suite: 'npm run test:e2e', name: 'run', message: e2e.note ?? 'error' }] : [];
    // A blank page or an uncaught error fails the build like a failing test: each failed check is one failure.
    const smokeProblems = smoke.checks
      .filter((c) => c.status === 'failed')
      .map((c) => ({ suite: 'smoke check (Chromium)', name: c.name, message: c.detail }));
    const { minCoverage } = ctx.settings.tester;
    const coverageProblem =
      lineCoverage !== null && lineCoverage < minCoverage
        ? `line coverage ${(lineCoverage * 100).toFixed(1)}% is below agents.tester.min_coverage (${Math.round(minCoverage * 100)}%)`
        : null;
    if (coverageProblem) ctx.log(coverageProblem, 'error');
    const failures = [
      ...(runProblem ? [{ suite: 'npm test', name: 'run', message: runProblem }] : []),
      ...(coverageProblem ? [{ suite: 'coverage', name: 'lines', message: coverageProblem }] : []),
      ...e2eProblem,
      ...smokeProblems,
      ...failuresOf(allCases),
    ];
    const counts = countCases(allCases);
    const passed =
      runProblem === null && coverageProblem === null && !e2eBroken && smoke.status !== 'failed' && counts.failed === 0 && cases.length > 0;
    const summary: TestSummary = {
      overall_status: passed ? 'passed' : 'failed',
      backend,
      frontend,
      e2e,
      smoke,
      security: {
        critical: severity('critical') + (vulns?.critical ?? 0),
        high: severity('high') + (vulns?.high ?? 0),
        medium: severity('medium') + (vulns?.moderate ?? 0),
        low: severity('low') + (vulns?.low ?? 0),
        info: vulns?.info ?? 0,
        secrets_found: secrets.length,
        dependency_audit: audit.status,
      },
      coverage: { lines: lineCoverage, source: 'c8 (V8 coverage) json-summary, backend and frontend source' },
      total_duration_seconds: Math.round((run.durationMs / 1000 + e2e.duration_seconds + smoke.duration_seconds) * 100) / 100,
    };
    const summaryPath = await artifacts.write(taskId, 'test-results/test-summary.json', `${JSON.stringify(summary, null, 2)}\n`);
    ctx.log(
      passed ? `All tests passed (${counts.passed}/${counts.total})` : `Tests failed: ${failures.length} failure(s)`,
      passed ? 'info' : 'error',
    );

    return {
      events: [
        {
          event_type: 'test.results',
          branch: opened.payload.branch,
          commit: opened.payload.commit,
          payload: {
            status: passed ? 'passed' : 'failed',
            total_tests: counts.total,
            passed: counts.passed,
            failed: counts.failed + (runProblem ? 1 : 0) + e2eProblem.length + smokeProblems.length,
            skipped: counts.skipped,
            coverage: lineCoverage,
            security_critical_issues: summary.security.critical,
            artifacts_refs: [
              `file://${summaryPath}`,
              `file://${artifacts.location(taskId)}/test-results/backend/coverage/index.html`,
              // The page as the smoke check left it: the quickest look at what was built.
              ...smoke.screenshots.slice(-1).map((p) => `file://${artifacts.location(taskId)}/${p}`),
            ],
            test_duration_seconds: summary.total_duration_seconds,
            failures: failures.slice(0, 20),
            repair_round: opened.payload.repair_round,
          },
        },
      ],
    };
  },
};
