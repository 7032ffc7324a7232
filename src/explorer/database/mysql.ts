/**
 * MySQL / MariaDB reader. The session is made read-only (SET SESSION TRANSACTION READ ONLY) before
 * any other statement, statements are bounded by the server's own limit (max_statement_time on
 * MariaDB, max_execution_time on MySQL) and by the scan budget here.
 */
import mysql from 'mysql2/promise';
import { AppError } from '../../core/errors.ts';
import type { DatabaseSection } from '../../contracts/explorer.ts';
import { sqlColumnType } from '../field-types.ts';
import { driverError, type ScanBudget } from './budget.ts';
import type { ScannedAccount, ScannedDatabase, ScannedTable } from './model.ts';
import type { SqlSession } from './postgres.ts';
import { safeQueryText } from './query-text.ts';
import type { DatabaseTarget } from './target.ts';

const SYSTEM_SCHEMAS = ['information_schema', 'mysql', 'performance_schema', 'sys'];
/** Without a database in the URL every user schema is read; more than this is not a single app. */
const MAX_SCHEMAS = 50;

function sslFrom(params: URLSearchParams): mysql.ConnectionOptions['ssl'] {
  const mode = (params.get('ssl-mode') ?? params.get('sslmode') ?? params.get('ssl') ?? '').toLowerCase();
  if (mode === '' || mode === 'disabled' || mode === 'disable' || mode === 'false' || mode === '0') return undefined;
  // MySQL's REQUIRED / PREFERRED encrypt without checking the certificate; everything else checks it.
  if (mode === 'required' || mode === 'preferred' || mode === 'no-verify') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true };
}

export async function openMysql(
  target: DatabaseTarget,
  budget: ScanBudget,
): Promise<SqlSession & { engine: 'mysql' | 'mariadb'; version: string | null }> {
  const first = target.hosts[0]!;
  const pending = mysql.createConnection({
    host: first.host.replace(/^\[|\]$/g, ''),
    port: first.port ?? 3306,
    user: target.username ?? undefined,
    password: target.password ?? undefined,
    database: target.database ?? undefined,
    ssl: sslFrom(target.params),
    connectTimeout: budget.remainingMs(),
    multipleStatements: false,
    dateStrings: true,
    supportBigNumbers: true,
    connectAttributes: { program_name: 'catalyst-explorer' },
  });
  let connection: mysql.Connection;
  try {
    connection = await budget.race(pending);
  } catch (e) {
    // The budget may win the race while the handshake still completes: close what arrives late.
    void pending.then((c) => c.destroy()).catch(() => undefined);
    throw driverError(e, target, budget);
  }
  connection.on('error', () => undefined);
  const unhook = budget.onStop(() => connection.destroy());
  const session: SqlSession = {
    async query<T>(sql: string, params: unknown[] = []) {
      try {
        const [rows] = await budget.race(connection.query({ sql, timeout: budget.remainingMs() }, params));
        return rows as T[];
      } catch (e) {
        throw driverError(e, target, budget);
      }
    },
    async close() {
      unhook();
      await connection.end().catch(() => connection.destroy());
    },
  };
  try {
    // First statement on the connection: from here on the server refuses every write.
    await session.query('SET SESSION TRANSACTION READ ONLY');
    const [row] = await session.query<{ v: string }>('SELECT VERSION() AS v');
    const raw = String(row?.v ?? '');
    const engine = /mariadb/i.test(raw) ? 'mariadb' : 'mysql';
    const seconds = Math.max(1, Math.ceil(budget.timeoutMs / 1000));
    // Servers too old for a statement limit still get the client-side timeout on each query.
    await session
      .query(engine === 'mariadb' ? `SET SESSION max_statement_time = ${seconds}` : `SET SESSION max_execution_time = ${seconds * 1000}`)
      .catch((e: unknown) => {
        if (budget.signal.aborted) throw e;
      });
    return Object.assign(session, { engine, version: /^\d+(\.\d+)*/.exec(raw)?.[0] ?? (raw || null) } as const);
  } catch (e) {
    await session.close();
    throw e;
  }
}

