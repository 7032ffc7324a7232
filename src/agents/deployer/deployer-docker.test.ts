/**
 * The deployer in docker mode, end to end over the runtime's own wiring: `preview.mode: auto` with a
 * stand-in Docker engine (test/support/docker-standin.ts) makes runtime.ts pick docker previews; the
 * deployer builds the generated app's real Dockerfiles, records the containers, reuses them on a
 * redelivered event, and the monitor restarts a preview whose container died.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openAgentHarness, eventFrom, runChain, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { startDockerStandIn, type DockerStandIn } from '../../../test/support/docker-standin.ts';
import type { AgentEvent, AgentEventOf } from '../../contracts/events.ts';
import { systemClock } from '../../core/clock.ts';
import { reconcilePreviews } from '../../preview/preview-control.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { coderAgent } from '../coder/coder-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { deployerAgent } from './deployer-agent.ts';

describe('deployer agent, docker mode (stand-in engine)', () => {
  let engine: DockerStandIn;
  let h: AgentHarness;
  let approved: AgentEvent;

  before(async () => {
    engine = await startDockerStandIn();
    h = await openAgentHarness('deployer-docker', {
      overrides: {
        'preview.mode': 'auto',
        'preview.docker.host': `unix://${engine.socketPath}`,
        'preview.port_range': [19600, 19699],
        'preview.docker.cpus': 0.5,
      },
    });
    // The deployer needs the generated app (with its Dockerfiles) in the worktree and an approval.
    const steps = await runChain(h, [plannerAgent, architectAgent, coderAgent]);
    approved = eventFrom(
      {
        event_type: 'review.decision',
        payload: { decision: 'approved', score: 90, blocking_issues: 0, recommendations: 0, items: [], artifacts: [], repair_round: 0 },
      },
      { task: h.task, actor: 'reviewer', causation: steps.at(-1)!.events[0]!, slug: h.slug },
    );
  });
  after(async () => {
    await h?.close();
    await engine?.close();
  });

  test('auto picked docker because the engine answered', () => {
    assert.equal(h.runtime.ports.previews.mode, 'docker');
  });

  test('deploys the generated app as containers, records them, and a redelivery reuses them', async () => {
    const { events, ctx } = await h.run(deployerAgent, approved);
    assert.deepEqual(
      events.map((e) => e.event_type),
      ['preview.started', 'deploy.status', 'deploy.complete'],
    );
    const status = events[1] as AgentEventOf<'deploy.status'>;
    assert.equal(status.payload.status, 'deployed', status.payload.error ?? '');
    assert.equal(status.payload.deployment_mode, 'docker');
    assert.equal(status.payload.container_ids.length, 2);
    assert.ok(
      status.payload.container_ids.every((id) => /^docker:\/\/[0-9a-f]{64}$/.test(id)),
      status.payload.container_ids.join(', '),
    );

    // The images come from the app's own Dockerfiles, as generated.
    const backend = engine.images.get(`catalyst-preview/${h.task.id}-backend:latest`);
    assert.equal(backend?.dockerfileText, readFileSync(join(ctx.paths.worktree, 'Dockerfile.backend'), 'utf8'));
    assert.equal(engine.images.get(`catalyst-preview/${h.task.id}-frontend:latest`)?.dockerfile, 'Dockerfile.frontend');

    const row = (await h.runtime.ports.state.getPreviewByTask(h.task.id))!;
    assert.equal(`docker://${row.container_id}`, status.payload.container_ids[0]);
    const front = engine.containers.get(row.container_id!)!;
    const router = `${h.slug}-${h.task.id.slice(0, 8)}`;
    assert.equal(front.Config.Labels[`traefik.http.routers.${router}.rule`], `Host(\`${router}.localhost\`)`);
    assert.equal(front.Config.Labels['dev.catalyst.preview.deployment'], approved.event_id);
    assert.equal(front.HostConfig.NanoCpus, 500_000_000);
    assert.equal(front.HostConfig.Memory, h.runtime.config.preview.memory_mb * 1024 * 1024);
    assert.equal((await fetch(`${row.fallback_url}/health`)).status, 200);

    const record = JSON.parse(readFileSync(join(ctx.paths.artifacts, 'deployment/deployment-record.json'), 'utf8')) as {
      deployment_mode: string;
      sandbox: { kind: string };
      limits: { memory_mb: number; cpus?: number };
      containers?: Array<{ service: string; id: string }>;
    };
    assert.equal(record.deployment_mode, 'docker');
    assert.equal(record.sandbox.kind, 'docker');
    assert.equal(record.limits.cpus, 0.5);
    assert.deepEqual(
      record.containers?.map((c) => c.service),
      ['frontend', 'backend'],
    );

    const builds = engine.requests.filter((r) => r.path === '/build').length;
    const again = await h.run(deployerAgent, approved);
    assert.equal((again.events[1] as AgentEventOf<'deploy.status'>).payload.preview_url, status.payload.preview_url);
    assert.equal(engine.requests.filter((r) => r.path === '/build').length, builds, 'a redelivery builds nothing');
    assert.equal((await h.runtime.ports.state.getPreviewByTask(h.task.id))?.container_id, row.container_id);
  });

  test('the monitor restarts a preview whose container died, recording the new container', async () => {
    const { state, previews } = h.runtime.ports;
    const before = (await state.getPreviewByTask(h.task.id))!;
    await engine.crash(before.container_id!);
    const changes = await reconcilePreviews(
      { state, previews, clock: systemClock },
      {
        restart: {
          worktreeOf: (taskId) => join(h.runtime.config.paths.worktrees, taskId),
          projectSlugOf: async () => h.slug,
          timeoutMs: 15_000,
          detached: false,
          maxRestarts: 3,
        },
      },
    );
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['restarted'],
    );
    const after = (await state.getPreviewByTask(h.task.id))!;
    assert.notEqual(after.container_id, before.container_id);
    assert.equal(engine.containers.has(before.container_id!), false, 'the dead container was removed');
    assert.equal(engine.containers.get(after.container_id!)?.State.Running, true);
    assert.equal((await fetch(`${after.fallback_url}/health`)).status, 200);

    await previews.stop({ pid: null, workingCopy: after.working_copy, containerId: after.container_id });
    assert.equal([...engine.containers.values()].filter((c) => c.Config.Labels['dev.catalyst.preview.task'] === h.task.id).length, 0);
  });

  test('the cleanup pass removes containers no live preview row accounts for (a crash before the row was written)', async () => {
    const { state, previews } = h.runtime.ports;
    // Deploy again, then forget the row: what a crash between starting the containers and recording them leaves.
    await h.run(deployerAgent, { ...approved, event_id: randomUUID() });
    for (const row of await state.listPreviews())
      if (row.task_id === h.task.id) await state.updatePreview(row.id, { status: 'stopped', metadata: { cleaned: true } });
    const ofTask = () => [...engine.containers.values()].filter((c) => c.Config.Labels['dev.catalyst.preview.task'] === h.task.id);
    assert.ok(ofTask().length > 0, 'the containers are still running');
    const changes = await reconcilePreviews({ state, previews, clock: systemClock }, { cleanup: true });
    assert.deepEqual(
      changes.filter((c) => c.taskId === h.task.id).map((c) => c.kind),
      ['cleaned'],
    );
    assert.equal(ofTask().length, 0, 'no container of the task is left');
  });
});
