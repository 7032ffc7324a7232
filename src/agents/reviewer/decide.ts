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
  /** SAST findings of medium or higher severity, and maintainability lint findings; lint_errors is their sum. */
  sast_findings: number;
  quality_lint_findings: number;
  /** Functions whose cyclomatic complexity is above QUALITY_LIMITS.maxFunctionComplexity. */
  complex_functions: Array<{ file: string; line: number; name: string; complexity: number }>;
  /** Share of duplicated source lines, 0..1; null when not measured. */
  duplication_ratio: number | null;
  /** Why the browser tests did not pass (skipped or broken); null when they ran and passed. */
  e2e_note: string | null;
  /** The smoke check's failure (`page_errors: uncaught: …`); null when it passed, was skipped or is not recorded. */
  smoke_failure: string | null;
  /** Why the smoke check was skipped; null when it ran. */
  smoke_note: string | null;
  /** Why the dependency audit did not run; null when it ran. */
  dependency_audit_note: string | null;
};

/**
 * Limits for the static measurements. They lower the code-quality score and produce non-blocking
 * items (the coder can act on them, but they do not hold back an app that works).
 */
export const QUALITY_LIMITS = { maxFunctionComplexity: 15, maxDuplicationRatio: 0.05 } as const;

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
    code_quality: clamp(
      100 -
        10 * m.type_errors -
        5 * m.lint_errors -
        5 * m.large_files.length -
        3 * m.complex_functions.length -
        2 * Math.max(0, ((m.duplication_ratio ?? 0) - QUALITY_LIMITS.maxDuplicationRatio) * 100),
    ),
    security: clamp(100 - 40 * m.secrets_found - 30 * m.security_critical - 10 * m.security_high),
    test_coverage: clamp((m.coverage ?? 0) * 100),
    documentation: clamp((m.has_readme ? 40 : 0) + (m.has_api_contract ? 30 : 0) + Math.min(3, m.adr_count) * 10),
    best_practices: clamp(100 - 10 * m.todo_markers - 20 * (1 - m.pass_rate)),
  };
  const overall = clamp(
    breakdown.code_quality * 0.25 +
      breakdown.security * 0.25 +
      breakdown.test_coverage * 0.2 +
      breakdown.documentation * 0.1 +
      breakdown.best_practices * 0.2,
  );

  const issues: ReviewItem[] = [...extraItems];
  const block = (message: string, suggestion: string, severity: ReviewItem['severity'] = 'high', file: string | null = null) =>
    issues.push({ severity, file, line: null, message, suggestion, blocking: true });
  if (m.coverage === null) block('line coverage could not be measured', 'make `npm test` write coverage/coverage-summary.json');
  else if (m.coverage < t.minCoverage)
    block(
      `line coverage ${(m.coverage * 100).toFixed(1)}% is below the required ${(t.minCoverage * 100).toFixed(0)}%`,
      'add tests for the uncovered routes and services',
    );
  if (m.pass_rate < t.minPassRate)
    block(`test pass rate ${(m.pass_rate * 100).toFixed(1)}% is below ${(t.minPassRate * 100).toFixed(0)}%`, 'fix the failing tests');
  if (m.type_errors > t.maxTypeErrors)
    block(`${m.type_errors} TypeScript error(s) (allowed: ${t.maxTypeErrors})`, 'run `npm run typecheck` and fix each error');
  if (m.secrets_found > 0) block(`${m.secrets_found} hard-coded secret(s) found`, 'read secrets from the environment', 'critical');
  if (m.smoke_failure !== null)
    block(
      `the browser smoke check failed: ${m.smoke_failure}`,
      'open test-results/smoke/ (screenshots, app.log) and make / render without errors',
    );
  for (const file of m.large_files)
    issues.push({
      severity: 'low',
      file,
      line: null,
      message: 'file is over 400 lines',
      suggestion: 'split it by responsibility',
      blocking: false,
    });
  if (m.todo_markers > 0)
    issues.push({
      severity: 'low',
      file: null,
      line: null,
      message: `${m.todo_markers} TODO/FIXME marker(s)`,
      suggestion: 'finish or remove them',
      blocking: false,
    });

  for (const f of m.complex_functions) {
    issues.push({
      severity: 'medium',
      file: f.file,
      line: f.line,
      message: `${f.name} has cyclomatic complexity ${f.complexity} (limit ${QUALITY_LIMITS.maxFunctionComplexity})`,
      suggestion: 'split it into smaller functions, e.g. one per branch of its main conditional',
      blocking: false,
    });
  }

  const blocking = issues.filter((i) => i.blocking).length;
  // Every recommendation comes from a measurement above; a clean app gets none.
  const recommendations: string[] = [];
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  if (m.secrets_found > 0)
    recommendations.push(
      `Move the ${m.secrets_found} hard-coded secret(s) in test-results/security/secret-scan.json into environment variables`,
    );
  if (m.sast_findings > 0)
    recommendations.push(`Remove the ${m.sast_findings} unsafe construct(s) listed in test-results/security/sast-results.json`);
  if (m.quality_lint_findings > 0)
    recommendations.push(`Fix the ${m.quality_lint_findings} lint finding(s) listed in review/code-quality.json`);
  if (m.type_errors > 0) recommendations.push(`Fix the ${m.type_errors} TypeScript error(s) in review/typecheck.log`);
  if (m.complex_functions.length > 0) {
    const worst = m.complex_functions[0]!;
    recommendations.push(
      `Split the ${m.complex_functions.length} function(s) above cyclomatic complexity ${QUALITY_LIMITS.maxFunctionComplexity} (worst: ${worst.name} in ${worst.file}:${worst.line}, ${worst.complexity})`,
    );
  }
  if (m.duplication_ratio !== null && m.duplication_ratio > QUALITY_LIMITS.maxDuplicationRatio) {
    recommendations.push(
      `Factor out duplicated code: ${pct(m.duplication_ratio)} of source lines are repeated (see review/code-quality.json)`,
    );
  }
  if (m.coverage !== null && m.coverage < 0.9)
    recommendations.push(`Raise line coverage from ${pct(m.coverage)} towards 90% with tests for the uncovered branches`);
  if (m.e2e_note !== null) recommendations.push(`Run the browser tests: ${m.e2e_note}`);
  if (m.smoke_note !== null) recommendations.push(`Run the browser smoke check: ${m.smoke_note}`);
  if (m.dependency_audit_note !== null)
    recommendations.push(`Audit the dependencies where the npm registry is reachable: ${m.dependency_audit_note}`);
  for (const file of m.large_files) recommendations.push(`Split ${file} (over 400 lines) by responsibility`);
  if (m.todo_markers > 0) recommendations.push(`Resolve the ${m.todo_markers} TODO/FIXME marker(s)`);
  if (!m.has_readme) recommendations.push('Add a README with run and test instructions');
  if (!m.has_api_contract) recommendations.push('Keep the OpenAPI contract (architecture/api-contracts/openapi.yaml) in the repository');

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
