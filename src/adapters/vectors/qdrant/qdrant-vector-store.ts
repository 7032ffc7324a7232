/**
 * The Qdrant vector store (@qdrant/js-client-rest), cosine distance. Qdrant point ids must be UUIDs or
 * integers, so a point's id is a UUID derived from its string id (SHA-1, version-5 layout) and the
 * string id travels in the payload under `_catalyst_id`.
 */
import { createHash } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { AppError } from '../../../core/errors.ts';
import type { VectorPayload, VectorStore } from '../../../core/ports/vector-store.ts';

const ID_FIELD = '_catalyst_id';

export interface QdrantOptions {
  url: string;
  apiKey?: string;
  /** Prepended to collection names, so installations can share one Qdrant. */
  prefix?: string;
}

export async function openQdrantVectorStore(opts: QdrantOptions): Promise<VectorStore> {
  if (!opts.url)
    throw new AppError('invalid_config', 'the Qdrant vector store needs a URL', { hint: 'set QDRANT_URL, e.g. http://127.0.0.1:6333' });
  const client = new QdrantClient({ url: opts.url, ...(opts.apiKey ? { apiKey: opts.apiKey } : {}), checkCompatibility: false });
  try {
    await client.getCollections();
  } catch (e) {
    throw new AppError('service_unavailable', `cannot reach Qdrant: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'start Qdrant or fix QDRANT_URL (storage.qdrant.url)',
      cause: e,
    });
  }
  const name = (c: string) => `${opts.prefix ?? ''}${c}`;
  const dims = new Map<string, number>();

  async function dimensionOf(collection: string): Promise<number> {
    const known = dims.get(collection);
    if (known !== undefined) return known;
    const info = await client.getCollection(name(collection)).catch(() => null);
    const vectors = info?.config.params.vectors as { size?: number } | undefined;
    if (!vectors?.size)
      throw new AppError('invalid_option', `vector collection ${collection} does not exist`, { hint: 'call ensureCollection first' });
    dims.set(collection, vectors.size);
    return vectors.size;
  }

  function check(v: number[], d: number): void {
    if (v.length !== d || v.some((x) => !Number.isFinite(x)))
      throw new AppError('invalid_option', `expected a vector of ${d} finite numbers, got ${v.length}`);
  }

  return {
    kind: 'qdrant',
    async ensureCollection(collection, dimensions) {
      if (!Number.isInteger(dimensions) || dimensions < 1)
        throw new AppError('invalid_option', `a vector collection needs a positive dimension, got ${dimensions}`);
      const exists = (await client.collectionExists(name(collection))).exists;
      if (exists) {
        const d = await dimensionOf(collection);
        if (d !== dimensions)
          throw new AppError('invalid_option', `vector collection ${collection} has ${d} dimensions, not ${dimensions}`);
        return;
      }
      await client.createCollection(name(collection), { vectors: { size: dimensions, distance: 'Cosine' } });
      dims.set(collection, dimensions);
    },
    async upsert(collection, points) {
      const d = await dimensionOf(collection);
      for (const p of points) check(p.vector, d);
      if (points.length === 0) return;
      await client.upsert(name(collection), {
        wait: true,
        points: points.map((p) => ({ id: pointId(p.id), vector: p.vector, payload: { ...p.payload, [ID_FIELD]: p.id } })),
      });
    },
    async search(collection, vector, opts) {
      check(vector, await dimensionOf(collection));
      const must = Object.entries(opts.filter ?? {}).map(([key, value]) =>
        value === null ? { is_null: { key } } : { key, match: { value } },
      );
      const hits = await client.search(name(collection), {
        vector,
        limit: opts.limit,
        with_payload: true,
        ...(must.length ? { filter: { must } } : {}),
      });
      return hits.map((h) => {
        const { [ID_FIELD]: id, ...payload } = (h.payload ?? {}) as VectorPayload;
        return { id: String(id), score: h.score, payload };
      });
    },
    async delete(collection, ids) {
      if (ids.length === 0) return;
      await client.delete(name(collection), { wait: true, points: ids.map(pointId) });
    },
    async close() {
      /* the REST client holds no connection to release */
    },
  };
}

export function pointId(id: string): string {
  const h = createHash('sha1').update(`catalyst:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}
