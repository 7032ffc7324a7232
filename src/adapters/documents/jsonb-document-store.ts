/**
 * The DocumentStore port on a JSONB table in the state database (the embedded stand-in for MongoDB).
 * Filters use `@>` containment of top-level scalars, which is equality for the values a filter may hold.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { DocumentFilter, DocumentStore } from '../../core/ports/document-store.ts';
import { documents } from './schema.ts';

export type DocumentDb = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export function createJsonbDocumentStore(db: DocumentDb): DocumentStore {
  return {
    kind: 'postgres-jsonb',

    async put(collection, id, doc) {
      await db
        .insert(documents)
        .values({ collection, id, doc })
        .onConflictDoUpdate({ target: [documents.collection, documents.id], set: { doc } });
    },

    async get(collection, id) {
      const [row] = await db
        .select({ doc: documents.doc })
        .from(documents)
        .where(and(eq(documents.collection, collection), eq(documents.id, id)));
      return row ? row.doc : null;
    },

    async find(collection, filter: DocumentFilter, opts = {}) {
      const conditions = [eq(documents.collection, collection)];
      if (Object.keys(filter).length > 0) conditions.push(sql`${documents.doc} @> ${JSON.stringify(filter)}::jsonb`);
      // Documents without the sort field go last either way, like a missing value in a report.
      const byField =
        opts.sort === undefined ? [] : [sql`${documents.doc} -> ${opts.sort}::text ${opts.desc ? sql`desc` : sql`asc`} nulls last`];
      const query = db
        .select({ doc: documents.doc })
        .from(documents)
        .where(and(...conditions))
        .orderBy(...byField, asc(documents.seq));
      const rows = opts.limit === undefined ? await query : await query.limit(opts.limit);
      return rows.map((r) => r.doc);
    },

    async delete(collection, id) {
      const gone = await db
        .delete(documents)
        .where(and(eq(documents.collection, collection), eq(documents.id, id)))
        .returning({ id: documents.id });
      return gone.length > 0;
    },
  };
}
