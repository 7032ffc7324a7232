/**
 * `npm run bench:bus [-- --events N --window W]`: the event bus under load, in-process beside the real
 * RabbitMQ (RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672) in the same run:
 *   1. latency   — one event at a time (publish with confirm, then the next): p50/p99 publish→handler;
 *   2. bus       — W publishes in flight with confirms: events/s from first publish to last handled;
 *   3. outbox    — N committed outbox rows (PostgreSQL, a scratch database) relayed by the outbox relay
 *                  and consumed through the inbox (beginAttempt + commitStep): events/s end to end.
 * Figures only; nothing here asserts timings. Queues, exchanges and the database are removed afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createInProcessBus } from '../src/adapters/bus/in-process/in-process-bus.ts';
import { openRabbitBus } from '../src/adapters/bus/rabbitmq/rabbitmq-bus.ts';
import { openStateStore } from '../src/adapters/state/index.ts';
import { createEvent, type AgentEvent } from '../src/contracts/events.ts';
import type { Logger } from '../src/core/logger.ts';
import type { EventBus } from '../src/core/ports/event-bus.ts';
import { createOutboxRelay } from '../src/orchestrator/outbox-relay.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    window: { type: 'string', default: '64' },
    latency: { type: 'string', default: '1000' },
  },
});
const N = Number(values.events);
const WINDOW = Number(values.window);
const LATENCY_N = Number(values.latency);
const RABBITMQ_URL = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
const PG_SERVER = process.env.CATALYST_BENCH_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432';
const prefix = `bench-${randomBytes(4).toString('hex')}.`;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

function progressEvent(taskId = randomUUID()): AgentEvent {
  return createEvent(
    {
      event_type: 'task.progress',
      payload: { phase: 'coding', progress: 0.5, files_created: 0, total_estimated_files: 0, message: 'bench' },
    },
    {
      event_id: randomUUID(),
      trace_id: randomUUID(),
      task_id: taskId,
      actor: 'orchestrator',
      repo: 'bench',
      branch: 'main',
      causation_id: null,
      timestamp: new Date().toISOString(),
    },
  );
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measureBus(bus: EventBus, label: string): Promise<Record<string, string>> {
  const queue = `bench-${label}-${randomBytes(3).toString('hex')}`;
  await bus.declare([{ name: queue, bindings: [{ routingKey: 'catalyst.task.progress' }] }]);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let handled = 0;
  let onHandled: () => void = () => undefined;
  await bus.consume(
    queue,
    async (d) => {
      const t0 = sentAt.get(d.event.event_id);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
      handled += 1;
      onHandled();
      return { outcome: 'ack' };
    },
    { prefetch: 100 },
  );
  const until = (n: number) =>
    new Promise<void>((r) => {
      onHandled = () => handled >= n && r();
      if (handled >= n) r();
    });

  // 1. latency, one at a time
  for (let i = 0; i < LATENCY_N; i++) {
    const e = progressEvent();
    sentAt.set(e.event_id, performance.now());
    await bus.publish(e);
    await until(i + 1);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  // 2. throughput with W publishes in flight
  sentAt.clear();
  handled = 0;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < N) {
        next += 1;
        await bus.publish(progressEvent());
      }
    }),
  );
  await until(N);
  const seconds = (performance.now() - started) / 1000;
  return {
    bus: label,
    'p50 ms': pct(sorted, 50).toFixed(2),
    'p99 ms': pct(sorted, 99).toFixed(2),
    'events/s (bus)': Math.round(N / seconds).toString(),
  };
}

async function measureOutbox(bus: EventBus, label: string, dbUrl: string): Promise<string> {
  // The configured default pool (storage.databases.postgres.pool_size): 50 handlers in flight share it.
  const state = await openStateStore({ kind: 'postgres', url: dbUrl, poolSize: 20 });
  const queue = `outbox-${label}`;
  await bus.declare([{ name: queue, bindings: [{ routingKey: 'catalyst.task.initiated' }] }]);
  const projectId = randomUUID();
  const project = { id: projectId, name: 'Bench', slug: `bench-${label}`, description: null, repo_path: null };
  for (let i = 0; i < N; i++) {
    const id = randomUUID();
    const trace = randomUUID();
    const event = createEvent(
      {
        event_type: 'task.initiated',
        payload: {
          project_id: projectId,
          project_name: 'Bench',
          project_slug: 'bench',
          requirements: 'bench',
          mode: 'event_driven',
          seed: 0,
          next_agent: 'planner',
        },
      },
      {
        event_id: randomUUID(),
        trace_id: trace,
        task_id: id,
        actor: 'orchestrator',
        repo: 'bench',
        branch: 'main',
        causation_id: null,
        timestamp: new Date().toISOString(),
      },
    );
    await state.createTask({
      project,
      task: { id, project_id: projectId, trace_id: trace, user_prompt: 'bench', mode: 'event_driven' },
      event,
      publish: true,
    });
  }
  let handled = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  await bus.consume(
    queue,
    async (d) => {
      const a = await state.beginAttempt(`bench-${label}`, d.event.event_id, d.event.task_id);
      if (a.status !== 'processed') {
        await state.commitStep({
          consumer: `bench-${label}`,
          inbound_event_id: d.event.event_id,
          task_id: d.event.task_id,
          events: [],
          task_patch: {},
          publish: false,
        });
      }
      if (++handled === N) done();
      return { outcome: 'ack' };
    },
    { prefetch: 50 },
  );
  const relay = createOutboxRelay({ state, bus, logger: quiet, pollMs: 20, batchSize: 500 });
  const started = performance.now();
  relay.start();
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await relay.stop();
  await state.close();
  return Math.round(N / seconds).toString();
}

async function maintenance(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const rows: Array<Record<string, string>> = [];
const dbs: string[] = [];
let rabbit: Awaited<ReturnType<typeof openRabbitBus>> | null = null;
try {
  for (const kind of ['in-process', 'rabbitmq'] as const) {
    const bus = kind === 'rabbitmq' ? (rabbit = await openRabbitBus({ url: RABBITMQ_URL, prefix })) : createInProcessBus();
    const row = await measureBus(bus, kind);
    const db = `catalyst_bench_${randomBytes(4).toString('hex')}`;
    dbs.push(db);
    await maintenance(`create database ${db}`);
    row['events/s (outbox+relay+inbox)'] = await measureOutbox(bus, kind, `${PG_SERVER}/${db}`);
    rows.push(row);
    if (kind === 'in-process') await bus.close();
  }
  console.log(`bench:bus — ${N} events per throughput run, ${WINDOW} publishes in flight, ${LATENCY_N} one-at-a-time for latency`);
  console.table(rows);
} finally {
  if (rabbit) {
    const names = rabbit.declaredNames();
    await rabbit.close();
    const { connect } = await import('amqplib');
    const m = await connect(RABBITMQ_URL);
    const ch = await m.createChannel();
    for (const q of names.queues) await ch.deleteQueue(q);
    for (const x of names.exchanges) await ch.deleteExchange(x);
    await m.close();
  }
  for (const db of dbs) await maintenance(`drop database if exists ${db} with (force)`);
}
