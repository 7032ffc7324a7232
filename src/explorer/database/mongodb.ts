/**
 * MongoDB reader. It only ever reads: listDatabases, listCollections, find().limit() samples,
 * indexes() and estimatedDocumentCount(). A document database has no declared schema, so fields,
 * types and references are inferred from the sample, and the report says so.
 */
import { BSON, MongoClient, MongoServerError, type Document } from 'mongodb';
import type { FieldType } from '../../contracts/artifacts.ts';
import { AppError } from '../../core/errors.ts';
import { LONG_TEXT, nameWords, textKindFromName } from '../field-types.ts';
import { driverError, type ScanBudget } from './budget.ts';
import type { ScannedAccount, ScannedColumn, ScannedDatabase, ScannedForeignKey, ScannedIndex, ScannedTable } from './model.ts';
import type { DatabaseTarget } from './target.ts';

const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);
const MAX_DATABASES = 50;
/** Collection names read per database, to count what maxTables leaves out without listing a hostile million. */
const MAX_LISTED = 20_000;
/** Documents can be up to 16 MB: the sample of one collection stops at this many bytes, whatever its count. */
const SAMPLE_BYTES = 4 * 1024 * 1024;
const SAMPLE_BATCH = 10;
const MAX_FIELDS = 300;
const CONCURRENCY = 4;

/** The BSON type of one value, named as MongoDB's $type names them. */
export function bsonTag(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'bigint') return 'long';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  const bsontype = (value as { _bsontype?: unknown })._bsontype;
  switch (bsontype) {
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return (value as { sub_type?: number }).sub_type === 4 ? 'uuid' : 'binData';
    case 'Decimal128':
      return 'decimal';
    case 'Long':
      return 'long';
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Timestamp':
      return 'timestamp';
    case undefined:
      return 'object';
    default:
      return String(bsontype).toLowerCase();
  }
}

function fieldTypeOf(name: string, tags: string[], longest: number): FieldType {
  const main = tags[0] ?? 'null';
  if (main === 'objectId') return name === '_id' ? 'UUID' : 'String';
  if (main === 'uuid') return 'UUID';
  if (main === 'string') return longest > LONG_TEXT ? 'Text' : (textKindFromName(name) ?? 'String');
  if (main === 'int' || main === 'long' || main === 'double' || main === 'decimal') {
    return tags.some((t) => t === 'double' || t === 'decimal') ? 'Decimal' : 'Integer';
  }
  if (main === 'bool') return 'Boolean';
  if (main === 'date' || main === 'timestamp') return 'DateTime';
  if (main === 'null') return 'String';
  return 'Text';
}

