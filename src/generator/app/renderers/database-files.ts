/**
 * The persistence layer of a generated app: one drizzle schema per dialect, the migration SQL that
 * creates it (with drizzle's journal, so drizzle's own migrator applies it), and the one module that
 * knows about dialects. Column modes are chosen so both schemas infer identical row types — that is
 * what lets the services use one typed API.
 */
import type { DataModel, DataModels, ModelField } from '../../../contracts/artifacts.ts';
import { isRequired, onDeleteRule, referencedModelName } from '../model-facts.ts';
import { camel, lines, lit, sqlIdent } from '../naming.ts';
import type { AppFile } from '../app-file.ts';
import { drizzleSnapshot, foreignKeyName, uniqueName, type Dialect } from './drizzle-snapshot.ts';

export function tableVar(model: DataModel): string {
  return `${camel(model.collection)}Table`;
}

/** A fixed timestamp keeps the journal byte-identical across renders; drizzle only compares it. */
const MIGRATION_WHEN = 1767225600000;
const MIGRATION_TAG = '0000_initial_schema';

function columnBuilder(field: ModelField, dialect: Dialect): string {
  const n = lit(field.name);
  if (dialect === 'sqlite') {
    switch (field.type) {
      case 'Integer':
        return `integer(${n})`;
      case 'Decimal':
        return `real(${n})`;
      case 'Boolean':
        return `integer(${n}, { mode: 'boolean' })`;
      case 'DateTime':
        return `integer(${n}, { mode: 'timestamp_ms' })`;
      default:
        return `text(${n})`;
    }
  }
  switch (field.type) {
    case 'UUID':
      return `uuid(${n})`;
    case 'Integer':
      return `integer(${n})`;
    case 'Decimal':
      return `doublePrecision(${n})`;
    case 'Boolean':
      return `boolean(${n})`;
    case 'Date':
      return `date(${n}, { mode: 'string' })`;
    case 'DateTime':
      return `timestamp(${n}, { withTimezone: true, mode: 'date' })`;
    default:
      return `text(${n})`;
  }
}

function sqlType(field: ModelField, dialect: Dialect): string {
  if (dialect === 'sqlite') {
    if (field.type === 'Decimal') return 'real';
    return ['Integer', 'Boolean', 'DateTime'].includes(field.type) ? 'integer' : 'text';
  }
  const pg: Record<string, string> = {
    UUID: 'uuid',
    Integer: 'integer',
    Decimal: 'double precision',
    Boolean: 'boolean',
    Date: 'date',
    DateTime: 'timestamp with time zone',
  };
  return pg[field.type] ?? 'text';
}

function validIndexes(model: DataModel): { name: string; fields: string[]; unique: boolean }[] {
  const names = new Set(model.fields.map((f) => f.name));
  const seen = new Set<string>();
  const out: { name: string; fields: string[]; unique: boolean }[] = [];
  for (const index of model.indexes) {
    if (!index.fields.every((f) => names.has(f))) continue;
    const name = `${model.collection}_${index.fields.join('_')}_${index.unique ? 'uniq' : 'idx'}`.slice(0, 63);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push({ name, fields: index.fields, unique: index.unique === true });
  }
  return out;
}

