/**
 * The tests every generated app carries: API tests per resource (CRUD, paging, 404, 400 with field
 * names, references, search, sign-in and ownership), auth tests, validation unit tests and a unit test
 * of the frontend's form helpers. Sample values are TypeScript expressions of `n`, so each test can
 * make distinct rows that satisfy every constraint of the model.
 */
import type { DataModel, DataModels, ModelField } from '../../../contracts/artifacts.ts';
import {
  clientReferences,
  editableFields,
  fieldLabel,
  filterFields,
  findModel,
  isOwned,
  isRequired,
  needsUser,
  onDeleteRule,
  referencedModelName,
  resourceModels,
  searchableFields,
  sortFields,
  stringMaxLength,
} from '../model-facts.ts';
import { kebab, lines, lit } from '../naming.ts';
import type { AppFile } from '../app-file.ts';

/** A TypeScript expression for a valid value of `field` that varies with the number `n`. */
export function sampleExpression(field: ModelField): string {
  const lo = field.min ?? 0;
  const hi = field.max ?? lo + 1000;
  switch (field.type) {
    case 'Integer': {
      const low = Math.ceil(lo);
      const span = Math.max(1, Math.floor(hi) - low + 1);
      return `${low} + (n % ${span})`;
    }
    case 'Decimal':
      return `Math.min(${hi}, ${lo} + n * 0.25)`;
    case 'Boolean':
      return 'n % 2 === 1';
    case 'Date':
      return "'2025-01-' + String(10 + (n % 18))";
    case 'DateTime':
      return "'2025-01-' + String(10 + (n % 18)) + 'T10:30:00.000Z'";
    case 'Email':
      return "'sample' + n + '@example.com'";
    case 'URL':
      return "'https://example.com/items/' + n";
    case 'Phone':
      return "'+1 555 01' + String(10 + (n % 90))";
    case 'Enum': {
      const values = field.enum_values ?? [];
      return `${JSON.stringify(values)}[n % ${Math.max(1, values.length)}]`;
    }
    case 'UUID':
      return "'00000000-0000-4000-8000-' + String(n).padStart(12, '0')";
    default: {
      const max = stringMaxLength(field);
      const word = field.name.replace(/_/g, ' ');
      const base = `Sample ${word} `.slice(0, Math.max(0, max - 6));
      return base.trim() ? `${lit(base)} + n` : 'String(n)';
    }
  }
}

/** A value of the wrong JSON type for the field, which its schema must reject. */
function wrongTypeValue(field: ModelField): string {
  if (field.type === 'Integer' || field.type === 'Decimal') return "'not a number'";
  if (field.type === 'Boolean') return "'yes'";
  return '12345';
}

/** Fields set from other rows at run time, so the sample function leaves them out. */
function isRuntimeReference(models: DataModels, field: ModelField): boolean {
  const target = referencedModelName(field);
  return target !== null && findModel(models, target) !== undefined;
}

function samplesModule(models: DataModels): string {
  const resources = resourceModels(models);
  const auth = models.auth.enabled;
  const parts: string[] = [];
  for (const model of resources) {
    const plain = editableFields(model).filter((f) => !isRuntimeReference(models, f));
    const refs = clientReferences(models, model);
    parts.push(`/** The n-th valid ${model.name} body, without the references that need other rows. */
export function sample${model.name}(n = 1): Record<string, unknown> {
  return {
${plain.map((f) => `    ${f.name}: ${sampleExpression(f)},`).join('\n')}
  };
}`);
    // A second reference to the same model gets its own target row (n + 1000), so unique fields never collide.
    const seenTargets = new Map<string, number>();
    const refLines = refs
      .filter(({ target }) => target.name !== model.name)
      .map(({ field, target }) => {
        if (target.name === 'User' || target.resource === null) return auth ? `  body[${lit(field.name)}] = ctx.userId;` : null;
        const k = seenTargets.get(target.name) ?? 0;
        seenTargets.set(target.name, k + 1);
        return `  body[${lit(field.name)}] = (await create${target.name}(app, ctx, ${k === 0 ? 'n' : `n + ${k * 1000}`})).id;`;
      })
      .filter((l): l is string => l !== null);
    parts.push(`/** Creates a ${model.name} (and the records it refers to) through the API. */
export async function create${model.name}(app: FastifyInstance, ctx: TestContext, n = 1): Promise<ApiRecord> {
  const body = sample${model.name}(n);
${refLines.join('\n')}
  const response = await send(app, 'POST', ${lit(`/api/${model.resource}`)}, body, ctx.token);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as ApiRecord;
}`);
  }
  return lines(
    "import assert from 'node:assert/strict';",
    "import type { FastifyInstance } from 'fastify';",
    "import { send } from './test-app.ts';",
    "import type { ApiRecord, TestContext } from './test-app.ts';",
    '',
    parts.join('\n\n'),
    '',
  );
}