/** information_schema text can come back as a Buffer on MySQL 8 (binary collations). */
function str(value: unknown): string {
  if (value === null || value === undefined) return '';
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function key(schema: unknown, table: unknown): string {
  return `${str(schema)}\u0000${str(table)}`;
}

async function readSchemas(session: SqlSession, target: DatabaseTarget): Promise<string[]> {
  if (target.database) return [target.database];
  const rows = await session.query<{ name: unknown }>(
    'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (?) ORDER BY SCHEMA_NAME LIMIT ?',
    [SYSTEM_SCHEMAS, MAX_SCHEMAS],
  );
  return rows.map((r) => str(r.name));
}

interface MysqlTableRow {
  tschema: unknown;
  tname: unknown;
  trows: unknown;
}

async function readTables(session: SqlSession, schemas: string[], maxTables: number): Promise<{ rows: MysqlTableRow[]; total: number }> {
  const where = `TABLE_SCHEMA IN (?) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')`;
  const rows = await session.query<MysqlTableRow>(
    `SELECT TABLE_SCHEMA AS tschema, TABLE_NAME AS tname, TABLE_ROWS AS trows FROM information_schema.TABLES WHERE ${where} ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT ?`,
    [schemas, maxTables + 1],
  );
  if (rows.length <= maxTables) return { rows, total: rows.length };
  const [count] = await session.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE ${where}`, [schemas]);
  return { rows: rows.slice(0, maxTables), total: Number(count?.n ?? rows.length) };
}

function rowCount(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

const FILLED_BY_SERVER = /auto_increment|default_generated|virtual|stored|persistent/i;

async function fillColumns(session: SqlSession, schemas: string[], pairs: string[][], tables: Map<string, ScannedTable>): Promise<void> {
  const rows = await session.query<{
    tschema: unknown;
    tname: unknown;
    name: unknown;
    type: unknown;
    nullable: unknown;
    def: unknown;
    extra: unknown;
  }>(
    `SELECT TABLE_SCHEMA AS tschema, TABLE_NAME AS tname, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS def, EXTRA AS extra
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA IN (?) AND (TABLE_SCHEMA, TABLE_NAME) IN (?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    [schemas, pairs],
  );
  for (const r of rows) {
    const table = tables.get(key(r.tschema, r.tname));
    if (!table) continue;
    const name = str(r.name);
    const sourceType = str(r.type);
    const mapped = sqlColumnType(sourceType, name);
    table.columns.push({
      name,
      type: mapped.type,
      sourceType,
      nullable: str(r.nullable) === 'YES',
      filledByServer: r.def !== null || FILLED_BY_SERVER.test(str(r.extra)),
      textual: mapped.textual,
    });
  }
}

async function fillIndexes(session: SqlSession, schemas: string[], pairs: string[][], tables: Map<string, ScannedTable>): Promise<void> {
  const rows = await session.query<{ tschema: unknown; tname: unknown; name: unknown; non_unique: unknown; col: unknown }>(
    `SELECT TABLE_SCHEMA AS tschema, TABLE_NAME AS tname, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS col
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA IN (?) AND (TABLE_SCHEMA, TABLE_NAME) IN (?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [schemas, pairs],
  );
  for (const r of rows) {
    const table = tables.get(key(r.tschema, r.tname));
    if (!table) continue;
    const name = str(r.name);
    let index = table.indexes.find((i) => i.name === name);
    if (!index) {
      index = { name, columns: [], unique: Number(r.non_unique) === 0, primary: name === 'PRIMARY', partial: false };
      table.indexes.push(index);
    }
    // Functional indexes (MySQL 8) have no column name.
    index.columns.push(r.col === null ? '(expression)' : str(r.col));
  }
  for (const table of tables.values()) {
    for (const index of table.indexes) {
      if (index.primary) table.primaryKey = index.columns;
      else if (index.unique) table.uniques.push(index.columns);
    }
  }
}

async function fillForeignKeys(
  session: SqlSession,
  schemas: string[],
  pairs: string[][],
  tables: Map<string, ScannedTable>,
): Promise<void> {
  const rows = await session.query<{
    tschema: unknown;
    tname: unknown;
    cname: unknown;
    col: unknown;
    rschema: unknown;
    rtable: unknown;
    rcol: unknown;
    on_delete: unknown;
  }>(
    `SELECT k.TABLE_SCHEMA AS tschema, k.TABLE_NAME AS tname, k.CONSTRAINT_NAME AS cname, k.COLUMN_NAME AS col,
            k.REFERENCED_TABLE_SCHEMA AS rschema, k.REFERENCED_TABLE_NAME AS rtable, k.REFERENCED_COLUMN_NAME AS rcol,
            r.DELETE_RULE AS on_delete
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA IN (?) AND k.REFERENCED_TABLE_NAME IS NOT NULL AND (k.TABLE_SCHEMA, k.TABLE_NAME) IN (?)
      ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [schemas, pairs],
  );
  const byConstraint = new Map<string, ScannedTable['foreignKeys'][number]>();
  for (const r of rows) {
    const table = tables.get(key(r.tschema, r.tname));
    if (!table) continue;
    const id = `${key(r.tschema, r.tname)}\u0000${str(r.cname)}`;
    let fk = byConstraint.get(id);
    if (!fk) {
      fk = {
        columns: [],
        refSchema: str(r.rschema),
        refTable: str(r.rtable),
        refColumns: [],
        onDelete: str(r.on_delete).toUpperCase(),
        inferred: false,
      };
      byConstraint.set(id, fk);
      table.foreignKeys.push(fk);
    }
    fk.columns.push(str(r.col));
    fk.refColumns.push(str(r.rcol));
  }
}

const WRITE_PRIVILEGES = new Set([
  'ALL',
  'ALL PRIVILEGES',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'ALTER',
  'INDEX',
  'CREATE VIEW',
  'TRIGGER',
  'EVENT',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'DELETE HISTORY',
  'SUPER',
  'CREATE TEMPORARY TABLES',
  'FILE',
]);

/** `shop\_db` and `shop%` in grants are LIKE patterns on the schema name. */
function grantCovers(scope: string, schema: string): boolean {
  const db = scope.split('.')[0]!.replace(/^`|`$/g, '').replace(/``/g, '`');
  if (db === '*') return true;
  const pattern = db.replace(/\\([_%])|([.*+?^${}()|[\]\\])|(_)|(%)/g, (_m, esc: string, special: string, one: string, many: string) => {
    if (esc) return `\\${esc}`;
    if (special) return `\\${special}`;
    if (one) return '.';
    return many ? '.*' : '';
  });
  return new RegExp(`^${pattern}$`).test(schema);
}

/** Reads privileges from SHOW GRANTS lines; the lines themselves (which can hold password hashes) are never kept. */
export function accountFromGrants(grants: string[], schemas: string[]): ScannedAccount {
  let superuser = false;
  let canWrite = false;
  for (const line of grants) {
    const m = /^GRANT\s+(.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?:\s+BODY)?)\s+)?(\S+)\s+TO\s/i.exec(line);
    if (!m) continue;
    const privileges = m[1]!
      .replace(/\([^)]*\)/g, '')
      .split(',')
      .map((p) => p.trim().toUpperCase());
    const scope = m[2]!;
    const global = scope === '*.*';
    if (global && privileges.some((p) => p === 'ALL' || p === 'ALL PRIVILEGES' || p === 'SUPER')) superuser = true;
    if (privileges.some((p) => WRITE_PRIVILEGES.has(p)) && (global || schemas.some((s) => grantCovers(scope, s)))) canWrite = true;
  }
  return { superuser, canWrite: canWrite || superuser, unauthenticated: false };
}

