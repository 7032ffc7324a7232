/**
 * The reviewer on real ports: it measures the generated app (tsc, scans, the tester's results) and
 * decides by the thresholds in its settings — the default bar approves the app; a bar it cannot
 * reach sends it back with a blocking item that says why.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

const REVIEW_FILES = [
  'review/review-decision.json',
  'review/review-summary.md',
  'review/code-quality.json',
  'review/security-review.json',
  'review/recommendations.md',
];

describe('reviewer agent', () => {
  let h: AgentHarness;
  let results: AgentEventOf<'test.results'>;
  let opened: AgentEventOf<'code.pr.opened'>;

  before(async () => {
    h = await openAgentHarness('reviewer');
    const steps = await runChain(h, [plannerAgent, architectAgent, coderAgent, testerAgent]);
    results = steps.at(-1)!.events[0] as AgentEventOf<'test.results'>;
    opened = steps.at(-2)!.events[0] as AgentEventOf<'code.pr.opened'>;
    assert.equal(results.payload.status, 'passed', 'the generated app passes its tests (precondition)');
  });
  after(async () => {
    await h?.close();
  });

  function readDecision(): ReviewDecision {
    return ReviewDecision.parse(
      JSON.parse(readFileSync(join(h.runtime.ports.artifacts.location(h.task.id), 'review/review-decision.json'), 'utf8')),
    );
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

    const dir = h.runtime.ports.artifacts.location(h.task.id);
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

    // Measured quality figures, not placeholders.
    const quality = JSON.parse(readFileSync(join(dir, 'review/code-quality.json'), 'utf8')) as {
      complexity: {
        status: string;
        functions_measured: number;
        max: number;
        mean: number;
        functions: Array<{ file: string; line: number; complexity: number }>;
      };
      duplication: { ratio: number; total_lines: number; method: string };
      file_sizes: Array<{ file: string; lines: number }>;
      lint: { status: string };
      own_lint: { note: string; errors: number };
    };
    // The app's own `npm run lint` ran (in the sandboxed runner) and the generated code meets it.
    assert.deepEqual(quality.own_lint, { note: 'exit 0', errors: 0 }, readFileSync(join(dir, 'review/lint.log'), 'utf8').slice(0, 2000));
    assert.equal(quality.complexity.status, 'ran');
    assert.ok(quality.complexity.functions_measured >= 20, `${quality.complexity.functions_measured} functions`);
    assert.ok(quality.complexity.max >= quality.complexity.mean && quality.complexity.mean >= 1);
    assert.ok(quality.complexity.functions.every((f) => /^(backend|frontend)\/src\//.test(f.file) && f.line > 0));
    assert.ok(
      quality.duplication.total_lines > 500 && quality.duplication.ratio >= 0 && quality.duplication.ratio < 0.5,
      JSON.stringify(quality.duplication.ratio),
    );
    assert.ok(quality.file_sizes.length >= 20 && quality.file_sizes[0]!.lines >= quality.file_sizes.at(-1)!.lines);
    assert.equal(quality.lint.status, 'ran');
    // Recommendations follow from findings: the old fixed advice is gone, and each line names its cause.
    const recs = decision.recommendations;
    assert.ok(!recs.some((r) => /rate limiting/i.test(r)), recs.join('\n'));
    const e2e = JSON.parse(readFileSync(join(dir, 'test-results/test-summary.json'), 'utf8')).e2e as {
      status: string;
      note: string | null;
    };
    assert.equal(
      recs.some((r) => r.startsWith('Run the browser tests:')),
      e2e.status !== 'passed',
    );
    assert.ok(
      recs.some((r) => r.startsWith('Audit the dependencies where the npm registry is reachable: ')),
      'the audit did not run, so it is recommended',
    );
    const security = JSON.parse(readFileSync(join(dir, 'review/security-review.json'), 'utf8')) as {
      sast: { status: string };
      dependency_audit: { status: string };
    };
    assert.deepEqual([security.sast.status, security.dependency_audit.status], ['ran', 'unavailable']);
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
    const summary = readFileSync(join(h.runtime.ports.artifacts.location(h.task.id), 'review/review-summary.md'), 'utf8');
    assert.match(summary, /^# Code review — changes requested/);
    assert.match(summary, /\[high, blocking\] line coverage/);
  });
  test('an eval( injected into the app shows up in sast-results.json and as a blocking review item for the coder', async () => {
    const file = join(opened.payload.worktree_path, 'backend/src/config.ts');
    assert.ok(existsSync(file), file);
    const source = readFileSync(file, 'utf8');
    const line = source.split('\n').length + 1;
    writeFileSync(file, `${source}\nexport function evaluate(expression: string): unknown { return eval(expression); }\n`);
    try {
      const tested = (await h.run(testerAgent, { ...opened, event_id: randomUUID() })).events[0] as AgentEventOf<'test.results'>;
      assert.equal(tested.payload.status, 'passed', 'the app still passes its tests');
      const dir = h.runtime.ports.artifacts.location(h.task.id);
      const sast = JSON.parse(readFileSync(join(dir, 'test-results/security/sast-results.json'), 'utf8')) as {
        findings: Array<{ rule: string; file: string; line: number; severity: string }>;
      };
      const hit = sast.findings.find((f) => f.rule === 'no-eval');
      assert.deepEqual(hit && { file: hit.file, line: hit.line, severity: hit.severity }, {
        file: 'backend/src/config.ts',
        line,
        severity: 'high',
      });

      const review = (await h.run(reviewerAgent, tested)).events[0] as AgentEventOf<'review.decision'>;
      assert.equal(review.payload.decision, 'changes_requested');
      const item = review.payload.items.find((i) => i.file === 'backend/src/config.ts' && i.line === line && /eval/.test(i.message));
      assert.ok(item, JSON.stringify(review.payload.items));
      assert.equal(item.blocking, true);
      assert.match(item.suggestion, /JSON\.parse|schema/);
      assert.ok(readDecision().recommendations.some((r) => /unsafe construct/.test(r)));
    } finally {
      writeFileSync(file, source);
    }
  });
});
