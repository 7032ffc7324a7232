/** PostgreSQL over node-postgres: the server adapter, shared by every process that points at the URL. */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { createJsonbDocumentStore } from '../documents/jsonb-document-store.ts';
import { createDrizzleStateStore, type StateDb } from './drizzle-state-store.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';
import type { OpenedStores } from './opened-stores.ts';

export interface PostgresConfig {
  kind: 'postgres';
  url: string;
  poolSize?: number;
}

// Arbitrary but fixed: every Catalyst process migrating the same database queues on this key.
const MIGRATION_LOCK_KEY = 7_283_461_902;

async function migrateExclusively(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

export async function openPostgresStores(cfg: PostgresConfig): Promise<OpenedStores> {
  const pool = new pg.Pool({ connectionString: cfg.url, max: cfg.poolSize ?? 10 });
  // An idle client that loses its server would otherwise raise an unhandled 'error' and kill the process.
  pool.on('error', () => undefined);
  try {
    await migrateExclusively(pool);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  const db = drizzle({ client: pool });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await pool.end();
  };
  return {
    state: createDrizzleStateStore(db as unknown as StateDb, 'postgres', close),
    documents: createJsonbDocumentStore(db as unknown as StateDb),
  };
}
