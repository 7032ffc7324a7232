/**
 * The reviewer on real ports: it measures the generated app (tsc, scans, the tester's results) and
 * decides by the thresholds in its settings — the default bar approves the app; a bar it cannot
 * reach sends it back with a blocking item that says why.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openAgentHarness, runChain, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { ReviewDecision } from '../../contracts/artifacts.ts';
import type { AgentEventOf } from '../../contracts/events.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { coderAgent } from '../coder/coder-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { testerAgent } from '../tester/tester-agent.ts';
import { reviewerAgent } from './reviewer-agent.ts';

const REVIEW_FILES = ['review/review-decision.json', 'review/review-summary.md', 'review/code-quality.json', 'review/security-review.json', 'review/recommendations.md'];

describe('reviewer agent', () => {
  let h: AgentHarness;
  let results: AgentEventOf<'test.results'>;

  before(async () => {
    h = await openAgentHarness('reviewer');
    const steps = await runChain(h, [plannerAgent, architectAgent, coderAgent, testerAgent]);
    results = steps.at(-1)!.events[0] as AgentEventOf<'test.results'>;
    assert.equal(results.payload.status, 'passed', 'the generated app passes its tests (precondition)');
  });
  after(async () => {
    await h?.close();
  });

  function readDecision(): ReviewDecision {
    return ReviewDecision.parse(JSON.parse(readFileSync(join(h.runtime.ports.artifacts.dir(h.task.id), 'review/review-decision.json'), 'utf8')));
  }

  test('with the default thresholds the generated app is approved and review/ is written', async () => {
    const { events } = await h.run(reviewerAgent, results);
    const review = events[0] as AgentEventOf<'review.decision'>;
    assert.equal(review.event_type, 'review.decision');
    assert.equal(review.payload.decision, 'approved', JSON.stringify(review.payload.items));
    assert.equal(review.payload.blocking_issues, 0);
    assert.ok(review.payload.score >= h.settings.reviewer.minApprovalScore, `score ${review.payload.score}`);
    assert.equal(review.payload.repair_round, results.payload.repair_round);
    assert.equal(review.branch, results.branch);
    assert.equal(review.commit, results.commit);

    const dir = h.runtime.ports.artifacts.dir(h.task.id);
    for (const f of REVIEW_FILES) assert.ok(existsSync(join(dir, f)), f);
    const decision = readDecision();
    assert.equal(decision.decision, 'approved');
    assert.equal(decision.overall_score, review.payload.score);
    assert.equal(decision.metrics.type_errors, 0, readFileSync(join(dir, 'review/typecheck.log'), 'utf8').slice(0, 2000));
    assert.equal(decision.metrics.secrets_found, 0);
    assert.equal(decision.metrics.coverage, results.payload.coverage, 'coverage comes from the tester, not a guess');
    assert.equal(decision.metrics.pass_rate, 1);
    assert.ok(decision.approved_at, 'an approval is dated');
    assert.match(readFileSync(join(dir, 'review/review-summary.md'), 'utf8'), /^# Code review — approved/);
  });

  test('with reviewer.minCoverage = 1 the same code gets changes_requested and a blocking coverage item', async () => {
    const settings = { ...h.settings, reviewer: { ...h.settings.reviewer, minCoverage: 1 } };
    const { events } = await h.run(reviewerAgent, { ...results, event_id: randomUUID() }, { settings });
    const review = events[0] as AgentEventOf<'review.decision'>;
    assert.equal(review.payload.decision, 'changes_requested');
    assert.ok(review.payload.blocking_issues >= 1);
    const coverageItems = review.payload.items.filter((i) => i.blocking && /coverage/.test(i.message));
    assert.equal(coverageItems.length, 1, JSON.stringify(review.payload.items));
    assert.match(coverageItems[0]!.message, /below the required 100%/);

    const decision = readDecision();
    assert.equal(decision.decision, 'changes_requested');
    assert.equal(decision.thresholds.min_coverage, 1);
    assert.equal(decision.approved_at, null);
    const summary = readFileSync(join(h.runtime.ports.artifacts.dir(h.task.id), 'review/review-summary.md'), 'utf8');
    assert.match(summary, /^# Code review — changes requested/);
    assert.match(summary, /\[high, blocking\] line coverage/);
  });
});
