/**
 * Database column types → the closest FieldType Catalyst generates. Email, URL and Phone are
 * String columns whose name says so; nothing is guessed from the data.
 */
import type { FieldType } from '../../contracts/artifacts.ts';

/** "customerEmail", "billing_e_mail" → ["customer", "email"], ["billing", "e", "mail"]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const EMAIL_WORDS = new Set(['email', 'mail', 'emailaddress']);
const URL_WORDS = new Set(['url', 'uri', 'website', 'homepage', 'link', 'href', 'webpage']);
const PHONE_WORDS = new Set(['phone', 'telephone', 'tel', 'mobile', 'cell', 'fax', 'phonenumber']);

/** Email/URL/Phone when the column's name says so; otherwise the plain String it is. */
export function stringKindFromName(name: string): FieldType {
  const words = nameWords(name);
  if (words.some((w) => EMAIL_WORDS.has(w)) || name.toLowerCase().includes('e_mail')) return 'Email';
  if (words.some((w) => URL_WORDS.has(w))) return 'URL';
  if (words.some((w) => PHONE_WORDS.has(w))) return 'Phone';
  return 'String';
}

function namesUuid(name: string): boolean {
  return nameWords(name).some((w) => w === 'uuid' || w === 'guid');
}

/** Bounded character columns longer than this hold prose, not a name or a code. */
const LONG_TEXT = 1000;

function characterType(name: string, length: number | null): FieldType {
  if (length === 36 && namesUuid(name)) return 'UUID';
  if (length === null || length > LONG_TEXT) return 'Text';
  return stringKindFromName(name);
}

function lengthOf(sourceType: string): number | null {
  const m = /\((\d+)\)/.exec(sourceType);
  return m?.[1] === undefined ? null : Number(m[1]);
}

export interface MappedType {
  type: FieldType;
  textual: boolean;
}

/**
 * PostgreSQL, from format_type() output ("character varying(254)", "timestamp without time zone",
 * "numeric(10,2)", "integer[]"). `isEnum` is true for CREATE TYPE … AS ENUM types.
 */
export function postgresFieldType(sourceType: string, columnName: string, isEnum: boolean): MappedType {
  const t = sourceType.toLowerCase();
  if (isEnum) return { type: 'Enum', textual: false };
  if (t.endsWith('[]')) return { type: 'Text', textual: false };
  if (/^(smallint|integer|bigint|int[248]?|smallserial|serial[248]?|bigserial|oid)$/.test(t)) return { type: 'Integer', textual: false };
  if (/^(numeric|decimal|money|real|double precision|float[48]?)\b/.test(t)) return { type: 'Decimal', textual: false };
  if (t === 'boolean' || t === 'bool') return { type: 'Boolean', textual: false };
  if (t === 'date') return { type: 'Date', textual: false };
  if (t.startsWith('timestamp')) return { type: 'DateTime', textual: false };
  if (t === 'uuid') return { type: 'UUID', textual: false };
  if (/^(text|citext|json|jsonb|xml|bytea|tsvector)$/.test(t)) return { type: 'Text', textual: t === 'text' || t === 'citext' };
  if (/^(character varying|varchar|character|char|bpchar)\b/.test(t)) {
    // character(n) without a length is char(1); "character varying" without one is unbounded.
    const length = lengthOf(t) ?? (/^(character|char|bpchar)$/.test(t) ? 1 : null);
    return { type: characterType(columnName, length), textual: true };
  }
  if (t === 'name') return { type: 'String', textual: true };
  // time, interval, inet, cidr, point, geometry, ranges…: kept as their text form.
  return { type: 'String', textual: false };
}

/**
 * MySQL/MariaDB, from information_schema.COLUMNS.COLUMN_TYPE ("int(11) unsigned", "tinyint(1)",
 * "varchar(254)", "enum('a','b')", "decimal(10,2)").
 */
export function mysqlFieldType(columnType: string, columnName: string): MappedType {
  const t = columnType.toLowerCase().trim();
  if (/^tinyint\(1\)/.test(t) || /^bit\(1\)/.test(t) || t === 'bool' || t === 'boolean') return { type: 'Boolean', textual: false };
  if (/^(tinyint|smallint|mediumint|int|integer|bigint|year)\b/.test(t)) return { type: 'Integer', textual: false };
  if (/^(decimal|numeric|dec|fixed|float|double|real)\b/.test(t)) return { type: 'Decimal', textual: false };
  if (/^date$/.test(t)) return { type: 'Date', textual: false };
  if (/^(datetime|timestamp)\b/.test(t)) return { type: 'DateTime', textual: false };
  if (/^enum\(/.test(t)) return { type: 'Enum', textual: false };
  if (t === 'uuid') return { type: 'UUID', textual: false };
  if (/^(tinytext|text|mediumtext|longtext)\b/.test(t)) return { type: 'Text', textual: true };
  if (/^(json|longblob|mediumblob|blob|tinyblob)\b/.test(t)) return { type: 'Text', textual: false };
  if (/^(varchar|char|nvarchar|nchar)\b/.test(t)) return { type: characterType(columnName, lengthOf(t)), textual: true };
  if (/^binary\(16\)/.test(t) && namesUuid(columnName)) return { type: 'UUID', textual: false };
  // set(...), time, bit(n), binary, geometry…: kept as their text form.
  return { type: 'String', textual: false };
}
