/**
 * `npm run bench:quality [-- --set public|tuning|check|all --prompts FILE --only p03,c007 --understand-only]`:
 * builds each prompt through the real pipeline (createRuntime, embedded defaults, a temp data folder) and
 * checks what a user would: the build completed; every expected entity is a model; listed fields and enum
 * values exist; sign-in exists iff expected; the preview answers /health; every resource survives a CRUD
 * round-trip with bodies made from the OpenAPI request schemas (FKs filled from rows created first); an
 * invalid body gets 400; with ownership, another user cannot see the rows; the app's own tests passed with
 * ≥ 80% backend line coverage. Prints a table, totals, and the figures of each half (bench/prompts/README.md).
 * `--understand-only` runs only the request's understanding and scores entities, fields and sign-in, which
 * takes seconds instead of a build per prompt.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { DataModel, DataModels, TestSummary } from '../src/contracts/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { systemClock } from '../src/core/clock.ts';
import { analyzeRequest, singularize } from '../src/generator/understand/index.ts';
import { stopPreview } from '../src/preview/preview-control.ts';
import { createRuntime } from '../src/runtime.ts';
import { readPromptFile, type PromptLine } from './prompt-set.ts';

/** A prompt line and the file it came from: public, tuning, check, or a --prompts file's name. */
type Expectation = PromptLine & { half: string };
type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; required?: string[] };

const SETS: Record<string, string[]> = {
  public: ['prompts.jsonl'],
  tuning: ['prompts/tuning.jsonl'],
  check: ['prompts/check.jsonl'],
  all: ['prompts/tuning.jsonl', 'prompts/check.jsonl'],
};
const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'public' },
    prompts: { type: 'string' },
    only: { type: 'string' },
    'understand-only': { type: 'boolean', default: false },
  },
});
if (values.prompts === undefined && !(values.set! in SETS)) {
  console.error(`unknown --set ${values.set}: one of ${Object.keys(SETS).join(', ')}`);
  process.exit(2);
}
const files: Array<{ half: string; path: string }> =
  values.prompts !== undefined
    ? [{ half: basename(values.prompts, '.jsonl'), path: values.prompts }]
    : SETS[values.set!]!.map((f) => ({
        half: f === 'prompts.jsonl' ? 'public' : basename(f, '.jsonl'),
        path: resolve(import.meta.dirname, f),
      }));
for (const f of files) {
  if (!existsSync(f.path)) {
    console.error(`prompts file ${f.path} not found (pass --prompts FILE)`);
    process.exit(2);
  }
}
const only = values.only ? new Set(values.only.split(',').map((s) => s.trim())) : null;
const prompts = files
  .flatMap((f) => readPromptFile(f.path).map((l): Expectation => ({ ...l, half: f.half })))
  .filter((p) => only === null || only.has(p.id));
const understandOnly = values['understand-only']!;

const CHECKS = ['build', 'entities', 'fields', 'auth', 'health', 'crud', 'invalid', 'owner', 'tests', 'clean'] as const;
type Check = (typeof CHECKS)[number];
type Result = 'ok' | 'FAIL' | '-';

/** "Invoice Line", "invoice_lines", "InvoiceLine" → "invoiceline": singular last word, separators and accents folded. */
function fold(name: string): string[] {
  // Accents and ß are folded so "Séance" (a model name) meets "séance" (the expectation) without a table.
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length > 0) words[words.length - 1] = singularize(words.at(-1)!);
  return words;
}
/** The issue's rule: the same name after singularising, case and separators folded — no partial matches. */
function sameEntity(model: string, expected: string): boolean {
  return fold(model).join('') === fold(expected).join('');
}
/** The expected entity under its own name or one of the names the prompt's line accepts instead. */
function matchesEntity(model: string, expected: string, p: Expectation): boolean {
  return [expected, ...(p.aliases?.[expected] ?? [])].some((name) => sameEntity(model, name));
}

/** What the scoring needs of a model, whether it comes from a build's data-models.json or from the understanding. */
interface ScoredModels {
  auth: { enabled: boolean };
  models: Array<{ name: string; fields: Array<{ name: string; enum_values?: string[] }> }>;
}
interface Score {
  entities: Result;
  fields: Result;
  auth: Result;
  found: number;
  fieldsFound: number;
  fieldsExpected: number;
}

