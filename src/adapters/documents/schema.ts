import { index, jsonb, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core';

/**
 * The embedded stand-in for MongoDB's collections (spec §3.2): one JSONB row per document. `seq` records
 * first insertion so `find` can break sort ties the way the port promises, and survives `put` replacing
 * the body.
 */
export const documents = pgTable(
  'documents',
  {
    collection: text('collection').notNull(),
    id: text('id').notNull(),
    doc: jsonb('doc').$type<Record<string, unknown>>().notNull(),
    seq: serial('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.collection, t.id] }), index('documents_collection_seq_idx').on(t.collection, t.seq)],
);
