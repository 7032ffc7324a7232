/**
 * Browser tests every generated app carries (`npm run test:e2e`): the app starts in-process on an
 * in-memory SQLite database, headless Chromium (from CHROMIUM_PATH, driven by playwright-core) walks the
 * main flows — sign-up and sign-in, then per resource create, edit, toggle, filter and delete, with the
 * relation pickers — and leaves screenshots in test-results/e2e/ and JUnit in test-results/e2e-junit.xml.
 * What to type and what to expect is decided here, from the models, so the test reads as a script.
 */
import type { DataModel, DataModels, ModelField } from '../../../contracts/artifacts.ts';
import {
  clientReferences,
  completionField,
  editableFields,
  fieldLabel,
  filterFields,
  findModel,
  isRequired,
  referencedModelName,
  resourceModels,
  stringMaxLength,
} from '../model-facts.ts';
import { camel, kebab, lines, lit } from '../naming.ts';
import type { AppFile } from '../app-file.ts';

/** Targets before the resources that refer to them, so a picker always has something to pick. */
export function creationOrder(models: DataModels): DataModel[] {
  const resources = resourceModels(models);
  const ordered: DataModel[] = [];
  const visiting = new Set<string>();
  const visit = (model: DataModel) => {
    if (ordered.includes(model) || visiting.has(model.name)) return;
    visiting.add(model.name);
    for (const { target } of clientReferences(models, model)) {
      if (target.name !== model.name && resources.includes(target)) visit(target);
    }
    ordered.push(model);
  };
  for (const model of resources) visit(model);
  return ordered;
}

/** The label text of a form control, as RecordForm renders it. */
function controlLabel(field: ModelField): string {
  return fieldLabel(field) + (isRequired(field) && field.type !== 'Boolean' ? ' (required)' : '');
}

type Entry =
  | { kind: 'fill'; field: ModelField; value: string; shown: string | null }
  | { kind: 'select'; field: ModelField; value: string; shown: string }
  | { kind: 'pick'; field: ModelField; target: DataModel };

/** What a user types into one field, and how the list then shows it (null when it depends on the time zone). */
function typedValue(field: ModelField, n: number): { value: string; shown: string | null } | null {
  switch (field.type) {
    case 'String':
    case 'Text': {
      const text = `${fieldLabel(field)} ${n}`.slice(0, stringMaxLength(field)).trim();
      return { value: text, shown: text };
    }
    case 'Integer': {
      const lo = Math.ceil(field.min ?? 1);
      const value = String(Math.min(Math.floor(field.max ?? lo + 100), lo + n));
      return { value, shown: value };
    }
    case 'Decimal': {
      const lo = field.min ?? 0;
      const value = String(Math.min(field.max ?? lo + 1000, lo + 12.5 * n));
      return { value, shown: value };
    }
    case 'Date':
      return { value: `2025-03-0${n}`, shown: `2025-03-0${n}` };
    case 'DateTime':
      return { value: `2025-03-0${n}T10:30`, shown: null };
    case 'Email':
      return { value: `person${n}@example.com`, shown: `person${n}@example.com` };
    case 'URL':
      return { value: `https://example.com/${n}`, shown: `https://example.com/${n}` };
    case 'Phone':
      return { value: `+1 555 010${n}`, shown: `+1 555 010${n}` };
    case 'UUID':
      return { value: `00000000-0000-4000-8000-00000000000${n}`, shown: `00000000-0000-4000-8000-00000000000${n}` };
    default:
      return null;
  }
}

interface Plan {
  model: DataModel;
  entries: Entry[];
  title: string | null;
}

