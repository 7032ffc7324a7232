/**
 * Findings shaped like a real PostgreSQL scan of a small shop: what the database analyzer reports for
 * customers, orders, order lines, products, the app's own users, a join table, a migration tool's table and
 * a table whose name is an injection attempt. Parsed with the contract, so a change there shows up here.
 */
import { ExplorerFindings, type DiscoveredEntity } from '../../src/contracts/explorer.ts';

type Column = DiscoveredEntity['fields'][number];
type ColumnInput = Omit<Column, 'unique' | 'primary_key'> & { unique?: boolean; primary_key?: boolean };

export const col = (
  name: string,
  type: Column['type'],
  source_type: string,
  required: boolean,
  extra: Partial<ColumnInput> = {},
): ColumnInput => ({
  name,
  type,
  source_type,
  required,
  ...extra,
});

export interface TableInput {
  source_name: string;
  fields: ColumnInput[];
  references?: Array<{ field: string; target: string; on_delete?: 'cascade' | 'set null' | 'restrict' }>;
  rows?: number | null;
}

const table = (t: TableInput) => ({ evidence: `information_schema.columns of public.${t.source_name}`, rows: 10, ...t });

export const SHOP_TABLES: TableInput[] = [
  {
    source_name: 'order_items',
    fields: [
      col('order_id', 'Integer', 'integer', true, { primary_key: true }),
      col('product_id', 'Integer', 'integer', true, { primary_key: true }),
      col('quantity', 'Integer', 'integer', true),
    ],
    references: [
      { field: 'order_id', target: 'orders', on_delete: 'cascade' },
      { field: 'product_id', target: 'products', on_delete: 'restrict' },
    ],
  },
  {
    source_name: 'orders',
    fields: [
      col('id', 'Integer', 'integer', true, { primary_key: true }),
      col('customer_id', 'Integer', 'integer', true),
      col('placedAt', 'DateTime', 'timestamp with time zone', true),
      col('status', 'Enum', 'order_status', true),
      col('total', 'Decimal', 'numeric(10,2)', false),
      col('user_id', 'UUID', 'uuid', false),
      col('created_at', 'DateTime', 'timestamp with time zone', true),
    ],
    references: [
      { field: 'customer_id', target: 'customers', on_delete: 'cascade' },
      { field: 'user_id', target: 'users', on_delete: 'set null' },
    ],
  },
  {
    source_name: 'customers',
    fields: [
      col('id', 'Integer', 'integer', true, { primary_key: true }),
      col('fullName', 'String', 'character varying(120)', true),
      col('email', 'Email', 'varchar(254)', true, { unique: true }),
      col('updatedAt', 'DateTime', 'timestamp with time zone', true),
    ],
  },
  {
    source_name: 'products',
    fields: [
      col('id', 'Integer', 'integer', true, { primary_key: true }),
      col('name', 'String', 'text', true),
      col('price', 'Decimal', 'numeric(10,2)', true),
      col('sku', 'String', 'varchar(32)', false, { unique: true }),
    ],
  },
  {
    source_name: 'users',
    fields: [
      col('id', 'UUID', 'uuid', true, { primary_key: true }),
      col('email', 'Email', 'text', true, { unique: true }),
      col('password_hash', 'String', 'text', true),
    ],
  },
  {
    source_name: 'tags',
    fields: [col('id', 'Integer', 'integer', true, { primary_key: true }), col('label', 'String', 'varchar(40)', true)],
  },
  {
    source_name: 'product_tags',
    fields: [
      col('product_id', 'Integer', 'integer', true, { primary_key: true }),
      col('tag_id', 'Integer', 'integer', true, { primary_key: true }),
    ],
    references: [
      { field: 'product_id', target: 'products', on_delete: 'cascade' },
      { field: 'tag_id', target: 'tags', on_delete: 'cascade' },
    ],
  },
  { source_name: 'drop;table', fields: [col('payload', 'Text', 'text', false)] },
  { source_name: 'schema_migrations', fields: [col('version', 'String', 'character varying(255)', true, { primary_key: true })] },
];

/** A completed database scan's findings with `tables` as its entities. */
export function databaseFindings(
  tables: readonly TableInput[] = SHOP_TABLES,
  scanId = '7d0c6c62-2f4e-4a51-9d0e-6f1f2b0f5a11',
): ExplorerFindings {
  return ExplorerFindings.parse({
    scan_id: scanId,
    scan_type: 'database',
    target: 'postgres://db.internal:5432/shop',
    started_at: '2026-11-25T10:00:00.000Z',
    completed_at: '2026-11-25T10:00:02.000Z',
    duration_ms: 2000,
    summary: `PostgreSQL 16 database "shop" with ${tables.length} tables.`,
    security_score: 85,
    tech_debt_score: 20,
    similarity_score: 0.6,
    can_replicate: true,
    suggested_tasks: ['Index orders.customer_id'],
    technologies: [{ name: 'PostgreSQL', version: '16.4', category: 'database', evidence: 'select version()' }],
    security: [
      { severity: 'medium', kind: 'unindexed_foreign_key', message: 'orders.customer_id has no index', location: 'public.orders' },
    ],
    entities: tables.map(table),
    graph: { nodes: tables.map((t) => ({ id: t.source_name, kind: 'table' })), edges: [] },
    architecture: { style: 'Relational database', components: [], notes: [] },
    improvements: ['Add an index on orders.customer_id'],
    database: {
      engine: 'postgresql',
      version: '16.4',
      database: 'shop',
      tables: tables.map((t) => ({ name: t.source_name, schema: 'public', rows: 10, indexes: [] })),
      slow_queries: { status: 'unavailable', reason: 'pg_stat_statements is not installed' },
      optimizations: [],
    },
  });
}
