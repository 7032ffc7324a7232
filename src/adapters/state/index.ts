/**
 * Opens the state store and the JSONB document store over one database: PGlite (embedded default) or
 * PostgreSQL. Migrations under drizzle/ are applied before the stores are handed out.
 */
import type { DocumentStore } from '../../core/ports/document-store.ts';
import type { StateStore } from '../../core/ports/state-store.ts';
import { openPgliteStores, type PgliteConfig } from './pglite.ts';
import { openPostgresStores, type PostgresConfig } from './postgres.ts';

export type StateStoreConfig = PgliteConfig | PostgresConfig;
export type { OpenedStores } from './opened-stores.ts';
export { lockPathFor } from './data-dir-lock.ts';

/**
 * The state store with its document store attached as `documents`; `close()` releases both (and, for a
 * PGlite folder, the folder lock).
 */
export async function openStateStore(cfg: StateStoreConfig): Promise<StateStore & { documents: DocumentStore }> {
  const { state, documents } = cfg.kind === 'postgres' ? await openPostgresStores(cfg) : await openPgliteStores(cfg);
  return Object.assign(state, { documents });
}
