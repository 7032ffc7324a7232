/**
 * Embeddings with cosine-similarity search (spec §3.1 Qdrant: code and findings embeddings used by the
 * explorer and the planner).
 *
 * Guarantees every adapter keeps (test/conformance/vector-store.ts):
 * - `ensureCollection` is idempotent; vectors in a collection all have its dimension, and a point of
 *   another dimension is refused with AppError('invalid_option').
 * - `upsert` replaces points by id (any string); `delete` of a missing id is not an error.
 * - `search` returns up to `limit` points by descending cosine similarity (score in [-1, 1]), only
 *   those whose payload equals every field of `filter`; ties in any order.
 * - Collections are independent: a point in one is never returned from another.
 */
export type VectorPayload = Record<string, string | number | boolean | null>;

export interface VectorPoint {
  id: string;
  vector: number[];
  payload: VectorPayload;
}

export interface VectorMatch {
  id: string;
  score: number;
  payload: VectorPayload;
}

export interface VectorStore {
  readonly kind: 'state' | 'qdrant';
  ensureCollection(name: string, dimensions: number): Promise<void>;
  upsert(collection: string, points: VectorPoint[]): Promise<void>;
  search(collection: string, vector: number[], opts: { limit: number; filter?: VectorPayload }): Promise<VectorMatch[]>;
  delete(collection: string, ids: string[]): Promise<void>;
  close(): Promise<void>;
}