function testAppModule(models: DataModels): string {
  const auth = models.auth.enabled;
  return `import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { dialectOf, TABLE_NAMES } from '../src/db/database.ts';

// Response bodies are checked field by field in the tests; \`any\` keeps those checks readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiRecord = Record<string, any> & { id: string };
export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}
/** Whom test requests act as: a token (apps with accounts) and that user's id. */
export interface TestContext {
  token?: string;
  userId?: string;
}

export const TEST_JWT_SECRET = 'test-only-secret-for-signing-tokens';
const databaseUrl = process.env.DATABASE_URL || 'sqlite::memory:';

/** A fresh app on an empty database: a new in-memory SQLite, or emptied PostgreSQL tables. */
export async function createTestApp(): Promise<FastifyInstance> {
  const app = buildApp({ databaseUrl, jwtSecret: TEST_JWT_SECRET, frontendDir: null });
  await app.ready();
  if (dialectOf(databaseUrl) === 'postgres') {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('TRUNCATE ' + TABLE_NAMES.map((name) => '"' + name + '"').join(', ') + ' CASCADE');
    } finally {
      await client.end();
    }
  }
  return app;
}

export async function send(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, token?: string): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = 'Bearer ' + token;
  const response = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : null };
}
${
  auth
    ? `
/** Registers a user and returns what requests need to act as them. */
export async function signUp(app: FastifyInstance, email = 'owner@example.com'): Promise<Required<TestContext>> {
  const response = await send(app, 'POST', '/api/auth/register', { email, password: 'correct horse battery' });
  if (response.status !== 201) throw new Error('sign-up failed: ' + JSON.stringify(response.body));
  return { token: response.body.token, userId: response.body.id };
}
`
    : ''
}`;
}

