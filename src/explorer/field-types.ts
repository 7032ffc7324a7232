/**
 * What every scanner agrees on when it turns a source's fields into the FieldType Catalyst generates:
 * how a name splits into words, when a text field's name makes it an Email, URL or Phone, and what a
 * SQL column type (PostgreSQL's format_type, MySQL/MariaDB's COLUMN_TYPE, or a .sql file) means.
 * Nothing is guessed from the data.
 */
import type { FieldType } from '../contracts/artifacts.ts';

/** `customerEmail`, `billing_e_mail`, `Author-Email` → ['customer', 'email'], ['billing', 'e', 'mail'], ['author', 'email']. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export type NameKind = Extract<FieldType, 'Email' | 'URL' | 'Phone'>;

/** In the order a name with words of two kinds is read, when its last word names neither. */
const KIND_WORDS: ReadonlyArray<readonly [NameKind, ReadonlySet<string>]> = [
  ['Email', new Set(['email', 'mail', 'emailaddress'])],
  ['URL', new Set(['url', 'uri', 'website', 'homepage', 'webpage', 'link', 'href'])],
  ['Phone', new Set(['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'cell', 'fax'])],
];

/**
 * Email, URL or Phone when a text field's name says so, else null. The last word is the thing the
 * field holds (`email_link` is a link, `website_email` an address), so it decides when it can.
 */
export function textKindFromName(name: string): NameKind | null {
  const words = nameWords(name);
  const last = words.at(-1);
  const byLast = KIND_WORDS.find(([, kind]) => last !== undefined && kind.has(last));
  if (byLast) return byLast[0];
  if (name.toLowerCase().includes('e_mail')) return 'Email';
  return KIND_WORDS.find(([, kind]) => words.some((w) => kind.has(w)))?.[0] ?? null;
}

/** Bounded text longer than this holds prose, not a name or a code. */
export const LONG_TEXT = 1000;

export interface SqlColumnType {
  type: FieldType;
  /** The column holds characters someone typed (so it could hold a password), not JSON, bytes or a number. */
  textual: boolean;
}

export interface SqlEnums {
  /** The database said the column's type is an enum (PostgreSQL CREATE TYPE … AS ENUM, also behind a domain). */
  isEnum?: boolean;
  /** Enum types a .sql file creates, lower-cased and without their schema. */
  enumTypes?: ReadonlySet<string>;
}

const BOOLEAN = /^(bool|boolean)$/;
const INTEGER = /^(int|integer|smallint|mediumint|bigint|tinyint|int[248]|serial|serial[248]|smallserial|bigserial|oid|year)$/;
const DECIMAL = /^(decimal|dec|numeric|fixed|real|float|float[48]|double|double precision|money|smallmoney|number)$/;
const DATE_TIME = /^(timestamp|datetime|datetimeoffset|smalldatetime)/;
const LONG_CHARACTERS = /^(text|mediumtext|longtext|citext|clob|nclob|ntext)$/;
/** Documents and bytes: kept whole as text, but nobody types them. */
const LONG_DATA = /^(json|jsonb|xml|bytea|tsvector|tinyblob|blob|mediumblob|longblob)$/;

/** Character types, with the length they have when none is written (null: unbounded, as PostgreSQL's bare varchar). */
const CHARACTER_TYPES = new Map<string, number | null>([
  ['varchar', null],
  ['character varying', null],
  ['nvarchar', null],
  ['varchar2', null],
  ['nvarchar2', null],
  ['char', 1],
  ['character', 1],
  ['nchar', 1],
  ['bpchar', 1],
  ['tinytext', 255],
]);

function namesUuid(name: string): boolean {
  return nameWords(name).some((w) => w === 'uuid' || w === 'guid');
}

function characterType(columnName: string, length: number | null): FieldType {
  if (length === 36 && namesUuid(columnName)) return 'UUID';
  if (length === null || length > LONG_TEXT) return 'Text';
  return textKindFromName(columnName) ?? 'String';
}

/**
 * A SQL column type as written (`character varying(254)`, `timestamp(3) with time zone`, `int(11) unsigned`,
 * `tinyint(1)`, `enum('a','b')`, `integer[]`, `nvarchar(max)`) → FieldType. The column's name only
 * matters for short character columns (Email/URL/Phone, a 36-character UUID) and MySQL's binary(16) UUIDs.
 */
export function sqlColumnType(sourceType: string, columnName: string, enums: SqlEnums = {}): SqlColumnType {
  const t = sourceType.trim().toLowerCase().replace(/\s+/g, ' ');
  const base = t
    .replace(/\(.*$/, '')
    .replace(/\b(unsigned|signed|zerofill)\b/g, '')
    .trim();
  const written = /\((\d+)/.exec(t)?.[1];
  const size = written === undefined ? null : Number(written);
  const plain = (type: FieldType, textual = false): SqlColumnType => ({ type, textual });

  if (enums.isEnum) return plain('Enum');
  if (t.endsWith('[]')) return plain('Text');
  if (base === 'enum' || enums.enumTypes?.has(base.replace(/^.*\./, '').replace(/"/g, ''))) return plain('Enum');
  if (base === 'uuid' || base === 'uniqueidentifier') return plain('UUID');
  // tinyint(1) is MySQL's boolean; bit(1) is a boolean everywhere, a longer bit string is not.
  if (BOOLEAN.test(base) || (base === 'tinyint' && size === 1) || (base === 'bit' && (size === null || size === 1)))
    return plain('Boolean');
  if (INTEGER.test(base)) return plain('Integer');
  if (DECIMAL.test(base)) return plain('Decimal');
  if (base === 'date') return plain('Date');
  if (DATE_TIME.test(base)) return plain('DateTime');
  if (LONG_CHARACTERS.test(base)) return plain('Text', true);
  if (LONG_DATA.test(base)) return plain('Text');
  const unsized = CHARACTER_TYPES.get(base);
  // varchar(max) has no number, so it is as unbounded as a bare varchar.
  if (unsized !== undefined) return plain(characterType(columnName, size ?? unsized), true);
  // PostgreSQL's own identifiers.
  if (base === 'name') return plain('String', true);
  if (base === 'binary' && size === 16 && namesUuid(columnName)) return plain('UUID');
  // set(...), time, interval, inet, bit(n), binary, geometry, ranges…: kept as their text form.
  return plain('String');
}
