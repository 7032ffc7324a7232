// The page in a real browser. Run with `npm run test:e2e` (needs CHROMIUM_PATH).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../backend/src/app.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHOTS = join(ROOT, 'test-results', 'e2e');
const FRONTEND = join(ROOT, 'frontend', 'dist');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

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
  app = buildApp({ frontendDir: FRONTEND });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
  page = await browser.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

after(async () => {
  await browser?.close();
  await app?.close();
});

test('shows the page with the server time', async () => {
  await page.goto(baseUrl);
  await page.getByRole('heading', { level: 1, name: 'Web App' }).waitFor();
  await page
    .getByRole('status')
    .filter({ hasText: /^Server time: \d{4}-/ })
    .waitFor();
});

test('counts clicks and keeps the best count after a reset', async () => {
  const count = page.getByLabel('Count', { exact: true });
  await page.getByRole('button', { name: 'Add one' }).click();
  await page.getByRole('button', { name: 'Add one' }).click();
  assert.equal(await count.textContent(), '2');
  await page.getByRole('button', { name: 'Reset' }).click();
  assert.equal(await count.textContent(), '0');
  await page.getByText('(best 2)').waitFor();
  await page.screenshot({ path: join(SHOTS, 'counter.png'), fullPage: true });
});

test('raised no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
