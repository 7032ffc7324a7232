import { z } from 'zod';
import { fieldErrors, notFound, validationFailed } from './http-errors.ts';

export interface ListPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Paging and text search, shared by every list; each model extends it with its own filters and sort keys. */
export const ListQueryBase = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  q: z.string().trim().max(200).optional(),
});

/** `?done=true` / `?done=false`; anything else is a 400 rather than silently "false". */
export const BooleanParam = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const IdSchema = z.uuid();

/** Parses a body with a model schema, turning zod issues into a 400 that names each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}

/** Parses a list's query string with the model's list schema; a bad filter or sort key is a 400 naming it. */
export function parseListQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {});
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}

/** Ids are UUIDs; anything else cannot name a row, so it is "not found" rather than a database error. */
export function parseId(params: unknown, what: string): string {
  const id = typeof params === 'object' && params !== null && 'id' in params ? String(params.id) : '';
  if (!IdSchema.safeParse(id).success) throw notFound(what, id);
  return id;
}
