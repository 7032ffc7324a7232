/**
 * The web UI end to end in Debian Chromium (playwright-core, no downloaded browsers): the real server
 * (`startServer`, as `catalyst serve` runs it) on a free port over a temp data folder, a real build of
 * "build a todo app with user auth", and what a person sees — input disabled while agents work, each
 * agent completing, files streaming in, the preview in an iframe, a file (highlighted), the plan, the
 * architecture diagrams (drawn, and a broken one explained), the test results and the cost without a model —
 * plus a reload mid-build that restores the state. Screenshots go to test-results/browser/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const AGENTS = ['planner', 'architect', 'coder', 'tester', 'reviewer', 'deployer'];

let dir: string;
let webDir: string;
let server: RunningServer | null = null;
let browser: Browser | null = null;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'catalyst-browser-'));
  // The UI from the current source, built into this test's own folder.
  webDir = builtWebUi();
});

after(async () => {
  await browser?.close();
  await server?.close();
  // Previews are detached from the server (they outlive it by design): stop the ones this test started.
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'silent' },
  });
  const rt = await createRuntime(config, { mode: 'sequential', detachedPreviews: true });
  for (const p of await listPreviews({ state: rt.ports.state, previews: rt.ports.previews, clock: systemClock }, { all: true })) {
    await stopPreview({ state: rt.ports.state, previews: rt.ports.previews, clock: systemClock }, p.task_id).catch(() => {});
  }
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The data folders of the server under test (the same config it was started with). */
function dataDirs(): { artifacts: string } {
  return loadConfig({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: dir, overrides: { 'logging.level': 'silent' } }).paths;
}

async function agentStatus(page: Page, agent: string): Promise<string | null> {
  return page.locator(`ol[aria-label="Agent timeline"] li[data-agent="${agent}"]`).getAttribute('data-status');
}

