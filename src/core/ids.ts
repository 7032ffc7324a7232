import { randomUUID } from 'node:crypto';

export type IdFactory = () => string;
export const uuid: IdFactory = () => randomUUID();

/** First block of a UUID: short, stable, safe in branch names, hostnames and paths. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Turns any name into a slug that cannot leave its folder or inject anything: [a-z0-9-], 1..48 chars. */
export function slugify(name: string, fallback = 'app'): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug.length > 0 ? slug : fallback;
}