function resourceTest(models: DataModels, model: DataModel): string {
  const N = model.name;
  const base = `/api/${model.resource}`;
  const auth = models.auth.enabled;
  const owned = isOwned(models, model);
  const fields = editableFields(model);
  const changeable = fields.find((f) => !isRuntimeReference(models, f));
  const required = fields.find((f) => isRequired(f) && f.default === undefined && f.type !== 'Boolean');
  const refs = clientReferences(models, model).filter(({ target }) => target.name !== model.name);
  const search = searchableFields(model).find((f) => ['String', 'Text', 'Email', 'URL', 'Phone'].includes(f.type));
  const ctxSetup = auth ? 'const ctx = await signUp(app);' : 'const ctx: TestContext = {};';
  const t: string[] = [];

  const changed = changeable
    ? changeable.type === 'Boolean'
      ? `!created[${lit(changeable.name)}]`
      : `sample${N}(7)[${lit(changeable.name)}]`
    : null;
  t.push(`test(${lit(`creates, reads, lists, updates and deletes a ${model.label}`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    const created = await create${N}(app, ctx, 1);
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    for (const [field, value] of Object.entries(sample${N}(1))) assert.deepEqual(created[field], value, field);

    const fetched = await send(app, 'GET', ${lit(base)} + '/' + created.id, undefined, ctx.token);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, created);

    const listed = await send(app, 'GET', ${lit(base)}, undefined, ctx.token);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.total, 1);
    assert.deepEqual(listed.body.items.map((item: ApiRecord) => item.id), [created.id]);
${
  changed
    ? `
    const newValue = ${changed};
    const patched = await send(app, 'PATCH', ${lit(base)} + '/' + created.id, { ${changeable!.name}: newValue }, ctx.token);
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(patched.body[${lit(changeable!.name)}], newValue);
`
    : ''
}
    const replacement = { ...created, ...sample${N}(3) };
    for (const key of ['id', 'created_at', 'updated_at', 'user_id']) delete replacement[key];
    const replaced = await send(app, 'PUT', ${lit(base)} + '/' + created.id, replacement, ctx.token);
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    for (const [field, value] of Object.entries(sample${N}(3))) assert.deepEqual(replaced.body[field], value, field);

    const deleted = await send(app, 'DELETE', ${lit(base)} + '/' + created.id, undefined, ctx.token);
    assert.equal(deleted.status, 204);
    const gone = await send(app, 'GET', ${lit(base)} + '/' + created.id, undefined, ctx.token);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'not_found');
  } finally {
    await app.close();
  }
});`);

  t.push(`test(${lit(`pages through ${model.label_plural} with limit and offset`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    for (const n of [1, 2, 3]) await create${N}(app, ctx, n);
    const page = await send(app, 'GET', ${lit(base)} + '?limit=2&offset=1', undefined, ctx.token);
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 2);
    assert.equal(page.body.total, 3);
    assert.equal(page.body.limit, 2);
    assert.equal(page.body.offset, 1);
    const bad = await send(app, 'GET', ${lit(base)} + '?limit=0', undefined, ctx.token);
    assert.equal(bad.status, 400);
    assert.ok(bad.body.error.fields.limit);
  } finally {
    await app.close();
  }
});`);

  t.push(`test(${lit(`answers 404 for ${model.label_plural} that do not exist`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    const missing = ${lit(base)} + '/00000000-0000-4000-8000-000000000000';
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await send(app, method, missing, undefined, ctx.token);
      assert.equal(response.status, 404, method);
      assert.equal(response.body.error.code, 'not_found');
    }
    const patch = await send(app, 'PATCH', missing, {}, ctx.token);
    assert.equal(patch.status, 404);
    const put = await send(app, 'PUT', missing, sample${N}(1), ctx.token);
    assert.ok(put.status === 404 || put.status === 400, 'PUT to a missing id is refused');
    const notAnId = await send(app, 'GET', ${lit(base)} + '/not-an-id', undefined, ctx.token);
    assert.equal(notAnId.status, 404);
  } finally {
    await app.close();
  }
});`);

  if (fields.length > 0) {
    const bad = fields[0]!;
    t.push(`test(${lit(`rejects an invalid ${model.label} with the names of the bad fields`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    const wrongType = await send(app, 'POST', ${lit(base)}, { ...sample${N}(1), ${bad.name}: ${wrongTypeValue(bad)} }, ctx.token);
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.error.code, 'validation_failed');
    assert.ok(wrongType.body.error.fields[${lit(bad.name)}], JSON.stringify(wrongType.body));
${
  required
    ? `
    const incomplete = sample${N}(1);
    delete incomplete[${lit(required.name)}];
    const missing = await send(app, 'POST', ${lit(base)}, incomplete, ctx.token);
    assert.equal(missing.status, 400);
    assert.ok(missing.body.error.fields[${lit(required.name)}], JSON.stringify(missing.body));
`
    : ''
}
    const created = await create${N}(app, ctx, 1);
    const badPatch = await send(app, 'PATCH', ${lit(base)} + '/' + created.id, { ${bad.name}: ${wrongTypeValue(bad)} }, ctx.token);
    assert.equal(badPatch.status, 400);
    assert.ok(badPatch.body.error.fields[${lit(bad.name)}]);
    const notObject = await send(app, 'POST', ${lit(base)}, [1, 2], ctx.token);
    assert.equal(notObject.status, 400);
  } finally {
    await app.close();
  }
});`);
  }

  if (refs.length > 0) {
    const { field } = refs[0]!;
    t.push(`test(${lit(`refuses a ${model.label} that refers to a record that does not exist`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    ${refs.length > 1 ? 'const created = ' : ''}await create${N}(app, ctx, 1);
    const body = { ...sample${N}(2), ${refs.map((r) => `${r.field.name}: ${r.field === field ? "'00000000-0000-4000-8000-0000000000aa'" : `created[${lit(r.field.name)}]`}`).join(', ')} };
    const response = await send(app, 'POST', ${lit(base)}, body, ctx.token);
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'validation_failed');
    assert.ok(response.body.error.fields[${lit(field.name)}]);
  } finally {
    await app.close();
  }
});`);
  }

  if (search) {
    t.push(`test(${lit(`finds ${model.label_plural} by text`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    const first = await create${N}(app, ctx, 1);
    const second = await create${N}(app, ctx, 2);
    const query = encodeURIComponent(String(first[${lit(search.name)}]).toUpperCase());
    const found = await send(app, 'GET', ${lit(base)} + '?q=' + query, undefined, ctx.token);
    assert.equal(found.status, 200);
    const ids = found.body.items.map((item: ApiRecord) => item.id);
    assert.ok(ids.includes(first.id));
    assert.ok(!ids.includes(second.id));
  } finally {
    await app.close();
  }
});`);
  }

  if (auth && (needsUser(models, model, 'read') || needsUser(models, model, 'write'))) {
    const op = needsUser(models, model, 'read')
      ? "send(app, 'GET', " + lit(base) + ')'
      : "send(app, 'POST', " + lit(base) + `, sample${N}(1))`;
    t.push(`test(${lit(`requires sign-in for ${model.label_plural}`)}, async () => {
  const app = await createTestApp();
  try {
    const anonymous = await ${op};
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 'unauthorized');
    const forged = await send(app, 'GET', ${lit(base)}, undefined, 'not-a-token');
    assert.equal(forged.status, ${needsUser(models, model, 'read') ? 401 : 200});
  } finally {
    await app.close();
  }
});`);
  }

  if (owned) {
    t.push(`test(${lit(`keeps each user's ${model.label_plural} private`)}, async () => {
  const app = await createTestApp();
  try {
    const owner = await signUp(app, 'owner@example.com');
    const other = await signUp(app, 'other@example.com');
    const mine = await create${N}(app, owner, 1);
    const url = ${lit(base)} + '/' + mine.id;

    const theirList = await send(app, 'GET', ${lit(base)}, undefined, other.token);
    assert.equal(theirList.status, 200);
    assert.equal(theirList.body.total, 0);
    assert.equal((await send(app, 'GET', url, undefined, other.token)).status, 404);
    assert.equal((await send(app, 'PATCH', url, {}, other.token)).status, 404);
    assert.equal((await send(app, 'DELETE', url, undefined, other.token)).status, 404);

    const stillMine = await send(app, 'GET', url, undefined, owner.token);
    assert.equal(stillMine.status, 200);
    assert.equal(stillMine.body.user_id, owner.userId);
  } finally {
    await app.close();
  }
});`);
  }

  t.push(...listOptionTests(models, model, ctxSetup));
  t.push(...onDeleteTests(models, model, ctxSetup));

  const sampleImports = [...new Set([N, ...refs.map((r) => r.target.name)])].flatMap((name) => [`create${name}`, `sample${name}`]);
  const usedSamples = sampleImports.filter((name) => t.some((body) => body.includes(name + '(')));
  return lines(
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    `import { ${usedSamples.sort().join(', ')} } from './samples.ts';`,
    `import { createTestApp, send${auth ? ', signUp' : ''} } from './test-app.ts';`,
    `import type { ApiRecord${auth ? '' : ', TestContext'} } from './test-app.ts';`,
    '',
    t.join('\n\n'),
    '',
  );
}

/** Sorting over a whitelisted column and exact-match filters: the list options of the generated API. */
function listOptionTests(models: DataModels, model: DataModel, ctxSetup: string): string[] {
  const N = model.name;
  const base = `/api/${model.resource}`;
  const fieldOf = (name: string) => model.fields.find((f) => f.name === name);
  // Samples of these types grow with n, so the sorted order is checkable with a plain comparison.
  const sortable = sortFields(models, model)
    .map(fieldOf)
    .find((f) => f && ['String', 'Text', 'Email', 'Integer', 'Decimal', 'Date'].includes(f.type) && !isRuntimeReference(models, f));
  const sortName = sortable?.name ?? 'created_at';
  const out: string[] = [];
  out.push(`test(${lit(`sorts ${model.label_plural} by an allowed field in either order`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    for (const n of [2, 1, 3]) await create${N}(app, ctx, n);
    const compare = (a: unknown, b: unknown): number => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));
    for (const order of ['asc', 'desc'] as const) {
      const sorted = await send(app, 'GET', ${lit(`${base}?sort=${sortName}&order=`)} + order, undefined, ctx.token);
      assert.equal(sorted.status, 200, JSON.stringify(sorted.body));
      assert.equal(sorted.body.items.length, 3);
${
  sortable
    ? `      const values = sorted.body.items.map((item: ApiRecord) => item[${lit(sortName)}]);
      const expected = [...values].sort(compare);
      if (order === 'desc') expected.reverse();
      assert.deepEqual(values, expected, order);
`
    : ''
}    }
    const badSort = await send(app, 'GET', ${lit(`${base}?sort=no_such_field`)}, undefined, ctx.token);
    assert.equal(badSort.status, 400);
    assert.equal(badSort.body.error.code, 'validation_failed');
    assert.ok(badSort.body.error.fields.sort);
    const badOrder = await send(app, 'GET', ${lit(`${base}?order=sideways`)}, undefined, ctx.token);
    assert.equal(badOrder.status, 400);
    assert.ok(badOrder.body.error.fields.order);
  } finally {
    await app.close();
  }
});`);
  const filters = filterFields(models, model).filter((f) => {
    const target = referencedModelName(f);
    return target !== model.name;
  });
  const picked = ['Enum', 'Boolean', 'UUID'].map((type) =>
    filters.find((f) => f.type === type && (type === 'UUID') === isRuntimeReference(models, f)),
  );
  for (const field of picked) {
    if (!field) continue;
    const invalid = field.type === 'Boolean' ? 'maybe' : field.type === 'Enum' ? 'not-one-of-the-options' : 'not-an-id';
    out.push(`test(${lit(`filters ${model.label_plural} by ${fieldLabel(field).toLowerCase()}`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    const made: ApiRecord[] = [];
    for (const n of [1, 2, 3]) made.push(await create${N}(app, ctx, n));
    const wanted = made[0]![${lit(field.name)}];
    const filtered = await send(app, 'GET', ${lit(`${base}?${field.name}=`)} + encodeURIComponent(String(wanted)), undefined, ctx.token);
    assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
    assert.ok(filtered.body.items.length > 0);
    for (const item of filtered.body.items) assert.deepEqual(item[${lit(field.name)}], wanted);
    assert.equal(filtered.body.total, made.filter((record) => record[${lit(field.name)}] === wanted).length);
    const invalid = await send(app, 'GET', ${lit(`${base}?${field.name}=${invalid}`)}, undefined, ctx.token);
    assert.equal(invalid.status, 400);
    assert.ok(invalid.body.error.fields[${lit(field.name)}], JSON.stringify(invalid.body));
  } finally {
    await app.close();
  }
});`);
  }
  return out;
}

/** What deleting a referenced record does to the records that point at it, per the documented rule. */
function onDeleteTests(models: DataModels, model: DataModel, ctxSetup: string): string[] {
  const N = model.name;
  const base = `/api/${model.resource}`;
  return clientReferences(models, model)
    .filter(({ target }) => target.name !== model.name && target.resource !== null && target.name !== 'User')
    .map(({ field, target }) => {
      const rule = onDeleteRule(field);
      const parentUrl = `'/api/${target.resource}/' + child[${lit(field.name)}]`;
      const expectations = {
        cascade: `assert.equal(removed.status, 204);
    assert.equal((await send(app, 'GET', ${lit(base)} + '/' + child.id, undefined, ctx.token)).status, 404);`,
        'set null': `assert.equal(removed.status, 204);
    const orphan = await send(app, 'GET', ${lit(base)} + '/' + child.id, undefined, ctx.token);
    assert.equal(orphan.status, 200);
    assert.equal(orphan.body[${lit(field.name)}], null);`,
        restrict: `assert.equal(removed.status, 409);
    assert.equal(removed.body.error.code, 'conflict');
    assert.equal((await send(app, 'GET', ${lit(base)} + '/' + child.id, undefined, ctx.token)).status, 200);`,
      }[rule];
      const what = {
        cascade: `deletes its ${model.label_plural}`,
        'set null': `clears ${fieldLabel(field).toLowerCase()} on its ${model.label_plural}`,
        restrict: `is refused while ${model.label_plural} refer to it`,
      }[rule];
      return `test(${lit(`deleting a ${target.label} ${what} (${rule})`)}, async () => {
  const app = await createTestApp();
  try {
    ${ctxSetup}
    const child = await create${N}(app, ctx, 1);
    const removed = await send(app, 'DELETE', ${parentUrl}, undefined, ctx.token);
    ${expectations}
  } finally {
    await app.close();
  }
});`;
    });
}

function appTest(models: DataModels): string {
  return `import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createTestApp, send } from './test-app.ts';

