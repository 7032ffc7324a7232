/**
 * drizzle-kit's snapshot of the initial schema (`backend/drizzle/<dialect>/meta/0000_snapshot.json`): what
 * `drizzle-kit generate` diffs the schema files against. With it, `npm run db:generate` after a schema change
 * writes only the change; without it drizzle-kit would write the whole schema again as a second migration.
 * It describes exactly what the schema files declare, in drizzle-kit's own shape (sqlite v6, postgresql v7).
 */
import { createHash } from 'node:crypto';
import type { DataModel, DataModels, ModelField } from '../../../contracts/artifacts.ts';
import { isRequired, onDeleteRule, referencedModelName } from '../model-facts.ts';

export type Dialect = 'sqlite' | 'pg';

export interface SchemaFacts {
  sqlType(field: ModelField, dialect: Dialect): string;
  indexes(model: DataModel): { name: string; fields: string[]; unique: boolean }[];
}

/** drizzle's default names, which the migration SQL uses too so later generated migrations can find them. */
export function foreignKeyName(model: DataModel, field: ModelField, target: DataModel): string {
  return `${model.collection}_${field.name}_${target.collection}_id_fk`;
}

export function uniqueName(model: DataModel, field: ModelField): string {
  return `${model.collection}_${field.name}_unique`;
}

function foreignKeys(models: DataModels, model: DataModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of model.fields) {
    const targetName = referencedModelName(field);
    const target = targetName ? models.models.find((m) => m.name === targetName) : undefined;
    if (!target) continue;
    const name = foreignKeyName(model, field, target);
    out[name] = {
      name,
      tableFrom: model.collection,
      tableTo: target.collection,
      columnsFrom: [field.name],
      columnsTo: ['id'],
      onDelete: onDeleteRule(field),
      onUpdate: 'no action',
    };
  }
  return out;
}

function sqliteTable(models: DataModels, model: DataModel, facts: SchemaFacts): unknown {
  const columns: Record<string, unknown> = {};
  const indexes: Record<string, unknown> = {};
  for (const field of model.fields) {
    const primaryKey = field.primary_key === true;
    columns[field.name] = {
      name: field.name,
      type: facts.sqlType(field, 'sqlite'),
      primaryKey,
      notNull: primaryKey || isRequired(field),
      autoincrement: false,
    };
    // SQLite keeps `.unique()` as a unique index.
    if (field.unique && !primaryKey) {
      const name = uniqueName(model, field);
      indexes[name] = { name, columns: [field.name], isUnique: true };
    }
  }
  for (const index of facts.indexes(model)) indexes[index.name] = { name: index.name, columns: index.fields, isUnique: index.unique };
  return {
    name: model.collection,
    columns,
    indexes,
    foreignKeys: foreignKeys(models, model),
    compositePrimaryKeys: {},
    uniqueConstraints: {},
    checkConstraints: {},
  };
}

function pgTable(models: DataModels, model: DataModel, facts: SchemaFacts): unknown {
  const columns: Record<string, unknown> = {};
  const uniqueConstraints: Record<string, unknown> = {};
  for (const field of model.fields) {
    const primaryKey = field.primary_key === true;
    columns[field.name] = { name: field.name, type: facts.sqlType(field, 'pg'), primaryKey, notNull: primaryKey || isRequired(field) };
    if (field.unique && !primaryKey) {
      const name = uniqueName(model, field);
      uniqueConstraints[name] = { name, nullsNotDistinct: false, columns: [field.name] };
    }
  }
  const indexes: Record<string, unknown> = {};
  for (const index of facts.indexes(model)) {
    indexes[index.name] = {
      name: index.name,
      columns: index.fields.map((expression) => ({ expression, isExpression: false, asc: true, nulls: 'last' })),
      isUnique: index.unique,
      concurrently: false,
      method: 'btree',
      with: {},
    };
  }
  return {
    name: model.collection,
    schema: '',
    columns,
    indexes,
    foreignKeys: foreignKeys(models, model),
    compositePrimaryKeys: {},
    uniqueConstraints,
    policies: {},
    checkConstraints: {},
    isRLSEnabled: false,
  };
}

/** A UUID derived from the content, so the same models give the same snapshot byte for byte. */
function contentId(body: unknown): string {
  const hex = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const NO_PARENT = '00000000-0000-0000-0000-000000000000';

export function drizzleSnapshot(models: DataModels, dialect: Dialect, facts: SchemaFacts): string {
  const tables: Record<string, unknown> = {};
  for (const model of models.models) {
    if (dialect === 'sqlite') tables[model.collection] = sqliteTable(models, model, facts);
    else tables[`public.${model.collection}`] = pgTable(models, model, facts);
  }
  const body =
    dialect === 'sqlite'
      ? {
          version: '6',
          dialect: 'sqlite',
          tables,
          views: {},
          enums: {},
          _meta: { schemas: {}, tables: {}, columns: {} },
          internal: { indexes: {} },
        }
      : {
          version: '7',
          dialect: 'postgresql',
          tables,
          enums: {},
          schemas: {},
          sequences: {},
          roles: {},
          policies: {},
          views: {},
          _meta: { columns: {}, schemas: {}, tables: {} },
        };
  return JSON.stringify({ id: contentId(body), prevId: NO_PARENT, ...body }, null, 2) + '\n';
}
