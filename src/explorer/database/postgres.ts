/**
 * PostgreSQL reader. The connection is read-only from its first packet (the startup `options`
 * set default_transaction_read_only) and checked before anything is read; every statement is
 * bounded by statement_timeout on the server and the scan budget on this side.
 */
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { AppError } from '../../core/errors.ts';
import type { DatabaseSection, Technology } from '../../contracts/explorer.ts';
import { sqlColumnType } from '../field-types.ts';
import { driverError, type ScanBudget } from './budget.ts';
import type { ScannedAccount, ScannedDatabase, ScannedForeignKey, ScannedIndex, ScannedTable } from './model.ts';
import { safeQueryText } from './query-text.ts';
import type { DatabaseTarget } from './target.ts';

export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function sslFrom(params: URLSearchParams): boolean | ConnectionOptions | undefined {
  const mode = (params.get('sslmode') ?? params.get('ssl') ?? '').toLowerCase();
  if (mode === '') return undefined;
  if (mode === 'disable' || mode === 'false' || mode === '0') return false;
  if (mode === 'no-verify') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true };
}

/**
 * Opens the scan's connection. The URL is not handed to pg as a connectionString, because pg lets
 * the string's own `options` override ours, which would let a URL switch read-only off.
 */
export async function openPostgres(target: DatabaseTarget, budget: ScanBudget): Promise<SqlSession> {
  const first = target.hosts[0]!;
  const timeout = budget.timeoutMs;
  const client = new pg.Client({
    host: first.host.replace(/^\[|\]$/g, ''),
    port: first.port ?? 5432,
    database: target.database ?? undefined,
    user: target.username ?? undefined,
    // A function, so pg never falls back to PGPASSWORD or ~/.pgpass: the scan signs in with what the user gave, never the host's own credentials.
    password: async () => target.password ?? '',
    ssl: sslFrom(target.params),
    application_name: 'catalyst-explorer',
    options: `-c default_transaction_read_only=on -c statement_timeout=${timeout} -c lock_timeout=${timeout}`,
    statement_timeout: timeout,
    connectionTimeoutMillis: budget.remainingMs(),
  });
  // A dropped connection emits 'error' with nobody listening; the pending query reports it instead.
  client.on('error', () => undefined);
  const unhook = budget.onStop(() => {
    void client.end().catch(() => undefined);
  });
  const session: SqlSession = {
    async query<T>(sql: string, params: unknown[] = []) {
      try {
        const result = await budget.race(
          client.query({ text: sql, values: params, query_timeout: budget.remainingMs() } as pg.QueryConfig),
        );
        return result.rows as T[];
      } catch (e) {
        throw driverError(e, target, budget);
      }
    },
    async close() {
      unhook();
      await client.end().catch(() => undefined);
    },
  };
  try {
    await budget.race(client.connect());
  } catch (e) {
    await session.close();
    throw driverError(e, target, budget);
  }
  const [mode] = await session.query<{ transaction_read_only: string }>('show transaction_read_only').catch(async (e: unknown) => {
    await session.close();
    throw e;
  });
  if (mode?.transaction_read_only !== 'on') {
    await session.close();
    throw new AppError(
      'service_unavailable',
      `${target.display} did not open the connection read-only, so the scan stopped before reading anything`,
      {
        hint: 'connect to PostgreSQL directly rather than through a pooler that drops startup options, or scan with an account that has only SELECT rights',
        retryable: false,
      },
    );
  }
  return session;
}

const SYSTEM_SCHEMA_FILTER = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'`;

interface TableRow {
  oid: string;
  schema: string;
  name: string;
  reltuples: number | null;
  total: string;
}
interface ColumnRow {
  oid: string;
  name: string;
  type: string;
  base_type: string | null;
  is_enum: boolean;
  not_null: boolean;
  has_default: boolean;
  identity: boolean;
  generated: boolean;
}
interface ConstraintRow {
  oid: string;
  kind: 'p' | 'u' | 'f';
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  on_delete: string | null;
}
interface IndexRow {
  oid: string;
  name: string;
  unique: boolean;
  primary: boolean;
  partial: boolean;
  columns: string[];
}

const DELETE_RULES: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

function estimate(reltuples: number | null): number | null {
  // -1 (PostgreSQL 14+) means never vacuumed or analyzed: unknown, not empty.
  if (reltuples === null || reltuples < 0) return null;
  return Math.round(reltuples);
}

async function readVersion(session: SqlSession): Promise<{ version: string | null; num: number }> {
  const [row] = await session.query<{ v: string; n: string }>(
    `select current_setting('server_version') as v, current_setting('server_version_num') as n`,
  );
  return { version: row?.v.split(/\s/)[0] ?? null, num: Number(row?.n ?? 0) };
}

