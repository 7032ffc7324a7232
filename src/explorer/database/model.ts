/**
 * What each engine reader hands to the report: one shape for PostgreSQL, MySQL/MariaDB and MongoDB,
 * so the findings (entities, security, optimizations) are written once.
 */
import type { DatabaseSection, Technology } from '../../contracts/explorer.ts';
import type { FieldType } from '../../contracts/artifacts.ts';

export interface ScannedColumn {
  name: string;
  /** Already mapped by the engine reader, which knows its own type names. */
  type: FieldType;
  sourceType: string;
  nullable: boolean;
  /** A default, sequence, identity, auto-increment or generated value fills it when omitted. */
  filledByServer: boolean;
  /** True when the column holds character data (for the plaintext-password rule). */
  textual: boolean;
}

export interface ScannedForeignKey {
  columns: string[];
  refSchema: string | null;
  refTable: string;
  refColumns: string[];
  /** As the server says it: CASCADE, SET NULL, RESTRICT, NO ACTION, SET DEFAULT. */
  onDelete: string;
  /** Inferred from names and sampled values (MongoDB), not declared by the schema. */
  inferred: boolean;
}

export interface ScannedIndex {
  name: string;
  columns: string[];
  unique: boolean;
  primary: boolean;
  /** A partial (filtered) index covers only some rows, so it neither makes a column unique nor serves every lookup. */
  partial: boolean;
}

export interface ScannedTable {
  schema: string | null;
  name: string;
  columns: ScannedColumn[];
  primaryKey: string[];
  /** Column sets that are unique (constraints and full unique indexes). */
  uniques: string[][];
  foreignKeys: ScannedForeignKey[];
  indexes: ScannedIndex[];
  rows: number | null;
}

export interface ScannedAccount {
  superuser: boolean;
  canWrite: boolean;
  /** No credentials were needed to read: anyone who reaches the server can. */
  unauthenticated: boolean;
}

export interface ScannedDatabase {
  engine: DatabaseSection['engine'];
  version: string | null;
  /** The database (or databases, comma-separated) the scan read. */
  database: string;
  /** Tables in this schema are named without it; tables elsewhere as schema.table. */
  defaultSchema: string | null;
  tables: ScannedTable[];
  /** How many tables exist when more than maxTables did; null when all were read. */
  totalTables: number | null;
  slowQueries: DatabaseSection['slow_queries'];
  account: ScannedAccount | null;
  technologies: Technology[];
  /** Names where the structure came from, for the evidence strings: "pg_catalog", "information_schema". */
  source: string;
  notes: string[];
}