test('reports health', async () => {
  const app = await createTestApp();
  try {
    const health = await send(app, 'GET', '/health');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
  } finally {
    await app.close();
  }
});

test('answers unknown API routes and broken JSON with JSON errors', async () => {
  const app = await createTestApp();
  try {
    const unknown = await send(app, 'GET', '/api/no-such-thing');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'not_found');
    const broken = await app.inject({ method: 'POST', url: ${lit(`/api/${resourceModels(models)[0]?.resource ?? 'none'}`)}, headers: { 'content-type': 'application/json' }, payload: '{"unterminated' });
    assert.equal(broken.statusCode, 400);
    assert.ok(JSON.parse(broken.body).error.message);
  } finally {
    await app.close();
  }
});

test('serves the built frontend at / and for client-side routes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontend-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>frontend</title>');
  const app = buildApp({ databaseUrl: 'sqlite::memory:', jwtSecret: 'test-only-secret', frontendDir: dir });
  try {
    const root = await app.inject({ method: 'GET', url: '/' });
    assert.equal(root.statusCode, 200);
    assert.match(root.body, /<title>frontend<\\/title>/);
    const deepLink = await app.inject({ method: 'GET', url: '/some/client/route' });
    assert.equal(deepLink.statusCode, 200);
    assert.match(String(deepLink.headers['content-type']), /html/);
    const api = await app.inject({ method: 'GET', url: '/api/missing' });
    assert.equal(api.statusCode, 404);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reads its settings from the environment with safe defaults', () => {
  assert.deepEqual(loadConfig({}), { port: 3000, host: '127.0.0.1', databaseUrl: 'sqlite:', dataDir: './data', jwtSecret: undefined, socketPath: undefined });
  assert.equal(loadConfig({ SOCKET_PATH: '/run/app.sock' }).socketPath, '/run/app.sock');
  const custom = loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://db/app', DATA_DIR: '/var/app', JWT_SECRET: 's3cret' });
  assert.equal(custom.port, 8080);
  assert.equal(custom.databaseUrl, 'postgres://db/app');
  assert.equal(custom.jwtSecret, 's3cret');
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
});

