/**
 * The smoke check on real ports: each app is built and started through the preview runtime (in
 * bubblewrap where this host has it), opened in the real Chromium, and judged. A generated records
 * app, the web-app skeleton and a model-made keyboard game pass with their screenshots stored; a page
 * that throws on load and a blank page fail, saying why.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openAgentHarness, runChain, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { CHROMIUM } from '../../../test/support/chromium.ts';
import { finalFiles } from '../../../test/support/coder-sessions/fixture-apps.ts';
import type { AgentEventOf } from '../../contracts/events.ts';
import type { AgentContext } from '../../core/agent.ts';
import { readSkeleton } from '../../generator/skeleton-files.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { coderAgent } from '../coder/coder-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { runSmokeCheck, SMOKE_DIR } from './smoke-check.ts';
import { testerAgent } from './tester-agent.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The smallest app the preview runtime can start (GET /health, `/`, SOCKET_PATH), serving `html` at `/`. */
function writePageApp(dir: string, html: string): void {
  mkdirSync(join(dir, 'backend/src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'page-app', private: true, type: 'module' }));
  writeFileSync(
    join(dir, 'backend/src/server.ts'),
    `import { createServer } from 'node:http';
const page = ${JSON.stringify(html)};
const server = createServer((req, res) => {
  if (req.url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  res.writeHead(404).end();
});
if (process.env.SOCKET_PATH) server.listen(process.env.SOCKET_PATH);
else server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
`,
  );
}

describe('the smoke check', () => {
  let h: AgentHarness;
  let opened: AgentEventOf<'code.pr.opened'>;
  let ctx: AgentContext;

  before(async () => {
    h = await openAgentHarness('smoke-check');
    const [, , code] = await runChain(h, [plannerAgent, architectAgent, coderAgent]);
    opened = code!.events[0] as AgentEventOf<'code.pr.opened'>;
    ctx = await h.context(testerAgent, opened);
  });
  after(async () => {
    await h?.close();
  });

  async function assertScreenshots(paths: string[]): Promise<void> {
    assert.deepEqual(paths, [`${SMOKE_DIR}/before.png`, `${SMOKE_DIR}/after.png`]);
    for (const path of paths) {
      const png = await h.runtime.ports.artifacts.readBytes(h.task.id, path);
      assert.ok(png && png.length > 1000, `${path} is a real image (${png?.length ?? 0} bytes)`);
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, `${path} is a PNG`);
    }
  }

  test('a generated records app passes: it renders, loads cleanly, and its first button responds', async () => {
    const smoke = await runSmokeCheck(ctx, opened.payload.worktree_path);
    assert.equal(smoke.status, 'passed', JSON.stringify(smoke.checks, null, 2));
    assert.equal(smoke.reason, null);
    assert.equal(smoke.browser, `chromium ${CHROMIUM}`);
    assert.deepEqual(
      smoke.checks.map((c) => c.name),
      ['start', 'document', 'rendered', 'page_errors', 'console_errors', 'failed_requests', 'interaction'],
    );
    assert.match(smoke.interaction?.element ?? '', /^button /);
    await assertScreenshots(smoke.screenshots);
    assert.match((await h.runtime.ports.artifacts.read(h.task.id, `${SMOKE_DIR}/app.log`)) ?? '', /preview of task .*-smoke starting/);
  });

  test('the web-app skeleton passes, and clicking its first button changes the page', async () => {
    const dir = join(h.dir, 'web-app');
    for (const file of readSkeleton('web-app')) {
      mkdirSync(dirname(join(dir, file.path)), { recursive: true });
      writeFileSync(join(dir, file.path), file.content);
    }
    await h.runtime.ports.workspace.linkDependencies(dir);
    const smoke = await runSmokeCheck(ctx, dir);
    assert.equal(smoke.status, 'passed', JSON.stringify(smoke.checks, null, 2));
    assert.deepEqual(smoke.interaction, { element: 'button "Add one"', actions: ['click'], changed: true, error: null });
    await assertScreenshots(smoke.screenshots);
  });

  test('a keyboard-driven game a model made (the snake fixture) passes: with nothing to click, arrow keys move it', async () => {
    const dir = join(h.dir, 'snake');
    for (const [path, content] of finalFiles('snake')) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    await h.runtime.ports.workspace.linkDependencies(dir);
    const smoke = await runSmokeCheck(ctx, dir);
    assert.equal(smoke.status, 'passed', JSON.stringify(smoke.checks, null, 2));
    assert.deepEqual(smoke.interaction, { element: 'the page', actions: ['keys'], changed: true, error: null });
  });

  test('a page that throws on load fails with the error message', async () => {
    const dir = join(h.dir, 'broken-page');
    writePageApp(dir, '<!doctype html><title>Broken</title><p>Hello</p><script>throw new Error("store is not initialised")</script>');
    const smoke = await runSmokeCheck(ctx, dir);
    assert.equal(smoke.status, 'failed');
    assert.equal(smoke.reason, 'page_errors: uncaught: store is not initialised');
    assert.equal(smoke.checks.find((c) => c.name === 'rendered')?.status, 'passed', 'it did render something');
  });

  test('a blank page fails: nothing rendered', async () => {
    const dir = join(h.dir, 'blank-page');
    writePageApp(dir, '<!doctype html><title>Blank</title><div id="root"></div>');
    const smoke = await runSmokeCheck(ctx, dir);
    assert.equal(smoke.status, 'failed');
    assert.match(smoke.reason ?? '', /^rendered: nothing rendered: no visible text, canvas or image/);
    assert.equal(smoke.interaction?.element, 'the page', 'with nothing to click, keys go to the page');
    await assertScreenshots(smoke.screenshots);
  });

  test('skipped, saying why, without Chromium or when turned off', async () => {
    const noBrowser = await runSmokeCheck(
      { ...ctx, settings: { ...ctx.settings, tester: { ...ctx.settings.tester, chromiumPath: null } } },
      h.dir,
    );
    assert.deepEqual([noBrowser.status, noBrowser.reason], ['skipped', 'skipped: chromium not found (agents.tester.chromium_path)']);
    const off = await runSmokeCheck(
      { ...ctx, settings: { ...ctx.settings, tester: { ...ctx.settings.tester, runSmokeCheck: false } } },
      h.dir,
    );
    assert.deepEqual([off.status, off.reason], ['skipped', 'skipped: disabled in config (agents.tester.run_smoke_check is false)']);
  });
});
