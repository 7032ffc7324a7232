/**
 * prisma/schema.prisma → entities: each `model` with its scalar fields; relation fields become
 * references through their `@relation(fields: […], references: […], onDelete: …)`.
 */
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

function stripComments(text: string): string {
  return text.replace(/\/\/.*$/gm, '');
}

/** The names listed in `@@id([a, b])`, `fields: [a]` and the like. */
function bracketList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\(.*$/, ''))
    .filter(Boolean);
}

export function prismaEntities(path: string, schema: string): DiscoveredEntity[] {
  const text = stripComments(schema);
  const enums = new Set([...text.matchAll(/^\s*enum\s+(\w+)\s*\{/gm)].map((m) => m[1]!));
  const blocks = [...text.matchAll(/^\s*model\s+(\w+)\s*\{([^}]*)\}/gm)].map((m) => ({ name: m[1]!, body: m[2]! }));
  const models = new Set(blocks.map((b) => b.name));
  return blocks.map((block) => modelEntity(path, block.name, block.body, models, enums));
}

function modelEntity(path: string, name: string, body: string, models: ReadonlySet<string>, enums: ReadonlySet<string>): DiscoveredEntity {
  const fields: Field[] = [];
  const references: Reference[] = [];
  const blockIds: string[] = [];
  const blockUniques: string[][] = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('@@')) {
      const id = /^@@id\s*\(\s*(?:fields\s*:\s*)?\[([^\]]*)\]/.exec(line);
      if (id) blockIds.push(...bracketList(id[1]));
      const unique = /^@@unique\s*\(\s*(?:fields\s*:\s*)?\[([^\]]*)\]/.exec(line);
      if (unique) blockUniques.push(bracketList(unique[1]));
      continue;
    }
    const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, fieldName, type, list, optional, attributes] = m as unknown as [
      string,
      string,
      string,
      string | undefined,
      string | undefined,
      string,
    ];
    if (models.has(type)) {
      const relation = /@relation\s*\(([^)]*(?:\([^)]*\)[^)]*)*)\)/.exec(attributes)?.[1] ?? '';
      const local = bracketList(/fields\s*:\s*\[([^\]]*)\]/.exec(relation)?.[1]);
      if (!list && local[0]) {
        const onDelete = /onDelete\s*:\s*(\w+)/.exec(relation)?.[1];
        // Prisma's own default: Restrict for a required relation, SetNull for an optional one.
        references.push({
          field: local[0],
          target: type,
          on_delete: onDelete ? (ON_DELETE[onDelete] ?? 'restrict') : optional ? 'set null' : 'restrict',
        });
      }
      continue;
    }
    const native = /@db\.(\w+)/.exec(attributes)?.[1] ?? null;
    let fieldType = prismaFieldType(type, native, enums, list !== undefined);
    if (type === 'String' && /@default\s*\(\s*uuid\s*\(/.test(attributes)) fieldType = 'UUID';
    const hasDefault = /@default\s*\(/.test(attributes) || /@updatedAt\b/.test(attributes);
    fields.push({
      name: fieldName,
      type: refineByName(fieldName, fieldType),
      source_type: `${type}${list ?? ''}${optional ?? ''}${native ? ` @db.${native}` : ''}`,
      required: optional === undefined && list === undefined && !hasDefault,
      unique: /@unique\b/.test(attributes),
      primary_key: /@id\b/.test(attributes),
    });
  }
  for (const f of fields) {
    if (blockIds.includes(f.name)) f.primary_key = true;
    if (blockUniques.some((u) => u.length === 1 && u[0] === f.name)) f.unique = true;
  }
  return { source_name: name, fields, references, rows: null, evidence: `${path} (model ${name})` };
}
