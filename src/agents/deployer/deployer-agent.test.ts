/**
 * The deployer on real ports in the modes that start nothing (process previews are covered by the
 * e2e test): deployment/ holds a compose file, Kubernetes manifests and a guide a person can use, no
 * preview is recorded, and the events say plainly that there is no live URL.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { openAgentHarness, runChain, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { fileURLToPath } from 'node:url';
import { seedPreview, seedTask } from '../../../test/support/preview-seed.ts';
import { findCpuController } from '../../adapters/preview/process/cpu-cgroup.ts';
import { isGroupAlive } from '../../adapters/preview/process/process-group.ts';
import { parseEvent, type AgentEventOf } from '../../contracts/events.ts';
import type { PreviewDeployment } from '../../contracts/records.ts';
import type { AgentSettings } from '../../core/agent.ts';
import { AppError } from '../../core/errors.ts';
import { POSTGRES_IMAGE } from '../../generator/deploy/index.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { coderAgent } from '../coder/coder-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { reviewerAgent } from '../reviewer/reviewer-agent.ts';
import { testerAgent } from '../tester/tester-agent.ts';
import { deployerAgent } from './deployer-agent.ts';

const TINY_APP = fileURLToPath(new URL('../../adapters/preview/process/fixtures/tiny-app', import.meta.url));
const MANIFESTS = { deployment: 'Deployment', service: 'Service', ingress: 'Ingress', configmap: 'ConfigMap' } as const;

describe('deployer agent', () => {
  let h: AgentHarness;
  let approved: AgentEventOf<'review.decision'>;
  const withMode = (mode: string): AgentSettings => ({ ...h.settings, preview: { ...h.settings.preview, mode } });

  before(async () => {
    h = await openAgentHarness('deployer');
    // The type check is the reviewer's concern (its own tests); here it only has to approve.
    const chainSettings = { ...h.settings, reviewer: { ...h.settings.reviewer, runTypeCheck: false } };
    const steps = await runChain(h, [plannerAgent, architectAgent, coderAgent, testerAgent, reviewerAgent], { settings: chainSettings });
    approved = steps.at(-1)!.events[0] as AgentEventOf<'review.decision'>;
    assert.equal(approved.payload.decision, 'approved', 'the generated app is approved (precondition)');
  });
  after(async () => {
    await h?.close();
  });

  test('with storage.git.merge_on_approval off, main keeps only the plan and architecture and no main commit is reported', async () => {
    const before = h.git('rev-parse', 'main').trim();
    const settings: AgentSettings = { ...withMode('compose_only'), git: { ...h.settings.git, mergeOnApproval: false } };
    const { events } = await h.run(deployerAgent, { ...approved, event_id: randomUUID() }, { settings });
    const complete = events.find((e) => e.event_type === 'deploy.complete') as AgentEventOf<'deploy.complete'>;
    assert.equal(complete.payload.main_commit, null);
    assert.equal(h.git('rev-parse', 'main').trim(), before);
    assert.equal(existsSync(join(h.repo, 'Dockerfile.backend')), false, 'the app is not in the checkout of main');
    assert.ok(existsSync(join(h.repo, 'planning')));
  });

  test('compose_only writes compose, k8s manifests and DEPLOYMENT.md, starts nothing and reports no preview URL', async () => {
    const { events, ctx } = await h.run(deployerAgent, approved, { settings: withMode('compose_only') });
    const dir = join(h.runtime.ports.artifacts.location(h.task.id), 'deployment');

    const compose = parseYaml(readFileSync(join(dir, 'docker-compose.preview.yml'), 'utf8')) as {
      services: Record<string, { image?: string; build?: { context: string; dockerfile: string } }>;
    };
    for (const service of ['backend', 'frontend']) {
      const build = compose.services[service]?.build;
      assert.ok(build, `services.${service}.build`);
      assert.equal(build.context, ctx.paths.worktree, 'compose builds from the generated app');
      assert.ok(existsSync(join(build.context, build.dockerfile)), `${build.dockerfile} exists in the build context`);
    }
    assert.equal(compose.services.postgres?.image, POSTGRES_IMAGE, 'compose brings its database');
    assert.equal(
      readFileSync(join(dir, 'Dockerfile.backend'), 'utf8'),
      readFileSync(join(ctx.paths.worktree, 'Dockerfile.backend'), 'utf8'),
    );

    for (const [file, kind] of Object.entries(MANIFESTS)) {
      const manifest = parseYaml(readFileSync(join(dir, 'k8s', `${file}.yaml`), 'utf8')) as {
        apiVersion?: string;
        kind?: string;
        metadata?: { name?: string };
      };
      assert.ok(manifest.apiVersion, `${file}.yaml has apiVersion`);
      assert.equal(manifest.kind, kind);
      assert.match(
        manifest.metadata?.name ?? '',
        new RegExp(`^${h.slug}-${h.task.id.slice(0, 8)}`),
        `${file}.yaml is named after the project and task`,
      );
    }
    const guide = readFileSync(join(dir, 'DEPLOYMENT.md'), 'utf8');
    assert.match(guide, /No live preview was started \(compose_only mode\)/);
    assert.match(guide, /docker compose -f docker-compose\.preview\.yml up/);

    assert.equal(await h.runtime.ports.state.getPreviewByTask(h.task.id), null, 'no preview row');
    assert.deepEqual(
      events.map((e) => e.event_type),
      ['deploy.status', 'deploy.complete'],
    );
    const [status, complete] = events as [AgentEventOf<'deploy.status'>, AgentEventOf<'deploy.complete'>];
    assert.equal(status.payload.status, 'deployed');
    assert.equal(status.payload.preview_url, null);
    assert.equal(status.payload.deployment_mode, 'compose_only');
    assert.deepEqual(status.payload.container_ids, []);
    assert.equal(complete.payload.status, 'completed');
    assert.equal(complete.payload.preview_url, null);
    assert.equal(complete.payload.artifacts.deployment, `file://${dir}/`);
    assert.equal(complete.payload.artifacts.code, `git://${ctx.paths.repo}#${approved.branch}`, 'names the feature branch');

    // merge_on_approval is on by default: the approved branch is in main, and main's checkout holds the app.
    assert.equal(h.settings.git.mergeOnApproval, true);
    const main = h.git('rev-parse', 'main').trim();
    assert.equal(complete.payload.main_commit, main);
    assert.equal(h.git('merge-base', approved.branch, 'main').trim(), h.git('rev-parse', approved.branch).trim());
    assert.equal(
      readFileSync(join(h.repo, 'Dockerfile.backend'), 'utf8'),
      readFileSync(join(ctx.paths.worktree, 'Dockerfile.backend'), 'utf8'),
    );
    assert.match(
      h.git('log', '-1', '--format=%B', 'main'),
      new RegExp(`^merge: ${approved.branch} approved by review\\n\\nCatalyst-Task: ${h.task.id}`),
    );
    assert.equal(h.git('symbolic-ref', 'HEAD').trim(), 'refs/heads/main', 'the repository checkout stays on main');
  });

  test('k8s mode also writes the files and starts nothing', async () => {
    const { events } = await h.run(deployerAgent, { ...approved, event_id: randomUUID() }, { settings: withMode('k8s') });
    const status = events[0] as AgentEventOf<'deploy.status'>;
    assert.equal(status.payload.deployment_mode, 'k8s');
    // A second approval of the same branch finds it merged: main does not move.
    const complete = events[1] as AgentEventOf<'deploy.complete'>;
    assert.equal(complete.payload.main_commit, h.git('rev-parse', 'main').trim());
    assert.equal(h.git('rev-list', '--count', '--merges', 'main').trim(), '1');
    assert.equal(status.payload.preview_url, null);
    assert.match(
      readFileSync(join(h.runtime.ports.artifacts.location(h.task.id), 'deployment/DEPLOYMENT.md'), 'utf8'),
      /No live preview was started \(k8s mode\)/,
    );
    assert.equal(await h.runtime.ports.state.getPreviewByTask(h.task.id), null);
  });

  test('process mode with the Host router enabled reports the router URL, with the direct URL as fallback', async () => {
    const settings: AgentSettings = {
      ...h.settings,
      preview: { ...h.settings.preview, mode: 'process', detached: false, router: { port: 8080, baseDomain: 'localhost' } },
    };
    const { events } = await h.run(deployerAgent, { ...approved, event_id: randomUUID() }, { settings });
    assert.deepEqual(
      events.map((e) => e.event_type),
      ['preview.started', 'deploy.status', 'deploy.complete'],
    );
    const [started, status, complete] = events as [
      AgentEventOf<'preview.started'>,
      AgentEventOf<'deploy.status'>,
      AgentEventOf<'deploy.complete'>,
    ];
    const row = await h.runtime.ports.state.getPreviewByTask(h.task.id);
    try {
      assert.deepEqual([started.payload.deployment_id, started.payload.url, started.payload.project], [row?.id, row?.url, h.slug]);
      assert.equal(status.payload.status, 'deployed', status.payload.error ?? '');
      const routerUrl = `http://${h.slug}-${h.task.id.slice(0, 8)}.localhost:8080`;
      assert.equal(status.payload.preview_url, routerUrl);
      assert.match(status.payload.fallback_url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(complete.payload.preview_url, routerUrl);
      assert.equal(complete.payload.fallback_url, status.payload.fallback_url);
      assert.equal(row?.url, routerUrl);
      assert.equal(row?.fallback_url, status.payload.fallback_url);
      const record = JSON.parse(
        readFileSync(join(h.runtime.ports.artifacts.location(h.task.id), 'deployment/deployment-record.json'), 'utf8'),
      ) as {
        urls: { router: string | null; frontend: string | null };
        sandbox: { kind: string; warning: string | null };
        limits: { cpu?: { limited: boolean; reason: string | null } };
      };
      assert.equal(record.urls.router, routerUrl);
      assert.equal(record.urls.frontend, status.payload.fallback_url);
      // The record always says whether the app is confined, and why not when it is not.
      assert.ok(record.sandbox.kind === 'bwrap' || (record.sandbox.warning ?? '').length > 0);
      // …and whether its CPU use is capped: a cgroup quota where Catalyst may write one, else the reason.
      const controller = await findCpuController();
      if (controller.controller !== null) assert.deepEqual(record.limits.cpu, { limited: true, reason: null });
      else {
        assert.equal(record.limits.cpu?.limited, false);
        assert.match(record.limits.cpu?.reason ?? '', /CPU is not limited: no .*cgroup CPU controller/);
      }
    } finally {
      await h.runtime.ports.previews.stop({
        pid: row?.container_id ? Number(row.container_id) : null,
        workingCopy: row?.working_copy ?? null,
      });
    }
  });

  test('at preview.max_concurrent 1 it stops the other live preview first (preview.evicted, with the reason), then starts its own', async () => {
    const { state, previews } = h.runtime.ports;
    const other = await seedTask(state, 'older-app');
    const handle = await previews.start({
      taskId: other.id,
      projectSlug: 'older-app',
      sourceDir: TINY_APP,
      reservedPorts: [],
      timeoutMs: 20_000,
      detached: false,
    });
    const otherRow = await seedPreview(state, other.id, {
      port: handle.port,
      container_id: String(handle.pid),
      working_copy: handle.workingCopy,
      log_path: handle.logPath,
    });
    const settings: AgentSettings = {
      ...h.settings,
      preview: { ...h.settings.preview, mode: 'process', detached: false, maxConcurrent: 1, router: null },
    };
    let own: PreviewDeployment | null = null;
    try {
      const { events } = await h.run(deployerAgent, { ...approved, event_id: randomUUID() }, { settings });
      own = await state.getPreviewByTask(h.task.id);
      const status = events.find((e) => e.event_type === 'deploy.status') as AgentEventOf<'deploy.status'>;
      assert.equal(status.payload.status, 'deployed', status.payload.error ?? '');
      assert.equal(own?.status, 'healthy');

      const evicted = (await state.listPreviews()).find((p) => p.id === otherRow.id);
      assert.equal(evicted?.status, 'stopped');
      assert.equal(evicted?.metadata.stopped_reason, 'max_concurrent');
      assert.equal(isGroupAlive(handle.pid), false, 'the older preview process is gone');
      assert.deepEqual(
        [...new Set((await state.listPreviews({ statuses: ['starting', 'healthy', 'unhealthy'] })).map((p) => p.task_id))],
        [h.task.id],
      );

      // The eviction is in the older task's own audit trail, saying why; the deployer's log says it too.
      const trail = (await state.listEvents(other.id)).map((e) => parseEvent(e.envelope)).filter((e) => e.event_type === 'preview.evicted');
      assert.equal(trail.length, 1);
      const payload = (trail[0] as AgentEventOf<'preview.evicted'>).payload;
      assert.equal(payload.deployment_id, otherRow.id);
      assert.equal(payload.project, 'older-app');
      assert.match(payload.reason ?? '', new RegExp(`preview\\.max_concurrent \\(1\\) reached.*${h.task.id}`));
      assert.ok(h.logs.some((l) => l.level === 'warning' && l.message.includes(`Stopped the preview of task ${other.id}`)));
    } finally {
      await previews.stop({ pid: handle.pid, workingCopy: handle.workingCopy });
      await previews.stop({ pid: own?.container_id ? Number(own.container_id) : null, workingCopy: own?.working_copy ?? null });
    }
  });

  test('an unknown preview mode is refused for good, naming the mode', async () => {
    const event = { ...approved, event_id: randomUUID() };
    const ctx = await h.context(deployerAgent, event, { settings: withMode('swarm') });
    // (The process-mode test above recorded a preview row; this event must not add or start another.)
    const previewsBefore = await h.runtime.ports.state.listPreviews();
    await assert.rejects(deployerAgent.handle(event, ctx), (e: unknown) => {
      assert.ok(AppError.isInstance(e));
      assert.equal(e.code, 'invalid_option');
      assert.equal(e.retryable, false);
      assert.match(e.message, /"swarm"/);
      return true;
    });
    assert.equal((await h.runtime.ports.state.listPreviews()).length, previewsBefore.length, 'nothing was started');
  });

  // Last: it leaves main and the branch disagreeing.
  test('a branch that no longer merges cleanly into main fails the step for good, naming the file, and moves nothing', async () => {
    const { git } = h.runtime.ports;
    const event = { ...approved, event_id: randomUUID() };
    const ctx = await h.context(deployerAgent, event, { settings: withMode('compose_only') });
    const tip = await git.commit({ checkout: ctx.paths.worktree, files: [{ path: 'README.md', content: 'branch\n' }], message: 'branch' });
    const main = await git.commit({ checkout: h.repo, files: [{ path: 'README.md', content: 'main\n' }], message: 'main' });
    await assert.rejects(deployerAgent.handle(event, ctx), (e: unknown) => {
      assert.ok(AppError.isInstance(e));
      assert.equal(e.code, 'merge_conflict');
      assert.equal(e.retryable, false);
      assert.match(e.message, /README\.md/);
      return true;
    });
    assert.equal(h.git('rev-parse', 'main').trim(), main);
    assert.equal(h.git('rev-parse', approved.branch).trim(), tip);
    assert.equal(readFileSync(join(h.repo, 'README.md'), 'utf8'), 'main\n');
  });
});
