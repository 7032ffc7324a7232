/**
 * From what a reader saw to what the explorer reports: entities for the planner, security issues,
 * optimizations for the database, improvements for a rebuild, the architecture and the graph.
 * Every rule here is deterministic and works the same for every engine.
 */
import type { AnalyzerResult, DiscoveredEntity, SecurityIssue } from '../../contracts/explorer.ts';
import { nameWords } from '../field-types.ts';
import type { ScannedColumn, ScannedDatabase, ScannedIndex, ScannedTable } from './model.ts';

type OnDelete = DiscoveredEntity['references'][number]['on_delete'];

const ENGINE_NAMES: Record<ScannedDatabase['engine'], string> = {
  postgresql: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  mongodb: 'MongoDB',
};
const LIST_LIMIT = 10;
const BIG_TABLE_ROWS = 100_000;
const SLOW_MEAN_MS = 100;

function qualified(schema: string | null, name: string): string {
  return schema ? `${schema}.${name}` : name;
}

function listed(items: string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(', ');
  return items.length > LIST_LIMIT ? `${shown} and ${items.length - LIST_LIMIT} more` : shown;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function onDelete(rule: string): OnDelete {
  const r = rule.toUpperCase();
  if (r === 'CASCADE') return 'cascade';
  if (r === 'SET NULL') return 'set null';
  return 'restrict';
}

/** Names that say the column holds a password, minus those that say it is hashed or is about one. */
const PASSWORD_NAME = /passw(or)?d|pwd|passphrase/;
const NOT_THE_PASSWORD = /hash|digest|crypt|salt|argon|pbkdf|token|sha\d|md5|hmac/;
const ABOUT_A_PASSWORD = new Set([
  'reset',
  'expires',
  'expiry',
  'expired',
  'changed',
  'updated',
  'at',
  'on',
  'date',
  'hint',
  'policy',
  'length',
  'strength',
  'required',
  'attempts',
  'attempt',
  'failures',
  'failed',
  'count',
  'last',
  'set',
  'enabled',
  'version',
  'algorithm',
  'algo',
  'iterations',
  'scheme',
  'format',
  'type',
  'question',
  'answer',
  'id',
]);

export function looksLikePlaintextPassword(column: Pick<ScannedColumn, 'name' | 'textual'>): boolean {
  if (!column.textual) return false;
  const lower = column.name.toLowerCase();
  if (!PASSWORD_NAME.test(lower) || NOT_THE_PASSWORD.test(lower)) return false;
  return !nameWords(column.name).some((w) => ABOUT_A_PASSWORD.has(w));
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** An index serves a foreign key when the key's columns are its leading columns, in any order. */
function indexServes(index: ScannedIndex, columns: string[]): boolean {
  return !index.partial && index.columns.length >= columns.length && sameSet(index.columns.slice(0, columns.length), columns);
}

function redundantIndexes(table: ScannedTable): { index: ScannedIndex; coveredBy: ScannedIndex }[] {
  const out: { index: ScannedIndex; coveredBy: ScannedIndex }[] = [];
  for (const index of table.indexes) {
    if (index.unique || index.primary || index.partial) continue;
    const coveredBy = table.indexes.find((other) => {
      if (other === index || other.partial || other.columns.length < index.columns.length) return false;
      if (!index.columns.every((c, i) => other.columns[i] === c)) return false;
      // Two identical plain indexes: report only one of them.
      return other.columns.length > index.columns.length || other.unique || other.name < index.name;
    });
    if (coveredBy) out.push({ index, coveredBy });
  }
  return out;
}

interface Context {
  db: ScannedDatabase;
  nameOf: (schema: string | null, name: string) => string;
}

function entityOf(ctx: Context, table: ScannedTable): DiscoveredEntity {
  const fields = table.columns.map((c) => ({
    name: c.name,
    type: c.type,
    source_type: c.sourceType,
    required: !c.nullable && !c.filledByServer,
    unique: table.uniques.some((u) => u.length === 1 && u[0] === c.name),
    primary_key: table.primaryKey.includes(c.name),
  }));
  // A reference names one field; composite foreign keys are described in the notes instead.
  const references = table.foreignKeys
    .filter((fk) => fk.columns.length === 1)
    .map((fk) => ({ field: fk.columns[0]!, target: ctx.nameOf(fk.refSchema, fk.refTable), on_delete: onDelete(fk.onDelete) }));
  return {
    source_name: ctx.nameOf(table.schema, table.name),
    fields,
    references,
    rows: table.rows,
    evidence: `${ctx.db.source} (${qualified(table.schema, table.name)})`,
  };
}

interface Findings {
  security: SecurityIssue[];
  optimizations: string[];
  improvements: string[];
}

function tableFindings(ctx: Context, out: Findings): void {
  const noKey: string[] = [];
  const unindexed: string[] = [];
  const passwords: string[] = [];
  const implied: string[] = [];
  const unanalyzed: string[] = [];
  for (const table of ctx.db.tables) {
    const where = qualified(table.schema, table.name);
    const shown = ctx.nameOf(table.schema, table.name);
    if (table.primaryKey.length === 0) {
      noKey.push(shown);
      out.security.push({
        severity: 'medium',
        kind: 'no_primary_key',
        message: `${shown} has no primary key: single rows cannot be updated or deleted reliably, and replication and ORMs need one`,
        location: where,
      });
      out.optimizations.push(`Add a primary key to ${shown}.`);
    }
    for (const fk of table.foreignKeys) {
      const cols = fk.columns.join(', ');
      const target = ctx.nameOf(fk.refSchema, fk.refTable);
      if (fk.inferred) implied.push(`${shown}.${cols} → ${target}`);
      if (table.indexes.some((i) => indexServes(i, fk.columns))) continue;
      if (fk.inferred) {
        out.optimizations.push(
          `Add an index on ${shown}(${cols}): it holds ${target} ids, and looking documents up by it scans the whole collection.`,
        );
        continue;
      }
      unindexed.push(`${shown}.${cols}`);
      out.security.push({
        severity: 'low',
        kind: 'unindexed_foreign_key',
        message: `${shown}.${cols} references ${target} but has no index: joins and every delete in ${target} scan all of ${shown}`,
        location: `${where}.${cols}`,
      });
      out.optimizations.push(`Add an index on ${shown}(${cols}): the foreign key to ${target} is not indexed.`);
    }
    for (const column of table.columns) {
      if (!looksLikePlaintextPassword(column)) continue;
      passwords.push(`${shown}.${column.name}`);
      out.security.push({
        severity: 'medium',
        kind: 'plaintext_password',
        message: `${shown}.${column.name} looks like it stores passwords as text (${column.sourceType}); nothing in its name says they are hashed`,
        location: `${where}.${column.name}`,
      });
    }
    for (const { index, coveredBy } of redundantIndexes(table)) {
      out.optimizations.push(`Drop index ${index.name} on ${shown}: ${coveredBy.name} already covers (${index.columns.join(', ')}).`);
    }
    if (table.rows !== null && table.rows >= BIG_TABLE_ROWS && table.indexes.every((i) => i.primary)) {
      out.optimizations.push(
        `Index the columns ${shown} is searched by: it holds about ${table.rows} rows and has no index besides its primary key.`,
      );
    }
    if (table.rows === null && ctx.db.engine === 'postgresql') unanalyzed.push(shown);
  }
  if (unanalyzed.length > 0)
    out.optimizations.push(
      `Run ANALYZE on ${listed(unanalyzed)}: PostgreSQL has no row estimates for them, so its query plans are guesses.`,
    );
  if (noKey.length > 0) out.improvements.push(`Give every table a primary key (${listed(noKey)} has none).`);
  if (unindexed.length > 0) out.improvements.push(`Index every foreign key column (${listed(unindexed)} is not).`);
  if (passwords.length > 0)
    out.improvements.push(`Store salted password hashes (bcrypt or argon2), never plaintext passwords (${listed(passwords)}).`);
  if (implied.length > 0) out.improvements.push(`Model the references the documents imply as foreign keys (${listed(implied)}).`);
}

function accountFindings(db: ScannedDatabase, out: Findings): void {
  const account = db.account;
  if (!account) return;
  if (account.unauthenticated) {
    out.security.push({
      severity: 'high',
      kind: 'no_authentication',
      message: 'the server let the scan read without signing in: anyone who can reach it can read and change the data',
      location: db.database || null,
    });
    out.improvements.push('Require authentication on the database server and give the application its own account.');
    return;
  }
  if (account.canWrite) {
    out.security.push({
      severity: 'info',
      kind: 'writable_account',
      message: `the scan used an account that can write; a read-only account is safer${account.superuser ? ' (this one is a superuser)' : ''}`,
      location: db.database || null,
    });
  }
}

function slowQueryFindings(db: ScannedDatabase, out: Findings): void {
  if (db.slowQueries.status !== 'ok') return;
  for (const q of db.slowQueries.queries.filter((x) => x.mean_ms >= SLOW_MEAN_MS).slice(0, 3)) {
    out.optimizations.push(
      `Look at the statement averaging ${Math.round(q.mean_ms)} ms over ${q.calls} calls (EXPLAIN it; an index or a narrower query may help): ${q.query.slice(0, 160)}`,
    );
  }
}

function architectureNotes(ctx: Context, entities: DiscoveredEntity[]): string[] {
  const { db } = ctx;
  const document = db.engine === 'mongodb';
  const unit = document ? 'collection' : 'table';
  const notes: string[] = [];
  const schemas = [...new Set(db.tables.map((t) => t.schema).filter((s): s is string => s !== null))];
  notes.push(
    `${ENGINE_NAMES[db.engine]}${db.version ? ` ${db.version}` : ''}: ${plural(db.tables.length, unit)} in database ${db.database || '(none)'}${schemas.length > 1 ? ` across ${plural(schemas.length, document ? 'database' : 'schema')} (${listed(schemas)})` : ''}.`,
  );
  if (db.totalTables !== null)
    notes.push(
      `Only the first ${db.tables.length} of ${db.totalTables} ${unit}s were read (maxTables); the rest are not in these findings.`,
    );
  const links = entities.flatMap((e) => e.references.map((r) => ({ from: e.source_name, to: r.target })));
  if (links.length === 0) {
    if (db.tables.length > 1)
      notes.push(
        document
          ? 'No references between collections could be inferred from the sampled documents.'
          : 'No foreign keys link the tables: relationships, if any, live only in application code.',
      );
  } else {
    const incoming = new Map<string, Set<string>>();
    for (const l of links) incoming.set(l.to, (incoming.get(l.to) ?? new Set()).add(l.from));
    const [hub, from] = [...incoming.entries()].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))[0]!;
    notes.push(
      `${plural(links.length, document ? 'inferred reference' : 'foreign key')} ${links.length === 1 ? 'links' : 'link'} the ${unit}s; ${hub} is referenced by ${listed([...from].sort())}.`,
    );
  }
  const composite = db.tables.flatMap((t) =>
    t.foreignKeys
      .filter((fk) => fk.columns.length > 1)
      .map((fk) => `${ctx.nameOf(t.schema, t.name)}(${fk.columns.join(', ')}) → ${ctx.nameOf(fk.refSchema, fk.refTable)}`),
  );
  if (composite.length > 0) notes.push(`Composite foreign keys are not listed as entity references: ${listed(composite)}.`);
  if (db.slowQueries.status === 'unavailable') notes.push(`Slow query statistics: ${db.slowQueries.reason}.`);
  return [...notes, ...db.notes];
}

