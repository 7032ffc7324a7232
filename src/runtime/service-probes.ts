/**
 * One short connection to each configured service, for `catalyst doctor`: does it answer, and with
 * which version. Each probe gives up after a few seconds; none leaves a connection open.
 */
import { connect as connectAmqp } from 'amqplib';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import pg from 'pg';

const PROBE_TIMEOUT_MS = 3_000;

export type ProbeResult = { ok: true; version: string } | { ok: false; reason: string };

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS / 1000} s`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function probe(what: string, run: () => Promise<string>): Promise<ProbeResult> {
  try {
    return { ok: true, version: await withTimeout(run(), what) };
  } catch (e) {
    // fetch and some clients put the useful part (ECONNREFUSED 127.0.0.1:6333) in the cause.
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return { ok: false, reason: e instanceof Error ? `${e.message || e.constructor.name}${cause}` : String(e) };
  }
}

export function probePostgres(url: string): Promise<ProbeResult> {
  return probe('PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      return `PostgreSQL ${rows[0]?.server_version ?? '?'}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}

export function probeRabbitMq(url: string): Promise<ProbeResult> {
  return probe('RabbitMQ', async () => {
    const model = await connectAmqp(url, { timeout: PROBE_TIMEOUT_MS });
    try {
      const props = (model.connection as unknown as { serverProperties?: { product?: string; version?: string } }).serverProperties;
      return `${props?.product ?? 'AMQP broker'} ${props?.version ?? '?'}`;
    } finally {
      await model.close().catch(() => undefined);
    }
  });
}

export function probeRedis(url: string): Promise<ProbeResult> {
  return probe('Redis', async () => {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: PROBE_TIMEOUT_MS,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const info = await client.info('server');
      return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
    } finally {
      client.disconnect();
    }
  });
}

export function probeMongo(url: string): Promise<ProbeResult> {
  return probe('MongoDB', async () => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: PROBE_TIMEOUT_MS, connectTimeoutMS: PROBE_TIMEOUT_MS });
    try {
      await client.connect();
      const info = await client.db('admin').command({ buildInfo: 1 });
      return `MongoDB ${String(info.version ?? '?')}`;
    } finally {
      await client.close().catch(() => undefined);
    }
  });
}

export function probeQdrant(url: string): Promise<ProbeResult> {
  return probe('Qdrant', async () => {
    const res = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    const body = (await res.json()) as { title?: string; version?: string };
    return `${body.title ?? 'Qdrant'} ${body.version ?? '?'}`;
  });
}