/** Entities, fields, enum values and sign-in against the prompt's expectations; reasons go to `why`. */
function score(p: Expectation, models: ScoredModels, why: string[]): Score {
  const names = models.models.filter((m) => m.name !== 'User').map((m) => m.name);
  const missing = p.entities.filter((e) => !names.some((n) => matchesEntity(n, e, p)));
  if (missing.length > 0) why.push(`missing entities ${missing.join(', ')} (models: ${names.join(', ')})`);
  let fieldsOk = true;
  let fieldsFound = 0;
  let fieldsExpected = 0;
  for (const [entity, fields] of Object.entries(p.fields ?? {})) {
    const model = models.models.find((m) => m.name !== 'User' && matchesEntity(m.name, entity, p));
    const lacking = fields.filter((f) => !model?.fields.some((mf) => mf.name === f || mf.name === `${f}_id`));
    fieldsExpected += fields.length;
    fieldsFound += fields.length - lacking.length;
    if (lacking.length > 0) {
      fieldsOk = false;
      why.push(`${entity} lacks ${lacking.join(', ')}`);
    }
  }
  for (const [field, values_] of Object.entries(p.enums ?? {})) {
    const f = models.models.flatMap((m) => m.fields).find((mf) => mf.name === field);
    const lacking = values_.filter((v) => !(f?.enum_values ?? []).includes(v));
    if (lacking.length > 0) {
      fieldsOk = false;
      why.push(`enum ${field} lacks ${lacking.join(', ')}`);
    }
  }
  if (models.auth.enabled !== p.auth) why.push(`auth ${models.auth.enabled}, expected ${p.auth}`);
  return {
    entities: missing.length === 0 ? 'ok' : 'FAIL',
    fields: fieldsOk ? 'ok' : 'FAIL',
    auth: models.auth.enabled === p.auth ? 'ok' : 'FAIL',
    found: p.entities.length - missing.length,
    fieldsFound,
    fieldsExpected,
  };
}

function sample(name: string, s: Schema, fk: Map<string, string>): unknown {
  if (fk.has(name)) return fk.get(name);
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[])[0];
  if (s['example'] !== undefined) return s['example'];
  const min = typeof s['minimum'] === 'number' ? (s['minimum'] as number) : undefined;
  const max = typeof s['maximum'] === 'number' ? (s['maximum'] as number) : undefined;
  switch (s['type']) {
    case 'integer':
      return min ?? (max !== undefined ? Math.min(max, 1) : 1);
    case 'number':
      return min !== undefined ? min + 1.5 : 2.5;
    case 'boolean':
      return true;
  }
  switch (s['format']) {
    case 'email':
      return `bench${Math.floor(Math.random() * 1e6)}@example.com`;
    case 'uri':
      return 'https://example.com/page';
    case 'date':
      return '2026-05-04';
    case 'date-time':
      return '2026-05-04T10:30:00.000Z';
    case 'uuid':
      return undefined;
  }
  const maxLength = typeof s['maxLength'] === 'number' ? (s['maxLength'] as number) : 40;
  return `Sample ${name}`.slice(0, maxLength);
}

