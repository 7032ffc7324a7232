/**
 * The tester on real ports: it runs the generated app's own tests in the coder's worktree, and its
 * verdict and counts come from that run — a passing app passes with real coverage, and a broken
 * test is reported by name, with test-summary.json agreeing with the event.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openAgentHarness, runChain, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { TestSummary } from '../../contracts/artifacts.ts';
import type { AgentEventOf } from '../../contracts/events.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { coderAgent } from '../coder/coder-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { testerAgent } from './tester-agent.ts';

async function readSummary(h: AgentHarness): Promise<TestSummary> {
  const text = await h.runtime.ports.artifacts.read(h.task.id, 'test-results/test-summary.json');
  assert.ok(text, 'test-results/test-summary.json was written');
  return TestSummary.parse(JSON.parse(text));
}

function assertSummaryAgrees(summary: TestSummary, results: AgentEventOf<'test.results'>): void {
  const p = results.payload;
  assert.equal(summary.overall_status, p.status);
  assert.equal(summary.backend.total + summary.frontend.total, p.total_tests);
  assert.equal(summary.backend.passed + summary.frontend.passed, p.passed);
  assert.equal(summary.backend.failed + summary.frontend.failed, p.failed);
  assert.equal(summary.backend.skipped + summary.frontend.skipped, p.skipped);
  assert.equal(summary.coverage.lines, p.coverage);
  assert.equal(summary.security.critical, p.security_critical_issues);
}

describe('tester agent', () => {
  let h: AgentHarness;
  let opened: AgentEventOf<'code.pr.opened'>;

  before(async () => {
    h = await openAgentHarness('tester');
    const [, , code] = await runChain(h, [plannerAgent, architectAgent, coderAgent]);
    opened = code!.events[0] as AgentEventOf<'code.pr.opened'>;
  });
  after(async () => {
    await h?.close();
  });

  test('the generated app passes its own tests with at least 80% line coverage', async () => {
    const { events } = await h.run(testerAgent, opened);
    const results = events[0] as AgentEventOf<'test.results'>;
    assert.equal(results.event_type, 'test.results');
    assert.equal(results.payload.status, 'passed', JSON.stringify(results.payload.failures));
    assert.equal(results.payload.failed, 0);
    assert.ok(results.payload.total_tests >= 10, `ran ${results.payload.total_tests} tests`);
    assert.equal(results.payload.passed, results.payload.total_tests);
    assert.ok((results.payload.coverage ?? 0) >= 0.8, `coverage ${results.payload.coverage}`);
    assert.deepEqual(results.payload.failures, []);
    assert.equal(results.payload.repair_round, 0);
    assert.equal(results.branch, opened.payload.branch);
    assert.equal(results.commit, opened.commit);

    const summary = await readSummary(h);
    assertSummaryAgrees(summary, results);
    assert.ok(summary.frontend.total >= 1, 'frontend tests are counted apart');
    assert.equal(summary.e2e.status, 'skipped');
    assert.equal(summary.security.secrets_found, 0);
    const artifacts = h.runtime.ports.artifacts.dir(h.task.id);
    for (const f of ['test-results/junit.xml', 'test-results/backend/coverage/index.html', 'test-results/security/secret-scan.json', 'test-results/security/sast-results.json', 'test-results/backend/test.log']) {
      assert.ok(existsSync(join(artifacts, f)), f);
    }
    for (const ref of results.payload.artifacts_refs) assert.ok(existsSync(fileURLToPath(ref)), ref);
  });

  test('a broken backend test fails the run and is named in the failures', async () => {
    const file = join(opened.payload.worktree_path, 'backend/test/app.test.ts');
    const source = readFileSync(file, 'utf8');
    const expectation = 'assert.equal(health.status, 200);';
    assert.ok(source.includes(expectation), 'the generated health test checks the status code');
    writeFileSync(file, source.replace(expectation, 'assert.equal(health.status, 418);'));

    const { events } = await h.run(testerAgent, { ...opened, event_id: randomUUID() });
    const results = events[0] as AgentEventOf<'test.results'>;
    assert.equal(results.payload.status, 'failed');
    assert.ok(results.payload.failed >= 1);
    const named = results.payload.failures.filter((f) => f.name.includes('reports health'));
    assert.equal(named.length, 1, JSON.stringify(results.payload.failures));
    assert.match(named[0]!.message, /418|200/, 'the failure says what was expected');
    assert.ok(results.payload.failures.every((f) => f.suite !== 'npm test'), 'a failing test is not mistaken for a broken run');

    const summary = await readSummary(h);
    assertSummaryAgrees(summary, results);
    assert.equal(summary.backend.status, 'failed');
    assert.ok(h.logs.some((l) => l.agent_name === 'tester' && l.level === 'error' && /^Tests failed: \d+ failure\(s\)$/.test(l.message)));
  });
});
