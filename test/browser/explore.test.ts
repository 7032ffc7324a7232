/**
 * The explorer page end to end in Debian Chromium (playwright-core, no downloaded browsers): the real
 * server (`startServer`, as `catalyst serve` runs it) on a free port over a temp data folder, and a real
 * scan of a scratch PostgreSQL database with two related tables (customers, orders → customers). What
 * a person sees: bad targets explained in words (refused by the API, or a scan that failed), the scan
 * listed and finishing, its records with their reference, the dependency graph drawn, and "Build from
 * this scan" opening the new task.
 * Screenshots go to test-results/browser/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type Browser } from 'playwright-core';
import { loadConfig } from '../../src/config/index.ts';
import { systemClock } from '../../src/core/clock.ts';
import { listPreviews, stopPreview } from '../../src/preview/preview-control.ts';
import { createRuntime } from '../../src/runtime.ts';
import { startServer, type RunningServer } from '../../src/server/serve.ts';
import { builtWebUi } from '../support/web-build.ts';
import { freshDatabase } from '../support/postgres.ts';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-results', 'browser');

let dir: string;
let webDir: string;
let database: { url: string; drop: () => Promise<void> } | null = null;
let server: RunningServer | null = null;
let browser: Browser | null = null;

/** A port nothing listens on: bound by the OS, then released. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const { port } = probe.address() as AddressInfo;
  await new Promise((ok) => probe.close(ok));
  return port;
}

function testConfig(level: string, extra: Record<string, unknown> = {}) {
  return loadConfig({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: dir, overrides: { 'logging.level': level, ...extra } });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-browser-'));
  // The UI from the current source, built into this test's own folder.
  webDir = builtWebUi();
  database = await freshDatabase('explore_ui');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`
      create table customers (id serial primary key, email varchar(200) not null unique, name text not null);
      create table orders (id serial primary key, customer_id integer not null references customers(id) on delete cascade, total numeric(10,2) not null, placed_at timestamptz not null default now());
      insert into customers (email, name) values ('ada@example.com', 'Ada'), ('linus@example.com', 'Linus');
      insert into orders (customer_id, total) values (1, 12.50), (1, 7.00), (2, 99.99);
    `);
  } finally {
    await client.end();
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
  await database?.drop();
  // The build started from the scan may have started a preview (previews outlive the server by design).
  const rt = await createRuntime(testConfig('silent'), { mode: 'sequential', detachedPreviews: true });
  for (const p of await listPreviews({ state: rt.ports.state, previews: rt.ports.previews, clock: systemClock }, { all: true })) {
    await stopPreview({ state: rt.ports.state, previews: rt.ports.previews, clock: systemClock }, p.task_id).catch(() => {});
  }
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a person scans a PostgreSQL database, reads what was found and builds from it', async () => {
  assert.ok(existsSync(CHROMIUM), 'Debian chromium is needed at /usr/bin/chromium: `apt-get install -y chromium` (.ci/run does this)');
  server = await startServer(
    testConfig('warn', { 'server.port': 0, 'agents.tester.run_e2e_tests': false, 'agents.tester.run_smoke_check': false }),
    { webDir },
  );
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);

  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore' }).click();
  await page.waitForURL(/\/explore$/);
  await page.getByRole('heading', { name: 'Explore', exact: true }).waitFor();
  await page.getByText('No scans yet').waitFor();

  const form = page.getByRole('form', { name: 'Start a scan' });
  const target = page.getByLabel('Target');

  // An address no scanner speaks: the API refuses it, and its reason and hint are shown next to the form.
  await target.fill('ftp://x');
  await form.getByRole('button', { name: 'Scan' }).click();
  const refusal = form.getByRole('alert');
  await refusal.waitFor();
  assert.match(await refusal.locator('strong').innerText(), /ftp:/, 'the message names what is wrong with the target');
  assert.ok((await refusal.locator('p').innerText()).length > 0, 'the hint says what to give instead');
  await page.screenshot({ path: join(SHOTS, 'explore-01-refused.png') });

  // A database nothing answers for: the scan is recorded, fails, and its page says why.
  const closedPort = await freePort();
  await target.fill(`postgresql://postgres@127.0.0.1:${closedPort}/nothing`);
  await form.getByRole('button', { name: 'Scan' }).click();
  const failedHref = await form
    .getByRole('status')
    .filter({ hasText: 'started' })
    .getByRole('link', { name: 'Open it' })
    .getAttribute('href');
  assert.equal(await form.getByRole('alert').count(), 0, 'the earlier error is gone once a scan starts');
  const failedRow = page.locator(`tr[data-scan-id="${failedHref?.split('/').pop()}"]`);
  await page.locator(`tr[data-scan-id="${failedHref?.split('/').pop()}"][data-status="failed"]`).waitFor({ timeout: 60_000 });
  assert.equal(await failedRow.getByRole('cell').nth(2).innerText(), 'failed');
  await failedRow.getByRole('link').click();
  const failure = page.getByRole('alert').filter({ hasText: 'The scan failed' });
  await failure.waitFor();
  assert.ok((await failure.innerText()).includes(`127.0.0.1:${closedPort}`), `the reason names the database: ${await failure.innerText()}`);
  await page.screenshot({ path: join(SHOTS, 'explore-02-failed-scan.png') });
  await page.getByRole('link', { name: '← All scans' }).click();
  await page.getByRole('table', { name: 'Scans' }).waitFor();

  // The database: auto-detected from its URL; the password box is labelled for a database.
  await target.fill(database!.url);
  await page.getByText('Scans as: database').waitFor();
  await page.getByLabel('Database password (optional)').waitFor();
  assert.equal(await page.getByLabel('Depth (repositories)').isDisabled(), true, 'depth only applies to repositories');
  await form.getByRole('button', { name: 'Scan' }).click();
  const started = form.getByRole('status').filter({ hasText: 'started' });
  await started.waitFor();
  const scanHref = await started.getByRole('link', { name: 'Open it' }).getAttribute('href');
  const scanId = /^\/explore\/([0-9a-f-]{36})$/.exec(scanHref ?? '')?.[1];
  assert.ok(scanId, `the started note links to the scan: ${scanHref}`);

  // The list polls until the scan has finished.
  const row = page.locator(`table[aria-label="Scans"] tr[data-scan-id="${scanId}"]`);
  await row.waitFor();
  await page.locator(`tr[data-scan-id="${scanId}"][data-status="completed"]`).waitFor({ timeout: 120_000 });
  const cells = await row.locator('td').allInnerTexts();
  assert.equal(cells[1], 'Database');
  assert.match(cells[3] ?? '', /^\d+\/100$/, `a security score: ${cells[3]}`);
  assert.match(cells[4] ?? '', /postgres/i, `the stack names PostgreSQL: ${cells[4]}`);
  assert.ok(!(cells[0] ?? '').includes('postgres@'), `the target is shown without its user name: ${cells[0]}`);
  await page.screenshot({ path: join(SHOTS, 'explore-03-list.png') });

  // The scan's page: summary, scores, the two records with their reference, the graph drawn.
  await row.getByRole('link').click();
  await page.waitForURL(new RegExp(`/explore/${scanId}$`));
  await page.getByRole('heading', { name: 'Summary' }).waitFor();
  const scores = page.getByRole('definition');
  assert.ok((await scores.count()) >= 4, 'the four scores are shown');
  await page.getByRole('heading', { name: 'Records found (2)' }).waitFor();
  for (const name of ['customers', 'orders']) {
    const fields = page.getByRole('table', { name: `Fields of ${name}` });
    await fields.waitFor();
    assert.match(await fields.innerText(), /\bid\b[\s\S]*primary key/, `${name} shows its primary key`);
  }
  assert.match(await page.getByRole('table', { name: 'Fields of customers' }).innerText(), /email[\s\S]*unique/);
  assert.match(await page.getByRole('list', { name: 'References of orders' }).innerText(), /customer_id\s*→\s*customers/);
  assert.equal(await page.getByRole('list', { name: 'References of customers' }).count(), 0);
  const graph = page.locator('figure[aria-label="Dependency graph"] .diagram-svg svg');
  await graph.waitFor();
  const drawn = (await graph.textContent()) ?? '';
  assert.ok(drawn.includes('customers') && drawn.includes('orders'), `the graph draws both tables: ${drawn}`);
  await page.screenshot({ path: join(SHOTS, 'explore-04-scan.png'), fullPage: true });

  // A shared link to the scan works on a fresh load.
  await page.reload();
  await page.getByRole('table', { name: 'Fields of orders' }).waitFor();

  // Build from this scan: the prompt is prefilled and the new task opens.
  const prompt = page.getByLabel('What should the agents build from this scan?');
  assert.equal(await prompt.inputValue(), 'build something similar');
  await page.getByRole('button', { name: 'Build from this scan' }).click();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  await page.locator('.bubble-user').filter({ hasText: 'build something similar' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'explore-05-build-started.png') });
  // The planner says it works from this scan.
  await page.getByRole('list', { name: 'Agent logs' }).getByText(scanId).first().waitFor({ timeout: 60_000 });
  // The build itself is ui.test.ts's subject: stop it here.
  await page.getByRole('button', { name: 'Cancel task' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /The task (cancelled|completed)|Done:/ })
    .waitFor({ timeout: 60_000 });
});