function plural(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** customerId / customer_id → customers (or customer, order_items for orderItemId) when such a collection exists. */
export function referencedCollection(field: string, collections: readonly string[]): string | null {
  const m = /^(.+?)(?:_id|Id|ID)$/.exec(field);
  if (!m || !m[1] || field === '_id') return null;
  const base = m[1].replace(/_$/, '');
  const snake = nameWords(base).join('_');
  const candidates = [plural(base), base, plural(snake), snake];
  for (const c of candidates) if (collections.includes(c)) return c;
  const lower = new Map(collections.map((c) => [c.toLowerCase(), c]));
  for (const c of candidates) {
    const hit = lower.get(c.toLowerCase());
    if (hit) return hit;
  }
  return null;
}

interface FieldStats {
  tags: Map<string, number>;
  present: number;
  longest: number;
}

/** Fields, types and inferred references of one collection from its sampled documents. */
export function inferCollection(
  documents: readonly Document[],
  collections: readonly string[],
): { columns: ScannedColumn[]; references: { field: string; target: string }[] } {
  const stats = new Map<string, FieldStats>();
  for (const doc of documents) {
    for (const [name, value] of Object.entries(doc)) {
      let s = stats.get(name);
      if (!s) {
        if (stats.size >= MAX_FIELDS) continue;
        s = { tags: new Map(), present: 0, longest: 0 };
        stats.set(name, s);
      }
      const tag = bsonTag(value);
      s.tags.set(tag, (s.tags.get(tag) ?? 0) + 1);
      if (tag !== 'null') s.present += 1;
      if (typeof value === 'string') s.longest = Math.max(s.longest, value.length);
    }
  }
  const columns: ScannedColumn[] = [];
  const references: { field: string; target: string }[] = [];
  // Every document has an _id, even when the sample is empty.
  if (!stats.has('_id'))
    columns.push({ name: '_id', type: 'UUID', sourceType: 'objectId', nullable: false, filledByServer: true, textual: false });
  for (const [name, s] of stats) {
    const tags = [...s.tags.entries()]
      .filter(([t]) => t !== 'null')
      .sort((a, b) => b[1] - a[1])
      .map(([t]) => t);
    const type = fieldTypeOf(name, tags, s.longest);
    columns.push({
      name,
      type,
      sourceType: tags.join('|') || 'null',
      nullable: documents.length === 0 || s.present < documents.length,
      filledByServer: name === '_id',
      textual: tags[0] === 'string',
    });
    const target = tags[0] === 'objectId' ? referencedCollection(name, collections) : null;
    if (target) references.push({ field: name, target });
  }
  return { columns, references };
}

/**
 * URL options a scan may pass on. Anything that reads files on Catalyst's host (tlsCAFile,
 * tlsCertificateKeyFile), uses its ambient identity (MONGODB-AWS, MONGODB-OIDC, GSSAPI) or routes
 * through a proxy is refused: the target comes from a user, the host's files and identity do not.
 */
const PASSED_OPTIONS = new Set(
  [
    'replicaSet',
    'authSource',
    'authMechanism',
    'tls',
    'ssl',
    'tlsAllowInvalidCertificates',
    'tlsAllowInvalidHostnames',
    'tlsInsecure',
    'directConnection',
    'readPreference',
    'readPreferenceTags',
    'maxStalenessSeconds',
    'retryReads',
    'loadBalanced',
    'srvServiceName',
    'srvMaxHosts',
    'compressors',
    'zlibCompressionLevel',
    'readConcernLevel',
    'w',
    'journal',
    'wtimeoutMS',
    'appName',
    'heartbeatFrequencyMS',
    'localThresholdMS',
  ].map((o) => o.toLowerCase()),
);
const PASSWORD_MECHANISMS = new Set(['DEFAULT', 'SCRAM-SHA-1', 'SCRAM-SHA-256', 'PLAIN']);

function connectionUrl(target: DatabaseTarget): string {
  for (const [name, value] of target.params) {
    if (!PASSED_OPTIONS.has(name.toLowerCase())) {
      throw new AppError('invalid_option', `the MongoDB URL option ${name.slice(0, 40)} is not accepted for scans`, {
        hint: 'remove it; scans accept replicaSet, authSource, authMechanism (SCRAM or PLAIN), tls and the read options',
        retryable: false,
      });
    }
    if (name.toLowerCase() === 'authmechanism' && !PASSWORD_MECHANISMS.has(value.toUpperCase())) {
      throw new AppError('invalid_option', `authMechanism ${value.slice(0, 40)} is not accepted for scans`, {
        hint: 'sign in with a username and password (SCRAM-SHA-256, SCRAM-SHA-1 or PLAIN); mechanisms that use the identity of the Catalyst host are refused',
        retryable: false,
      });
    }
  }
  const hosts = target.hosts.map((h) => (h.port === null ? h.host : `${h.host}:${h.port}`)).join(',');
  const query = target.params.toString();
  return `${target.scheme}://${hosts}/${encodeURIComponent(target.database ?? '')}${query ? `?${query}` : ''}`;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

const WRITE_ACTIONS = new Set([
  'insert',
  'update',
  'remove',
  'createCollection',
  'dropCollection',
  'createIndex',
  'dropIndex',
  'dropDatabase',
  'renameCollectionSameDB',
  'collMod',
  'convertToCapped',
]);

interface ConnectionStatus {
  authInfo?: {
    authenticatedUsers?: unknown[];
    authenticatedUserRoles?: { role: string; db: string }[];
    authenticatedUserPrivileges?: { resource?: { db?: string; anyResource?: boolean; cluster?: boolean }; actions?: string[] }[];
  };
}

export function accountFromStatus(status: ConnectionStatus, databases: readonly string[]): ScannedAccount {
  const info = status.authInfo ?? {};
  const unauthenticated = (info.authenticatedUsers ?? []).length === 0;
  const superuser = (info.authenticatedUserRoles ?? []).some((r) => r.role === 'root' || r.role === '__system');
  const canWrite = (info.authenticatedUserPrivileges ?? []).some(
    (p) =>
      (p.actions ?? []).some((a) => WRITE_ACTIONS.has(a)) &&
      (p.resource?.anyResource === true || p.resource?.db === '' || databases.includes(p.resource?.db ?? '\u0000')),
  );
  return { superuser, canWrite: canWrite || superuser || unauthenticated, unauthenticated };
}

export async function scanMongo(
  target: DatabaseTarget,
  budget: ScanBudget,
  opts: { maxTables: number; sampleSize: number },
): Promise<ScannedDatabase> {
  const client = new MongoClient(connectionUrl(target), {
    auth: target.username ? { username: target.username, password: target.password ?? undefined } : undefined,
    appName: 'catalyst-explorer',
    serverSelectionTimeoutMS: budget.remainingMs(),
    connectTimeoutMS: budget.remainingMs(),
    socketTimeoutMS: budget.remainingMs(),
    maxPoolSize: CONCURRENCY,
    retryWrites: false,
  });
  const unhook = budget.onStop(() => void client.close(true).catch(() => undefined));
  try {
    await budget.race(client.connect());
    budget.phase = 'reading';
    const admin = client.db('admin');
    const build = await budget.race(admin.command({ buildInfo: 1 }));
    const version = typeof build.version === 'string' ? build.version : null;

    let databases: string[];
    if (target.database) databases = [target.database];
    else {
      const listed = await budget.race(client.db('admin').admin().listDatabases({ nameOnly: true, authorizedDatabases: true }));
      databases = listed.databases
        .map((d) => d.name)
        .filter((n) => !SYSTEM_DATABASES.has(n))
        .sort()
        .slice(0, MAX_DATABASES);
    }

    const found: { db: string; name: string; siblings: string[] }[] = [];
    let total = 0;
    for (const dbName of databases) {
      const cursor = client
        .db(dbName)
        .listCollections({}, { nameOnly: true, authorizedCollections: true, maxTimeMS: budget.remainingMs() });
      const names: string[] = [];
      // nameOnly still returns each entry's type, and with authorizedCollections needs no listCollections privilege.
      try {
        for await (const info of cursor) {
          budget.throwIfStopped();
          const type = typeof info.type === 'string' ? info.type : 'collection';
          if ((type === 'collection' || type === 'timeseries') && !info.name.startsWith('system.')) names.push(info.name);
          if (names.length >= MAX_LISTED) break;
        }
      } finally {
        await cursor.close().catch(() => undefined);
      }
      names.sort();
      total += names.length;
      for (const name of names) if (found.length < opts.maxTables) found.push({ db: dbName, name, siblings: names });
    }

    const problems: string[] = [];
    const tables = await mapLimited(found, CONCURRENCY, (c) =>
      budget.race(readCollection(client, c.db, c.name, c.siblings, budget, opts.sampleSize, problems)),
    );
    const status = (await budget.race(admin.command({ connectionStatus: 1, showPrivileges: true }))) as ConnectionStatus;
    return {
      engine: 'mongodb',
      version,
      database: databases.join(', '),
      defaultSchema: target.database ?? (databases.length === 1 ? databases[0]! : null),
      tables,
      totalTables: total > found.length ? total : null,
      slowQueries: {
        status: 'unavailable',
        reason: 'slow query statistics are not read from MongoDB (the profiler lives in system.profile and is usually off)',
      },
      account: accountFromStatus(status, databases),
      technologies: [{ name: 'MongoDB', version, category: 'database', evidence: 'buildInfo' }],
      source: `listCollections and up to ${opts.sampleSize} sampled documents`,
      notes: [
        `Fields, types and references are inferred from up to ${opts.sampleSize} sampled documents per collection; fields none of them carry are not listed.`,
        ...problems.slice(0, 20),
      ],
    };
  } catch (e) {
    throw driverError(e, target, budget);
  } finally {
    unhook();
    await client.close().catch(() => undefined);
  }
}

/** The server refused one operation on one collection (a time-series view, a missing privilege): note it and go on. */
async function orRefused<T>(work: () => Promise<T>, fallback: T, what: string, notes: string[]): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof MongoServerError)) throw e;
    notes.push(`${what} failed: ${e.message.slice(0, 200)}`);
    return fallback;
  }
}

