/**
 * The walking skeleton end to end, in both orchestrator modes, on the embedded default (PGlite,
 * in-process bus, deterministic generator, local git, process previews): a prompt becomes a repo with
 * the spec's files and commits, real test and review reports, an ordered audit trail, and a live
 * preview that a user can register on and manage todos through — privately.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { DataModels, DeploymentRecord, Plan, ReviewDecision, TestSummary } from '../../src/contracts/artifacts.ts';
import { PIPELINE_EVENT_ORDER, parseEvent } from '../../src/contracts/events.ts';
import { systemClock } from '../../src/core/clock.ts';
import { stopPreview } from '../../src/preview/preview-control.ts';
import { createRuntime } from '../../src/runtime.ts';
import { git, http, tempWorkspace } from './helpers.ts';

const cleanups: Array<() => void> = [];
after(() => cleanups.forEach((c) => c()));

async function exerciseTodoApp(base: string): Promise<void> {
  assert.deepEqual((await http(base, 'GET', '/health')).json, { status: 'ok' });
  const page = await http(base, 'GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.text, /<div id="root">/);

  assert.equal((await http(base, 'GET', '/api/todos')).status, 401, 'resources need a token');
  const registered = await http(base, 'POST', '/api/auth/register', { body: { email: 'ada@example.com', password: 'correct-horse' } });
  assert.equal(registered.status, 201);
  assert.ok(registered.json.id && registered.json.token);
  assert.equal(JSON.stringify(registered.json).includes('password'), false, 'no password or hash in the response');
  const login = await http(base, 'POST', '/api/auth/login', { body: { email: 'ada@example.com', password: 'correct-horse' } });
  assert.equal(login.status, 200);
  const ada = login.json.token as string;
  assert.equal(
    (await http(base, 'POST', '/api/auth/login', { body: { email: 'ada@example.com', password: 'wrong-password' } })).status,
    401,
  );

  const created = await http(base, 'POST', '/api/todos', { token: ada, body: { title: 'Buy milk' } });
  assert.equal(created.status, 201);
  assert.equal(created.json.title, 'Buy milk');
  assert.equal(created.json.completed, false);
  const id = created.json.id as string;
  const invalid = await http(base, 'POST', '/api/todos', { token: ada, body: { completed: 'yes' } });
  assert.equal(invalid.status, 400);
  assert.ok(invalid.json.error.fields.title, 'the error names the missing field');

  const edited = await http(base, 'PATCH', `/api/todos/${id}`, { token: ada, body: { title: 'Buy oat milk', completed: true } });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.completed, true);
  const listed = await http(base, 'GET', '/api/todos', { token: ada });
  assert.equal(listed.json.total, 1);
  assert.equal(listed.json.items[0].title, 'Buy oat milk');

  const bob = (await http(base, 'POST', '/api/auth/register', { body: { email: 'bob@example.com', password: 'battery-staple' } })).json
    .token as string;
  assert.equal((await http(base, 'GET', '/api/todos', { token: bob })).json.total, 0, "bob cannot see ada's todos");
  assert.equal((await http(base, 'GET', `/api/todos/${id}`, { token: bob })).status, 404);
  assert.equal((await http(base, 'DELETE', `/api/todos/${id}`, { token: bob })).status, 404, "bob cannot delete ada's todo");

  assert.equal((await http(base, 'DELETE', `/api/todos/${id}`, { token: ada })).status, 204);
  assert.equal((await http(base, 'GET', `/api/todos/${id}`, { token: ada })).status, 404);
}

for (const mode of ['sequential', 'event_driven'] as const) {
  describe(`build "a todo app with user auth" (${mode})`, () => {
    test('prompt → repo, reports, audit trail and a live preview a user can work in', async () => {
      const ws = tempWorkspace(`e2e-${mode}`);
      cleanups.push(ws.cleanup);
      const runtime = await createRuntime(ws.config, { mode, detachedPreviews: false });
      try {
        const submitted = await runtime.submitBuild({ prompt: 'build a todo app with user auth' });
        const task = await runtime.engine.waitFor(submitted.id);
        assert.equal(task.status, 'completed', `task failed: ${task.error}`);
        assert.equal(task.current_phase, 'done');

        // Audit trail: one trace, the pipeline order, every envelope valid against the catalog.
        const events = (await runtime.ports.state.listEvents(task.id)).map((e) => parseEvent(e.envelope));
        assert.deepEqual(
          events.map((e) => e.event_type),
          PIPELINE_EVENT_ORDER,
        );
        assert.deepEqual([...new Set(events.map((e) => e.trace_id))], [task.trace_id]);

        // The repository: planning and architecture on main, the app as atomic commits on the branch.
        const project = (await runtime.ports.state.getProject(task.project_id))!;
        const repo = project.repo_path!;
        assert.equal(repo, join(ws.dir, '.catalyst/repos/todo-app'));
        const mainFiles = git(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n');
        for (const f of [
          'planning/plan.yaml',
          'planning/acceptance.md',
          'planning/risk.md',
          'planning/task-graph.json',
          'architecture/design.md',
          'architecture/tech-stack.md',
          'architecture/data-models.json',
          'architecture/api-contracts/openapi.yaml',
          'architecture/api-contracts/api-guide.md',
          'architecture/components.md',
        ]) {
          assert.ok(mainFiles.includes(f), `main has ${f}`);
        }
        assert.ok(mainFiles.filter((f) => f.startsWith('architecture/adr/')).length >= 3, 'at least 3 ADRs');
        const plan = Plan.parse(parseYaml(git(repo, 'show', 'main:planning/plan.yaml')));
        assert.deepEqual(
          plan.domain.entities.map((e) => e.name),
          ['Todo'],
        );
        assert.equal(plan.domain.auth.enabled, true);
        const models = DataModels.parse(JSON.parse(git(repo, 'show', 'main:architecture/data-models.json')));
        assert.deepEqual(
          models.models.map((m) => m.name),
          ['User', 'Todo'],
        );

        const branch = task.branch_name!;
        assert.equal(branch, `feature/task-${task.id.slice(0, 8)}`);
        // The approved branch was merged into main (storage.git.merge_on_approval): its own commits are the ones past main's first parent.
        assert.match(
          git(repo, 'log', '-1', '--format=%s', 'main'),
          new RegExp(`${branch}`),
          'main ends in the merge of the approved branch',
        );
        assert.ok(git(repo, 'ls-tree', '-r', '--name-only', 'main').includes('backend/src/server.ts'), 'main holds the app');
        const subjects = git(repo, 'log', '--format=%s', `main^1..${branch}`).trim().split('\n').reverse();
        assert.match(subjects[0]!, /^chore: initialize /);
        assert.ok(
          subjects.some((s) => /^feat\(backend\): add .*models/.test(s)),
          subjects.join(' | '),
        );
        assert.ok(subjects.some((s) => /^feat\(backend\): add REST routes/.test(s)));
        assert.ok(subjects.some((s) => /^feat\(frontend\): /.test(s)));
        assert.ok(subjects.some((s) => /^test: /.test(s)));
        const branchFiles = git(repo, 'ls-tree', '-r', '--name-only', branch).split('\n');
        for (const f of [
          'backend/src/server.ts',
          'frontend/index.html',
          'docker-compose.yml',
          'Dockerfile.backend',
          'Dockerfile.frontend',
          '.env.example',
          'README.md',
          'package.json',
        ]) {
          assert.ok(branchFiles.includes(f), `branch has ${f}`);
        }
        assert.match(git(repo, 'log', '-1', '--format=%B', branch), /Catalyst-Event: /, 'commits carry the event id');

        // Reports with real numbers from running the generated tests.
        const artifacts = runtime.ports.artifacts.location(task.id);
        const summary = TestSummary.parse(JSON.parse(readFileSync(join(artifacts, 'test-results/test-summary.json'), 'utf8')));
        assert.equal(summary.overall_status, 'passed');
        assert.ok(
          summary.backend.total >= 10 && summary.backend.failed === 0,
          `backend tests ${summary.backend.passed}/${summary.backend.total}`,
        );
        assert.ok(summary.frontend.total >= 1, 'frontend tests counted');
        assert.ok((summary.coverage.lines ?? 0) >= 0.8, `coverage ${summary.coverage.lines}`);
        if (existsSync(ws.config.agents.tester.chromium_path)) {
          assert.equal(summary.e2e.status, 'passed', `browser tests: ${summary.e2e.note}`);
          assert.ok(summary.e2e.total > 0 && summary.e2e.failed === 0);
        } else {
          assert.match(summary.e2e.note ?? '', /chromium not found/);
        }
        assert.ok(existsSync(join(artifacts, 'test-results/junit.xml')));
        assert.ok(existsSync(join(artifacts, 'test-results/backend/coverage/index.html')));
        const review = ReviewDecision.parse(JSON.parse(readFileSync(join(artifacts, 'review/review-decision.json'), 'utf8')));
        assert.equal(review.decision, 'approved');
        assert.equal(review.metrics.type_errors, 0);
        assert.equal(review.metrics.secrets_found, 0);
        for (const f of [
          'review/review-summary.md',
          'review/code-quality.json',
          'review/security-review.json',
          'review/recommendations.md',
          'deployment/docker-compose.preview.yml',
          'deployment/DEPLOYMENT.md',
          'deployment/k8s/deployment.yaml',
        ]) {
          assert.ok(existsSync(join(artifacts, f)), f);
        }
        const record = DeploymentRecord.parse(JSON.parse(readFileSync(join(artifacts, 'deployment/deployment-record.json'), 'utf8')));
        assert.equal(record.processes[0]!.status, 'healthy');
        // With bubblewrap on the machine (.ci/run installs it) the preview runs confined; otherwise it says so.
        if (existsSync('/usr/bin/bwrap')) assert.equal(record.sandbox.kind, 'bwrap', record.sandbox.warning ?? '');
        else assert.ok(record.sandbox.warning);

        // The preview, recorded and live.
        const preview = (await runtime.ports.state.getPreviewByTask(task.id))!;
        assert.equal(preview.status, 'healthy');
        assert.equal(task.preview_url, preview.url);
        assert.ok(preview.port! >= 9000 && preview.port! <= 9999);
        await exerciseTodoApp(preview.url);

        const stopped = await stopPreview({ state: runtime.ports.state, previews: runtime.ports.previews, clock: systemClock }, task.id);
        assert.equal(stopped.status, 'stopped');
        await assert.rejects(fetch(`${preview.url}/health`, { signal: AbortSignal.timeout(2000) }));
      } finally {
        await runtime.close();
      }
    });
  });
}

describe('bounded repair loop', () => {
  test('a review bar the code cannot reach sends the coder back max_repair_rounds times, then fails with the reasons', async () => {
    const ws = tempWorkspace('e2e-repair', {
      'agents.reviewer.min_coverage': 1,
      'orchestration.max_repair_rounds': 1,
      'agents.reviewer.run_type_check': false,
    });
    cleanups.push(ws.cleanup);
    const runtime = await createRuntime(ws.config, { mode: 'sequential', detachedPreviews: false });
    try {
      const task = await runtime.engine.waitFor((await runtime.submitBuild({ prompt: 'build a todo app' })).id);
      assert.equal(task.status, 'failed');
      assert.match(task.error ?? '', /still failing after 1 repair round\(s\).*line coverage .* below the required 100%/);
      const types = (await runtime.ports.state.listEvents(task.id)).map((e) => e.event_type);
      assert.deepEqual(types, [
        'task.initiated',
        'plan.created',
        'architecture.proposed',
        'code.pr.opened',
        'test.results',
        'review.decision',
        'code.pr.opened',
        'test.results',
        'review.decision',
        'task.failed',
      ]);
      assert.equal(await runtime.ports.state.getPreviewByTask(task.id), null, 'nothing was deployed');
    } finally {
      await runtime.close();
    }
  });
});
