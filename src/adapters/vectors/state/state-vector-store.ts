/**
 * The embedded vector store: points kept as documents in the state database (through the DocumentStore
 * port, so PGlite, PostgreSQL JSONB or MongoDB alike) and searched by exact cosine similarity in process.
 * Exact search over every point of a collection is O(n·d): right for the thousands of embeddings one
 * installation's explorer and planner produce; Qdrant (QDRANT_URL) is the answer beyond that.
 */
import { AppError } from '../../../core/errors.ts';
import type { DocumentStore } from '../../../core/ports/document-store.ts';
import type { VectorMatch, VectorPayload, VectorStore } from '../../../core/ports/vector-store.ts';

const META = 'vector_collections';
const points = (collection: string) => `vectors_${collection}`;

export function createStateVectorStore(documents: DocumentStore): VectorStore {
  const dims = new Map<string, number>();

  async function dimensionOf(collection: string): Promise<number> {
    const known = dims.get(collection);
    if (known !== undefined) return known;
    const meta = await documents.get(META, collection);
    if (!meta)
      throw new AppError('invalid_option', `vector collection ${collection} does not exist`, { hint: 'call ensureCollection first' });
    dims.set(collection, Number(meta.dimensions));
    return Number(meta.dimensions);
  }

  return {
    kind: 'state',
    async ensureCollection(name, dimensions) {
      assertDimensions(dimensions);
      const meta = await documents.get(META, name);
      if (meta && Number(meta.dimensions) !== dimensions) {
        throw new AppError('invalid_option', `vector collection ${name} has ${String(meta.dimensions)} dimensions, not ${dimensions}`);
      }
      if (!meta) await documents.put(META, name, { name, dimensions });
      dims.set(name, dimensions);
    },
    async upsert(collection, list) {
      const d = await dimensionOf(collection);
      for (const p of list) checkVector(p.vector, d);
      for (const p of list) await documents.put(points(collection), p.id, { id: p.id, vector: p.vector, payload: p.payload });
    },
    async search(collection, vector, opts) {
      checkVector(vector, await dimensionOf(collection));
      const filter = opts.filter ?? {};
      const matches: VectorMatch[] = [];
      for (const doc of await documents.find(points(collection), {})) {
        const payload = doc.payload as VectorPayload;
        if (!Object.entries(filter).every(([k, v]) => payload[k] === v)) continue;
        matches.push({ id: String(doc.id), score: cosine(vector, doc.vector as number[]), payload });
      }
      return matches.sort((a, b) => b.score - a.score).slice(0, opts.limit);
    },
    async delete(collection, ids) {
      for (const id of ids) await documents.delete(points(collection), id);
    },
    async close() {
      /* the documents belong to the state store, which the runtime closes */
    },
  };
}

function assertDimensions(d: number): void {
  if (!Number.isInteger(d) || d < 1) throw new AppError('invalid_option', `a vector collection needs a positive dimension, got ${d}`);
}

function checkVector(v: number[], d: number): void {
  if (v.length !== d || v.some((x) => !Number.isFinite(x))) {
    throw new AppError('invalid_option', `expected a vector of ${d} finite numbers, got ${v.length}`);
  }
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
