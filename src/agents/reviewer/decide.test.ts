import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideReview, type ReviewMetrics } from './decide.ts';

const good: ReviewMetrics = {
  coverage: 0.9,
  pass_rate: 1,
  type_errors: 0,
  lint_errors: 0,
  secrets_found: 0,
  todo_markers: 0,
  files: 40,
  lines_of_code: 2000,
  largest_file_lines: 200,
  security_critical: 0,
  security_high: 0,
  has_readme: true,
  has_api_contract: true,
  adr_count: 3,
  large_files: [],
  sast_findings: 0,
  quality_lint_findings: 0,
  complex_functions: [],
  duplication_ratio: 0.01,
  e2e_note: null,
  dependency_audit_note: null,
  smoke_failure: null,
  smoke_note: null,
};
const thresholds = { minApprovalScore: 75, minCoverage: 0.8, minPassRate: 1, maxTypeErrors: 0 };

test('a clean, well-tested app is approved with a high score', () => {
  const r = decideReview(good, thresholds, []);
  assert.equal(r.decision, 'approved');
  assert.ok(r.overall_score >= 90, `score ${r.overall_score}`);
  assert.equal(r.blocking_issues, 0);
});

test('low coverage and type errors request changes with actionable items', () => {
  const r = decideReview({ ...good, coverage: 0.5, type_errors: 2 }, thresholds, []);
  assert.equal(r.decision, 'changes_requested');
  const messages = r.issues.filter((i) => i.blocking).map((i) => i.message);
  assert.ok(
    messages.some((m) => m.includes('50.0%') && m.includes('80%')),
    messages.join('; '),
  );
  assert.ok(messages.some((m) => m.includes('2 TypeScript error(s)')));
});

test('thresholds come from config: an impossible coverage bar blocks approval', () => {
  assert.equal(decideReview(good, { ...thresholds, minCoverage: 0.95 }, []).decision, 'changes_requested');
});

test('hard-coded critical secrets are rejected outright', () => {
  assert.equal(decideReview({ ...good, secrets_found: 1, security_critical: 1 }, thresholds, []).decision, 'rejected');
});

test('a failed browser smoke check blocks approval, saying what failed; a skipped one is a recommendation', () => {
  const failed = decideReview({ ...good, smoke_failure: 'page_errors: uncaught: x is undefined' }, thresholds, []);
  assert.equal(failed.decision, 'changes_requested');
  const item = failed.issues.find((i) => i.blocking);
  assert.equal(item?.message, 'the browser smoke check failed: page_errors: uncaught: x is undefined');
  const skipped = decideReview({ ...good, smoke_note: 'skipped: chromium not found (agents.tester.chromium_path)' }, thresholds, []);
  assert.equal(skipped.decision, 'approved');
  assert.deepEqual(skipped.recommendations, ['Run the browser smoke check: skipped: chromium not found (agents.tester.chromium_path)']);
});

test('recommendations come from the findings: none for a clean app, one per kind of problem otherwise', () => {
  assert.deepEqual(decideReview(good, thresholds, []).recommendations, []);
  const r = decideReview(
    {
      ...good,
      coverage: 0.85,
      duplication_ratio: 0.12,
      complex_functions: [{ file: 'frontend/src/form-values.ts', line: 68, name: "Function 'parseOne'", complexity: 26 }],
      e2e_note: 'skipped: chromium not found',
      dependency_audit_note: 'the registry cannot be reached: ECONNREFUSED',
    },
    thresholds,
    [],
  );
  assert.equal(r.decision, 'approved', 'quality findings do not block on their own');
  assert.equal(r.recommendations.length, 5, r.recommendations.join('\n'));
  assert.ok(r.recommendations.some((x) => x.includes("parseOne' in frontend/src/form-values.ts:68, 26")));
  assert.ok(r.recommendations.some((x) => x.includes('12.0% of source lines')));
  assert.ok(r.recommendations.some((x) => x.endsWith('skipped: chromium not found')));
  const item = r.issues.find((i) => i.file === 'frontend/src/form-values.ts');
  assert.deepEqual({ line: item?.line, blocking: item?.blocking }, { line: 68, blocking: false });
  assert.ok(r.breakdown.code_quality < decideReview(good, thresholds, []).breakdown.code_quality);
});
