/**
 * The sequential engine's ownership of tasks, over the real embedded store with small agents: a graceful
 * stop hands the task back (not failed) and the next process resumes it from the step in flight; a
 * task whose owner died is claimed by the first sweep after its lease ran out, and the periodic sweep
 * does that on its own; a step that was interrupted on every attempt fails with the reason.
 * (Real processes killed with SIGKILL: test/e2e/durable-kill.test.ts.)
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../config/index.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { parseEvent, type AgentEventOf } from '../contracts/events.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import type { Engine } from './engine.ts';
import { waitForTask } from './wait-for-task.ts';
import { planCreatedDraft } from '../../test/support/stub-events.ts';

const calls = { planner: 0, deployer: 0 };
let deployerHangs = false;
let deployerStarted: () => void = () => undefined;

const planner: AgentDefinition = {
  id: 'planner',
  description: 'test planner',
  consumes: [{ routingKey: 'catalyst.task.initiated' }],
  emits: ['plan.created'],
  async handle() {
    calls.planner++;
    return {
      events: [planCreatedDraft()],
    };
  },
};

/** Hangs (until its step is aborted) while `deployerHangs`, like a long test run. */
const deployer: AgentDefinition = {
  id: 'deployer',
  description: 'test deployer',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['deploy.complete'],
  async handle(_event, ctx) {
    calls.deployer++;
    if (deployerHangs) {
      deployerStarted();
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    }
    return {
      events: [
        {
          event_type: 'deploy.complete',
          payload: {
            status: 'completed',
            preview_url: null,
            fallback_url: null,
            artifacts: { code: 'git://x', tests: 'file://x', review: 'file://x', deployment: 'file://x' },
            main_commit: null,
          },
        },
      ],
    };
  },
};

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-durable-engine-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string, opts: { agents: AgentDefinition[]; resumeOwnerless?: boolean }): Promise<Runtime> {
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      'logging.level': 'silent',
      'orchestration.event_driven.retry_delay_ms': 10,
      'orchestration.recovery.lease_seconds': 1,
      'orchestration.recovery.sweep_interval_seconds': 1,
    },
  });
  return createRuntime(config, {
    mode: 'sequential',
    detachedPreviews: false,
    agents: opts.agents,
    resumeOwnerless: opts.resumeOwnerless ?? false,
  });
}

const sweepOf = (rt: Runtime) => (rt.engine as Engine & { sweep(): Promise<string[]> }).sweep();

/** A task recorded by a process that then went away without running it (it ran no agents). */
async function orphanedTask(dir: string): Promise<string> {
  const rt = await open(dir, { agents: [] });
  try {
    return (await rt.submitBuild({ prompt: 'build a todo app' })).id;
  } finally {
    await rt.close();
  }
}