function planFor(models: DataModels, model: DataModel, titles: Map<string, string | null>): Plan {
  const entries: Entry[] = [];
  const fields = editableFields(model);
  for (const field of fields) {
    if (field.type === 'Boolean') continue;
    const targetName = referencedModelName(field);
    const target = targetName ? findModel(models, targetName) : undefined;
    if (target) {
      // Only resources have pickers; a self-reference has nothing to point at yet.
      if (target.resource !== null && target.name !== model.name) entries.push({ kind: 'pick', field, target });
      continue;
    }
    if (field.type === 'Enum') {
      const values = field.enum_values ?? [];
      // Not the default, so the choice really goes through the select.
      const value = values.find((v) => v !== String(field.default ?? '')) ?? values[0];
      if (value !== undefined) entries.push({ kind: 'select', field, value, shown: value });
      continue;
    }
    const typed = typedValue(field, 1);
    if (typed) entries.push({ kind: 'fill', field, ...typed });
  }
  let title: string | null = null;
  for (const entry of entries) {
    if (entry.field.name !== model.display_field) continue;
    title = entry.kind === 'pick' ? (titles.get(entry.target.name) ?? null) : entry.shown;
  }
  return { model, entries, title };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function createSteps(plan: Plan, titles: Map<string, string | null>): string {
  const { model } = plan;
  const steps: string[] = [];
  for (const entry of plan.entries) {
    const control = `form.getByLabel(${lit(controlLabel(entry.field))}, { exact: true })`;
    if (entry.kind === 'fill') steps.push(`    await ${control}.fill(${lit(entry.value)});`);
    else if (entry.kind === 'select') steps.push(`    await ${control}.selectOption(${lit(entry.value)});`);
    else {
      const parentTitle = titles.get(entry.target.name) ?? null;
      const picker = `${camel(entry.field.name)}Picker`;
      steps.push(`    const ${picker} = ${control};
    // The picker lists the referenced records by their display field.
    await ${picker}.locator('option').nth(1).waitFor({ state: 'attached' });${
      parentTitle !== null
        ? `
    assert.equal((await ${picker}.locator('option').nth(1).textContent())?.trim(), ${lit(parentTitle)});`
        : ''
    }
    await ${picker}.selectOption({ index: 1 });`);
    }
  }
  const shownChecks = plan.entries
    .filter((e) => e.field.name !== model.display_field)
    .map((e) => (e.kind === 'pick' ? (titles.get(e.target.name) ?? null) : e.shown))
    .filter((text): text is string => text !== null)
    .slice(0, 3)
    .map((text) => `    await item.getByText(${lit(text)}, { exact: true }).first().waitFor();`);
  return lines(
    `    await openSection(${lit(model.label_plural)});`,
    `    const form = page.getByRole('form', { name: ${lit(`New ${model.label}`)}, exact: true });`,
    ...steps,
    `    await form.getByRole('button', { name: ${lit(`Add ${model.label}`)}, exact: true }).click();`,
    `    const item = records(${lit(model.label_plural)}).first();`,
    '    await item.waitFor();',
    plan.title !== null ? `    await item.getByRole('heading', { name: ${lit(plan.title)}, exact: true }).waitFor();` : null,
    ...shownChecks,
    `    await shot(${lit(`${kebab(model.name)}-created`)});`,
  );
}

function editSteps(plan: Plan): string {
  const { model } = plan;
  const text = plan.entries.find(
    (e): e is Extract<Entry, { kind: 'fill' }> => e.kind === 'fill' && (e.field.type === 'String' || e.field.type === 'Text'),
  );
  const edited = text ? `${text.value} edited`.slice(0, stringMaxLength(text.field)) : null;
  // An optional value cleared in the edit must disappear from the record rather than show as a dash.
  const cleared = plan.entries.find((e): e is Extract<Entry, { kind: 'fill' }> => e.kind === 'fill' && !isRequired(e.field) && e !== text);
  return lines(
    `    await openSection(${lit(model.label_plural)});`,
    `    const item = records(${lit(model.label_plural)}).first();`,
    "    await item.getByRole('button', { name: /^Edit / }).click();",
    plan.title !== null
      ? `    const form = page.getByRole('form', { name: ${lit(`Edit ${plan.title}`)}, exact: true });`
      : "    const form = page.getByRole('form', { name: /^Edit / });",
    '    await form.waitFor();',
    // The new-record form has the same labels; scoped to the edit form they are unambiguous.
    text && edited ? `    await form.getByLabel(${lit(controlLabel(text.field))}, { exact: true }).fill(${lit(edited)});` : null,
    cleared ? `    await form.getByLabel(${lit(controlLabel(cleared.field))}, { exact: true }).fill('');` : null,
    `    await shot(${lit(`${kebab(model.name)}-editing`)});`,
    "    await form.getByRole('button', { name: 'Save', exact: true }).click();",
    "    await form.waitFor({ state: 'detached' });",
    text && edited
      ? text.field.name === model.display_field
        ? `    await item.getByRole('heading', { name: ${lit(edited)}, exact: true }).waitFor();`
        : `    await item.getByText(${lit(edited)}, { exact: true }).waitFor();`
      : null,
    cleared
      ? `    assert.ok(!(await item.locator('dt').allTextContents()).includes(${lit(fieldLabel(cleared.field))}), 'an empty field is not listed');`
      : null,
  );
}

/** The display title after the edit step, which is what aria-labels of the record's controls use. */
function titleAfterEdit(plan: Plan): string | null {
  const text = plan.entries.find(
    (e): e is Extract<Entry, { kind: 'fill' }> => e.kind === 'fill' && (e.field.type === 'String' || e.field.type === 'Text'),
  );
  if (text && text.field.name === plan.model.display_field) return `${text.value} edited`.slice(0, stringMaxLength(text.field));
  return plan.title;
}

function toggleSteps(plan: Plan): string | null {
  const { model } = plan;
  const toggles = editableFields(model).filter((f) => f.type === 'Boolean');
  if (toggles.length === 0) return null;
  const done = completionField(model);
  const glob = `**/api/${model.resource}/*`;
  const body = toggles.map((field) => {
    const initial = field.default === true || field.default === 'true';
    const name = `new RegExp(${lit(`^${escapeRegExp(fieldLabel(field))}: `)})`;
    return `    {
      const box = item.getByRole('checkbox', { name: ${name} });
      assert.equal(await box.isChecked(), ${initial});
      // Held at the network until checked: the box must change before the server answers.
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route(${lit(glob)}, async (route) => {
        if (route.request().method() === 'PATCH') await held;
        await route.continue();
      });
      const answered = page.waitForResponse((response) => response.request().method() === 'PATCH');
      await box.click();
      assert.equal(await box.isChecked(), ${!initial}, 'the change shows at once');
      release();
      assert.equal((await answered).status(), 200);
      await page.unroute(${lit(glob)});
${
  done?.name === field.name
    ? `      assert.${!initial ? 'match' : 'doesNotMatch'}((await item.getAttribute('class')) ?? '', /\\bdone\\b/, 'finished records are marked done');
      await shot(${lit(`${kebab(model.name)}-done`)});
`
    : ''
}
      // A refused change is rolled back and explained.
      await page.route(${lit(glob)}, (route) =>
        route.request().method() === 'PATCH'
          ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Something went wrong on the server' } }) })
          : route.continue(),
      );
      await box.click();
      await page.getByRole('alert').filter({ hasText: 'Could not update' }).waitFor();
      assert.equal(await box.isChecked(), ${!initial}, 'rolled back after the error');
      await page.unroute(${lit(glob)});

      await page.reload();
      await openSection(${lit(model.label_plural)});
      await box.waitFor();
      assert.equal(await box.isChecked(), ${!initial}, 'the change was saved');
    }`;
  });
  return lines(
    `    await openSection(${lit(model.label_plural)});`,
    `    const item = records(${lit(model.label_plural)}).first();`,
    '    await item.waitFor();',
    ...body,
  );
}

function filterSteps(models: DataModels, plan: Plan): string | null {
  const { model } = plan;
  const filter = filterFields(models, model).find((f) => f.type === 'Enum' || f.type === 'Boolean');
  if (!filter) return null;
  let current: string;
  let other: string | undefined;
  if (filter.type === 'Boolean') {
    const toggled = !(filter.default === true || filter.default === 'true');
    current = String(toggled);
    other = String(!toggled);
  } else {
    const entry = plan.entries.find((e) => e.field.name === filter.name);
    const defaultValue = filter.default !== undefined ? String(filter.default) : undefined;
    const value = entry?.kind === 'select' ? entry.value : defaultValue;
    if (value === undefined) return null;
    current = value;
    other = (filter.enum_values ?? []).find((v) => v !== value);
  }
  const select = `page.getByLabel(${lit(`Filter by ${fieldLabel(filter)}`)}, { exact: true })`;
  return lines(
    `    await openSection(${lit(model.label_plural)});`,
    `    await records(${lit(model.label_plural)}).first().waitFor();`,
    `    const filter = ${select};`,
    other !== undefined
      ? `    await filter.selectOption(${lit(other)});
    await page.getByText(${lit(`No ${model.label_plural.toLowerCase()} match these filters.`)}, { exact: true }).waitFor();
    await shot(${lit(`${kebab(model.name)}-filtered-out`)});`
      : null,
    `    await filter.selectOption(${lit(current)});`,
    `    await records(${lit(model.label_plural)}).first().waitFor();`,
    "    await filter.selectOption('');",
  );
}

function e2eTest(models: DataModels): string {
  const order = creationOrder(models);
  const titles = new Map<string, string | null>();
  // A target is edited before anything refers to it, so pickers show its title as it reads after the edit.
  const plans = order.map((model) => {
    const plan = planFor(models, model, titles);
    titles.set(model.name, titleAfterEdit(plan));
    return plan;
  });
  const t: string[] = [];
  // Anyone may read these: a visitor sees them read-only and signs in from a button, not a sign-in wall.
  const publicFirst = resourceModels(models).find((m) => m.access.read === 'public');
  const openSignIn = publicFirst ? `\n    await page.getByRole('button', { name: 'Sign in to make changes', exact: true }).click();` : '';
  if (models.auth.enabled && publicFirst) {
    t.push(`test('a visitor reads ${publicFirst.label_plural.replace(/[`'\\$]/g, '')} without signing in, and cannot change them', async () => {
  await step('visitor', async () => {
    await page.goto(baseUrl);
    await page.getByRole('heading', { level: 2, name: ${lit(publicFirst.label_plural)}, exact: true }).waitFor();
    assert.equal(await page.getByRole('form', { name: ${lit(`New ${publicFirst.label}`)}, exact: true }).count(), 0);
    await shot('visitor');
  });
});`);
  }
  if (models.auth.enabled) {
    t.push(`test('registers, signs out, is refused a wrong password and signs in again', async () => {
  await step('auth', async () => {
    await page.goto(baseUrl);${openSignIn}
    await page.getByRole('button', { name: 'Create an account', exact: true }).click();
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    // The signed-in user's email stands next to "Sign out".
    await page.locator('.account').getByText(EMAIL, { exact: true }).waitFor();
    await shot('signed-in');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();${openSignIn}
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  });
});`);
  } else {
    t.push(`test('opens the app', async () => {
  await step('open', async () => {
    await page.goto(baseUrl);
    await page.getByRole('heading', { level: 1 }).waitFor();
  });
});`);
  }
  for (const plan of plans) {
    const slug = kebab(plan.model.name);
    t.push(`test(${lit(`creates a ${plan.model.label}`)}, async () => {
  await step(${lit(`${slug}-create`)}, async () => {
${createSteps(plan, titles)}
  });
});`);
    t.push(`test(${lit(`edits a ${plan.model.label} in its own form`)}, async () => {
  await step(${lit(`${slug}-edit`)}, async () => {
${editSteps(plan)}
  });
});`);
    const toggles = toggleSteps(plan);
    if (toggles) {
      t.push(`test(${lit(`toggles a ${plan.model.label} at once and keeps the change`)}, async () => {
  await step(${lit(`${slug}-toggle`)}, async () => {
${toggles}
  });
});`);
    }
    const filters = filterSteps(models, plan);
    if (filters) {
      t.push(`test(${lit(`filters ${plan.model.label_plural}`)}, async () => {
  await step(${lit(`${slug}-filter`)}, async () => {
${filters}
  });
});`);
    }
  }
  for (const plan of [...plans].reverse()) {
    const slug = kebab(plan.model.name);
    t.push(`test(${lit(`deletes a ${plan.model.label}`)}, async () => {
  await step(${lit(`${slug}-delete`)}, async () => {
    await openSection(${lit(plan.model.label_plural)});
    await records(${lit(plan.model.label_plural)}).first().getByRole('button', { name: /^Delete / }).click();
    await page.getByText(${lit(`No ${plan.model.label_plural.toLowerCase()} yet.`)}, { exact: true }).waitFor();
    await shot(${lit(`${slug}-deleted`)});
  });
});`);
  }
  t.push(`test('raised no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});`);

  return `// Main flows in a real browser. Run with \`npm run test:e2e\` (needs CHROMIUM_PATH); the tests share one page
// and build on each other in order, like a user working through the app.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Locator, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../backend/src/app.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHOTS = join(ROOT, 'test-results', 'e2e');
const FRONTEND = join(ROOT, 'frontend', 'dist');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
${models.auth.enabled ? `const EMAIL = 'e2e-user@example.com';\nconst PASSWORD = 'correct horse battery';\n` : ''}
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl = '';
const pageErrors: string[] = [];

before(async () => {
  const executablePath = process.env.CHROMIUM_PATH;
  assert.ok(executablePath, 'CHROMIUM_PATH names the Chromium to drive');
  assert.ok(existsSync(join(FRONTEND, 'index.html')), 'the frontend is built (npm run build)');
  mkdirSync(SHOTS, { recursive: true });
  app = buildApp({ databaseUrl: 'sqlite::memory:', jwtSecret: 'e2e-only-secret-for-signing-tokens', frontendDir: FRONTEND });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(5000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await app?.close();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: true });
}

/** Runs one flow and, if it fails, keeps a screenshot of where it stopped. */
async function step(name: string, flow: () => Promise<void>): Promise<void> {
  try {
    await flow();
  } catch (error) {
    await shot('failed-' + name).catch(() => undefined);
    throw error;
  }
}

function records(labelPlural: string): Locator {
  return page.getByRole('list', { name: labelPlural, exact: true }).getByRole('listitem');
}

async function openSection(labelPlural: string): Promise<void> {
${resourceModels(models).length > 1 ? "  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: labelPlural, exact: true }).click();\n" : ''}  await page.getByRole('heading', { level: 2, name: labelPlural, exact: true }).waitFor();
}

${t.join('\n\n')}
`;
}

export function e2eFiles(models: DataModels): AppFile[] {
  const g = 'tests' as const;
  return [{ path: 'e2e/main-flows.e2e.test.ts', content: e2eTest(models), group: g }];
}
