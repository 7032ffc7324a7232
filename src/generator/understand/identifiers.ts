/**
 * Turning user words into names that are safe in code, SQL, URLs and file paths. Everything is reduced to
 * ASCII letters and digits first, so no quoting, path or shell character can survive into an identifier.
 */
import { MODEL_NAMES_ALLOWED, RESERVED_IDENTIFIERS } from '../../contracts/index.ts';

const MAX_IDENTIFIER = 63;

/** Lowercase ASCII words of a text: accents folded, everything else a separator. */
export function asciiWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** snake_case identifier, or null when nothing usable is left (e.g. only digits or symbols). */
export function toSnake(words: readonly string[]): string | null {
  const joined = words
    .join('_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+/g, '_')
    .replace(/_$/, '');
  const cut = joined.slice(0, MAX_IDENTIFIER).replace(/_+$/, '');
  return /^[a-z][a-z0-9_]*$/.test(cut) ? cut : null;
}

/** PascalCase from snake_case: "invoice_line" → "InvoiceLine". */
export function snakeToPascal(snake: string): string {
  return snake
    .split('_')
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('')
    .slice(0, MAX_IDENTIFIER);
}

/** "due_date" → "Due Date". */
export function snakeToLabel(snake: string): string {
  return snake
    .split('_')
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join(' ');
}

export function isReserved(name: string): boolean {
  return RESERVED_IDENTIFIERS.has(name.toLowerCase());
}

/** A model name may be a word that is reserved only in lower case ("Order", "Class"). */
export function isReservedModelName(name: string): boolean {
  return isReserved(name) && !MODEL_NAMES_ALLOWED.has(name.toLowerCase());
}

/** URL- and path-safe slug: [a-z0-9-], at most 63 characters, never empty. */
export function toSlug(text: string, fallback: string): string {
  const slug = asciiWords(text.replace(/['’]/g, '')).join('-').slice(0, 63).replace(/-+$/, '');
  return slug.length > 0 ? slug : fallback;
}

/** Keeps the user's wording for display but drops control characters and collapses whitespace. */
export function cleanDisplayText(text: string, maxLength: number): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, maxLength)
      .trim()
  );
}

/** "todo app" → "Todo App". */
export function titleCase(words: readonly string[]): string {
  return words.map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');
}
