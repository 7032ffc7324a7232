/**
 * Crash recovery on real infrastructure (RabbitMQ + PostgreSQL): one build runs through a chain of
 * `catalyst worker` processes, each of which SIGKILLs itself at one point of one agent's step
 * (crashing-worker.ts), for every agent: once at the end of the handler before its step commits
 * (effects outside the database exist, the commit does not) and once right after the commit, before
 * the ack. Each time the unacked message goes back to its queue and the next worker resumes from the
 * last committed event. The task must complete with no duplicate effects: every `Catalyst-Event`
 * trailer once in the repo, every stage event once, every inbox entry processed once, one preview.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { PIPELINE_AGENTS } from '../../src/agents/index.ts';
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

/** Every agent, at both boundaries of its step, in pipeline order: one worker process dies at each. */
const CRASH_POINTS = PIPELINE_AGENTS.flatMap((agent) => [`${agent.id}:before-commit`, `${agent.id}:after-commit`]);

/**
 * Where the build stands, for a timeout's message: the queues (ready/unacked/consumers, from the
 * broker), the task's inbox rows and the unsent outbox. A stall then says which hand-over stopped.
 */
async function whereThingsStand(taskId: string): Promise<string> {
  const lines: string[] = [];
  try {
    const { execFileSync } = await import('node:child_process');
    const queues = execFileSync(
      'rabbitmqctl',
      ['-q', '--no-table-headers', 'list_queues', 'name', 'messages_ready', 'messages_unacknowledged', 'consumers'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    lines.push('queues (name ready unacked consumers):', ...queues.split('\n').filter((l) => l.startsWith(infra.prefix)));
  } catch (e) {
    lines.push(`queues: unavailable (${String(e)})`);
  }
  const db = new pg.Client({ connectionString: infra.postgresUrl });
  try {
    await db.connect();
    const inbox = await db.query(
      'select consumer, event_id, status, attempts, last_error from inbox where task_id = $1 order by updated_at',
      [taskId],
    );
    lines.push('inbox:', ...inbox.rows.map((r) => JSON.stringify(r)));
    const outbox = await db.query('select routing_key, claimed_at, attempts from outbox where sent_at is null');
    lines.push(`unsent outbox rows: ${outbox.rows.map((r) => JSON.stringify(r)).join(', ') || 'none'}`);
    const task = await db.query('select status, current_phase, error from tasks where id = $1', [taskId]);
    lines.push(`task: ${JSON.stringify(task.rows[0] ?? null)}`);
  } catch (e) {
    lines.push(`state: unavailable (${String(e)})`);
  } finally {
    await db.end().catch(() => undefined);
  }
  return lines.join('\n');
}

async function within<T>(p: Promise<T>, ms: number, what: () => string, taskId: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)));
  try {
    return await Promise.race([p, timeout]);
  } catch (e) {
    if (e instanceof Error && e.message === 'timeout')
      throw new Error(`timed out after ${ms} ms: ${what()}\n${await whereThingsStand(taskId)}`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

test(
  `kill -9 a worker before and after each agent's step commits (${CRASH_POINTS.length} kills): the task completes with no duplicate effects`,
  { timeout: 900_000 },
  async () => {
    assert.deepEqual(
      PIPELINE_AGENTS.map((a) => a.id),
      ['planner', 'architect', 'coder', 'tester', 'reviewer', 'deployer'],
    );
    const submitter = await createRuntime(infra.config, { mode: 'event_driven', detachedPreviews: true, consumeFor: [], runRelay: true });
    let taskId = '';
    try {
      // One build for every crash point: each worker serves the pipeline until its own crash point.
      workers.push(await startWorkerProcess(infra.dir, [], { crashAt: CRASH_POINTS[0] }));
      const task = await submitter.submitBuild({ prompt: 'build a todo app with user auth', project_name: 'crash' });
      taskId = task.id;
      for (const [i, point] of CRASH_POINTS.entries()) {
        if (i > 0) workers.push(await startWorkerProcess(infra.dir, [], { crashAt: point }));
        const victim = workers.at(-1)!;
        const exit = await within(victim.exited, 240_000, () => `worker to die at ${point}\n${victim.stderr()}`, taskId);
        assert.equal(exit, 'SIGKILL', `the worker for ${point} was killed at its crash point, not by something else:\n${victim.stderr()}`);
      }
      workers.push(await startWorkerProcess(infra.dir));
      const finished = await submitter.engine.waitFor(task.id);
      assert.equal(finished.status, 'completed', `failed in ${finished.current_phase}: ${finished.error}`);

      const types = (await submitter.ports.state.listEvents(task.id)).map((e) => e.event_type);
      for (const t of ['plan.created', 'architecture.proposed', 'code.pr.opened', 'test.results', 'review.decision', 'deploy.complete']) {
        assert.equal(types.filter((x) => x === t).length, 1, `exactly one ${t} in ${types.join(', ')}`);
      }

      const repo = submitter.ports.git.repoPath('crash');
      const trailers = git(repo, 'log', '--all', '--format=%(trailers:key=Catalyst-Event,valueonly)')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      assert.ok(trailers.length >= 2, 'the agents committed with event trailers');
      assert.equal(new Set(trailers).size, trailers.length, `no event committed twice: ${trailers.join(', ')}`);

      const db = new pg.Client({ connectionString: infra.postgresUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ consumer: string; event_id: string; status: string; attempts: number }>(
          'select consumer, event_id, status, attempts from inbox where task_id = $1 order by consumer',
          [task.id],
        );
        assert.deepEqual(
          [...new Set(rows.map((r) => r.consumer))].sort(),
          PIPELINE_AGENTS.map((a) => a.id).sort(),
          'every agent handled the task',
        );
        for (const r of rows) assert.equal(r.status, 'processed', `${r.consumer} handled ${r.event_id} once and recorded it`);
        // Each agent's own event was delivered three times (crash before commit, crash after, then the
        // duplicate the inbox absorbed): attempts are counted durably across processes.
        for (const agent of PIPELINE_AGENTS) {
          const own = rows.filter((r) => r.consumer === agent.id);
          assert.equal(own.length, 1, `${agent.id} handled one event for the task`);
          assert.equal(own[0]!.attempts, 3, `${agent.id}'s event was delivered three times`);
        }
      } finally {
        await db.end();
      }

      const previews = (await submitter.ports.state.listPreviews()).filter((p) => p.task_id === task.id);
      assert.equal(
        previews.length,
        1,
        `one preview for the task, reused after the deployer's crash: ${previews.map((p) => `${p.id} ${p.status}`).join(', ')}`,
      );
      assert.equal(previews[0]!.status, 'healthy', 'the reused preview is up');
    } finally {
      if (taskId)
        await stopPreview({ state: submitter.ports.state, previews: submitter.ports.previews, clock: systemClock }, taskId).catch(
          () => undefined,
        );
      await submitter.close();
    }
  },
);