async function readAccount(session: SqlSession, schemas: string[]): Promise<ScannedAccount | null> {
  try {
    const rows = await session.query<Record<string, unknown>>('SHOW GRANTS');
    return accountFromGrants(
      rows.map((r) => str(Object.values(r)[0])),
      schemas,
    );
  } catch (e) {
    if (AppError.isInstance(e) && /^ER_/.test(String(e.details?.driver_code ?? ''))) return null;
    throw e;
  }
}

async function readSlowQueries(session: SqlSession, schemas: string[], budget: ScanBudget): Promise<DatabaseSection['slow_queries']> {
  try {
    const [flag] = await session.query<{ enabled: unknown }>('SELECT @@performance_schema AS enabled');
    if (Number(flag?.enabled) !== 1) {
      return {
        status: 'unavailable',
        reason: 'performance_schema is off on this server (set performance_schema=ON in the server configuration and restart it)',
      };
    }
    const rows = await session.query<{ query: unknown; calls: unknown; mean_ms: unknown }>(
      `SELECT DIGEST_TEXT AS query, COUNT_STAR AS calls, AVG_TIMER_WAIT / 1000000000 AS mean_ms
         FROM performance_schema.events_statements_summary_by_digest
        WHERE SCHEMA_NAME IN (?) AND DIGEST_TEXT IS NOT NULL
        ORDER BY AVG_TIMER_WAIT DESC LIMIT 10`,
      [schemas],
    );
    return {
      status: 'ok',
      queries: rows.map((r) => ({
        query: safeQueryText(str(r.query)),
        calls: Number(r.calls),
        mean_ms: Math.round(Number(r.mean_ms) * 1000) / 1000,
      })),
    };
  } catch (e) {
    // The server refusing (no SELECT on performance_schema) makes statistics unavailable; a lost connection fails the scan.
    if (budget.signal.aborted || !AppError.isInstance(e) || !/^ER_/.test(String(e.details?.driver_code ?? ''))) throw e;
    return { status: 'unavailable', reason: `performance_schema cannot be read: ${String(e.details?.server_message ?? '')}` };
  }
}

