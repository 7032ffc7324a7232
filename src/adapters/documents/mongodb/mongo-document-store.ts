/**
 * The DocumentStore port on MongoDB (official driver; spec §3.2 collections). A document is stored as
 * `{ _id: id, doc, seq }`: wrapping keeps caller fields (even `_id`) out of Mongo's way, and `seq`, set on
 * first insert only, gives the port's "ties broken by insertion order" across replacements.
 */
import { MongoClient, ObjectId, type Document } from 'mongodb';
import { AppError } from '../../../core/errors.ts';
import type { DocumentFilter, DocumentStore } from '../../../core/ports/document-store.ts';

export interface MongoDocumentOptions {
  url: string;
  database: string;
  /** Prepended to collection names, so installations or test runs can share one database. */
  prefix?: string;
}

interface Wrapped {
  _id: string;
  doc: Record<string, unknown>;
  seq: ObjectId;
}

export async function openMongoDocumentStore(opts: MongoDocumentOptions): Promise<DocumentStore & { close(): Promise<void> }> {
  if (!opts.url)
    throw new AppError('invalid_config', 'the MongoDB document store needs a URL', {
      hint: 'set MONGO_URL, e.g. mongodb://127.0.0.1:27017',
    });
  const client = new MongoClient(opts.url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    await client.db(opts.database).command({ ping: 1 });
  } catch (e) {
    await client.close().catch(() => undefined);
    throw new AppError('service_unavailable', `cannot connect to MongoDB: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'start MongoDB or fix MONGO_URL (storage.databases.mongodb.url)',
      cause: e,
    });
  }
  const db = client.db(opts.database);
  const col = (name: string) => db.collection<Wrapped>(`${opts.prefix ?? ''}${name}`);

  return {
    kind: 'mongodb',
    async put(collection, id, doc) {
      await col(collection).updateOne({ _id: id }, { $set: { doc }, $setOnInsert: { seq: new ObjectId() } }, { upsert: true });
    },
    async get(collection, id) {
      const row = await col(collection).findOne({ _id: id });
      return row ? row.doc : null;
    },
    async find(collection, filter: DocumentFilter, findOpts = {}) {
      const match: Document = {};
      // null means "present and null", as JSONB containment reads it; Mongo's plain null also matches absence.
      for (const [k, v] of Object.entries(filter)) match[`doc.${k}`] = v === null ? { $type: 'null' } : v;
      const pipeline: Document[] = [{ $match: match }];
      if (findOpts.sort !== undefined) {
        const field = `$doc.${findOpts.sort}`;
        // Documents without the sort field go last either way, as in the JSONB adapter.
        pipeline.push({ $addFields: { _missing: { $cond: [{ $eq: [{ $type: field }, 'missing'] }, 1, 0] } } });
        pipeline.push({ $sort: { _missing: 1, [`doc.${findOpts.sort}`]: findOpts.desc ? -1 : 1, seq: 1 } });
      } else {
        pipeline.push({ $sort: { seq: 1 } });
      }
      if (findOpts.limit !== undefined) pipeline.push({ $limit: findOpts.limit });
      const rows = await col(collection).aggregate<Wrapped>(pipeline).toArray();
      return rows.map((r) => r.doc);
    },
    async delete(collection, id) {
      return (await col(collection).deleteOne({ _id: id })).deletedCount > 0;
    },
    async close() {
      await client.close();
    },
  };
}
