/**
 * Fault tests on the real broker and database (loopback only, bounded):
 * - 1,000 tasks = 2,000 events through outbox → relay → RabbitMQ → two consumer stages that commit
 *   through the inbox, while the broker force-closes our connections three times: every event is
 *   handled, none is lost, no effect is committed twice.
 * - a poison message is tried exactly 3 times (counted in PostgreSQL), then lands in `failed-events`
 *   with the reason, and the task is failed with that reason.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { openRabbitBus } from '../../src/adapters/bus/rabbitmq/rabbitmq-bus.ts';
import { openStateStore } from '../../src/adapters/state/index.ts';
import { createEvent, type AgentEvent } from '../../src/contracts/events.ts';
import type { Logger } from '../../src/core/logger.ts';
import { createOutboxRelay } from '../../src/orchestrator/outbox-relay.ts';
import { freshDatabase } from '../support/postgres.ts';
import { plannerAgent } from '../../src/agents/planner/planner-agent.ts';
import type { AgentDefinition } from '../../src/core/agent.ts';
import { AppError } from '../../src/core/errors.ts';
import { createRuntime } from '../../src/runtime.ts';
import { eventDrivenInfra } from './workers.ts';
import { RABBITMQ_URL, closeConnectionsNamed, deleteByPrefix, testPrefix } from '../support/rabbitmq.ts';

const db = await freshDatabase('faults');
const prefix = testPrefix('faults');
after(async () => {
  await deleteByPrefix(prefix);
  await db.drop();
});

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function envelope(taskId: string, traceId: string, causation: string | null) {
  return {
    event_id: randomUUID(),
    trace_id: traceId,
    task_id: taskId,
    actor: 'orchestrator' as const,
    repo: 'faults',
    branch: 'main',
    causation_id: causation,
    timestamp: new Date().toISOString(),
  };
}

function initiated(taskId: string, traceId: string, projectId: string): AgentEvent {
  return createEvent(
    {
      event_type: 'task.initiated',
      payload: {
        project_id: projectId,
        project_name: 'Faults',
        project_slug: 'faults',
        requirements: 'load',
        mode: 'event_driven',
        seed: 0,
        next_agent: 'planner',
      },
    },
    envelope(taskId, traceId, null),
  );
}

async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test(
  'three forced connection closes during 2,000 events through outbox and bus: each handled once, none lost',
  { timeout: 300_000 },
  async () => {
    const TASKS = 1000;
    const state = await openStateStore({ kind: 'postgres', url: db.url, poolSize: 8 });
    const name = `faults-load ${prefix}`;
    const bus = await openRabbitBus({
      url: RABBITMQ_URL,
      prefix,
      connectionName: name,
      maxDeliveries: 3,
      retryDelayMs: 50,
      reconnectMinMs: 50,
      reconnectMaxMs: 500,
    });
    const relay = createOutboxRelay({ state, bus, logger: quiet, pollMs: 50, staleClaimMs: 2_000 });
    const committed = { stage1: 0, stage2: 0 };
    const duplicates = { stage1: 0, stage2: 0 };
    let hold: Promise<void> | null = null;
    try {
      await bus.declare([
        { name: 'stage1', bindings: [{ routingKey: 'catalyst.task.initiated' }] },
        { name: 'stage2', bindings: [{ routingKey: 'catalyst.task.progress' }] },
      ]);
      const projectId = randomUUID();
      const project = { id: projectId, name: 'Faults', slug: 'faults', description: null, repo_path: null };
      const taskIds: string[] = [];
      for (let i = 0; i < TASKS; i++) {
        const id = randomUUID();
        const trace = randomUUID();
        taskIds.push(id);
        await state.createTask({
          project,
          task: { id, project_id: projectId, trace_id: trace, user_prompt: 'load', mode: 'event_driven' },
          event: initiated(id, trace, projectId),
          publish: true,
        });
      }
      assert.equal(await state.countUnsentOutbox(), TASKS);

      // Stage 1 turns task.initiated into task.progress (through the outbox); stage 2 only records.
      const stage = (consumer: 'stage1' | 'stage2') => async (d: { event: AgentEvent }) => {
        const attempt = await state.beginAttempt(consumer, d.event.event_id, d.event.task_id);
        if (attempt.status === 'processed') {
          duplicates[consumer] += 1;
          return { outcome: 'ack' as const };
        }
        const events =
          consumer === 'stage1'
            ? [
                createEvent(
                  {
                    event_type: 'task.progress',
                    payload: { phase: 'planning', progress: 0.5, files_created: 0, total_estimated_files: 0, message: 'stage 1 done' },
                  },
                  envelope(d.event.task_id, d.event.trace_id, d.event.event_id),
                ),
              ]
            : [];
        const result = await state.commitStep({
          consumer,
          inbound_event_id: d.event.event_id,
          task_id: d.event.task_id,
          events,
          task_patch: {},
          publish: consumer === 'stage1',
        });
        if (result === 'committed') committed[consumer] += 1;
        else duplicates[consumer] += 1;
        if (consumer === 'stage1') relay.kick();
        // While the test closes the connection, handlers hold their committed-but-unacked messages, so
        // the close always catches deliveries in flight; their acks are lost and the broker redelivers.
        if (hold) await hold;
        return { outcome: 'ack' as const };
      };
      await bus.consume('stage1', stage('stage1'), { prefetch: 10 });
      await bus.consume('stage2', stage('stage2'), { prefetch: 10 });
      relay.start();

      const closedAt: number[] = [];
      for (const fraction of [0.1, 0.35, 0.6]) {
        await waitUntil(() => committed.stage2 >= TASKS * fraction, `stage 2 passes ${fraction * 100}%`);
        let release: () => void = () => undefined;
        hold = new Promise<void>((r) => (release = r));
        const closed = await closeConnectionsNamed(name);
        closedAt.push(committed.stage2);
        hold = null;
        release();
        assert.ok(closed >= 1, 'the broker closed our connection');
      }
      await waitUntil(() => committed.stage2 === TASKS && committed.stage1 === TASKS, 'every event is handled');
      await waitUntil(async () => (await state.countUnsentOutbox()) === 0, 'the outbox is drained');

      assert.ok(
        closedAt.every((n) => n < TASKS),
        `every close happened mid-run (at ${closedAt.join(', ')} of ${TASKS})`,
      );
      assert.ok(bus.connectionCount() >= 4, `the bus reconnected after each close (connections: ${bus.connectionCount()})`);
      const perTask = new Map<string, string[]>();
      for (const e of await state.listEventsAfter(0, TASKS * 3))
        perTask.set(e.task_id ?? '', [...(perTask.get(e.task_id ?? '') ?? []), e.event_type]);
      for (const id of taskIds)
        assert.deepEqual(perTask.get(id), ['task.initiated', 'task.progress'], `task ${id}: one initiated, one progress`);
      assert.deepEqual(committed, { stage1: TASKS, stage2: TASKS });
      assert.equal((await bus.deadLetters()).length, 0, 'nothing dead-lettered');
      // Redeliveries after the closes are expected; the inbox absorbed them.
      process.stdout.write(
        `# forced closes at stage-2 counts ${closedAt.join(', ')}; redeliveries absorbed by the inbox: ${JSON.stringify(duplicates)}\n`,
      );
    } finally {
      await relay.stop();
      await bus.close();
      await state.close();
    }
  },
);

test(
  'a poison message is tried exactly 3 times, then lands in failed-events with the reason; the task fails with it',
  { timeout: 120_000 },
  async () => {
    const infra = await eventDrivenInfra('poison');
    const attempts: number[] = [];
    // A planner whose model endpoint is down for good: a retryable error on every attempt.
    const poisonPlanner: AgentDefinition = {
      ...plannerAgent,
      async handle(_event, ctx) {
        attempts.push(ctx.attempt);
        throw new AppError('service_unavailable', 'model endpoint refused the request', { retryable: true });
      },
    };
    const runtime = await createRuntime(infra.config, {
      mode: 'event_driven',
      detachedPreviews: false,
      agents: [poisonPlanner],
      runRelay: true,
    });
    try {
      assert.equal(runtime.ports.bus?.kind, 'rabbitmq');
      const task = await runtime.submitBuild({ prompt: 'build a todo app with user auth', project_name: 'poison' });
      const finished = await runtime.engine.waitFor(task.id);
      assert.equal(finished.status, 'failed');
      assert.match(finished.error ?? '', /planner failed after 3 attempt\(s\): model endpoint refused the request/);
      assert.deepEqual(attempts, [1, 2, 3]);
      // The task is failed in the same step that dead-letters the message; the bus moves it just after.
      let dead: Awaited<ReturnType<NonNullable<typeof runtime.ports.bus>['deadLetters']>> = [];
      await waitUntil(
        async () => (dead = (await runtime.ports.bus!.deadLetters()).filter((d) => d.event.task_id === task.id)).length > 0,
        'the dead letter reaches failed-events',
        10_000,
      );
      assert.equal(dead.length, 1, 'one dead letter in failed-events');
      assert.equal(dead[0]!.queue, 'planner-queue');
      assert.equal(dead[0]!.event.event_type, 'task.initiated');
      assert.match(dead[0]!.reason, /planner failed after 3 attempt\(s\)/);
      const types = (await runtime.ports.state.listEvents(task.id)).map((e) => e.event_type);
      assert.deepEqual(types, ['task.initiated', 'task.failed']);
    } finally {
      await runtime.close();
      await infra.cleanup();
    }
  },
);