export function buildResult(db: ScannedDatabase): AnalyzerResult {
  const ctx: Context = {
    db,
    // Tables in the default schema keep their plain name; others carry their schema, as SQL would need.
    nameOf: (schema, name) => (schema === null || schema === db.defaultSchema ? name : `${schema}.${name}`),
  };
  const entities = db.tables.map((t) => entityOf(ctx, t));
  const findings: Findings = { security: [], optimizations: [], improvements: [] };
  tableFindings(ctx, findings);
  accountFindings(db, findings);
  slowQueryFindings(db, findings);

  const kind = db.engine === 'mongodb' ? 'collection' : 'table';
  const nodes = entities.map((e) => ({ id: e.source_name, kind }));
  const ids = new Set(nodes.map((n) => n.id));
  const edgeKeys = new Set<string>();
  const edges: AnalyzerResult['graph']['edges'] = [];
  for (const e of entities) {
    for (const r of e.references) {
      const key = `${e.source_name}\u0000${r.target}`;
      // Edges to tables beyond maxTables would dangle; the entity still lists the reference.
      if (!ids.has(r.target) || edgeKeys.has(key)) continue;
      edgeKeys.add(key);
      edges.push({ from: e.source_name, to: r.target, kind: 'references' });
    }
  }

  const rank: Record<SecurityIssue['severity'], number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  return {
    technologies: db.technologies,
    security: findings.security.sort((a, b) => rank[a.severity] - rank[b.severity]),
    entities,
    graph: { nodes, edges },
    architecture: {
      style:
        db.engine === 'mongodb'
          ? `document database with ${plural(db.tables.length, 'collection')}`
          : `relational database with ${plural(db.tables.length, 'table')}`,
      components: db.tables.map((t) => ({ name: ctx.nameOf(t.schema, t.name), kind, path: qualified(t.schema, t.name) })),
      notes: architectureNotes(ctx, entities),
    },
    improvements: findings.improvements,
    database: {
      engine: db.engine,
      version: db.version,
      database: db.database,
      tables: db.tables.map((t) => ({
        name: t.name,
        schema: t.schema,
        rows: t.rows,
        indexes: t.indexes.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique })),
      })),
      slow_queries: db.slowQueries,
      optimizations: findings.optimizations,
    },
  };
}
