/**
 * What the language models cost, as a person sees it in Debian Chromium (issue 14): the real server
 * (`startServer`) configured from the environment alone with an OpenAI-compatible model — the local
 * stand-in speaking the OpenAI wire format, with usage and cached tokens in every answer — and a real build
 * of "build a todo app with user auth". The task page's cost summary moves while the build runs (a model call
 * is held open to look), its Cost tab shows per agent the configured model, calls, cache hits, tokens in
 * (cached apart) and out and the cost in USD with the totals, and the cost dashboard lists the task. Every
 * number is checked against what the stand-in reported, not just against the API. Screenshots go to
 * test-results/browser/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, type Locator, type Page } from 'playwright-core';
import type { TaskCost } from '../../src/contracts/llm.ts';
import { loadConfig } from '../../src/config/index.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createRuntime } from '../../src/runtime.ts';
import { listPreviews, stopPreview } from '../../src/preview/preview-control.ts';
import { startServer, type RunningServer } from '../../src/server/serve.ts';
import { startStandin, type ReceivedRequest, type Reply, type Standin, type Step } from '../support/llm-standins/standin-server.ts';
import { modelDesignAnswer, modelPlanAnswer } from '../support/model-answers.ts';
import { builtWebUi } from '../support/web-build.ts';
import { CHROMIUM, launchChromium } from '../support/chromium.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = join(ROOT, 'test-results', 'browser');
// A model with a row in the built-in price table, so the cost is not 0: $0.15 / $0.075 cached / $0.60 per 1M tokens.
const MODEL = 'gpt-4o-mini';
const USAGE = { input: 1200, cached: 400, output: 300 };
const PRICE = { input: 0.15, cached_input: 0.075, output: 0.6 };
/** The agents that call a model in this build: the coder's is switched off, its sessions are tested apart. */
const MODEL_USERS = ['planner', 'architect', 'reviewer'];

let dir: string;
let webDir: string;
let standin: Standin;
let server: RunningServer | null = null;
let browser: Browser | null = null;
/** Lets the held model call answer (also when the test failed before it did). */
let release = () => {};

/** The environment a user would set: no config file, the provider, the model and the server's base URL. */
function env(): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CATALYST_LLM_PROVIDER: 'openai-compatible',
    CATALYST_LLM_MODEL: MODEL,
    CATALYST_LLM_BASE_URL: standin.baseUrl,
  };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'catalyst-browser-cost-'));
  webDir = builtWebUi();
  standin = await startStandin('openai');
});