function schemaFile(models: DataModels, dialect: Dialect): string {
  const core = dialect === 'sqlite' ? 'sqlite-core' : 'pg-core';
  const tableFn = dialect === 'sqlite' ? 'sqliteTable' : 'pgTable';
  const anyColumn = dialect === 'sqlite' ? 'AnySQLiteColumn' : 'AnyPgColumn';
  const used = new Set<string>([tableFn]);
  const tables: string[] = [];
  for (const model of models.models) {
    const cols: string[] = [];
    for (const field of model.fields) {
      const builder = columnBuilder(field, dialect);
      used.add(builder.slice(0, builder.indexOf('(')));
      let col = builder;
      if (field.primary_key) col += '.primaryKey()';
      else if (isRequired(field)) col += '.notNull()';
      if (field.unique && !field.primary_key) col += '.unique()';
      const target = referencedModelName(field);
      const targetModel = target ? models.models.find((m) => m.name === target) : undefined;
      if (targetModel) {
        const onDelete = onDeleteRule(field);
        col += `.references((): ${anyColumn} => ${tableVar(targetModel)}.id, { onDelete: ${lit(onDelete)} })`;
        used.add(anyColumn);
      }
      cols.push(`  ${field.name}: ${col},`);
    }
    const indexes = validIndexes(model);
    const extra = indexes.length
      ? `, (table) => [\n${indexes.map((i) => `  ${i.unique ? 'uniqueIndex' : 'index'}(${lit(i.name)}).on(${i.fields.map((f) => `table.${f}`).join(', ')}),`).join('\n')}\n]`
      : '';
    for (const i of indexes) used.add(i.unique ? 'uniqueIndex' : 'index');
    tables.push(`export const ${tableVar(model)} = ${tableFn}(${lit(model.collection)}, {\n${cols.join('\n')}\n}${extra});`);
  }
  const typeImports = [...used].filter((u) => u.startsWith('Any')).sort();
  const valueImports = [...used].filter((u) => !u.startsWith('Any')).sort();
  return lines(
    `// drizzle ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} schema; keep column modes in step with the other dialect's schema.`,
    `import { ${valueImports.join(', ')} } from 'drizzle-orm/${core}';`,
    typeImports.length ? `import type { ${typeImports.join(', ')} } from 'drizzle-orm/${core}';` : null,
    '',
    tables.join('\n\n'),
    '',
  );
}