async function http(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['authorization'] = `Bearer ${token}`;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

async function account(base: string, email: string): Promise<string> {
  const password = 'correct horse battery staple';
  const reg = await http('POST', `${base}/api/auth/register`, { email, password });
  if (reg.json?.token) return reg.json.token as string;
  const login = await http('POST', `${base}/api/auth/login`, { email, password });
  if (!login.json?.token) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.json).slice(0, 120)}`);
  return login.json.token as string;
}

/** Creates one row per resource (parents first), reads, updates, lists, checks 400 and ownership, deletes. */
async function exercise(
  base: string,
  models: DataModels,
  openapi: any,
  why: string[],
): Promise<Record<'crud' | 'invalid' | 'owner', Result>> {
  const schemas = (openapi?.components?.schemas ?? {}) as Record<string, Schema>;
  const resources = models.models.filter((m) => m.resource !== null);
  const byName = new Map(resources.map((m) => [m.name, m]));
  const order: DataModel[] = [];
  const visit = (m: DataModel, seen: Set<string>): void => {
    if (order.includes(m) || seen.has(m.name)) return;
    seen.add(m.name);
    for (const f of m.fields) {
      const target = f.foreign_key?.split('.')[0];
      const parent = target ? byName.get(target) : undefined;
      if (parent) visit(parent, seen);
    }
    order.push(m);
  };
  for (const m of resources) visit(m, new Set());

  const token = models.auth.enabled ? await account(base, `owner${Date.now()}@example.com`) : undefined;
  const other = models.auth.enabled ? await account(base, `other${Date.now()}@example.com`) : undefined;
  const ids = new Map<string, string>();
  let crud: Result = 'ok';
  let invalid: Result = 'ok';
  let owner: Result = resources.some((m) => m.owned) ? 'ok' : '-';
  const fail = (what: 'crud' | 'invalid' | 'owner', message: string): void => {
    if (what === 'crud') crud = 'FAIL';
    if (what === 'invalid') invalid = 'FAIL';
    if (what === 'owner') owner = 'FAIL';
    why.push(message);
  };
  for (const m of order) {
    const url = `${base}/api/${m.resource}`;
    const input = schemas[`${m.name}Input`] ?? {};
    const fk = new Map<string, string>();
    for (const f of m.fields) {
      const target = f.foreign_key?.split('.')[0];
      if (target && ids.has(target)) fk.set(f.name, ids.get(target)!);
    }
    const body: Record<string, unknown> = {};
    for (const [name, s] of Object.entries(input.properties ?? {})) {
      const v = sample(name, s, fk);
      if (v !== undefined) body[name] = v;
    }
    const created = await http('POST', url, body, token);
    if (created.status !== 201 || typeof created.json?.id !== 'string') {
      fail('crud', `${m.name}: POST ${created.status} ${JSON.stringify(created.json).slice(0, 160)}`);
      continue;
    }
    const id = created.json.id as string;
    ids.set(m.name, id);
    const read = await http('GET', `${url}/${id}`, undefined, token);
    if (read.status !== 200) fail('crud', `${m.name}: GET one ${read.status}`);
    const textField = Object.entries(input.properties ?? {}).find(
      ([n, s]) => s['type'] === 'string' && !s['format'] && !s['enum'] && !fk.has(n),
    );
    const patch: Record<string, unknown> = textField ? { [textField[0]]: 'Changed value' } : {};
    const updated = await http('PATCH', `${url}/${id}`, patch, token);
    if (updated.status !== 200 || (textField && updated.json?.[textField[0]] !== 'Changed value'))
      fail('crud', `${m.name}: PATCH ${updated.status}`);
    const listed = await http('GET', `${url}?limit=100`, undefined, token);
    if (listed.status !== 200 || !Array.isArray(listed.json?.items) || !listed.json.items.some((r: any) => r.id === id))
      fail('crud', `${m.name}: list ${listed.status} lacks the row`);
    // Invalid: a required field missing, or a wrong type where nothing is required.
    const required = input.required ?? [];
    const bad: Record<string, unknown> = { ...body };
    if (required.length > 0) delete bad[required[0]!];
    else {
      const first = Object.keys(input.properties ?? {})[0];
      if (first) bad[first] = { not: 'valid' };
    }
    const rejected = await http('POST', url, bad, token);
    if (rejected.status !== 400) fail('invalid', `${m.name}: invalid body gave ${rejected.status}`);
    if (m.owned && other) {
      const theirs = await http('GET', `${url}/${id}`, undefined, other);
      const theirList = await http('GET', `${url}?limit=100`, undefined, other);
      if (theirs.status !== 404 || (theirList.json?.items ?? []).some((r: any) => r.id === id))
        fail('owner', `${m.name}: another user sees the row (${theirs.status})`);
    }
  }
  // Delete children first.
  for (const m of [...order].reverse()) {
    const id = ids.get(m.name);
    if (!id) continue;
    const removed = await http('DELETE', `${base}/api/${m.resource}/${id}`, undefined, token);
    if (removed.status !== 204 && removed.status !== 200) fail('crud', `${m.name}: DELETE ${removed.status}`);
    const gone = await http('GET', `${base}/api/${m.resource}/${id}`, undefined, token);
    if (gone.status !== 404) fail('crud', `${m.name}: after DELETE GET gave ${gone.status}`);
  }
  return { crud, invalid, owner };
}

function gitShow(repo: string, ref: string, path: string): string | null {
  try {
    return execFileSync('git', ['-C', repo, 'show', `${ref}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

interface Row {
  p: Expectation;
  checks: Record<Check, Result>;
  scored: Score | null;
  seconds: number;
  why: string[];
}
const shown: readonly Check[] = understandOnly ? ['entities', 'fields', 'auth'] : CHECKS;
const rows: Row[] = [];
function record(row: Row): void {
  rows.push(row);
  const failed = shown.filter((c) => row.checks[c] === 'FAIL');
  console.error(
    `${row.p.id} ${failed.length === 0 ? 'pass' : `FAIL (${failed.join(', ')})`} ${row.seconds.toFixed(1)}s${row.why.length ? `\n    ${row.why.join('\n    ')}` : ''}`,
  );
}

