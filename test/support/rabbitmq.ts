/**
 * Test helpers for the real broker on 127.0.0.1: a unique name prefix per run and a cleanup that
 * deletes every exchange and queue the run declared, so runs never see each other's messages.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';

export const RABBITMQ_URL = process.env.CATALYST_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export function testPrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}.`;
}

/** Deletes the given queues and exchanges (missing ones are fine). */
export async function deleteTopology(names: { exchanges: Iterable<string>; queues: Iterable<string> }): Promise<void> {
  const model = await connect(RABBITMQ_URL);
  try {
    for (const q of new Set(names.queues)) {
      const ch = await model.createChannel();
      ch.on('error', () => undefined);
      await ch.deleteQueue(q).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
    for (const x of new Set(names.exchanges)) {
      const ch = await model.createChannel();
      ch.on('error', () => undefined);
      await ch.deleteExchange(x).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
  } finally {
    await model.close();
  }
}

/** Deletes every queue and exchange whose name starts with `prefix` (as listed by rabbitmqctl). */
export async function deleteByPrefix(prefix: string): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  const list = (what: 'list_queues' | 'list_exchanges') =>
    execFileSync('rabbitmqctl', ['-q', '--no-table-headers', what, 'name'], { encoding: 'utf8', timeout: 30_000 })
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s.startsWith(prefix));
  await deleteTopology({ queues: list('list_queues'), exchanges: list('list_exchanges') });
}

/**
 * Force-closes, at the broker, the connections whose client-given name contains `nameFragment`
 * (`rabbitmqctl close_connection`, as root), leaving other users of the shared broker alone.
 * Returns how many were closed.
 */
export async function closeConnectionsNamed(nameFragment: string): Promise<number> {
  // Asynchronous on purpose: the process under test keeps handling messages while rabbitmqctl runs.
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const run = async (args: string[]) => (await promisify(execFile)('rabbitmqctl', args, { encoding: 'utf8', timeout: 30_000 })).stdout;
  // Table output, because close_connection wants the `<rabbit@host.…>` pid form the JSON formatter does not print.
  const raw = await run(['-q', '--no-table-headers', 'list_connections', 'pid', 'client_properties']);
  const mine = raw
    .split('\n')
    .filter(
      (line) => line.includes(`"connection_name","${nameFragment}`) || (line.includes('connection_name') && line.includes(nameFragment)),
    )
    .map((line) => line.split('\t')[0]!.trim())
    .filter((pid) => pid.startsWith('<'));
  for (const pid of mine) {
    await run(['-q', 'close_connection', pid, 'catalyst fault test']);
  }
  return mine.length;
}
