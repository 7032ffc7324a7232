/**
 * Schemaless documents (spec §3.2 MongoDB collections: conversations, generated_projects, agent_logs,
 * plans, architectures, code_reviews, explorer_findings).
 *
 * Guarantees: `put` replaces a whole document by (collection, id); `find` matches top-level fields by
 * equality and returns documents sorted by the `sort` field (ascending unless `desc`), ties broken by
 * insertion order; a missing document is null, never an error.
 */
export type DocumentFilter = Record<string, string | number | boolean | null>;

export interface DocumentStore {
  readonly kind: 'postgres-jsonb' | 'mongodb';
  put(collection: string, id: string, doc: Record<string, unknown>): Promise<void>;
  get(collection: string, id: string): Promise<Record<string, unknown> | null>;
  find(
    collection: string,
    filter: DocumentFilter,
    opts?: { limit?: number; sort?: string; desc?: boolean },
  ): Promise<Record<string, unknown>[]>;
  delete(collection: string, id: string): Promise<boolean>;
}