/** The understanding alone, scored the way a build's data models are: relation fields count as fields. */
function understandPrompt(p: Expectation): void {
  const checks = Object.fromEntries(CHECKS.map((c) => [c, '-'])) as Record<Check, Result>;
  const why: string[] = [];
  const started = performance.now();
  let scored: Score | null = null;
  try {
    const { domain } = analyzeRequest(p.prompt);
    const models = domain.entities.map((e) => ({
      name: e.name,
      fields: [...e.fields, ...e.relations.map((r) => ({ name: r.field }))],
    }));
    scored = score(p, { auth: domain.auth, models }, why);
    Object.assign(checks, { entities: scored.entities, fields: scored.fields, auth: scored.auth });
  } catch (e) {
    checks.entities = 'FAIL';
    why.push(`understanding threw: ${(e as Error).message}`);
  }
  record({ p, checks, scored, seconds: (performance.now() - started) / 1000, why });
}

async function buildPrompts(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-quality-'));
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'error' },
  });
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false });
  try {
    for (const p of prompts) {
      const checks = Object.fromEntries(CHECKS.map((c) => [c, '-'])) as Record<Check, Result>;
      const why: string[] = [];
      const started = performance.now();
      let scored: Score | null = null;
      let taskId: string | null = null;
      try {
        const submitted = await runtime.submitBuild({ prompt: p.prompt });
        taskId = submitted.id;
        const task = await runtime.engine.waitFor(submitted.id);
        checks.build = task.status === 'completed' ? 'ok' : 'FAIL';
        if (task.status !== 'completed') why.push(`build ${task.status}: ${String(task.error ?? '').slice(0, 200)}`);
        const project = await runtime.ports.state.getProject(task.project_id);
        const repo = project?.repo_path ?? '';
        const dataText = gitShow(repo, 'main', 'architecture/data-models.json');
        const models = dataText ? (JSON.parse(dataText) as DataModels) : null;
        const openapiText = gitShow(repo, 'main', 'architecture/api-contracts/openapi.yaml');
        const openapi = openapiText ? parseYaml(openapiText) : null;
        if (models) {
          scored = score(p, models, why);
          Object.assign(checks, { entities: scored.entities, fields: scored.fields, auth: scored.auth });
        }
        const preview = await runtime.ports.state.getPreviewByTask(task.id);
        if (preview && preview.status === 'healthy') {
          const base = preview.url.replace(/\/$/, '');
          const health = await http('GET', `${base}/health`).catch(() => ({ status: 0, json: null }));
          checks.health = health.status === 200 ? 'ok' : 'FAIL';
          if (models && health.status === 200) {
            try {
              Object.assign(checks, await exercise(base, models, openapi, why));
            } catch (e) {
              checks.crud = 'FAIL';
              why.push(`crud: ${(e as Error).message}`);
            }
          }
        } else if (checks.build === 'ok') {
          checks.health = 'FAIL';
          why.push(`preview ${preview?.status ?? 'missing'}`);
        }
        const summaryText = await runtime.ports.artifacts.read(task.id, 'test-results/test-summary.json');
        if (summaryText) {
          const summary = JSON.parse(summaryText) as TestSummary;
          const coverage = summary.backend.coverage ?? summary.coverage.lines ?? 0;
          checks.tests = summary.backend.status === 'passed' && summary.backend.failed === 0 && coverage >= 0.8 ? 'ok' : 'FAIL';
          if (checks.tests === 'FAIL')
            why.push(
              `app tests: backend ${summary.backend.status} ${summary.backend.passed}/${summary.backend.total}, coverage ${(coverage * 100).toFixed(1)}%`,
            );
        } else if (checks.build === 'ok') {
          checks.tests = 'FAIL';
          why.push('no test-summary.json');
        }
        // "Clean by its own standards": the reviewer's `tsc --noEmit` and the app's own `npm run lint`.
        const qualityText = await runtime.ports.artifacts.read(task.id, 'review/code-quality.json');
        if (qualityText) {
          const quality = JSON.parse(qualityText) as { type_errors?: number; own_lint?: { errors?: number; note?: string } };
          const ownLint = quality.own_lint?.errors ?? -1;
          checks.clean = quality.type_errors === 0 && ownLint === 0 ? 'ok' : 'FAIL';
          if (checks.clean === 'FAIL')
            why.push(
              `clean: ${quality.type_errors} type error(s), own lint ${ownLint < 0 ? 'not run' : `${ownLint} error(s)`} (${quality.own_lint?.note ?? 'no note'})`,
            );
        } else if (checks.build === 'ok') {
          checks.clean = 'FAIL';
          why.push('no review/code-quality.json');
        }
      } catch (e) {
        checks.build = 'FAIL';
        why.push((e as Error).message);
      } finally {
        if (taskId !== null) {
          const preview = await runtime.ports.state.getPreviewByTask(taskId).catch(() => null);
          if (preview)
            await stopPreview({ state: runtime.ports.state, previews: runtime.ports.previews, clock: systemClock }, taskId).catch(
              () => undefined,
            );
        }
      }
      record({ p, checks, scored, seconds: (performance.now() - started) / 1000, why });
    }
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (understandOnly) for (const p of prompts) understandPrompt(p);
else await buildPrompts();

const withHalf = files.length > 1 || files[0]!.half !== 'public';
const header = ['id', ...(withHalf ? ['set'] : []), ...shown, 'entities', 'time'];
console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const r of rows) {
  const cells = [
    r.p.id,
    ...(withHalf ? [r.p.half] : []),
    ...shown.map((c) => r.checks[c]),
    `${r.scored?.found ?? 0}/${r.p.entities.length}`,
    understandOnly ? `${(r.seconds * 1000).toFixed(0)}ms` : `${r.seconds.toFixed(0)}s`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
const passing = rows.filter((r) => shown.every((c) => r.checks[c] !== 'FAIL')).length;
const expected = rows.reduce((n, r) => n + r.p.entities.length, 0);
const found = rows.reduce((n, r) => n + (r.scored?.found ?? 0), 0);
console.log(`\nfully passing: ${passing}/${rows.length}`);
console.log(`entity recall: ${found}/${expected} (${expected ? ((found / expected) * 100).toFixed(1) : '100.0'}%)`);
for (const c of shown) {
  const ran = rows.filter((r) => r.checks[c] !== '-').length;
  console.log(`  ${c.padEnd(9)} ${rows.filter((r) => r.checks[c] === 'ok').length}/${ran}`);
}

/**
 * The figures issue 17 quotes, per half: mean of each prompt's entity recall (a prompt that expects none
 * counts 1), prompts with every entity, the share of expected fields present, sign-in as expected.
 */
function figures(label: string, group: Row[]): string {
  const n = group.length;
  const count = (c: Check): number => group.filter((r) => r.checks[c] === 'ok').length;
  const recall = group.reduce((sum, r) => sum + (r.p.entities.length ? (r.scored?.found ?? 0) / r.p.entities.length : 1), 0);
  const fieldsExpected = group.reduce((sum, r) => sum + (r.scored?.fieldsExpected ?? fieldCount(r.p)), 0);
  const fieldsFound = group.reduce((sum, r) => sum + (r.scored?.fieldsFound ?? 0), 0);
  return `| ${[
    label,
    n,
    understandOnly ? '-' : `${count('build')}/${n}`,
    n ? (recall / n).toFixed(2) : '-',
    `${count('entities')}/${n}`,
    fieldsExpected ? `${fieldsFound}/${fieldsExpected} (${(fieldsFound / fieldsExpected).toFixed(2)})` : '-',
    `${count('auth')}/${n}`,
  ].join(' | ')} |`;
}
function fieldCount(p: Expectation): number {
  return Object.values(p.fields ?? {}).reduce((sum, f) => sum + f.length, 0);
}
const halves = [...new Set(rows.map((r) => r.p.half))];
const summaryHeader = '| set | prompts | builds ok | entity recall (mean) | every entity | fields recall | auth right |';
console.log(`\n${summaryHeader}\n|---|---|---|---|---|---|---|`);
for (const half of halves)
  console.log(
    figures(
      half,
      rows.filter((r) => r.p.half === half),
    ),
  );
if (halves.length > 1) console.log(figures('all', rows));
// By class and by style (languages apart), so a rule's effect on its own kind of request shows.
for (const key of ['class', 'style'] as const) {
  const kinds = [...new Set(rows.flatMap((r) => (r.p[key] ? [r.p[key]] : [])))];
  if (kinds.length === 0) continue;
  console.log(`\nby ${key}\n${summaryHeader}\n|---|---|---|---|---|---|---|`);
  for (const kind of kinds)
    for (const half of halves) {
      const group = rows.filter((r) => r.p.half === half && r.p[key] === kind);
      if (group.length > 0) console.log(figures(`${half} ${kind}`, group));
    }
}
process.exitCode = passing === rows.length ? 0 : 1;
