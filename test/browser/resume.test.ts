/**
 * "Resuming after restart" on the task page (issue 16), in Debian Chromium against the real server: a task
 * recorded by a process that went away is taken over by the server's start-up sweep; while its step runs
 * the header says it is resuming and which attempt this is, and once it completes that it was resumed.
 * Small agents stand in for the pipeline, so the step can be held open while the page is looked at.
 * Screenshots go to test-results/browser/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config/index.ts';
import type { TaskRecord } from '../../src/contracts/records.ts';
import type { AgentDefinition } from '../../src/core/agent.ts';
import { createRuntime } from '../../src/runtime.ts';
import { startServer, type RunningServer } from '../../src/server/serve.ts';
import { launchChromium } from '../support/chromium.ts';
import { builtWebUi } from '../support/web-build.ts';
import { planCreatedDraft } from '../support/stub-events.ts';

const SHOTS = join(resolve(import.meta.dirname, '../..'), 'test-results', 'browser');

let release: () => void = () => undefined;
const held = new Promise<void>((r) => (release = r));

const planner: AgentDefinition = {
  id: 'planner',
  description: 'test planner',
  consumes: [{ routingKey: 'catalyst.task.initiated' }],
  emits: ['plan.created'],
  async handle() {
    return {
      events: [planCreatedDraft()],
    };
  },
};

/** Runs until the test releases it, so the resumed task is seen while it runs. */
const deployer: AgentDefinition = {
  id: 'deployer',
  description: 'test deployer',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['deploy.complete'],
  async handle() {
    await held;
    return {
      events: [
        {
          event_type: 'deploy.complete',
          payload: {
            status: 'completed',
            preview_url: null,
            fallback_url: null,
            artifacts: { code: 'git://x', tests: 'file://x', review: 'file://x', deployment: 'file://x' },
            main_commit: null,
          },
        },
      ],
    };
  },
};

let dir: string;
let server: RunningServer | null = null;
let browser: Browser | null = null;
let taskId = '';

function config(extra: Record<string, unknown> = {}) {
  return loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'silent', 'orchestration.recovery.lease_seconds': 1, ...extra },
  });
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'catalyst-resume-browser-'));
  const webDir = builtWebUi();
  // A process that records the task and stops before any agent ran it: its stop hands the task back.
  const gone = await createRuntime(config(), { mode: 'sequential', detachedPreviews: false, agents: [], resumeOwnerless: false });
  try {
    taskId = (await gone.submitBuild({ prompt: 'build a todo app' })).id;
  } finally {
    await gone.close();
  }
  server = await startServer(config({ 'server.port': 0 }), { webDir, agents: [planner, deployer] });
  browser = await launchChromium();
});

after(async () => {
  release();
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a task taken over after a restart says "resuming after restart" and its attempt while it runs, then that it was resumed', async () => {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${server!.url}/tasks/${taskId}`);
  const resuming = page.getByRole('status', { name: 'Resuming after restart' });
  await resuming.waitFor();
  assert.match(await resuming.innerText(), /^Resuming after restart · attempt 2 — its previous process was stopped; taken over at /);
  await page.screenshot({ path: join(SHOTS, 'resume-running.png') });

  const row = (await (await fetch(`${server!.url}/api/tasks/${taskId}`)).json()) as TaskRecord;
  assert.equal(row.status, 'running');
  assert.deepEqual(row.metadata.resume, { count: 1, at: (row.metadata.resume as { at: string }).at, previous_owner: null });

  release();
  await page.getByRole('status').filter({ hasText: 'Done:' }).waitFor();
  const resumed = page.getByLabel('Resumed after restart');
  await resumed.waitFor();
  assert.equal(await resumed.innerText(), 'Resumed after restart once (2 attempts in all).');
  assert.equal(await resuming.count(), 0, 'no longer "resuming" once it is over');
  await page.screenshot({ path: join(SHOTS, 'resume-done.png') });
  await page.close();
});