function migrationSql(models: DataModels, dialect: Dialect): string {
  const statements: string[] = [];
  const foreignKeys: string[] = [];
  for (const model of models.models) {
    const cols: string[] = [];
    for (const field of model.fields) {
      let col = `\t${sqlIdent(field.name)} ${sqlType(field, dialect)}`;
      if (field.primary_key) col += ' PRIMARY KEY';
      if (field.primary_key || isRequired(field)) col += ' NOT NULL';
      const target = referencedModelName(field);
      const targetModel = target ? models.models.find((m) => m.name === target) : undefined;
      if (targetModel) {
        const onDelete = onDeleteRule(field).toUpperCase();
        const ref = `REFERENCES ${sqlIdent(targetModel.collection)}(${sqlIdent('id')}) ON DELETE ${onDelete}`;
        // SQLite cannot add a constraint later; PostgreSQL checks the target exists, so its FKs come last.
        if (dialect === 'sqlite') col += ` ${ref}`;
        else {
          const name = foreignKeyName(model, field, targetModel);
          foreignKeys.push(
            `ALTER TABLE ${sqlIdent(model.collection)} ADD CONSTRAINT ${sqlIdent(name)} FOREIGN KEY (${sqlIdent(field.name)}) ${ref};`,
          );
        }
      }
      cols.push(col);
    }
    // Unique columns carry drizzle's names (a constraint in PostgreSQL, an index in SQLite), so a later
    // `drizzle-kit generate` that drops or changes one names what is really there.
    const unique = model.fields.filter((f) => f.unique && !f.primary_key);
    if (dialect === 'pg') for (const f of unique) cols.push(`\tCONSTRAINT ${sqlIdent(uniqueName(model, f))} UNIQUE(${sqlIdent(f.name)})`);
    statements.push(`CREATE TABLE ${sqlIdent(model.collection)} (\n${cols.join(',\n')}\n);`);
    if (dialect === 'sqlite') {
      for (const f of unique) {
        statements.push(`CREATE UNIQUE INDEX ${sqlIdent(uniqueName(model, f))} ON ${sqlIdent(model.collection)} (${sqlIdent(f.name)});`);
      }
    }
    for (const index of validIndexes(model)) {
      statements.push(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${sqlIdent(index.name)} ON ${sqlIdent(model.collection)} (${index.fields.map(sqlIdent).join(', ')});`,
      );
    }
  }
  return [...statements, ...foreignKeys].join('\n--> statement-breakpoint\n') + '\n';
}

function journal(dialect: Dialect): string {
  return (
    JSON.stringify(
      {
        version: '7',
        dialect: dialect === 'sqlite' ? 'sqlite' : 'postgresql',
        entries: [{ idx: 0, version: '7', when: MIGRATION_WHEN, tag: MIGRATION_TAG, breakpoints: true }],
      },
      null,
      2,
    ) + '\n'
  );
}

function databaseModule(models: DataModels): string {
  const truncateList = models.models.map((m) => m.collection);
  return `/**
 * The only module that knows there are two SQL dialects. SQLite (better-sqlite3) is the default so the
 * app runs with nothing installed; PostgreSQL is used when DATABASE_URL says so. Both schemas infer the
 * same row types, so the services are written once against the SQLite-typed API.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as pgSchema from './schema.pg.ts';
import * as sqliteSchema from './schema.sqlite.ts';

export type Tables = typeof sqliteSchema;
export type AppDatabase = BetterSQLite3Database<Tables>;
export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: AppDatabase;
  tables: Tables;
  dialect: Dialect;
  close(): Promise<void>;
}

/** Every table, children before parents, for test clean-up. */
export const TABLE_NAMES: readonly string[] = ${JSON.stringify([...truncateList].reverse())};

const migrationsDir = fileURLToPath(new URL('../../drizzle/', import.meta.url));

export function dialectOf(databaseUrl: string): Dialect {
  return /^postgres(ql)?:\\/\\//.test(databaseUrl) ? 'postgres' : 'sqlite';
}

export async function openDatabase(databaseUrl: string, dataDir: string): Promise<DatabaseHandle> {
  if (dialectOf(databaseUrl) === 'postgres') {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    const db = drizzlePg(pool, { schema: pgSchema });
    await migratePg(db, { migrationsFolder: join(migrationsDir, 'pg') });
    return {
      // The one cast: node-postgres and better-sqlite3 share drizzle's query-builder API, and the two
      // schemas infer identical row types, so the services see a single typed database.
      db: db as unknown as AppDatabase,
      tables: pgSchema as unknown as Tables,
      dialect: 'postgres',
      close: () => pool.end(),
    };
  }
  const file = databaseUrl === 'sqlite::memory:' ? ':memory:' : sqliteFile(databaseUrl, dataDir);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzleSqlite(sqlite, { schema: sqliteSchema });
  migrateSqlite(db, { migrationsFolder: join(migrationsDir, 'sqlite') });
  return { db, tables: sqliteSchema, dialect: 'sqlite', close: async () => void sqlite.close() };
}

function sqliteFile(databaseUrl: string, dataDir: string): string {
  const explicit = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : '';
  if (explicit) return explicit;
  mkdirSync(dataDir, { recursive: true });
  return join(dataDir, 'app.db');
}
`;
}

export function databaseFiles(models: DataModels): AppFile[] {
  const g = 'models' as const;
  const facts = { sqlType, indexes: validIndexes };
  return [
    { path: 'backend/src/db/schema.sqlite.ts', content: schemaFile(models, 'sqlite'), group: g },
    { path: 'backend/src/db/schema.pg.ts', content: schemaFile(models, 'pg'), group: g },
    { path: 'backend/src/db/database.ts', content: databaseModule(models), group: g },
    { path: `backend/drizzle/sqlite/${MIGRATION_TAG}.sql`, content: migrationSql(models, 'sqlite'), group: g },
    { path: 'backend/drizzle/sqlite/meta/_journal.json', content: journal('sqlite'), group: g },
    { path: 'backend/drizzle/sqlite/meta/0000_snapshot.json', content: drizzleSnapshot(models, 'sqlite', facts), group: g },
    { path: `backend/drizzle/pg/${MIGRATION_TAG}.sql`, content: migrationSql(models, 'pg'), group: g },
    { path: 'backend/drizzle/pg/meta/_journal.json', content: journal('pg'), group: g },
    { path: 'backend/drizzle/pg/meta/0000_snapshot.json', content: drizzleSnapshot(models, 'pg', facts), group: g },
  ];
}