async function readCollection(
  client: MongoClient,
  dbName: string,
  name: string,
  siblings: string[],
  budget: ScanBudget,
  sampleSize: number,
  notes: string[],
): Promise<ScannedTable> {
  const collection = client.db(dbName).collection(name);
  const where = `${dbName}.${name}`;
  const documents = await orRefused(
    async () => {
      const sample: Document[] = [];
      let bytes = 0;
      const cursor = collection.find({}, { limit: sampleSize, batchSize: SAMPLE_BATCH, maxTimeMS: budget.remainingMs() });
      try {
        for await (const doc of cursor) {
          sample.push(doc);
          bytes += BSON.calculateObjectSize(doc);
          if (bytes >= SAMPLE_BYTES || budget.signal.aborted) break;
        }
      } finally {
        await cursor.close().catch(() => undefined);
      }
      return sample;
    },
    [],
    `Sampling ${where}`,
    notes,
  );
  const indexList = await orRefused(
    () => collection.indexes({ maxTimeMS: budget.remainingMs() }),
    [],
    `Listing the indexes of ${where}`,
    notes,
  );
  const count = await orRefused(
    () => collection.estimatedDocumentCount({ maxTimeMS: budget.remainingMs() }),
    -1,
    `Counting ${where}`,
    notes,
  );
  const { columns, references } = inferCollection(documents, siblings);
  const indexes: ScannedIndex[] = indexList.map((i) => ({
    name: String(i.name ?? Object.keys(i.key).join('_')),
    columns: Object.keys(i.key),
    unique: i.name === '_id_' || i.unique === true,
    primary: i.name === '_id_',
    partial: i.partialFilterExpression !== undefined || i.sparse === true,
  }));
  const foreignKeys: ScannedForeignKey[] = references.map((r) => ({
    columns: [r.field],
    refSchema: dbName,
    refTable: r.target,
    refColumns: ['_id'],
    onDelete: 'NO ACTION',
    inferred: true,
  }));
  return {
    schema: dbName,
    name,
    columns,
    primaryKey: ['_id'],
    uniques: indexes.filter((i) => i.unique && !i.primary && !i.partial).map((i) => i.columns),
    foreignKeys,
    indexes,
    rows: Number.isFinite(count) && count >= 0 ? Math.round(count) : null,
  };
}
