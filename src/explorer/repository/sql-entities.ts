/**
 * SQL files → entities: `CREATE TABLE` columns with NOT NULL, DEFAULT, PRIMARY KEY, UNIQUE and
 * REFERENCES … ON DELETE, table constraints, and `ALTER TABLE … ADD` of columns and constraints (the
 * way migration tools such as drizzle-kit write foreign keys). A tokenizer-free reading that respects
 * quotes and parentheses; dialect details it does not know are kept in `source_type` and ignored.
 */
import type { DiscoveredEntity } from '../../contracts/explorer.ts';
import { sqlColumnType } from '../field-types.ts';
import { refineByName } from './field-types.ts';

type Field = DiscoveredEntity['fields'][number];
type Reference = DiscoveredEntity['references'][number];

interface TableDraft {
  name: string;
  path: string;
  fields: Field[];
  references: Reference[];
}

const MAX_TABLES = 500;
const COLUMN_KEYWORDS =
  /\b(NOT\s+NULL|NULL|PRIMARY\s+KEY|UNIQUE|DEFAULT|REFERENCES|CHECK|CONSTRAINT|GENERATED|AUTO_INCREMENT|AUTOINCREMENT|IDENTITY|COLLATE|COMMENT|ON\s+UPDATE|CHARACTER\s+SET|CHARSET)\b/i;

function stripComments(sql: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i += 1) {
    const c = sql[i]!;
    if (quote) {
      out += c;
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
      out += c;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i += 1;
      out += '\n';
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
      out += ' ';
    } else out += c;
  }
  return out;
}

/** Splits at `sep` where it is outside quotes and parentheses. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const IDENT = String.raw`(?:"[^"]+"|\`[^\`]+\`|\[[^\]]+\]|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`${IDENT}(?:\s*\.\s*${IDENT})*`;

function unquote(identifier: string): string {
  const last = splitTopLevel(identifier, '.').pop() ?? identifier;
  return last.trim().replace(/^["`[]|["`\]]$/g, '');
}

function identList(text: string): string[] {
  return splitTopLevel(text, ',').map((s) => unquote(s.replace(/\s+(ASC|DESC)\b.*$/i, '').replace(/\(\d+\)$/, '')));
}

function onDelete(text: string): Reference['on_delete'] {
  const action = /ON\s+DELETE\s+(CASCADE|SET\s+NULL|SET\s+DEFAULT|RESTRICT|NO\s+ACTION)/i
    .exec(text)?.[1]
    ?.toUpperCase()
    .replace(/\s+/g, ' ');
  return action === 'CASCADE' ? 'cascade' : action === 'SET NULL' ? 'set null' : 'restrict';
}

/** The text between the parenthesis at `open` and its match. */
function parenthesised(text: string, open: number): { inner: string; end: number } | null {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')' && --depth === 0) return { inner: text.slice(open + 1, i), end: i };
  }
  return null;
}