test('a person builds a todo app in the browser and inspects every result', async () => {
  assert.ok(existsSync(CHROMIUM), 'Debian chromium is needed at /usr/bin/chromium: `apt-get install -y chromium` (.ci/run does this)');
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'warn', 'server.port': 0, 'agents.tester.run_e2e_tests': false },
  });
  server = await startServer(config, { webDir });
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  const progressFrames: Array<{ files_created: number; total_estimated_files: number }> = [];
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      const m = JSON.parse(String(f.payload)) as { type: string; files_created?: number; total_estimated_files?: number };
      if (m.type === 'progress' && m.total_estimated_files)
        progressFrames.push({ files_created: m.files_created!, total_estimated_files: m.total_estimated_files });
    }),
  );

  await page.goto(server.url);
  await page.getByRole('heading', { name: 'What should the agents build?' }).waitFor();
  await page.screenshot({ path: join(SHOTS, '01-home.png') });
  const input = page.getByLabel('Describe the app to build');
  await input.fill('build a todo app with user auth');
  await input.press('Enter');

  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  const taskUrl = page.url();
  await page.getByRole('status').filter({ hasText: 'Agents working' }).waitFor();
  assert.equal(await page.getByLabel('Describe the app to build').isDisabled(), true, 'the chat input is disabled while agents work');
  await page.screenshot({ path: join(SHOTS, '02-agents-working.png') });

  // Reload mid-build: once the planner is done and the build is still going, the state must come back.
  await page.locator('li[data-agent="planner"][data-status="done"]').waitFor({ timeout: 60_000 });
  const deployerBefore = await agentStatus(page, 'deployer');
  assert.notEqual(deployerBefore, 'done', 'the reload happens mid-build');
  await page.reload();
  await page.locator('li[data-agent="planner"][data-status="done"]').waitFor();
  assert.ok((await page.locator('ol[aria-label="Agent logs"] li').count()) > 0, 'logs so far are replayed after the reload');
  assert.equal(await page.getByLabel('Describe the app to build').isDisabled(), true, 'still disabled after the reload');
  await page.screenshot({ path: join(SHOTS, '03-after-reload.png') });

  // Files stream in while the coder works.
  await page.getByRole('link', { name: 'Files', exact: true }).click();
  await page.waitForURL(/\/files$/);
  await page.locator('li[data-agent="coder"][data-status="done"]').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => Number(document.querySelector('.file-count')?.textContent?.split(' ')[0] ?? 0) > 20);
  await page.screenshot({ path: join(SHOTS, '04-files.png') });

  for (const agent of AGENTS) await page.locator(`li[data-agent="${agent}"][data-status="done"]`).waitFor({ timeout: 240_000 });
  await page.getByRole('status').filter({ hasText: 'Done: the app is built' }).waitFor();
  assert.equal(await page.getByLabel('Describe the app to build').isDisabled(), false, 'the input is enabled again once the task is over');
  const counts = progressFrames.map((p) => p.files_created);
  assert.ok(
    new Set(counts).size >= 2 && Math.max(...counts) === progressFrames.at(-1)!.total_estimated_files,
    `files streamed in: ${counts.join(',')}`,
  );

  // Open a file: its text appears, then shiki's highlighting (coloured tokens) once the grammar has loaded.
  await page.getByRole('button', { name: 'README.md' }).first().click();
  const readme = page.getByLabel('Content of README.md');
  await readme.filter({ hasText: /todo/i }).waitFor();
  await readme.locator('pre.shiki span[style*=color]').first().waitFor();
  assert.equal(await readme.getAttribute('data-language'), 'markdown');
  assert.ok((await readme.locator('pre.shiki span[style*=color]').count()) > 10, 'the README is highlighted token by token');
  await page.screenshot({ path: join(SHOTS, '05-file-open.png') });
  await page.getByRole('button', { name: 'package.json' }).first().click();
  const pkg = page.getByLabel('Content of package.json');
  await pkg.locator('pre.shiki span[style*=color]').filter({ hasText: '"scripts"' }).first().waitFor();
  assert.equal(await pkg.getAttribute('data-language'), 'json');
  await page.screenshot({ path: join(SHOTS, '05b-file-json.png') });

  // The preview in an iframe, with a way out to a new tab.
  await page.getByRole('link', { name: 'Preview', exact: true }).click();
  const frame = page.frameLocator('iframe[title="Preview of the generated app"]');
  await frame.locator('#root *').first().waitFor({ timeout: 30_000 });
  const href = await page.getByRole('link', { name: 'Open in new tab' }).getAttribute('href');
  assert.match(href ?? '', /^http:\/\/(127\.0\.0\.1|localhost)[:.]/);
  await page.screenshot({ path: join(SHOTS, '06-preview.png') });

  await page.getByRole('link', { name: 'Plan', exact: true }).click();
  await page.getByRole('heading', { name: /^Features \(\d+\)$/ }).waitFor();
  await page.screenshot({ path: join(SHOTS, '07-plan.png') });

  // The architecture: the Mermaid diagrams of design.md drawn as SVG, their source one click away.
  const taskId = taskUrl.split('/').pop()!;
  const design = readFileSync(join(dataDirs().artifacts, taskId, 'architecture', 'design.md'), 'utf8');
  const nodeLabel = /\["([^"]+)"\]/.exec(design)?.[1];
  assert.ok(nodeLabel, 'the generated design has a flowchart node with a label');
  await page.getByRole('link', { name: 'Architecture', exact: true }).click();
  await page.getByRole('heading', { name: /^Data models \(\d+\)$/ }).waitFor();
  const diagram = page.locator('figure[aria-label="Diagram 1"]');
  await diagram.locator('.diagram-svg svg').waitFor();
  assert.ok((await diagram.locator('svg').textContent())?.includes(nodeLabel), `the drawn diagram shows the node "${nodeLabel}"`);
  await page.locator('figure[aria-label="Diagram 2"] .diagram-svg svg').waitFor();
  assert.equal(await page.locator('pre.mermaid-source').count(), 0, 'the source is hidden until asked for');
  await page.screenshot({ path: join(SHOTS, '08-architecture.png'), fullPage: true });
  await diagram.getByRole('button', { name: 'Show source' }).click();
  assert.match(await diagram.locator('pre.mermaid-source').innerText(), /^flowchart/);
  await diagram.getByRole('button', { name: 'Hide source' }).click();
  assert.equal(await diagram.locator('pre.mermaid-source').count(), 0);

  await page.getByRole('link', { name: 'Tests', exact: true }).click();
  await page.getByRole('table', { name: 'Test suites' }).waitFor();
  assert.match(await page.getByRole('heading', { name: /Test results/ }).innerText(), /passed/);
  // Catalyst's own smoke check of the app: its checks, and the app's screenshots served through the artifact API.
  const smoke = page.getByRole('region', { name: 'Smoke check' });
  assert.match(await smoke.getByRole('heading').innerText(), /Smoke check in Chromium\s+passed/);
  assert.equal(await smoke.getByRole('table', { name: 'Smoke checks' }).locator('tbody tr').count(), 7);
  const shot = smoke.getByRole('img', { name: 'Smoke check screenshot: after.png' });
  await shot.waitFor();
  assert.ok(await shot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the screenshot is drawn');
  await page.screenshot({ path: join(SHOTS, '09-tests.png'), fullPage: true });

  await page.getByRole('link', { name: 'Review', exact: true }).click();
  await page.getByRole('heading', { name: /Review:/ }).waitFor();
  await page.getByRole('link', { name: 'Commits', exact: true }).click();
  await page.getByRole('list', { name: 'Commits' }).locator('li').first().waitFor();
  await page.screenshot({ path: join(SHOTS, '10-commits.png') });

  // No model configured: the cost panel says so in words instead of an empty table, and nothing was spent.
  assert.equal(await page.getByLabel('Cost summary').innerText(), 'No language model configured: agents ran deterministically (0 tokens).');
  await page.getByRole('navigation', { name: 'Task views' }).getByRole('link', { name: 'Cost' }).click();
  await page.getByRole('status').filter({ hasText: 'No language model configured: agents ran deterministically (0 tokens)' }).waitFor();
  assert.equal(await page.getByRole('table', { name: 'Cost per agent' }).count(), 0, 'no table of zeros');
  await page.screenshot({ path: join(SHOTS, '10b-cost-no-model.png') });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cost' }).click();
  await page.getByRole('status').filter({ hasText: 'No task has called a language model yet, so nothing was spent.' }).waitFor();
  assert.equal(await page.getByRole('table', { name: 'Cost per task' }).count(), 0);
  await page.screenshot({ path: join(SHOTS, '10c-cost-dashboard-empty.png') });

  // A shared link to a finished task's view works on a fresh load (reload-safe routes).
  await page.goto(`${taskUrl}/tests`);
  await page.getByRole('table', { name: 'Test suites' }).waitFor();
  await page.getByRole('link', { name: 'Previews', exact: true }).click();
  await page.getByRole('table', { name: 'Previews' }).waitFor();
  await page.screenshot({ path: join(SHOTS, '11-previews.png') });

  // A diagram that does not parse: the person sees why, and its source, instead of a blank space.
  const designPath = join(dataDirs().artifacts, taskId, 'architecture', 'design.md');
  writeFileSync(designPath, design.replace('```mermaid\nflowchart LR\n', '```mermaid\nflowchart LR\n  broken -->|unclosed\n'));
  await page.goto(`${taskUrl}/architecture`);
  const broken = page.locator('figure[aria-label="Diagram 1"]');
  await broken.getByRole('alert').filter({ hasText: 'does not parse' }).waitFor();
  assert.match(await broken.locator('pre.mermaid-source').innerText(), /broken -->\|unclosed/);
  await page.locator('figure[aria-label="Diagram 2"] .diagram-svg svg').waitFor();
  await page.screenshot({ path: join(SHOTS, '12-architecture-diagram-error.png'), fullPage: true });

  // The preview stopped from elsewhere (as `catalyst preview stop` in another shell would): the open task page
  // stops showing the app, says it was stopped and offers a restart, which brings the app back.
  await page.goto(`${taskUrl}/preview`);
  await frame.locator('#root *').first().waitFor({ timeout: 30_000 });
  const previewStatus = page.getByLabel('Preview status');
  await previewStatus.getByText('running').waitFor();
  const stop = await fetch(`${server.url}/api/preview/${taskId}`, { method: 'DELETE' });
  assert.equal(stop.status, 200, await stop.text());
  await page.getByText('The preview was stopped.').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('iframe[title="Preview of the generated app"]').count(), 0, 'no frame for a stopped preview');
  assert.match(await previewStatus.innerText(), /stopped/);
  assert.doesNotMatch(await previewStatus.innerText(), /running/);
  await page.screenshot({ path: join(SHOTS, '13-preview-stopped.png') });
  const restartRequest = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/preview/${taskId}/restart`));
  await page.getByRole('button', { name: 'Restart preview' }).click();
  await restartRequest;
  await frame.locator('#root *').first().waitFor({ timeout: 60_000 });
  await previewStatus.getByText('running').waitFor();
  const restartedUrl = await page.getByRole('link', { name: 'Open in new tab' }).getAttribute('href');
  assert.equal((await fetch(`${restartedUrl}/health`)).status, 200, 'the restarted app answers');
  await page.screenshot({ path: join(SHOTS, '14-preview-restarted.png') });
});
