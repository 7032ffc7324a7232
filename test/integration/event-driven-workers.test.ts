/**
 * Spec §12.2 test 3 on real infrastructure: two `catalyst worker` processes consume over RabbitMQ with
 * state in PostgreSQL; a third process (the submitting runtime, relay only) submits three builds at
 * once. Each completes with its own live preview; the builds were in flight at the same time.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { stopPreview } from '../../src/preview/preview-control.ts';
import { createRuntime } from '../../src/runtime.ts';
import { eventDrivenInfra, startWorkerProcess, type WorkerProcess } from './workers.ts';

const infra = await eventDrivenInfra('workers');
const workers: WorkerProcess[] = [];
after(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await infra.cleanup();
});

test('two worker processes complete three concurrent builds, each with its own preview', { timeout: 600_000 }, async () => {
  // Planner+architect in one worker, everything in the other: a subset and the default both consume.
  workers.push(await startWorkerProcess(infra.dir, ['--agents', 'planner,architect']));
  workers.push(await startWorkerProcess(infra.dir));
  const submitter = await createRuntime(infra.config, { mode: 'event_driven', detachedPreviews: true, consumeFor: [], runRelay: true });
  const taskIds: string[] = [];
  try {
    assert.equal(submitter.ports.bus?.kind, 'rabbitmq');
    assert.equal(submitter.ports.state.kind, 'postgres');
    const prompts = ['build a todo app with user auth', 'build a notes app with user auth', 'build a bookmarks app with user auth'];
    const submitted = await Promise.all(prompts.map((prompt, i) => submitter.submitBuild({ prompt, project_name: `parallel-${i}` })));
    taskIds.push(...submitted.map((t) => t.id));
    const finished = await Promise.all(taskIds.map((id) => submitter.engine.waitFor(id)));

    for (const task of finished) assert.equal(task.status, 'completed', `task ${task.id} failed in ${task.current_phase}: ${task.error}`);
    const previews = await Promise.all(taskIds.map((id) => submitter.ports.state.getPreviewByTask(id)));
    const urls = previews.map((p) => p?.url);
    assert.equal(new Set(urls).size, 3, 'three distinct previews');
    for (const p of previews) {
      assert.equal(p?.status, 'healthy');
      const health = await fetch(`${p!.url}/health`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(health.status, 200);
    }
    // In parallel: every task's [submitted, completed] window overlaps another task's window.
    const windows = finished.map((t) => [Date.parse(t.created_at), Date.parse(t.completed_at ?? t.updated_at)] as const);
    for (const [i, [start, end]] of windows.entries()) {
      assert.ok(
        windows.some(([s, e], j) => j !== i && s < end && start < e),
        `task ${i} ran alongside another`,
      );
    }
    // Every event was handled once per consumer: no step ran twice.
    for (const id of taskIds) {
      const events = await submitter.ports.state.listEvents(id);
      const types = events.map((e) => e.event_type);
      assert.equal(types.filter((t) => t === 'plan.created').length, 1);
      assert.equal(types.filter((t) => t === 'deploy.complete').length, 1);
    }
  } finally {
    for (const id of taskIds) {
      await stopPreview({ state: submitter.ports.state, previews: submitter.ports.previews, clock: systemClock }, id).catch(
        () => undefined,
      );
    }
    await submitter.close();
    for (const w of workers) assert.equal(await w.stop(), 0, `worker exits cleanly on SIGTERM:\n${w.stderr()}`);
  }
});
