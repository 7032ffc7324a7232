/**
 * Honest offline scope on the task page (issue 14), in Debian Chromium against the real server over a temp
 * data folder, with no language model: "build a snake game" ends in planning with a "Needs a language model"
 * note that says what needs one and how to configure it; "build a URL shortener" shows a "Not built" notice
 * naming the redirect as soon as the plan exists. Screenshots go to test-results/browser/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config/index.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createRuntime } from '../../src/runtime.ts';
import { listPreviews, stopPreview } from '../../src/preview/preview-control.ts';
import { startServer, type RunningServer } from '../../src/server/serve.ts';
import { builtWebUi } from '../support/web-build.ts';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-results', 'browser');

let dir: string;
let server: RunningServer | null = null;
let browser: Browser | null = null;

function config(level: string, extra: Record<string, unknown> = {}) {
  return loadConfig({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: dir, overrides: { 'logging.level': level, ...extra } });
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), 'Debian chromium is needed at /usr/bin/chromium');
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'catalyst-scope-browser-'));
  const webDir = builtWebUi();
  server = await startServer(
    config('warn', { 'server.port': 0, 'agents.tester.run_e2e_tests': false, 'agents.tester.run_smoke_check': false }),
    { webDir },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  const rt = await createRuntime(config('silent'), { mode: 'sequential', detachedPreviews: true });
  for (const p of await listPreviews({ state: rt.ports.state, previews: rt.ports.previews, clock: systemClock }, { all: true }))
    await stopPreview({ state: rt.ports.state, previews: rt.ports.previews, clock: systemClock }, p.task_id).catch(() => {});
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ask(page: Page, prompt: string): Promise<void> {
  await page.goto(server!.url);
  const input = page.getByLabel('Describe the app to build');
  await input.fill(prompt);
  await input.press('Enter');
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
}

test('a game asked for without a model: the task page says a language model is needed, for what, and how to configure one', async () => {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(60_000);
  await ask(page, 'build a snake game');
  const note = page.getByRole('note', { name: 'Needs a language model' });
  await note.waitFor();
  const text = await note.innerText();
  assert.match(text, /a snake game is a game: its moves and rules are code a language model writes/);
  assert.match(text, /CATALYST_LLM_PROVIDER/);
  await page.getByRole('status').filter({ hasText: 'The task failed' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'scope-needs-model.png') });
  await page.close();
});

test('a URL shortener: the task page shows "Not built" with the redirect and why', async () => {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(120_000);
  await ask(page, 'build a URL shortener');
  const notice = page.getByRole('note', { name: 'Not built' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /redirect a short link to its long URL: needs a language model/);
  await page.screenshot({ path: join(SHOTS, 'scope-not-built.png') });
  // The rest of the build is the ordinary records app, covered by ui.test.ts: stop it here.
  await page.getByRole('button', { name: 'Cancel task' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /The task (cancelled|completed)/ })
    .waitFor();
  await page.close();
});