describe('sequential engine: leases and resume', () => {
  test('a graceful stop hands the running task back; the next process resumes it at the interrupted step, not from scratch', async () => {
    const dir = folder();
    calls.planner = calls.deployer = 0;
    deployerHangs = true;
    const started = new Promise<void>((r) => (deployerStarted = r));
    const first = await open(dir, { agents: [planner, deployer], resumeOwnerless: true });
    const task = await first.submitBuild({ prompt: 'build a todo app' });
    await started;
    await first.close();

    const between = await open(dir, { agents: [] });
    try {
      const row = await between.ports.state.getTask(task.id);
      assert.equal(row?.status, 'running', `handed back, not failed: ${row?.error}`);
      assert.equal(row?.error, null);
      const ownerless = (await between.ports.state.listOwnerlessTasks()).find((o) => o.task.id === task.id);
      assert.equal(ownerless?.last_owner, null, 'released at once, not left to a lease running out');
    } finally {
      await between.close();
    }

    deployerHangs = false;
    const second = await open(dir, { agents: [planner, deployer], resumeOwnerless: true });
    try {
      const done = await second.engine.waitFor(task.id);
      assert.equal(done.status, 'completed', `${done.status}: ${done.error}`);
      assert.equal((done.metadata.resume as { count: number }).count, 1);
      assert.deepEqual(
        (await second.ports.state.listEvents(task.id)).map((e) => e.event_type),
        ['task.initiated', 'plan.created', 'deploy.complete'],
        'each event once, in order',
      );
      assert.deepEqual(calls, { planner: 1, deployer: 2 }, 'the committed planner step was not redone; the interrupted deployer ran again');
      const plan = (await second.ports.state.listEvents(task.id))[1];
      // The interrupted attempt was a stop, not a failure: the deployer's count shows only the run that finished.
      assert.equal((await second.ports.state.beginAttempt('deployer', plan!.event_id, task.id)).status, 'processed');
    } finally {
      await second.close();
    }
  });

  test("a dead owner's task is claimed by the first sweep after its lease runs out, and completes", async () => {
    const dir = folder();
    const id = await orphanedTask(dir);
    const rt = await open(dir, { agents: [planner, deployer] });
    try {
      // An owner that will never renew: a process that died holding the task.
      assert.ok(await rt.ports.state.claimTask(id, { owner: 'dead-process', leaseMs: 1000 }));
      assert.deepEqual(await sweepOf(rt), [], 'not taken while its lease runs');
      while (!(await rt.ports.state.listOwnerlessTasks()).some((o) => o.task.id === id)) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(await sweepOf(rt), [id], 'the next sweep takes it');
      const done = await rt.engine.waitFor(id);
      assert.equal(done.status, 'completed');
      assert.deepEqual(done.metadata.resume, { ...(done.metadata.resume as object), count: 1, previous_owner: 'dead-process' });
    } finally {
      await rt.close();
    }
  });

  test('a running process takes over a task whose owner dies while it runs, by its periodic sweep', async () => {
    const dir = folder();
    const template = await orphanedTask(dir);
    const rt = await open(dir, { agents: [planner, deployer], resumeOwnerless: true });
    try {
      // Its start-up sweep took the orphan; now another process records a task and dies holding it.
      await rt.engine.waitFor(template);
      const { state } = rt.ports;
      const [first] = await state.listEvents(template);
      const original = parseEvent(first!.envelope) as AgentEventOf<'task.initiated'>;
      const task = (await state.getTask(template))!;
      const project = { id: randomUUID(), name: 'Orphan', slug: `orphan-${randomUUID().slice(0, 8)}`, description: null, repo_path: null };
      const ids = { id: randomUUID(), trace_id: randomUUID() };
      const initiated = {
        ...original,
        event_id: randomUUID(),
        ...ids,
        task_id: ids.id,
        payload: { ...original.payload, project_id: project.id },
      };
      await state.createTask({
        project,
        task: { ...ids, project_id: project.id, user_prompt: task.user_prompt, mode: 'sequential' },
        event: { ...initiated, trace_id: ids.trace_id },
        publish: false,
        owner: { owner: 'dead-process', leaseMs: 1000 },
      });
      const done = await waitForTask(state, rt.feed, ids.id);
      assert.equal(done.status, 'completed', `${done.status}: ${done.error}`);
      assert.equal((done.metadata.resume as { previous_owner: string }).previous_owner, 'dead-process');
    } finally {
      await rt.close();
    }
  });

  test('reopening an embedded folder ends the leases of the process that held it before (the folder lock proves it gone)', async () => {
    const dir = folder();
    const id = await orphanedTask(dir);
    const setup = await open(dir, { agents: [] });
    await setup.ports.state.claimTask(id, { owner: 'killed-process', leaseMs: 3_600_000 });
    await setup.close();
    const rt = await open(dir, { agents: [] });
    try {
      const ownerless = (await rt.ports.state.listOwnerlessTasks()).find((o) => o.task.id === id);
      assert.equal(ownerless?.last_owner, 'killed-process', 'resumable at once, not in an hour');
    } finally {
      await rt.close();
    }
  });

  test('a step whose process died during each of its 3 attempts fails with that reason, without a 4th run', async () => {
    const dir = folder();
    const id = await orphanedTask(dir);
    calls.planner = 0;
    const setup = await open(dir, { agents: [] });
    try {
      const [initiated] = await setup.ports.state.listEvents(id);
      // Three owners each began the planner's step and died before it ended.
      for (let i = 0; i < 3; i++) await setup.ports.state.beginAttempt('planner', initiated!.event_id, id);
    } finally {
      await setup.close();
    }
    const rt = await open(dir, { agents: [planner, deployer], resumeOwnerless: true });
    try {
      const done = await rt.engine.waitFor(id);
      assert.equal(done.status, 'failed');
      assert.equal(done.error, 'planner failed after 3 attempt(s): the process running it stopped during each of its 3 attempts');
      assert.equal(calls.planner, 0, 'not run a 4th time');
    } finally {
      await rt.close();
    }
  });
});
