/**
 * The environment always counts: with no config file at all, POSTGRES_URL and RABBITMQ_URL move three
 * concurrent `catalyst build --mode event_driven` to the real services. Each completes; its events are
 * rows in PostgreSQL and its messages went through RabbitMQ (a queue of the test's own, bound to the
 * events exchange, sees them).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import pg from 'pg';
import { runCatalyst } from '../e2e/helpers.ts';
import { freshDatabase } from '../support/postgres.ts';
import { RABBITMQ_URL, deleteByPrefix, testPrefix } from '../support/rabbitmq.ts';

const PROMPTS = ['build a todo app', 'build a recipe book with ingredients', 'build a library app with books and authors'];

const dir = mkdtempSync(join(tmpdir(), 'catalyst-env-only-'));
const prefix = testPrefix('envonly');
let db: Awaited<ReturnType<typeof freshDatabase>>;
let broker: ChannelModel;
let channel: Channel;
const seen = new Map<string, number>();
const taskIds: string[] = [];

const env = (): Record<string, string> => ({
  CATALYST_HOME: join(dir, 'home'),
  POSTGRES_URL: db.url,
  RABBITMQ_URL,
  RABBITMQ_PREFIX: prefix,
});

const catalyst = (args: string[], timeoutMs: number) => runCatalyst(dir, args, timeoutMs, env());

before(async () => {
  db = await freshDatabase('envonly');
  broker = await connect(RABBITMQ_URL);
  channel = await broker.createChannel();
  // Declared as the bus declares it, so binding works whichever side comes first.
  const exchange = `${prefix}catalyst.events`;
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, '#');
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return;
      const taskId = (JSON.parse(msg.content.toString()) as { task_id?: string }).task_id ?? '?';
      seen.set(taskId, (seen.get(taskId) ?? 0) + 1);
    },
    { noAck: true },
  );
});

after(async () => {
  for (const id of taskIds) await catalyst(['preview', 'stop', id], 60_000).catch(() => undefined);
  await broker?.close().catch(() => undefined);
  await deleteByPrefix(prefix).catch(() => undefined);
  await db?.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('three event-driven builds at once, configured only by the environment, all complete on PostgreSQL and RabbitMQ', async () => {
  const runs = await Promise.all(PROMPTS.map((p) => catalyst(['build', '--json', '--mode', 'event_driven', p], 600_000)));
  const results = runs.map((r) => {
    assert.equal(r.code, 0, `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`);
    return JSON.parse(r.stdout) as { task_id: string; status: string; project_id: string };
  });
  taskIds.push(...results.map((r) => r.task_id));
  assert.deepEqual(
    results.map((r) => r.status),
    ['completed', 'completed', 'completed'],
  );
  assert.equal(new Set(results.map((r) => r.project_id)).size, 3, 'three requests, three projects');

  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const { task_id } of results) {
      const { rows } = await client.query<{ event_type: string }>('select event_type from agent_events where task_id = $1', [task_id]);
      const types = rows.map((r) => r.event_type);
      assert.ok(types.includes('task.initiated') && types.includes('deploy.complete'), `${task_id}: ${types.join(', ')}`);
      assert.ok((seen.get(task_id) ?? 0) >= 6, `${task_id}: ${seen.get(task_id) ?? 0} messages seen on RabbitMQ`);
    }
  } finally {
    await client.end();
  }
});