after(async () => {
  release();
  await browser?.close();
  await server?.close();
  const config = loadConfig({ env: env(), cwd: dir, overrides: { 'logging.level': 'silent' } });
  const rt = await createRuntime(config, { mode: 'sequential', detachedPreviews: true });
  const deps = { state: rt.ports.state, previews: rt.ports.previews, clock: systemClock };
  for (const p of await listPreviews(deps, { all: true })) await stopPreview(deps, p.task_id).catch(() => {});
  await rt.close();
  await standin.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Which agent sent a request: each introduces itself in its system message ("You are the planner of Catalyst"). */
function agentOf(req: ReceivedRequest): string {
  const messages = (req.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  // Catalyst's own schema instruction may come first: look through every system message.
  const system = messages.filter((m) => m.role === 'system').map((m) => JSON.stringify(m.content));
  return /You are the (?:code )?(planner|architect|coder|reviewer)\b/.exec(system.join('\n'))?.[1] ?? 'unknown';
}

/** How many requests the stand-in has had from one agent. */
function requestsOf(agent: string): number {
  return standin.requests.filter((r) => agentOf(r) === agent).length;
}

/** One cell of a row, by its column (data-col), as the page shows it. */
async function cell(row: Locator, col: string): Promise<string> {
  return (await row.locator(`td[data-col="${col}"]`).innerText()).trim();
}

const num = (shown: string) => Number(shown.replace(/[^0-9.]/g, ''));

async function expectRow(row: Locator, calls: number): Promise<void> {
  assert.equal(num(await cell(row, 'calls')), calls, 'calls');
  assert.equal(num(await cell(row, 'tokens_in')), calls * USAGE.input, 'tokens in');
  assert.equal(num(await cell(row, 'tokens_cached')), calls * USAGE.cached, 'cached tokens in');
  assert.equal(num(await cell(row, 'tokens_out')), calls * USAGE.output, 'tokens out');
  const usd =
    (calls * ((USAGE.input - USAGE.cached) * PRICE.input + USAGE.cached * PRICE.cached_input + USAGE.output * PRICE.output)) / 1e6;
  assert.ok(Math.abs(num(await cell(row, 'cost_usd')) - usd) < 1e-6, `cost ${await cell(row, 'cost_usd')} ≈ $${usd}`);
}

async function launch(): Promise<Page> {
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  return page;
}

test('a build with a model shows its cost per agent on the task page, live, and on the cost dashboard', async () => {
  assert.ok(existsSync(CHROMIUM), 'Debian chromium is needed at /usr/bin/chromium: `apt-get install -y chromium` (.ci/run does this)');
  // The architect's first call waits until the page has been looked at mid-build.
  const held = new Promise<void>((r) => (release = r));
  let architectAsked!: () => void;
  const designing = new Promise<void>((r) => (architectAsked = r));
  standin.respond((req): Step => {
    const reply = { ...answerFor(req), usage: USAGE };
    if (agentOf(req) !== 'architect' || requestsOf('architect') > 1) return { reply };
    architectAsked();
    return { reply, hold: held };
  });
  const config = loadConfig({
    env: env(),
    cwd: dir,
    overrides: {
      'logging.level': 'warn',
      'server.port': 0,
      'agents.tester.run_e2e_tests': false,
      'agents.tester.run_smoke_check': false,
      'agents.coder.llm.provider': 'none',
    },
  });
  server = await startServer(config, { webDir });
  const page = await launch();

  await page.goto(server.url);
  const input = page.getByLabel('Describe the app to build');
  await input.fill('build a todo app with user auth');
  await input.press('Enter');
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  const taskId = page.url().split('/').pop()!;

  // Mid-build: the architect's model call is in flight, and what the planner spent is already shown.
  await page.getByRole('navigation', { name: 'Task views' }).getByRole('link', { name: 'Cost' }).click();
  await page.waitForURL(/\/cost$/);
  const table = page.getByRole('table', { name: 'Cost per agent' });
  const ended = page
    .locator('p.outcome')
    .waitFor({ timeout: 240_000 })
    .then(
      () => 'the build ended',
      () => 'the build ended',
    );
  assert.equal(await Promise.race([designing.then(() => 'asked'), ended]), 'asked', 'the architect asks its model mid-build');
  const answered = standin.requests.length - 1;
  await page.waitForFunction(
    (n) => Number(document.querySelector('tfoot td[data-col="calls"]')?.textContent?.split(' ')[0] ?? -1) === n,
    answered,
  );
  assert.equal(await page.locator('li[data-agent="architect"]').getAttribute('data-status'), 'running', 'looked at mid-build');
  assert.match(
    await page.getByLabel('Cost summary').innerText(),
    new RegExp(
      `^Model cost: ${answered} model calls? · ${(answered * (USAGE.input + USAGE.output)).toLocaleString('en-US')} tokens · \\$0\\.\\d+`,
    ),
  );
  await expectRow(table.locator('tr[data-agent="planner"]'), requestsOf('planner'));
  await page.screenshot({ path: join(SHOTS, 'cost-01-live.png') });
  release();

  await page.getByRole('status').filter({ hasText: 'Done: the app is built' }).waitFor({ timeout: 240_000 });
  const api = (await (await fetch(`${server.url}/api/tasks/${taskId}/cost`)).json()) as TaskCost;
  const callsOf = (agent: string) => api.per_agent[agent as keyof TaskCost['per_agent']]?.calls ?? 0;
  await page.waitForFunction((n) => Number(document.querySelector('tfoot td[data-col="calls"]')?.textContent ?? -1) === n, api.total.calls);
  assert.equal(api.total.calls, standin.requests.length, 'every request the model answered is one call in the API');
  for (const agent of MODEL_USERS) {
    const row = table.locator(`tr[data-agent="${agent}"]`);
    assert.ok(callsOf(agent) >= 1, `${agent} called the model`);
    assert.equal(callsOf(agent), requestsOf(agent), `${agent}: one call per request it sent`);
    assert.equal(await cell(row, 'model'), `openai-compatible / ${MODEL}`, `${agent}'s model is shown`);
    await expectRow(row, callsOf(agent));
  }
  await expectRow(table.locator('tr[data-agent="total"]'), standin.requests.length);
  await page.screenshot({ path: join(SHOTS, 'cost-02-task.png') });

  // The dashboard: this task, newest first, and the spend per agent and per model.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cost' }).click();
  await page.waitForURL(/\/cost$/);
  const tasks = page.getByRole('table', { name: 'Cost per task' });
  const line = tasks.locator(`tr[data-task="${taskId}"]`);
  assert.match(await line.locator('th').innerText(), /build a todo app with user auth/);
  await expectRow(line, standin.requests.length);
  await expectRow(
    page.getByRole('table', { name: 'Cost per model' }).locator(`tr[data-model="openai-compatible / ${MODEL}"]`),
    standin.requests.length,
  );
  await expectRow(page.getByRole('table', { name: 'Cost per agent' }).locator('tr[data-agent="planner"]'), callsOf('planner'));
  await page.screenshot({ path: join(SHOTS, 'cost-03-dashboard.png'), fullPage: true });
  await line.getByRole('link').click();
  await page.waitForURL(new RegExp(`/tasks/${taskId}/cost$`));
  await page.getByRole('table', { name: 'Cost per agent' }).waitFor();
});

/** A schema-valid answer for each document an agent asks for, as a model could write it for this request. */
function answerFor(req: ReceivedRequest): Reply {
  const agent = agentOf(req);
  if (agent === 'planner') return { object: modelPlanAnswer({ scope: { kind: 'records_app', behaviours: [] } }) };
  if (agent === 'architect') return { object: modelDesignAnswer({ behaviours: [] }) };
  if (agent === 'reviewer')
    return {
      object: {
        summary: 'A todo list behind a login: accounts, and todos each user adds, edits and deletes.',
        does_what_was_asked: true,
        items: [],
        unmet_acceptance_criteria: [],
      },
    };
  return { text: `no scripted answer for the ${agent}` };
}
