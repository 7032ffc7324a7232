/**
 * One service per resource: the queries behind each route, with ownership scoping and reference
 * checks done here so the routes stay thin. Everything is awaited, which drizzle supports for both
 * the synchronous SQLite driver and node-postgres.
 */
import type { DataModel, DataModels } from '../../../contracts/artifacts.ts';
import { clientReferences, editableFields, filterFields, isOwned, isRequired, resourceModels, searchableFields } from '../model-facts.ts';
import { kebab, lines, lit } from '../naming.ts';
import type { AppFile } from '../app-file.ts';
import { tableVar } from './database-files.ts';

export function serviceModulePath(model: DataModel): string {
  return `backend/src/services/${kebab(model.name)}-service.ts`;
}

function referenceChecks(models: DataModels, model: DataModel): string {
  const refs = clientReferences(models, model);
  if (refs.length === 0) return '';
  const checks = refs.map(({ field, target }) => {
    const t = `tables.${tableVar(target)}`;
    const scope = isOwned(models, target) ? `, eq(${t}.user_id, userIdOf(actor))` : '';
    return `    if (input.${field.name} !== undefined && input.${field.name} !== null) {
      const [found] = await db.select({ id: ${t}.id }).from(${t}).where(and(eq(${t}.id, input.${field.name})${scope})).limit(1);
      if (!found) errors[${lit(field.name)}] = ${lit(`must reference an existing ${target.label}`)};
    }`;
  });
  return `
  /** A reference to a row that does not exist (or that this user cannot see) is a client error, not a 500. */
  async function checkReferences(actor: Actor, input: ${model.name}PatchInput): Promise<void> {
    const errors: Record<string, string> = {};
${checks.join('\n')}
    if (Object.keys(errors).length > 0) throw validationFailed(errors);
  }
`;
}

function serviceModule(models: DataModels, model: DataModel): string {
  const N = model.name;
  const owned = isOwned(models, model);
  const refs = clientReferences(models, model);
  const searchable = searchableFields(model);
  // Fields with a default are always in the parsed input (zod fills them), so only the others are cleared.
  const cleared = editableFields(model)
    .filter((f) => !isRequired(f) && f.default === undefined)
    .map((f) => `${f.name}: null`);
  const hasRefs = refs.length > 0;
  const ownedUsed = owned || refs.some((r) => isOwned(models, r.target));
  const filters = filterFields(models, model);
  const drizzleImports = ['and', 'asc', 'count', 'desc', 'eq', ...(searchable.length ? ['or', 'sql'] : [])];
  // No filterable fields: no filter function, so the generated code has no unused parameter.
  const filterFn =
    filters.length === 0
      ? ''
      : `
  /** Exact-match filters from the query string (\`?status=open&done=true\`); absent ones do not narrow. */
  function filtered(query: ${N}ListQueryInput): (SQL | undefined)[] {
    return [${filters.map((f) => `\n      query.${f.name} === undefined ? undefined : eq(table.${f.name}, query.${f.name}),`).join('')}${filters.length ? '\n    ' : ''}];
  }
`;
  const searchFn = searchable.length
    ? `
  /** Case-insensitive substring match over the searchable fields, the same SQL in both dialects. */
  function matching(q: string | undefined): SQL | undefined {
    if (!q) return undefined;
    const pattern = \`%\${q.toLowerCase()}%\`;
    return or(${searchable.map((f) => `sql\`lower(\${table.${f.name}}) like \${pattern}\``).join(', ')});
  }
`
    : '';
  return lines(
    "import { randomUUID } from 'node:crypto';",
    `import { ${drizzleImports.join(', ')} } from 'drizzle-orm';`,
    "import type { SQL } from 'drizzle-orm';",
    "import type { DatabaseHandle } from '../db/database.ts';",
    "import { firstRow } from '../db/rows.ts';",
    `import type { ${tableVar(model)} } from '../db/schema.sqlite.ts';`,
    hasRefs ? "import { notFound, validationFailed } from '../http/http-errors.ts';" : "import { notFound } from '../http/http-errors.ts';",
    "import type { ListPage } from '../http/request-parsing.ts';",
    `import type { ${N}CreateInput, ${N}ListQueryInput, ${N}PatchInput } from '../models/${kebab(N)}.ts';`,
    ownedUsed ? "import { userIdOf } from './actor.ts';" : null,
    "import type { Actor } from './actor.ts';",
    '',
    `export type ${N} = typeof ${tableVar(model)}.$inferSelect;`,
    '',
    `export function create${N}Service({ db, tables }: DatabaseHandle) {`,
    `  const table = tables.${tableVar(model)};`,
    '',
    owned
      ? `  /** Rows of an owned model exist only for their owner: anyone else gets "not found". */
  function visible(actor: Actor, ...conditions: (SQL | undefined)[]): SQL | undefined {
    return and(eq(table.user_id, userIdOf(actor)), ...conditions);
  }`
      : `  function visible(_actor: Actor, ...conditions: (SQL | undefined)[]): SQL | undefined {
    return and(...conditions);
  }`,
    searchFn + filterFn + referenceChecks(models, model),
    `  async function get(actor: Actor, id: string): Promise<${N}> {
    const [row] = await db.select().from(table).where(visible(actor, eq(table.id, id))).limit(1);
    if (!row) throw notFound(${lit(model.label)}, id);
    return row;
  }

  async function update(actor: Actor, id: string, input: ${N}PatchInput): Promise<${N}> {
    await get(actor, id);${hasRefs ? '\n    await checkReferences(actor, input);' : ''}
    const rows = await db.update(table).set({ ...input, updated_at: new Date() }).where(visible(actor, eq(table.id, id))).returning();
    return firstRow(rows);
  }

  return {
    async list(actor: Actor, query: ${N}ListQueryInput): Promise<ListPage<${N}>> {
      const where = visible(actor${searchable.length ? ', matching(query.q)' : ''}${filters.length ? ', ...filtered(query)' : ''});
      // The sort key is one of a fixed list of columns (checked by the query schema); id breaks ties so pages are stable.
      const order = query.order === 'desc' ? desc(table[query.sort]) : asc(table[query.sort]);
      const items = await db.select().from(table).where(where).orderBy(order, asc(table.id)).limit(query.limit).offset(query.offset);
      const [totals] = await db.select({ total: count() }).from(table).where(where);
      return { items, total: Number(totals?.total ?? 0), limit: query.limit, offset: query.offset };
    },

    get,

    async create(actor: Actor, input: ${N}CreateInput): Promise<${N}> {${hasRefs ? '\n      await checkReferences(actor, input);' : ''}
      const now = new Date();
      const rows = await db
        .insert(table)
        .values({ ...input, id: randomUUID(),${owned ? ' user_id: userIdOf(actor),' : ''} created_at: now, updated_at: now })
        .returning();
      return firstRow(rows);
    },

    /** PUT replaces the whole object: optional fields the client left out are cleared. */
    replace(actor: Actor, id: string, input: ${N}CreateInput): Promise<${N}> {
      return update(actor, id, { ${[...cleared, '...input'].join(', ')} });
    },

    update,

    async remove(actor: Actor, id: string): Promise<void> {
      const rows = await db.delete(table).where(visible(actor, eq(table.id, id))).returning({ id: table.id });
      if (rows.length === 0) throw notFound(${lit(model.label)}, id);
    },
  };
}

export type ${N}Service = ReturnType<typeof create${N}Service>;
`,
  );
}

export function serviceFiles(models: DataModels): AppFile[] {
  return resourceModels(models).map((m) => ({ path: serviceModulePath(m), content: serviceModule(models, m), group: 'services' as const }));
}
