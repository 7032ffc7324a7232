/**
 * prisma/schema.prisma → entities, read with a Prisma schema parser (@mrleebo/prisma-ast): each
 * `model` with its scalar fields; relation fields become references through their
 * `@relation(fields: […], references: […], onDelete: …)`. A schema the parser rejects (Prisma would
 * too) gives no entities rather than failing the scan.
 */
import type {
  Attribute,
  AttributeArgument,
  BlockAttribute,
  Field as PrismaField,
  Model,
  Value,
} from '@mrleebo/prisma-ast/dist/prisma-ast.esm.js';
import type { DiscoveredEntity } from '../../contracts/explorer.ts';
import { prismaFieldType, refineByName } from './field-types.ts';

type Field = DiscoveredEntity['fields'][number];
type Reference = DiscoveredEntity['references'][number];

const ON_DELETE: Record<string, Reference['on_delete']> = {
  Cascade: 'cascade',
  SetNull: 'set null',
  Restrict: 'restrict',
  NoAction: 'restrict',
  SetDefault: 'restrict',
};

type GetSchema = (typeof import('@mrleebo/prisma-ast/dist/prisma-ast.esm.js'))['getSchema'];
let parser: Promise<GetSchema> | null = null;

/** The parser pulls in chevrotain (hundreds of modules): only scans that find a Prisma schema load it. */
function loadParser(): Promise<GetSchema> {
  parser ??= import('@mrleebo/prisma-ast/dist/prisma-ast.esm.js').then((m) => m.getSchema);
  return parser;
}

export async function prismaEntities(path: string, schema: string): Promise<DiscoveredEntity[]> {
  const getSchema = await loadParser();
  let blocks;
  try {
    blocks = getSchema(schema).list;
  } catch {
    return [];
  }
  const enums = new Set(blocks.filter((b) => b.type === 'enum').map((b) => b.name));
  const models = blocks.filter((b): b is Model => b.type === 'model');
  const modelNames = new Set(models.map((m) => m.name));
  return models.map((m) => modelEntity(path, m, modelNames, enums));
}

type Node = Exclude<AttributeArgument['value'] | Value, string | number | boolean | null | Value[]>;

function is<T extends Node['type']>(value: unknown, type: T): value is Extract<Node, { type: T }> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { type?: unknown }).type === type;
}

/** An argument given by key (`fields: [a]`). */
function keyed(args: readonly AttributeArgument[] | undefined, key: string): Value | undefined {
  for (const { value } of args ?? []) if (is(value, 'keyValue') && value.key === key) return value.value;
  return undefined;
}

/** `fields: [a, b]` or its positional form (`@@id([a, b])`). */
function fieldList(args: readonly AttributeArgument[] | undefined): Value | undefined {
  const first = args?.[0]?.value;
  return keyed(args, 'fields') ?? (is(first, 'keyValue') ? undefined : first);
}

/** The names in `[a, b]`; sort orders (`a(sort: Desc)`) are dropped. */
function names(value: Value | undefined): string[] {
  if (!is(value, 'array')) return [];
  return value.args.flatMap((a) => (typeof a === 'string' ? [a] : is(a, 'function') ? [a.name] : []));
}

function modelEntity(path: string, model: Model, models: ReadonlySet<string>, enums: ReadonlySet<string>): DiscoveredEntity {
  const fields: Field[] = [];
  const references: Reference[] = [];
  const blockIds: string[] = [];
  const blockUniques: string[][] = [];
  for (const p of model.properties) {
    if (p.type === 'attribute') {
      const block = p as BlockAttribute;
      if (block.name === 'id') blockIds.push(...names(fieldList(block.args)));
      if (block.name === 'unique') blockUniques.push(names(fieldList(block.args)));
      continue;
    }
    if (p.type !== 'field') continue;
    const field = p as PrismaField;
    // Unsupported("…") types are functions; they hold nothing the explorer can map.
    if (typeof field.fieldType !== 'string') continue;
    const type = field.fieldType;
    const attrs: Attribute[] = field.attributes ?? [];
    const has = (name: string, group?: string) => attrs.some((a) => a.name === name && a.group === group);
    if (models.has(type)) {
      const relation = attrs.find((a) => a.name === 'relation' && a.group === undefined);
      const local = names(keyed(relation?.args, 'fields'));
      if (!field.array && local[0]) {
        const onDelete = keyed(relation?.args, 'onDelete');
        // Prisma's own default: Restrict for a required relation, SetNull for an optional one.
        references.push({
          field: local[0],
          target: type,
          on_delete: typeof onDelete === 'string' ? (ON_DELETE[onDelete] ?? 'restrict') : field.optional ? 'set null' : 'restrict',
        });
      }
      continue;
    }
    const native = attrs.find((a) => a.group === 'db')?.name ?? null;
    let fieldType = prismaFieldType(type, native, enums, field.array === true);
    const defaultValue = attrs.find((a) => a.name === 'default' && a.group === undefined);
    const defaultArg = defaultValue?.args?.[0]?.value;
    if (
      type === 'String' &&
      typeof defaultArg === 'object' &&
      defaultArg !== null &&
      !Array.isArray(defaultArg) &&
      defaultArg.type === 'function' &&
      defaultArg.name === 'uuid'
    )
      fieldType = 'UUID';
    const list = field.array ? '[]' : '';
    const optional = field.optional ? '?' : '';
    fields.push({
      name: field.name,
      type: refineByName(field.name, fieldType),
      source_type: `${type}${list}${optional}${native ? ` @db.${native}` : ''}`,
      required: !field.optional && !field.array && defaultValue === undefined && !has('updatedAt'),
      unique: has('unique'),
      primary_key: has('id'),
    });
  }
  for (const f of fields) {
    if (blockIds.includes(f.name)) f.primary_key = true;
    if (blockUniques.some((u) => u.length === 1 && u[0] === f.name)) f.unique = true;
  }
  return { source_name: model.name, fields, references, rows: null, evidence: `${path} (model ${model.name})` };
}
