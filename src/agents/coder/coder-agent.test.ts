/**
 * The coder on real ports: the app lands on feature/task-<id> as atomic conventional commits in a
 * fixed order, code.pr.opened reports what was written, redelivery writes nothing twice, and the
 * repair loop restores drifted files but gives up after max_repair_rounds with the failing test named.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventFrom, openAgentHarness, runChain, type AgentHarness, type StepOutput } from '../../../test/support/agent-harness.ts';
import type { AgentEventOf, EventDraft } from '../../contracts/events.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { coderAgent, skeletonFor } from './coder-agent.ts';

const COMMIT_ORDER = [
  /^chore: initialize /,
  /^feat\(backend\): add .*models/,
  /^feat\(backend\): implement services/,
  /^feat\(backend\): add REST routes/,
  /^feat\(frontend\): /,
  /^test: /,
  /^chore\(deploy\): /,
];

describe('coder agent', () => {
  let h: AgentHarness;
  let proposed: AgentEventOf<'architecture.proposed'>;
  let coded: StepOutput;
  let opened: AgentEventOf<'code.pr.opened'>;
  let branch: string;

  before(async () => {
    h = await openAgentHarness('coder');
    const [, design] = await runChain(h, [plannerAgent, architectAgent]);
    proposed = design!.events[0] as AgentEventOf<'architecture.proposed'>;
    coded = await h.run(coderAgent, proposed);
    opened = coded.events[0] as AgentEventOf<'code.pr.opened'>;
    branch = `feature/task-${h.task.id.slice(0, 8)}`;
  });
  after(async () => {
    await h?.close();
  });

  test('commits on feature/task-<short id>: chore → models → services → routes → frontend → test → chore(deploy)', () => {
    assert.equal(opened.event_type, 'code.pr.opened');
    assert.equal(opened.payload.branch, branch);
    assert.equal(opened.branch, branch);
    assert.equal(opened.commit, h.git('rev-parse', branch).trim());
    const subjects = h.git('log', '--reverse', '--format=%s', `${proposed.commit}..${branch}`).trim().split('\n');
    // A step of more than agents.coder.max_files_per_batch files is split into "part i of n" commits.
    const steps = subjects.map((s) => s.replace(/ \(part \d+ of \d+\)$/, '')).filter((s, i, all) => s !== all[i - 1]);
    assert.equal(steps.length, COMMIT_ORDER.length, subjects.join(' | '));
    COMMIT_ORDER.forEach((pattern, i) => assert.match(steps[i]!, pattern, `step ${i + 1} of ${subjects.join(' | ')}`));
    assert.equal(h.git('rev-parse', 'main').trim(), proposed.commit, 'main is untouched');
    const trailers = h
      .git('log', '--format=%(trailers:key=Catalyst-Event,valueonly)', `${proposed.commit}..${branch}`)
      .trim()
      .split('\n')
      .filter(Boolean);
    assert.equal(trailers.length, subjects.length);
    assert.ok(
      trailers.every((t) => t.startsWith(`${proposed.event_id}/`)),
      'each commit names the architecture event it answers',
    );
  });

  test('code.pr.opened counts match the files on the branch', () => {
    const files = h.git('diff', '--name-only', proposed.commit, branch).trim().split('\n');
    const p = opened.payload;
    assert.equal(p.files_created, files.length);
    assert.equal(p.backend_files, files.filter((f) => f.startsWith('backend/')).length);
    assert.equal(p.frontend_files, files.filter((f) => f.startsWith('frontend/')).length);
    assert.equal(p.test_files, files.filter((f) => /(^|\/)test\/|\.test\.tsx?$/.test(f)).length);
    assert.ok(p.test_files > 0 && p.backend_files > 0 && p.frontend_files > 0);
    const lines = files.reduce((sum, f) => sum + readFileSync(join(p.worktree_path, f), 'utf8').split('\n').length, 0);
    assert.equal(p.lines_of_code, lines);
    assert.equal(p.git_diff_summary.files_changed, files.length);
    assert.ok(p.git_diff_summary.additions >= lines - files.length, `additions ${p.git_diff_summary.additions}`);
    assert.equal(p.repair_round, 0);
    assert.equal(p.worktree_path, join(h.runtime.config.paths.worktrees, h.task.id));
    assert.equal(h.git('-C', p.worktree_path, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), branch, 'the worktree is on the feature branch');
    for (const f of ['backend/src/server.ts', 'frontend/index.html', 'package.json', 'docker-compose.yml', '.env.example', 'README.md']) {
      assert.ok(files.includes(f), `branch has ${f}`);
    }
  });

  test('reports progress up to all files written', () => {
    const coder = h.progress.filter((u) => u.total_estimated_files === opened.payload.files_created);
    assert.ok(coder.length >= COMMIT_ORDER.length, `one update per commit, got ${coder.length}`);
    assert.equal(coder.at(-1)!.progress, 1);
    assert.equal(coder.at(-1)!.files_created, opened.payload.files_created);
    assert.ok(h.logs.some((l) => l.agent_name === 'coder' && l.message === `Committed to branch ${branch}`));
  });

  test('a redelivered architecture.proposed adds no commits and reports the same head', async () => {
    const count = h.git('rev-list', '--count', branch).trim();
    const again = await h.run(coderAgent, proposed, { attempt: 2 });
    assert.equal(again.events[0]!.commit, opened.commit);
    assert.equal(h.git('rev-list', '--count', branch).trim(), count);
  });

  test('a repair round regenerates a file that drifted from the architecture', async () => {
    const worktree = opened.payload.worktree_path;
    const server = 'backend/src/server.ts';
    const original = readFileSync(join(worktree, server), 'utf8');
    await h.runtime.ports.git.commit({
      checkout: worktree,
      files: [{ path: server, content: `${original}\nthrow new Error('drift');\n` }],
      message: 'test: drift',
    });
    const failedTests = eventFrom(
      {
        event_type: 'test.results',
        branch,
        commit: h.git('rev-parse', branch).trim(),
        payload: {
          status: 'failed',
          total_tests: 23,
          passed: 22,
          failed: 1,
          skipped: 0,
          coverage: 0.9,
          security_critical_issues: 0,
          artifacts_refs: [],
          test_duration_seconds: 1,
          failures: [{ suite: 'api', name: 'GET /health', message: 'drift' }],
          repair_round: 0,
        },
      },
      { task: h.task, actor: 'tester', causation: opened, slug: h.slug },
    );
    const out = await h.run(coderAgent, failedTests);
    const repaired = out.events[0]!;
    assert.equal(repaired.event_type, 'code.pr.opened');
    assert.equal(repaired.payload.repair_round, 1);
    assert.match(
      h.git('log', '-1', '--format=%B', branch),
      /^fix: regenerate from the architecture \(repair round 1\)[\s\S]*test failed: api › GET \/health: drift/,
    );
    assert.equal(readFileSync(join(worktree, server), 'utf8'), original, 'the drifted file is restored');
    assert.equal(h.git('show', `${branch}:${server}`), original);
  });

  test('failed tests at the last repair round end the task with the failing test named', async () => {
    const max = h.settings.maxRepairRounds;
    const head = h.git('rev-parse', branch).trim();
    const failedTests = eventFrom(
      {
        event_type: 'test.results',
        branch,
        commit: head,
        payload: {
          status: 'failed',
          total_tests: 23,
          passed: 22,
          failed: 1,
          skipped: 0,
          coverage: 0.9,
          security_critical_issues: 0,
          artifacts_refs: [],
          test_duration_seconds: 1,
          failures: [{ suite: 'todos api', name: 'POST /api/todos creates a todo', message: 'expected 201, got 500' }],
          repair_round: max,
        },
      },
      { task: h.task, actor: 'tester', causation: opened, slug: h.slug },
    );
    const ctx = await h.context(coderAgent, { ...failedTests, event_id: randomUUID() });
    const { events } = await coderAgent.handle(ctx.inbound, ctx);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.event_type, 'task.failed');
    const failed = events[0] as EventDraft<'task.failed'>;
    assert.equal(failed.payload.phase, 'testing');
    assert.match(failed.payload.reason, new RegExp(`still failing after ${max} repair round\\(s\\)`));
    assert.deepEqual(failed.payload.reasons, ['test failed: todos api › POST /api/todos creates a todo: expected 201, got 500']);
    assert.equal(h.git('rev-parse', branch).trim(), head, 'giving up commits nothing');
  });
});

describe('coder agent batches', () => {
  test('agents.coder.max_files_per_batch caps every commit, and a split step says "part i of n"', async () => {
    const h = await openAgentHarness('coder-batches');
    try {
      const [, design] = await runChain(h, [plannerAgent, architectAgent]);
      const proposed = design!.events[0]!;
      const settings = { ...h.settings, coder: { ...h.settings.coder, maxFilesPerBatch: 4 } };
      const coded = await h.run(coderAgent, proposed, { settings });
      const branch = coded.events[0]!.branch!;
      const shas = h.git('rev-list', '--reverse', `${proposed.commit!}..${branch}`).trim().split('\n');
      const sizes = shas.map((sha) => h.git('show', '--name-only', '--format=', sha).trim().split('\n').length);
      assert.ok(Math.max(...sizes) <= 4, `files per commit: ${sizes.join(', ')}`);
      const subjects = h.git('log', '--reverse', '--format=%s', `${proposed.commit!}..${branch}`).trim().split('\n');
      assert.ok(
        subjects.some((s) => / \(part 1 of \d+\)$/.test(s)),
        subjects.join(' | '),
      );
      assert.ok(subjects[0]!.startsWith('chore: initialize'), 'the order of the steps is kept');
    } finally {
      await h.close();
    }
  });
});

test('the model extends the records app only when keeping records is the whole job', () => {
  const scope = (kind: 'records_app' | 'mixed' | 'game') => ({ scope: { kind, behaviours: [], decided_by: 'rules' as const } });
  assert.equal(skeletonFor({}), 'records-app');
  assert.equal(skeletonFor(scope('records_app')), 'records-app');
  // A URL shortener's redirect and click count are what its records app would not have.
  assert.equal(skeletonFor(scope('mixed')), 'web-app');
  assert.equal(skeletonFor(scope('game')), 'web-app');
});