export function sqlEntities(files: ReadonlyArray<{ path: string; content: string }>): DiscoveredEntity[] {
  const tables = new Map<string, TableDraft>();
  const statements = files.flatMap((f) => splitTopLevel(stripComments(f.content), ';').map((sql) => ({ path: f.path, sql })));
  const enumTypes = new Set(
    statements.flatMap((s) =>
      [...s.sql.matchAll(new RegExp(String.raw`CREATE\s+TYPE\s+(${QUALIFIED})\s+AS\s+ENUM`, 'gi'))].map((m) =>
        unquote(m[1]!).toLowerCase(),
      ),
    ),
  );
  for (const { path, sql } of statements) {
    const create = new RegExp(
      String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(${QUALIFIED})\s*\(`,
      'i',
    ).exec(sql);
    if (create) {
      const name = unquote(create[1]!);
      const body = parenthesised(sql, create[0].length - 1);
      if (body && !tables.has(name.toLowerCase()) && tables.size < MAX_TABLES) {
        const table: TableDraft = { name, path, fields: [], references: [] };
        for (const item of splitTopLevel(body.inner, ',')) applyItem(table, item, enumTypes);
        tables.set(name.toLowerCase(), table);
      }
      continue;
    }
    const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(${QUALIFIED})\s+([\s\S]*)$`, 'i').exec(sql);
    const table = alter ? tables.get(unquote(alter[1]!).toLowerCase()) : undefined;
    if (alter && table) {
      for (const action of splitTopLevel(alter[2]!, ',')) {
        const add = /^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([\s\S]*)$/i.exec(action);
        if (add) applyItem(table, add[1]!, enumTypes);
      }
    }
  }
  return [...tables.values()].map((t) => ({
    source_name: t.name,
    fields: t.fields,
    references: dedupeReferences(t.references),
    rows: null,
    evidence: `${t.path} (CREATE TABLE ${t.name})`,
  }));
}

function dedupeReferences(refs: Reference[]): Reference[] {
  const seen = new Set<string>();
  return refs.filter((r) => !seen.has(r.field) && seen.add(r.field));
}

/** One item of a CREATE TABLE body or an ALTER TABLE ADD: a table constraint or a column. */
function applyItem(table: TableDraft, raw: string, enumTypes: ReadonlySet<string>): void {
  const item = raw.replace(new RegExp(String.raw`^CONSTRAINT\s+${IDENT}\s+`, 'i'), '').trim();
  const field = (name: string) => table.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  let m: RegExpExecArray | null;
  if ((m = /^PRIMARY\s+KEY\s*\(([^)]*)\)/i.exec(item))) {
    for (const name of identList(m[1]!)) {
      const f = field(name);
      if (f) f.primary_key = true;
    }
    return;
  }
  if ((m = new RegExp(String.raw`^UNIQUE(?:\s+(?:KEY|INDEX))?(?:\s+${IDENT})?\s*\(([^)]*)\)`, 'i').exec(item))) {
    const names = identList(m[1]!);
    const f = names.length === 1 ? field(names[0]!) : undefined;
    if (f) f.unique = true;
    return;
  }
  if ((m = new RegExp(String.raw`^FOREIGN\s+KEY(?:\s+${IDENT})?\s*\(([^)]*)\)\s*REFERENCES\s+(${QUALIFIED})`, 'i').exec(item))) {
    const local = identList(m[1]!)[0];
    if (local) table.references.push({ field: local, target: unquote(m[2]!), on_delete: onDelete(item) });
    return;
  }
  if (/^(KEY|INDEX|FULLTEXT|SPATIAL|CHECK|EXCLUDE|PERIOD|LIKE)\b/i.test(item)) return;
  const column = new RegExp(String.raw`^(${IDENT})\s+([\s\S]+)$`).exec(item);
  if (column) addColumn(table, unquote(column[1]!), column[2]!, enumTypes);
}

function addColumn(table: TableDraft, name: string, rest: string, enumTypes: ReadonlySet<string>): void {
  if (table.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) return;
  const cut = firstKeyword(rest);
  const sourceType = rest.slice(0, cut).trim();
  const constraints = rest.slice(cut);
  const serial = /^(small|big)?serial\b/i.test(sourceType) || /\b(AUTO_?INCREMENT|IDENTITY|GENERATED)\b/i.test(constraints);
  const primary = /\bPRIMARY\s+KEY\b/i.test(constraints);
  const notNull = /\bNOT\s+NULL\b/i.test(constraints) || primary;
  const hasDefault = /\bDEFAULT\b/i.test(constraints) || serial;
  table.fields.push({
    name,
    type: refineByName(name, sqlColumnType(sourceType, name, { enumTypes }).type),
    source_type: sourceType,
    required: notNull && !hasDefault,
    unique: /\bUNIQUE\b/i.test(constraints),
    primary_key: primary,
  });
  const ref = new RegExp(String.raw`\bREFERENCES\s+(${QUALIFIED})`, 'i').exec(constraints);
  if (ref) table.references.push({ field: name, target: unquote(ref[1]!), on_delete: onDelete(constraints) });
}

/** Where the type ends: the first constraint keyword outside parentheses and quotes. */
function firstKeyword(rest: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < rest.length; i += 1) {
    const c = rest[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (depth === 0 && (i === 0 || /\s/.test(rest[i - 1]!))) {
      const m = COLUMN_KEYWORDS.exec(rest.slice(i));
      if (m && m.index === 0) return i;
    }
  }
  return rest.length;
}
