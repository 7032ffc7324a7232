/**
 * The architect's deterministic half (spec §4.2): a Plan in (as read back from planning/plan.yaml), the
 * `architecture/` files out. Everything derives from `plan.domain`, so a hand-edited plan changes the design.
 */
import { stringify } from 'yaml';
import type { DataModels, Plan } from '../../contracts/index.ts';
import type { GeneratedFile } from '../plan/index.ts';
import { buildAdrs } from './adrs.ts';
import type { DesignNotes } from './design-notes.ts';
import { buildDataModels } from './data-models.ts';
import { renderApiGuide, renderComponents, renderDesign, renderTechStack } from './documents.ts';
import { buildOpenApi, countApiOperations } from './openapi.ts';

export { buildDataModels } from './data-models.ts';
export { buildOpenApi } from './openapi.ts';

export interface ArchitectureDesign {
  dataModels: DataModels;
  files: GeneratedFile[];
  techStack: Record<string, string>;
  adrCount: number;
  endpointCount: number;
}

export function techStackFor(models: DataModels): Record<string, string> {
  return {
    language: 'TypeScript (strict) on Node.js 20',
    backend: 'Fastify 5',
    frontend: 'React 19 + Vite 8',
    database: 'SQLite (better-sqlite3) by default; PostgreSQL via DATABASE_URL',
    orm: 'drizzle-orm with migrations for both dialects',
    validation: 'zod schemas derived from data-models.json',
    auth: models.auth.enabled
      ? `JWT bearer tokens (HS256, jose) + scrypt password hashes${models.auth.ownership ? '; per-user row ownership' : ''}`
      : 'none',
    tests: 'node:test with app.inject(), c8 coverage',
    deployment: 'Dockerfile.backend, Dockerfile.frontend (nginx), docker-compose with PostgreSQL',
  };
}

export type { Adr } from './adrs.ts';

export interface DesignOptions {
  /** Mermaid component and ER diagrams in design.md (agents.architect.generate_diagrams). */
  diagrams: boolean;
}

export type { DesignNotes } from './design-notes.ts';

export function designArchitecture(plan: Plan, options: DesignOptions = { diagrams: true }, notes?: DesignNotes): ArchitectureDesign {
  const dataModels = buildDataModels(plan);
  const techStack = techStackFor(dataModels);
  const openapi = buildOpenApi(dataModels);
  const adrs = buildAdrs(dataModels, notes?.kind === 'model' ? notes.adrs : []);
  const files: GeneratedFile[] = [
    { path: 'architecture/design.md', content: renderDesign(dataModels, techStack, options.diagrams, notes) },
    { path: 'architecture/tech-stack.md', content: renderTechStack(techStack) },
    { path: 'architecture/data-models.json', content: `${JSON.stringify(dataModels, null, 2)}\n` },
    { path: 'architecture/api-contracts/openapi.yaml', content: stringify(openapi, { lineWidth: 0, aliasDuplicateObjects: false }) },
    { path: 'architecture/api-contracts/api-guide.md', content: renderApiGuide(dataModels) },
    ...adrs,
    { path: 'architecture/components.md', content: renderComponents(dataModels) },
  ];
  return { dataModels, files, techStack, adrCount: adrs.length, endpointCount: countApiOperations(openapi) };
}
