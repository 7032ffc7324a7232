/**
 * Reviewer (spec §4.5): measures the code (type errors by `tsc`, unsafe patterns, secrets, TODO
 * markers, file sizes, docs) together with the tester's results, decides by the thresholds in
 * config, and writes review/ with the reasons. `changes_requested` items go back to the coder.
 */
import { TestSummary, type ReviewDecision } from '../../contracts/artifacts.ts';
import type { ReviewItem } from '../../contracts/events.ts';
import type { AgentDefinition } from '../../core/agent.ts';
import { parseArtifact } from '../shared/artifact-json.ts';
import { expectEvent } from '../shared/expect-event.ts';
import { decideReview, type ReviewMetrics } from './decide.ts';

const CODE_FILE = /^(backend|frontend)\/.*\.[cm]?[jt]sx?$/;
const TS_ERROR = /error TS\d+:/g;

interface Finding {
  rule: string;
  description: string;
  severity: string;
  file: string;
  line: number;
}

export const reviewerAgent: AgentDefinition = {
  id: 'reviewer',
  description: 'Scores code quality, security, coverage and docs; approves or requests changes',
  consumes: [{ routingKey: 'catalyst.test.results', where: { field: 'status', equals: 'passed' } }],
  emits: ['review.decision'],
  async handle(event, ctx) {
    const results = expectEvent(event, 'test.results');
    const taskId = ctx.task.id;
    const dir = ctx.paths.worktree;
    const { artifacts, workspace } = ctx.ports;
    const summary = parseArtifact(TestSummary, await artifacts.read(taskId, 'test-results/test-summary.json'), 'test-results/test-summary.json');
    const readFindings = async (name: string) =>
      ((JSON.parse((await artifacts.read(taskId, `test-results/security/${name}`)) ?? '{"findings":[]}') as { findings: Finding[] }).findings);

    ctx.log('Analyzing code quality...');
    const files = await workspace.listFiles(dir);
    const code = files.filter((f) => CODE_FILE.test(f));
    let lines = 0;
    let largest = 0;
    let todos = 0;
    const largeFiles: string[] = [];
    for (const path of code) {
      const text = (await workspace.readText(`${dir}/${path}`)) ?? '';
      const n = text.split('\n').length;
      lines += n;
      largest = Math.max(largest, n);
      if (n > 400) largeFiles.push(path);
      todos += (text.match(/\b(TODO|FIXME|XXX)\b/g) ?? []).length;
    }
    ctx.log(`Checked ${code.length} code files (${lines} lines, largest ${largest})`);

    let typeErrors = 0;
    let typeCheckNote = 'skipped (agents.reviewer.run_type_check is false)';
    if (ctx.settings.reviewer.runTypeCheck) {
      ctx.log('Type-checking with tsc --noEmit...');
      const tsc = await ctx.ports.runner.run({
        command: 'npm',
        args: ['run', '--silent', 'typecheck'],
        cwd: dir,
        env: { NO_COLOR: '1' },
        timeoutMs: ctx.settings.tester.timeoutMs,
        memoryMb: ctx.settings.tester.memoryMb,
        signal: ctx.signal,
      });
      typeErrors = (tsc.stdout.match(TS_ERROR) ?? []).length + (tsc.stderr.match(TS_ERROR) ?? []).length;
      if (tsc.exitCode !== 0 && typeErrors === 0) typeErrors = 1;
      typeCheckNote = tsc.timedOut ? 'timed out' : `exit ${tsc.exitCode}`;
      await artifacts.write(taskId, 'review/typecheck.log', `${tsc.stdout}\n${tsc.stderr}`);
      ctx.log(`TypeScript: ${typeErrors} error(s)`);
    }

    const secrets = await readFindings('secret-scan.json');
    const unsafe = await readFindings('sast-results.json');
    const suiteTotal = summary.backend.total + summary.frontend.total;
    const suitePassed = summary.backend.passed + summary.frontend.passed;
    const metrics: ReviewMetrics = {
      coverage: results.payload.coverage,
      pass_rate: suiteTotal === 0 ? 0 : suitePassed / suiteTotal,
      type_errors: typeErrors,
      lint_errors: unsafe.length,
      secrets_found: secrets.length,
      todo_markers: todos,
      files: files.length,
      lines_of_code: lines,
      largest_file_lines: largest,
      security_critical: summary.security.critical,
      security_high: summary.security.high,
      has_readme: files.includes('README.md'),
      has_api_contract: files.includes('architecture/api-contracts/openapi.yaml'),
      adr_count: files.filter((f) => f.startsWith('architecture/adr/')).length,
      large_files: largeFiles,
    };
    const findingItems: ReviewItem[] = [...secrets, ...unsafe].map((f) => ({
      severity: (['critical', 'high', 'medium', 'low'].includes(f.severity) ? f.severity : 'medium') as ReviewItem['severity'],
      file: f.file,
      line: f.line,
      message: f.description,
      suggestion: f.rule === 'generic-assignment' ? 'read the value from the environment' : `remove the construct (rule ${f.rule})`,
      blocking: f.severity === 'critical' || f.severity === 'high',
    }));
    const thresholds = {
      minApprovalScore: ctx.settings.reviewer.minApprovalScore,
      minCoverage: ctx.settings.reviewer.minCoverage,
      minPassRate: ctx.settings.reviewer.minPassRate,
      maxTypeErrors: ctx.settings.reviewer.maxTypeErrors,
    };
    const verdict = decideReview(metrics, thresholds, findingItems);
    const now = ctx.clock.now().toISOString();
    const { security_critical: _c, security_high: _h, has_readme: _r, has_api_contract: _a, adr_count: _d, large_files: _l, ...plainMetrics } = metrics;
    const decision: ReviewDecision = {
      ...verdict,
      metrics: plainMetrics,
      thresholds: { min_coverage: thresholds.minCoverage, min_pass_rate: thresholds.minPassRate, min_approval_score: thresholds.minApprovalScore, max_type_errors: thresholds.maxTypeErrors },
      approved_by: 'reviewer-agent',
      approved_at: verdict.decision === 'approved' ? now : null,
    };

    const pct = (n: number | null) => (n === null ? 'n/a' : `${(n * 100).toFixed(1)}%`);
    await artifacts.write(taskId, 'review/review-decision.json', `${JSON.stringify(decision, null, 2)}\n`);
    await artifacts.write(
      taskId,
      'review/code-quality.json',
      `${JSON.stringify({ files: files.length, code_files: code.length, lines_of_code: lines, largest_file_lines: largest, large_files: largeFiles, todo_markers: todos, type_errors: typeErrors, type_check: typeCheckNote, unsafe_patterns: unsafe.length, duplication: 'not measured by this release' }, null, 2)}\n`,
    );
    await artifacts.write(taskId, 'review/security-review.json', `${JSON.stringify({ secrets, unsafe_patterns: unsafe, dependency_audit: summary.security.dependency_audit }, null, 2)}\n`);
    await artifacts.write(taskId, 'review/recommendations.md', `# Recommendations\n\n${decision.recommendations.map((r) => `- ${r}`).join('\n')}\n`);
    await artifacts.write(
      taskId,
      'review/review-summary.md',
      [
        `# Code review — ${decision.decision.replace('_', ' ')}`,
        '',
        `Overall score: **${decision.overall_score}/100** (approval threshold ${thresholds.minApprovalScore})`,
        '',
        '| area | score |',
        '|---|---|',
        ...Object.entries(decision.breakdown).map(([k, v]) => `| ${k.replace('_', ' ')} | ${v} |`),
        '',
        '## Measurements',
        '',
        `- Tests: ${suitePassed}/${suiteTotal} passed; line coverage ${pct(metrics.coverage)} (required ${pct(thresholds.minCoverage)})`,
        `- TypeScript errors: ${typeErrors} (${typeCheckNote})`,
        `- Unsafe patterns: ${unsafe.length}; secrets found: ${secrets.length}`,
        `- ${code.length} code files, ${lines} lines, largest ${largest} lines; TODO markers: ${todos}`,
        '',
        '## Issues',
        '',
        ...(decision.issues.length === 0 ? ['None.'] : decision.issues.map((i) => `- [${i.severity}${i.blocking ? ', blocking' : ''}] ${i.message}${i.file ? ` (${i.file}${i.line ? `:${i.line}` : ''})` : ''} — ${i.suggestion}`)),
        '',
      ].join('\n'),
    );
    ctx.log(`Code review complete: score ${decision.overall_score}/100 — ${decision.decision.toUpperCase()}`, decision.decision === 'approved' ? 'info' : 'warning');

    return {
      events: [
        {
          event_type: 'review.decision',
          branch: event.branch,
          commit: event.commit,
          payload: {
            decision: decision.decision,
            score: decision.overall_score,
            blocking_issues: decision.blocking_issues,
            recommendations: decision.recommendations.length,
            items: decision.issues.slice(0, 30),
            artifacts: [`file://${artifacts.dir(taskId)}/review/review-summary.md`],
            repair_round: results.payload.repair_round,
          },
        },
      ],
    };
  },
};
