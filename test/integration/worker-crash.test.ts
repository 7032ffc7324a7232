/**
 * Crash recovery on real infrastructure: a `catalyst worker` is killed with SIGKILL twice while a build
 * is mid-pipeline (coder, then tester, running). The unacked message goes back to its queue; a restarted
 * worker resumes from the last committed event, and the repo has no duplicate commits (every
 * `Catalyst-Event` trailer appears once) and the audit trail no duplicate stage events.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { stopPreview } from '../../src/preview/preview-control.ts';
import { createRuntime } from '../../src/runtime.ts';
import { git } from '../e2e/helpers.ts';
import { eventDrivenInfra, startWorkerProcess, type WorkerProcess } from './workers.ts';

const infra = await eventDrivenInfra('crash');
const workers: WorkerProcess[] = [];
after(async () => {
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await infra.cleanup();
});

test('kill -9 a worker at two stage boundaries: the task completes after restarts with no duplicate effects', { timeout: 600_000 }, async () => {
  const submitter = await createRuntime(infra.config, { mode: 'event_driven', detachedPreviews: true, consumeFor: [], runRelay: true });
  let taskId = '';
  try {
    workers.push(await startWorkerProcess(infra.dir));
    const task = await submitter.submitBuild({ prompt: 'build a todo app with user auth', project_name: 'crash' });
    taskId = task.id;
    const seen = async (type: string) => (await submitter.ports.state.listEvents(task.id)).some((e) => e.event_type === type);
    const waitFor = async (type: string) => {
      const deadline = Date.now() + 240_000;
      while (!(await seen(type))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${type}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    let kills = 0;
    for (const boundary of ['architecture.proposed', 'code.pr.opened']) {
      await waitFor(boundary);
      const victim = workers.at(-1)!;
      assert.equal(await victim.stop('SIGKILL'), 'SIGKILL');
      kills += 1;
      workers.push(await startWorkerProcess(infra.dir));
    }
    assert.equal(kills, 2);
    const finished = await submitter.engine.waitFor(task.id);
    assert.equal(finished.status, 'completed', `failed in ${finished.current_phase}: ${finished.error}`);

    const types = (await submitter.ports.state.listEvents(task.id)).map((e) => e.event_type);
    for (const t of ['plan.created', 'architecture.proposed', 'code.pr.opened', 'test.results', 'review.decision', 'deploy.complete']) {
      assert.equal(types.filter((x) => x === t).length, 1, `exactly one ${t}`);
    }
    const repo = submitter.ports.git.repoPath('crash');
    const trailers = git(repo, 'log', '--all', '--format=%(trailers:key=Catalyst-Event,valueonly)')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    assert.ok(trailers.length >= 2, 'the agents committed with event trailers');
    assert.equal(new Set(trailers).size, trailers.length, `no event committed twice: ${trailers.join(', ')}`);
  } finally {
    if (taskId) await stopPreview({ state: submitter.ports.state, previews: submitter.ports.previews, clock: systemClock }, taskId).catch(() => undefined);
    await submitter.close();
  }
});
