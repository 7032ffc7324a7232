/**
 * The reviewer's scoring and decision (spec §4.5), a pure function of measured metrics and the
 * thresholds from config, so the decision can be explained and tested.
 */
import type { ReviewDecision } from '../../contracts/artifacts.ts';
import type { ReviewItem } from '../../contracts/events.ts';

export type ReviewMetrics = ReviewDecision['metrics'] & {
  security_critical: number;
  security_high: number;
  has_readme: boolean;
  has_api_contract: boolean;
  adr_count: number;
  large_files: string[];
};

export interface ReviewThresholds {
  minApprovalScore: number;
  minCoverage: number;
  minPassRate: number;
  maxTypeErrors: number;
}

const clamp = (n: number) => Math.max(0, Math.min(100, Math.round(n)));

export function decideReview(
  m: ReviewMetrics,
  t: ReviewThresholds,
  extraItems: ReviewItem[],
): Pick<ReviewDecision, 'decision' | 'overall_score' | 'breakdown' | 'issues' | 'recommendations' | 'blocking_issues'> {
  const breakdown = {
    code_quality: clamp(100 - 10 * m.type_errors - 5 * m.lint_errors - 5 * m.large_files.length),
    security: clamp(100 - 40 * m.secrets_found - 30 * m.security_critical - 10 * m.security_high),
    test_coverage: clamp((m.coverage ?? 0) * 100),
    documentation: clamp((m.has_readme ? 40 : 0) + (m.has_api_contract ? 30 : 0) + Math.min(3, m.adr_count) * 10),
    best_practices: clamp(100 - 10 * m.todo_markers - 20 * (1 - m.pass_rate)),
  };
  const overall = clamp(
    breakdown.code_quality * 0.25 + breakdown.security * 0.25 + breakdown.test_coverage * 0.2 + breakdown.documentation * 0.1 + breakdown.best_practices * 0.2,
  );

  const issues: ReviewItem[] = [...extraItems];
  const block = (message: string, suggestion: string, severity: ReviewItem['severity'] = 'high', file: string | null = null) =>
    issues.push({ severity, file, line: null, message, suggestion, blocking: true });
  if (m.coverage === null) block('line coverage could not be measured', 'make `npm test` write coverage/coverage-summary.json');
  else if (m.coverage < t.minCoverage)
    block(`line coverage ${(m.coverage * 100).toFixed(1)}% is below the required ${(t.minCoverage * 100).toFixed(0)}%`, 'add tests for the uncovered routes and services');
  if (m.pass_rate < t.minPassRate) block(`test pass rate ${(m.pass_rate * 100).toFixed(1)}% is below ${(t.minPassRate * 100).toFixed(0)}%`, 'fix the failing tests');
  if (m.type_errors > t.maxTypeErrors) block(`${m.type_errors} TypeScript error(s) (allowed: ${t.maxTypeErrors})`, 'run `npm run typecheck` and fix each error');
  if (m.secrets_found > 0) block(`${m.secrets_found} hard-coded secret(s) found`, 'read secrets from the environment', 'critical');
  for (const file of m.large_files) issues.push({ severity: 'low', file, line: null, message: 'file is over 400 lines', suggestion: 'split it by responsibility', blocking: false });
  if (m.todo_markers > 0) issues.push({ severity: 'low', file: null, line: null, message: `${m.todo_markers} TODO/FIXME marker(s)`, suggestion: 'finish or remove them', blocking: false });

  const blocking = issues.filter((i) => i.blocking).length;
  const recommendations: string[] = [];
  if (m.lint_errors > 0) recommendations.push('Remove the unsafe constructs listed in test-results/security/sast-results.json');
  if (!m.has_readme) recommendations.push('Add a README with run and test instructions');
  if ((m.coverage ?? 0) < 0.9) recommendations.push('Raise line coverage towards 90% with edge-case tests');
  recommendations.push('Add rate limiting to write endpoints before exposing the app publicly');
  recommendations.push('Add browser (Playwright) tests for the main user flows');

  const decision: ReviewDecision['decision'] =
    m.security_critical > 0 && m.secrets_found > 0
      ? 'rejected'
      : blocking > 0 || overall < t.minApprovalScore
        ? 'changes_requested'
        : 'approved';
  if (decision === 'changes_requested' && blocking === 0) {
    issues.push({
      severity: 'medium',
      file: null,
      line: null,
      message: `overall score ${overall} is below the approval threshold ${t.minApprovalScore}`,
      suggestion: 'address the lowest-scoring area in the breakdown',
      blocking: true,
    });
  }
  return { decision, overall_score: overall, breakdown, issues, recommendations, blocking_issues: issues.filter((i) => i.blocking).length };
}
