/**
 * Event-driven recovery on RabbitMQ + PostgreSQL, with small agents: a task whose next event was lost on
 * the way (its process stopped after the planner's step committed and the event went out, and the broker
 * then lost it: a purged queue here) has nobody working on it. The sweep of the next process that runs
 * the relay claims it and republishes its unconsumed event, and so does `resume` for a task named; each
 * task then completes with every step once.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { connect } from 'amqplib';
import { loadConfig } from '../../src/config/index.ts';
import { resumeOf } from '../../src/contracts/records.ts';
import type { AgentDefinition } from '../../src/core/agent.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { RABBITMQ_URL } from '../support/rabbitmq.ts';
import { eventDrivenInfra } from './workers.ts';
import { planCreatedDraft } from '../support/stub-events.ts';

const infra = await eventDrivenInfra('sweep');
after(() => infra.cleanup());

const calls = { planner: 0, deployer: 0 };

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

const deployer: AgentDefinition = {
  id: 'deployer',
  description: 'test deployer',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['deploy.complete'],
  async handle() {
    calls.deployer++;
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

const config = loadConfig({
  env: { PATH: process.env.PATH, HOME: process.env.HOME },
  cwd: infra.dir,
  overrides: { 'logging.level': 'silent', 'orchestration.recovery.lease_seconds': 1, 'orchestration.recovery.sweep_interval_seconds': 1 },
});

function open(opts: { consumeFor: AgentDefinition[]; resumeOwnerless: boolean }): Promise<Runtime> {
  return createRuntime(config, { mode: 'event_driven', detachedPreviews: false, agents: [planner, deployer], runRelay: true, ...opts });
}

/** Tasks planned by a process that then stopped, their plan.created lost from the deployer's queue. */
async function strandedTasks(count: number): Promise<string[]> {
  const rt = await open({ consumeFor: [planner], resumeOwnerless: false });
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i++) ids.push((await rt.submitBuild({ prompt: `build a todo app ${i}` })).id);
    for (const id of ids) {
      while (
        !(await rt.ports.state.listEvents(id)).some((e) => e.event_type === 'plan.created') ||
        (await rt.ports.state.countUnsentOutbox()) > 0
      )
        await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await rt.close();
  }
  const broker = await connect(RABBITMQ_URL);
  try {
    const channel = await broker.createChannel();
    const purged = await channel.purgeQueue(`${infra.prefix}deployer-queue`);
    assert.equal(purged.messageCount, count, 'each plan.created was in the queue, and is gone');
  } finally {
    await broker.close();
  }
  return ids;
}

test(
  'the sweep republishes the unconsumed event of a task nobody works on, and `resume` does for one task',
  { timeout: 120_000 },
  async () => {
    const [swept, named] = await strandedTasks(2);
    calls.planner = calls.deployer = 0;

    const resumer = await open({ consumeFor: [planner, deployer], resumeOwnerless: false });
    try {
      await resumer.engine.resume(named!);
      const done = await resumer.engine.waitFor(named!);
      assert.equal(done.status, 'completed', `${done.status}: ${done.error}`);
      assert.deepEqual(calls, { planner: 0, deployer: 1 }, 'only the lost step ran');
    } finally {
      await resumer.close();
    }

    const rt = await open({ consumeFor: [planner, deployer], resumeOwnerless: true });
    try {
      const done = await rt.engine.waitFor(swept!);
      assert.equal(done.status, 'completed', `${done.status}: ${done.error}`);
      assert.equal(resumeOf(done)?.count, 1);
      assert.deepEqual(calls, { planner: 0, deployer: 2 });
      assert.deepEqual(
        (await rt.ports.state.listEvents(swept!)).map((e) => e.event_type),
        ['task.initiated', 'plan.created', 'deploy.complete'],
        'each event once',
      );
      assert.deepEqual((await rt.ports.state.listInbox(swept!)).map((e) => [e.consumer, e.status, e.attempts]).sort(), [
        ['deployer', 'processed', 1],
        ['planner', 'processed', 1],
      ]);
    } finally {
      await rt.close();
    }
  },
);
