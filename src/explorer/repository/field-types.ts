/**
 * Source column/field types → the closest FieldType Catalyst generates. Email, URL and Phone are only
 * chosen when a short-text field's name says so (`email`, `avatar_url`, `phone_number`).
 */
import type { FieldType } from '../../contracts/artifacts.ts';

/** `authorEmail`, `author-email`, `AuthorEmail` → ['author', 'email'] */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Refines a text type by the field's name. */
export function refineByName(name: string, type: FieldType): FieldType {
  if (type !== 'String' && type !== 'Text') return type;
  const w = words(name);
  const last = w[w.length - 1] ?? '';
  if (last === 'email' || last === 'mail' || (w.includes('email') && last === 'address')) return 'Email';
  if (['url', 'uri', 'website', 'homepage', 'link', 'href'].includes(last)) return 'URL';
  if (w.includes('phone') || ['mobile', 'tel', 'telephone', 'fax'].includes(last)) return 'Phone';
  return type;
}

/** A SQL column type as written (`character varying(200)`, `int(11)`, `tinyint(1)`) → FieldType. */
export function sqlFieldType(sourceType: string, enumTypes: ReadonlySet<string> = new Set()): FieldType {
  const t = sourceType.trim().toLowerCase().replace(/\s+/g, ' ');
  const base = t.replace(/\(.*$/, '').replace(/\[\]$/, '').replace(/\b(unsigned|signed|zerofill)\b/g, '').trim();
  const size = Number(/\((\d+)/.exec(t)?.[1] ?? NaN);
  if (t.endsWith('[]')) return 'Text';
  if (enumTypes.has(base.replace(/^.*\./, '').replace(/"/g, '')) || base === 'enum' || base === 'set') return 'Enum';
  if (base === 'uuid' || base === 'uniqueidentifier') return 'UUID';
  if (base === 'tinyint' && size === 1) return 'Boolean';
  if (/^(bool|boolean|bit)$/.test(base)) return 'Boolean';
  if (/^(int|integer|smallint|bigint|mediumint|tinyint|serial|bigserial|smallserial|serial[248]|int[248])$/.test(base)) return 'Integer';
  if (/^(decimal|numeric|real|float|float[48]|double|double precision|money|smallmoney|number)$/.test(base)) return 'Decimal';
  if (base === 'date') return 'Date';
  if (/^(timestamp|timestamptz|datetime|datetime2|datetimeoffset|smalldatetime)/.test(base)) return 'DateTime';
  if (/^(text|tinytext|mediumtext|longtext|clob|nclob|ntext|json|jsonb|xml)$/.test(base)) return base === 'tinytext' ? 'String' : 'Text';
  if (/^(varchar|nvarchar|character varying|char|nchar|character|varchar2|nvarchar2|citext|string)$/.test(base)) {
    return /\(max\)/.test(t) || size > 2000 ? 'Text' : 'String';
  }
  return 'String';
}

/** Prisma scalar types → FieldType; `native` is the @db.* attribute if any. */
export function prismaFieldType(type: string, native: string | null, enums: ReadonlySet<string>, list: boolean): FieldType {
  if (list) return 'Text';
  if (enums.has(type)) return 'Enum';
  switch (type) {
    case 'Int':
    case 'BigInt':
      return 'Integer';
    case 'Float':
    case 'Decimal':
      return 'Decimal';
    case 'Boolean':
      return 'Boolean';
    case 'DateTime':
      return native === 'Date' ? 'Date' : 'DateTime';
    case 'Json':
    case 'Bytes':
      return 'Text';
    case 'String':
      if (native === 'Uuid') return 'UUID';
      return native !== null && /^(Text|LongText|MediumText)$/.test(native) ? 'Text' : 'String';
    default:
      return 'String';
  }
}
