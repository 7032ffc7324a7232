/**
 * The review of a plan's scope (issue 14): an asked-for behaviour the plan hides blocks approval; one it
 * lists as not built is reported, without holding back the records part that was built.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppScope } from '../../contracts/app-scope.ts';
import { analyzeRequest } from '../../generator/understand/index.ts';
import { withScopeRecords } from '../../generator/understand/app-kind.ts';
import { decideReview, type ReviewMetrics } from './decide.ts';
import { reviewScope } from './scope-review.ts';

const clean: ReviewMetrics = {
  coverage: 0.95,
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

const SHORTENER = 'build a URL shortener';
const domain = withScopeRecords(analyzeRequest(SHORTENER), SHORTENER).domain;
const redirectNotBuilt: AppScope = {
  kind: 'mixed',
  behaviours: [{ name: 'redirect a short link to its long URL', built: false, reason: 'needs a language model: …' }],
  decided_by: 'rules',
};

function decisionFor(prompt: string, plan: Parameters<typeof reviewScope>[1]) {
  const scope = reviewScope(prompt, plan);
  return { scope, verdict: decideReview(clean, thresholds, scope.items) };
}

describe('reviewScope', () => {
  test('a plan that hides an asked-for behaviour is not approved: a blocking item names it', () => {
    const { scope, verdict } = decisionFor(SHORTENER, { domain });
    assert.equal(verdict.decision, 'changes_requested');
    const [item] = scope.items;
    assert.equal(item?.blocking, true);
    assert.equal(item.file, 'planning/plan.yaml');
    assert.match(item.message, /asks for "redirect a short link to its long URL", which the plan neither builds nor lists as not built/);
  });

  test('a plan that lists the behaviour as not built is approved, and the review says what is missing', () => {
    const { scope, verdict } = decisionFor(SHORTENER, { domain, scope: redirectNotBuilt });
    assert.equal(verdict.decision, 'approved');
    assert.deepEqual(
      scope.items.map((i) => [i.blocking, i.message]),
      [[false, 'not built: redirect a short link to its long URL: needs a language model: …']],
    );
    assert.match(scope.items[0]!.suggestion, /CATALYST_LLM_PROVIDER/);
    assert.deepEqual(scope.recommendations, [
      'Build what the request asked for and this build left out: redirect a short link to its long URL: needs a language model: …',
    ]);
  });

  test("the model's own wording of a behaviour accounts for it", () => {
    const byModel: AppScope = {
      kind: 'mixed',
      behaviours: [{ name: 'Redirect each short code to the original address', built: true, reason: null }],
      decided_by: 'model',
    };
    const { scope, verdict } = decisionFor(SHORTENER, { domain, scope: byModel });
    assert.deepEqual(scope.items, [], 'built and accounted for: nothing to report');
    assert.equal(verdict.decision, 'approved');
  });

  test('a behaviour the model planned but the coder left out does not tell the user to configure a model they have', () => {
    const byModel: AppScope = {
      kind: 'mixed',
      behaviours: [{ name: 'Redirect each short code to the original address', built: false, reason: 'not built by the coder' }],
      decided_by: 'model',
    };
    const { scope, verdict } = decisionFor(SHORTENER, { domain, scope: byModel });
    assert.equal(scope.items.length, 1);
    assert.equal(scope.items[0]!.blocking, false);
    assert.doesNotMatch(scope.items[0]!.suggestion, /CATALYST_LLM_PROVIDER/);
    assert.match(scope.items[0]!.suggestion, /coder/);
    assert.equal(verdict.decision, 'approved');
  });

  test('a records app has nothing to account for', () => {
    const prompt = 'a reading list with books, authors and a rating';
    assert.deepEqual(reviewScope(prompt, { domain: analyzeRequest(prompt).domain }), { items: [], recommendations: [] });
  });

  test('without a plan to account for it, a game is a blocking item too', () => {
    const { verdict } = decisionFor('a snake game', null);
    assert.equal(verdict.decision, 'changes_requested');
  });
});
