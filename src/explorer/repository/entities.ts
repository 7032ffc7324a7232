/**
 * All record definitions a repository carries, most faithful source first: Catalyst's data models,
 * then Prisma schemas, then SQL. The same table found again later (a migration of a Prisma model, the
 * SQLite twin of a PostgreSQL migration) is not reported twice.
 */
import type { DiscoveredEntity } from '../../contracts/explorer.ts';
import { dataModelEntities, dataModelTables } from './data-model-entities.ts';
import { prismaEntities } from './prisma-entities.ts';
import { sqlEntities } from './sql-entities.ts';

export interface SourceFile {
  path: string;
  content: string;
}

const MAX_ENTITIES = 300;

export function isDataModelsFile(path: string): boolean {
  return path === 'architecture/data-models.json' || path.endsWith('/architecture/data-models.json');
}

export function isPrismaSchema(path: string): boolean {
  return path.endsWith('.prisma');
}

export function isSqlFile(path: string): boolean {
  return /\.sql$/i.test(path);
}

export async function discoverEntities(input: { dataModels: SourceFile[]; prisma: SourceFile[]; sql: SourceFile[] }): Promise<{
  entities: DiscoveredEntity[];
  notes: string[];
}> {
  const notes: string[] = [];
  const seen = new Set<string>();
  const entities: DiscoveredEntity[] = [];
  const add = (entity: DiscoveredEntity, aliases: string[] = []) => {
    const keys = [entity.source_name, ...aliases].map((k) => k.toLowerCase());
    if (keys.some((k) => seen.has(k)) || entities.length >= MAX_ENTITIES) return;
    keys.forEach((k) => seen.add(k));
    entities.push(entity);
  };
  for (const file of input.dataModels) {
    const reading = dataModelEntities(file.path, file.content);
    if (reading.problem) notes.push(`${reading.problem}; its records were read from the other schema files instead.`);
    const tables = dataModelTables(file.content);
    reading.entities.forEach((e, i) => add(e, tables[i] ? [tables[i]] : []));
  }
  for (const file of input.prisma) for (const e of await prismaEntities(file.path, file.content)) add(e);
  for (const e of sqlEntities(input.sql)) add(e);
  if (entities.length >= MAX_ENTITIES) notes.push(`Only the first ${MAX_ENTITIES} record definitions are listed.`);
  return { entities, notes };
}
