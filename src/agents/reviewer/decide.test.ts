import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideReview, type ReviewMetrics } from './decide.ts';

const good: ReviewMetrics = {
  coverage: 0.9, pass_rate: 1, type_errors: 0, lint_errors: 0, secrets_found: 0, todo_markers: 0, files: 40,
  lines_of_code: 2000, largest_file_lines: 200, security_critical: 0, security_high: 0, has_readme: true,
  has_api_contract: true, adr_count: 3, large_files: [],
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
  assert.ok(messages.some((m) => m.includes('50.0%') && m.includes('80%')), messages.join('; '));
  assert.ok(messages.some((m) => m.includes('2 TypeScript error(s)')));
});

test('thresholds come from config: an impossible coverage bar blocks approval', () => {
  assert.equal(decideReview(good, { ...thresholds, minCoverage: 0.95 }, []).decision, 'changes_requested');
});

test('hard-coded critical secrets are rejected outright', () => {
  assert.equal(decideReview({ ...good, secrets_found: 1, security_critical: 1 }, thresholds, []).decision, 'rejected');
});