test('keeps data in a SQLite file under DATA_DIR between restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'data-'));
  try {
    const first = buildApp({ databaseUrl: '', dataDir: dir, jwtSecret: 'test-only-secret', frontendDir: null });
    await first.ready();
    await first.close();
    const second = buildApp({ databaseUrl: '', dataDir: dir, jwtSecret: 'test-only-secret', frontendDir: null });
    const health = await second.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
`;
}

function constraintChecks(model: DataModel, field: ModelField): string[] {
  const N = model.name;
  const reject = (value: string, why: string): string =>
    `  assert.equal(${N}Create.safeParse({ ...valid, ${field.name}: ${value} }).success, false, ${lit(`${field.name} ${why}`)});`;
  const out: string[] = [];
  if (field.type === 'Integer' || field.type === 'Decimal') {
    if (field.min !== undefined) out.push(reject(String(field.min - 1), `below ${field.min}`));
    if (field.max !== undefined) out.push(reject(String(field.max + 1), `above ${field.max}`));
    if (field.type === 'Integer') out.push(reject(String((field.min ?? 0) + 0.5), 'not whole'));
  }
  if (field.type === 'Enum') out.push(reject("'not-one-of-the-options'", 'outside its options'));
  if (field.type === 'Email') out.push(reject("'not-an-email'", 'not an email'));
  if (field.type === 'URL') out.push(reject("'javascript:alert(1)'", 'not a web address'));
  if (field.type === 'Phone') out.push(reject("'call me'", 'not a phone number'));
  if (field.type === 'Date') out.push(reject("'15/01/2025'", 'not an ISO date'));
  if (field.type === 'DateTime') out.push(reject("'yesterday'", 'not an ISO date-time'));
  if (field.type === 'String' || field.type === 'Text') out.push(reject(`'x'.repeat(${stringMaxLength(field) + 1})`, 'too long'));
  if (isRequired(field) && field.default === undefined) {
    out.push(
      `  assert.equal(${N}Create.safeParse({ ...valid, ${field.name}: undefined }).success, false, ${lit(`${field.name} is required`)});`,
    );
  }
  return out;
}

function validationTest(models: DataModels): string {
  const resources = resourceModels(models);
  const tests = resources.map((model) => {
    const N = model.name;
    const refAssignments = editableFields(model)
      .filter((f) => isRuntimeReference(models, f))
      .map((f) => `  valid[${lit(f.name)}] = '00000000-0000-4000-8000-000000000001';`);
    const checks = editableFields(model).flatMap((f) => constraintChecks(model, f));
    const defaults = editableFields(model).filter((f) => f.default !== undefined && f.type !== 'DateTime');
    const defaultChecks = defaults
      .map((f) => {
        const expected =
          f.type === 'Boolean'
            ? String(f.default === true || f.default === 'true')
            : ['Integer', 'Decimal'].includes(f.type)
              ? String(Number(f.default))
              : lit(String(f.default));
        return `  const withoutDefault = { ...valid };
  delete withoutDefault[${lit(f.name)}];
  assert.deepEqual(${N}Create.parse(withoutDefault)[${lit(f.name)}], ${expected});`;
      })
      .slice(0, 1);
    return `test(${lit(`${model.label} bodies are checked field by field`)}, () => {
  const valid: Record<string, unknown> = sample${N}(1);
${refAssignments.join('\n')}
  assert.equal(${N}Create.safeParse(valid).success, true, JSON.stringify(${N}Create.safeParse(valid).error?.issues));
  assert.equal(${N}Patch.safeParse({}).success, true);
${checks.join('\n')}
${defaultChecks.join('\n')}
});`;
  });
  return lines(
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    ...resources.map((m) => `import { ${m.name}Create, ${m.name}Patch } from '../src/models/${kebab(m.name)}.ts';`),
    `import { ${resources.map((m) => `sample${m.name}`).join(', ')} } from './samples.ts';`,
    '',
    tests.join('\n\n'),
    '',
  );
}

export function testFiles(models: DataModels): AppFile[] {
  const g = 'tests' as const;
  const files: AppFile[] = [
    { path: 'backend/test/test-app.ts', content: testAppModule(models), group: g },
    { path: 'backend/test/samples.ts', content: samplesModule(models), group: g },
    { path: 'backend/test/app.api.test.ts', content: appTest(models), group: g },
    { path: 'backend/test/validation.test.ts', content: validationTest(models), group: g },
  ];
  for (const model of resourceModels(models)) {
    files.push({ path: `backend/test/${kebab(model.name)}.api.test.ts`, content: resourceTest(models, model), group: g });
  }
  return files;
}
