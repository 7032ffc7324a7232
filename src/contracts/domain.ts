/**
 * Domain understanding: what the planner understood of the request. It is written into
 * planning/plan.yaml (`domain:`) so the architect derives the data models from the plan alone, and it
 * travels in task.initiated, decided once when the build is submitted.
 */
import { z } from 'zod';

export const FIELD_TYPES = [
  'UUID',
  'String',
  'Text',
  'Integer',
  'Decimal',
  'Boolean',
  'Date',
  'DateTime',
  'Email',
  'URL',
  'Phone',
  'Enum',
] as const;
export const FieldType = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof FieldType>;

/** Identifiers that become table/column/property names in generated code: safe by construction. */
export const SnakeIdentifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be snake_case: a lowercase letter, then letters, digits or _')
  .refine((s) => !RESERVED_IDENTIFIERS.has(s), 'is a reserved name in JavaScript or SQL');
export const PascalIdentifier = z
  .string()
  .regex(/^[A-Z][A-Za-z0-9]{0,62}$/, 'must be PascalCase letters and digits')
  .refine(
    (s) => !RESERVED_IDENTIFIERS.has(s.toLowerCase()) || MODEL_NAMES_ALLOWED.has(s.toLowerCase()),
    'is a reserved name in JavaScript or SQL',
  );

/**
 * Reserved in lower case but fine as a PascalCase model name: generated code only ever uses a model name
 * capitalised or as a prefix (`Order`, `OrderCreate`, table `orders`), and people ask for orders and classes.
 */
export const MODEL_NAMES_ALLOWED: ReadonlySet<string> = new Set(['class', 'order', 'group', 'table']);

/** Names that would shadow prototype members or SQL keywords in generated code. */
export const RESERVED_IDENTIFIERS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'object',
  'function',
  'class',
  'default',
  'delete',
  'new',
  'this',
  'select',
  'from',
  'where',
  'table',
  'order',
  'group',
  'user_id',
  'id',
  'created_at',
  'updated_at',
  'tostring',
  'valueof',
  'hasownproperty',
  'isprototypeof',
]);

export const DomainField = z.object({
  name: SnakeIdentifier,
  label: z.string().min(1),
  type: FieldType,
  required: z.boolean(),
  enum_values: z.array(z.string().min(1)).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  max_length: z.number().int().positive().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  unique: z.boolean().optional(),
});
export type DomainField = z.infer<typeof DomainField>;

export const DomainRelation = z.object({
  kind: z.literal('belongs_to'),
  target: PascalIdentifier,
  field: SnakeIdentifier,
  required: z.boolean(),
  on_delete: z.enum(['cascade', 'set null', 'restrict']),
});
export type DomainRelation = z.infer<typeof DomainRelation>;

export const AccessLevel = z.enum(['public', 'authenticated', 'owner']);
export const DomainEntity = z.object({
  name: PascalIdentifier,
  plural: z.string().min(1),
  label: z.string().min(1),
  label_plural: z.string().min(1),
  fields: z.array(DomainField).min(1),
  relations: z.array(DomainRelation).default([]),
  /** Rows belong to the user who created them and others cannot see them. */
  owned: z.boolean(),
  access: z.object({ read: AccessLevel, write: AccessLevel }),
  searchable: z.array(SnakeIdentifier).default([]),
});
export type DomainEntity = z.infer<typeof DomainEntity>;

export const Domain = z.object({
  app_name: z.string().min(1).max(80),
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  summary: z.string(),
  language: z.string().describe('ISO 639-1 code of the request language as detected'),
  auth: z.object({ enabled: z.boolean(), ownership: z.boolean() }),
  entities: z.array(DomainEntity),
});
export type Domain = z.infer<typeof Domain>;