async function readTables(session: SqlSession, versionNum: number, maxTables: number): Promise<{ rows: TableRow[]; total: number }> {
  const partitions = versionNum >= 100000 ? 'and not c.relispartition' : '';
  const rows = await session.query<TableRow>(
    `select c.oid::int8::text as oid, n.nspname as schema, c.relname as name, c.reltuples::float8 as reltuples, count(*) over ()::text as total
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and ${SYSTEM_SCHEMA_FILTER} ${partitions}
        -- tables an extension owns (postgis's spatial_ref_sys…) are not the application's records
        and not exists (select 1 from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
      order by n.nspname <> 'public', n.nspname, c.relname
      limit $1`,
    [maxTables],
  );
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

async function readColumns(session: SqlSession, versionNum: number, oids: string[]): Promise<ColumnRow[]> {
  const identity = versionNum >= 100000 ? `a.attidentity <> ''` : 'false';
  const generated = versionNum >= 120000 ? `a.attgenerated <> ''` : 'false';
  return session.query<ColumnRow>(
    `select a.attrelid::int8::text as oid, a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
            case when t.typtype = 'd' then pg_catalog.format_type(t.typbasetype, t.typtypmod) end as base_type,
            coalesce(bt.typtype, t.typtype) = 'e' as is_enum,
            a.attnotnull as not_null, a.atthasdef as has_default, ${identity} as identity, ${generated} as generated
       from pg_catalog.pg_attribute a
       join pg_catalog.pg_type t on t.oid = a.atttypid
       left join pg_catalog.pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
      where a.attrelid = any($1::oid[]) and a.attnum > 0 and not a.attisdropped
      order by a.attrelid, a.attnum`,
    [oids],
  );
}

async function readConstraints(session: SqlSession, oids: string[]): Promise<ConstraintRow[]> {
  return session.query<ConstraintRow>(
    `select con.conrelid::int8::text as oid, con.contype as kind,
            array(select a.attname::text from unnest(con.conkey) with ordinality as k(attnum, ord)
                  join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord) as columns,
            fn.nspname as ref_schema, fc.relname as ref_table,
            case when con.contype = 'f' then
              array(select a.attname::text from unnest(con.confkey) with ordinality as k(attnum, ord)
                    join pg_catalog.pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord) end as ref_columns,
            case when con.contype = 'f' then con.confdeltype::text end as on_delete
       from pg_catalog.pg_constraint con
       left join pg_catalog.pg_class fc on fc.oid = con.confrelid
       left join pg_catalog.pg_namespace fn on fn.oid = fc.relnamespace
      where con.conrelid = any($1::oid[]) and con.contype in ('p', 'u', 'f')
      order by con.conrelid, con.conname`,
    [oids],
  );
}

async function readIndexes(session: SqlSession, versionNum: number, oids: string[]): Promise<IndexRow[]> {
  // INCLUDE columns (PostgreSQL 11+) are carried, not searched: only key columns count.
  const keyColumns = versionNum >= 110000 ? 'i.indnkeyatts' : 'i.indnatts';
  return session.query<IndexRow>(
    `select i.indrelid::int8::text as oid, ic.relname as name, i.indisunique as unique, i.indisprimary as primary,
            i.indpred is not null as partial,
            array(select case when k.attnum = 0 then pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) else a.attname::text end
                    from unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
                    left join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                   where k.ord <= ${keyColumns} order by k.ord) as columns
       from pg_catalog.pg_index i join pg_catalog.pg_class ic on ic.oid = i.indexrelid
      where i.indrelid = any($1::oid[])
      order by i.indrelid, ic.relname`,
    [oids],
  );
}

async function readAccount(session: SqlSession, oids: string[], schemas: string[]): Promise<ScannedAccount> {
  const [row] = await session.query<{ superuser: boolean; can_write: boolean }>(
    `select coalesce((select rolsuper from pg_catalog.pg_roles where rolname = current_user), false) as superuser,
            pg_catalog.has_database_privilege(current_database(), 'CREATE')
            or exists (select 1 from pg_catalog.pg_class c where c.oid = any($1::oid[])
                        and pg_catalog.has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
            or exists (select 1 from pg_catalog.pg_namespace n where n.nspname = any($2::text[])
                        and pg_catalog.has_schema_privilege(n.oid, 'CREATE')) as can_write`,
    [oids, schemas],
  );
  return { superuser: row?.superuser ?? false, canWrite: (row?.superuser ?? false) || (row?.can_write ?? false), unauthenticated: false };
}

async function readExtensions(session: SqlSession): Promise<Technology[]> {
  const rows = await session.query<{ name: string; version: string }>(
    `select extname as name, extversion as version from pg_catalog.pg_extension where extname <> 'plpgsql' order by extname limit 50`,
  );
  return rows.map((r) => ({ name: r.name, version: r.version, category: 'database' as const, evidence: 'pg_extension' }));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function readSlowQueries(session: SqlSession, versionNum: number, budget: ScanBudget): Promise<DatabaseSection['slow_queries']> {
  const [ext] = await session.query<{ schema: string }>(
    `select n.nspname as schema from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements'`,
  );
  if (!ext) {
    return {
      status: 'unavailable',
      reason:
        'the pg_stat_statements extension is not installed in this database (CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries)',
    };
  }
  const mean = versionNum >= 130000 ? 'mean_exec_time' : 'mean_time';
  try {
    const rows = await session.query<{ query: string | null; calls: number; mean_ms: number }>(
      `select query, calls::float8 as calls, ${mean}::float8 as mean_ms
         from ${quoteIdent(ext.schema)}.pg_stat_statements
        where dbid = (select oid from pg_catalog.pg_database where datname = current_database())
        order by ${mean} desc limit 10`,
    );
    return {
      status: 'ok',
      queries: rows.map((r) => ({ query: safeQueryText(r.query), calls: r.calls, mean_ms: Math.round(r.mean_ms * 1000) / 1000 })),
    };
  } catch (e) {
    // Only the server refusing (a SQLSTATE: not preloaded, no privilege) makes statistics unavailable; a lost connection still fails the scan.
    const details = AppError.isInstance(e) ? e.details : undefined;
    if (budget.signal.aborted || typeof details?.driver_code !== 'string' || !/^[0-9A-Z]{5}$/.test(details.driver_code)) throw e;
    const said = String(details.server_message ?? '');
    return { status: 'unavailable', reason: `pg_stat_statements is installed but cannot be read: ${said}` };
  }
}

function assembleTables(tables: TableRow[], columns: ColumnRow[], constraints: ConstraintRow[], indexes: IndexRow[]): ScannedTable[] {
  const byOid = new Map<string, ScannedTable>();
  for (const t of tables) {
    byOid.set(t.oid, {
      schema: t.schema,
      name: t.name,
      columns: [],
      primaryKey: [],
      uniques: [],
      foreignKeys: [],
      indexes: [],
      rows: estimate(t.reltuples),
    });
  }
  for (const c of columns) {
    const table = byOid.get(c.oid);
    if (!table) continue;
    const mapped = sqlColumnType(c.base_type ?? c.type, c.name, { isEnum: c.is_enum });
    table.columns.push({
      name: c.name,
      type: mapped.type,
      sourceType: c.type,
      nullable: !c.not_null,
      filledByServer: c.has_default || c.identity || c.generated,
      textual: mapped.textual,
    });
  }
  for (const k of constraints) {
    const table = byOid.get(k.oid);
    if (!table) continue;
    if (k.kind === 'p') table.primaryKey = k.columns;
    else if (k.kind === 'u') table.uniques.push(k.columns);
    else if (k.ref_table) {
      const fk: ScannedForeignKey = {
        columns: k.columns,
        refSchema: k.ref_schema,
        refTable: k.ref_table,
        refColumns: k.ref_columns ?? [],
        onDelete: DELETE_RULES[k.on_delete ?? 'a'] ?? 'NO ACTION',
        inferred: false,
      };
      table.foreignKeys.push(fk);
    }
  }
  for (const i of indexes) {
    const table = byOid.get(i.oid);
    if (!table) continue;
    const index: ScannedIndex = { name: i.name, columns: i.columns, unique: i.unique, primary: i.primary, partial: i.partial };
    table.indexes.push(index);
    // A full unique index makes its columns unique just as a constraint does.
    if (i.unique && !i.primary && !i.partial && !table.uniques.some((u) => u.join() === i.columns.join())) table.uniques.push(i.columns);
  }
  return [...byOid.values()];
}

export async function scanPostgres(
  session: SqlSession,
  target: DatabaseTarget,
  budget: ScanBudget,
  opts: { maxTables: number },
): Promise<ScannedDatabase> {
  const { version, num } = await readVersion(session);
  const [db] = await session.query<{ name: string }>('select current_database() as name');
  const { rows: tableRows, total } = await readTables(session, num, opts.maxTables);
  const oids = tableRows.map((t) => t.oid);
  const columns = await readColumns(session, num, oids);
  const constraints = await readConstraints(session, oids);
  const indexes = await readIndexes(session, num, oids);
  const schemas = [...new Set(['public', ...tableRows.map((t) => t.schema)])];
  const account = await readAccount(session, oids, schemas);
  const extensions = await readExtensions(session);
  const slowQueries = await readSlowQueries(session, num, budget);
  return {
    engine: 'postgresql',
    version,
    database: db?.name ?? target.database ?? '',
    defaultSchema: 'public',
    tables: assembleTables(tableRows, columns, constraints, indexes),
    totalTables: total > tableRows.length ? total : null,
    slowQueries,
    account,
    technologies: [{ name: 'PostgreSQL', version, category: 'database', evidence: 'server_version' }, ...extensions],
    source: 'pg_catalog',
    notes: [],
  };
}