export async function scanMysql(
  session: SqlSession & { engine: 'mysql' | 'mariadb'; version: string | null },
  target: DatabaseTarget,
  budget: ScanBudget,
  opts: { maxTables: number },
): Promise<ScannedDatabase> {
  const schemas = await readSchemas(session, target);
  const { rows, total } = schemas.length > 0 ? await readTables(session, schemas, opts.maxTables) : { rows: [], total: 0 };
  const tables = new Map<string, ScannedTable>();
  for (const r of rows) {
    tables.set(key(r.tschema, r.tname), {
      schema: str(r.tschema),
      name: str(r.tname),
      columns: [],
      primaryKey: [],
      uniques: [],
      foreignKeys: [],
      indexes: [],
      rows: rowCount(r.trows),
    });
  }
  const pairs = rows.map((r) => [str(r.tschema), str(r.tname)]);
  if (pairs.length > 0) {
    await fillColumns(session, schemas, pairs, tables);
    await fillIndexes(session, schemas, pairs, tables);
    await fillForeignKeys(session, schemas, pairs, tables);
  }
  const account = await readAccount(session, schemas);
  const slowQueries = await readSlowQueries(session, schemas, budget);
  const name = session.engine === 'mariadb' ? 'MariaDB' : 'MySQL';
  return {
    engine: session.engine,
    version: session.version,
    database: schemas.join(', '),
    defaultSchema: target.database ?? (schemas.length === 1 ? schemas[0]! : null),
    tables: [...tables.values()],
    totalTables: total > rows.length ? total : null,
    slowQueries,
    account,
    technologies: [{ name, version: session.version, category: 'database', evidence: 'SELECT VERSION()' }],
    source: 'information_schema',
    notes: account === null ? ['The account may not read its own grants (SHOW GRANTS failed), so whether it can write is unknown.'] : [],
  };
}
