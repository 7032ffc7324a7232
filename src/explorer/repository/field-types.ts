/**
 * Prisma field types → the closest FieldType Catalyst generates, and the name rule both schema readers
 * of a repository apply; SQL column types are read by ../field-types.ts.
 */
import type { FieldType } from '../../contracts/artifacts.ts';
import { textKindFromName } from '../field-types.ts';

/**
 * Email, URL or Phone for a text field whose name says so. Unbounded text counts too: a schema in a
 * repository often writes an address as `email text` or `String @db.Text`.
 */
export function refineByName(name: string, type: FieldType): FieldType {
  if (type !== 'String' && type !== 'Text') return type;
  return textKindFromName(name) ?? type;
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
