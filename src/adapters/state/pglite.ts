/** PGlite (WASM Postgres in this process): the embedded default, in memory or in a locked data folder. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { createJsonbDocumentStore } from '../documents/jsonb-document-store.ts';
import type { DataDirHolder, DataDirLock } from './data-dir-lock.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { createDrizzleStateStore, type StateDb } from './drizzle-state-store.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';
import { initialisedCluster } from './pglite-template.ts';
import type { OpenedStores } from './opened-stores.ts';

export type PgliteConfig =
  | {
      kind: 'pglite';
      dataDir: string;
      lockWaitMs?: number;
      lockStaleMs?: number;
      /** Shown to another process that finds the folder taken (`catalyst build`). */
      purpose?: string;
      /** This process waits for another holder: say so (a queued CLI build prints "Waiting: …"). */
      onLockWait?: ((holder: DataDirHolder | null) => void) | undefined;
    }
  | { kind: 'pglite'; memory: true };

export async function openPgliteStores(cfg: PgliteConfig): Promise<OpenedStores> {
  let lock: DataDirLock | null = null;
  let client: PGlite | null = null;
  try {
    if ('dataDir' in cfg) {
      lock = await lockDataDir(cfg.dataDir, {
        waitMs: cfg.lockWaitMs ?? 30_000,
        ...(cfg.lockStaleMs === undefined ? {} : { staleMs: cfg.lockStaleMs }),
        ...(cfg.purpose === undefined ? {} : { purpose: cfg.purpose }),
        ...(cfg.onLockWait === undefined ? {} : { onWait: cfg.onLockWait }),
        // Another process now owns the folder: stop writing to it rather than corrupt it.
        onLost: (err) => {
          process.emitWarning(`state folder lock lost, closing PGlite: ${err.message}`);
          void client?.close().catch(() => undefined);
        },
      });
      // Without PG_VERSION the folder holds no cluster yet (PGlite itself reads it so).
      const fresh = !existsSync(join(cfg.dataDir, 'PG_VERSION'));
      client = fresh ? await PGlite.create(cfg.dataDir, { loadDataDir: await initialisedCluster() }) : await PGlite.create(cfg.dataDir);
    } else {
      client = await PGlite.create({ loadDataDir: await initialisedCluster() });
    }
    const db = drizzle({ client });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    // The folder lock proves that whoever held a task's lease here is gone (only one process opens an
    // embedded store): its leases end now, so this process may resume those tasks without waiting them out.
    if (lock)
      await client.query(`update tasks set lease_expires_at = now() where owner_id is not null and status in ('queued', 'running')`);
    const opened = client;
    const held = lock;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      try {
        if (!opened.closed) await opened.close();
      } finally {
        await held?.release();
      }
    };
    return {
      state: createDrizzleStateStore(db as unknown as StateDb, 'pglite', close),
      documents: createJsonbDocumentStore(db as unknown as StateDb),
    };
  } catch (e) {
    await client?.close().catch(() => undefined);
    await lock?.release().catch(() => undefined);
    throw e;
  }
}
