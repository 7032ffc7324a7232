/**
 * Durable by default, as a user of `catalyst serve` on the embedded store sees it: the server is killed
 * with SIGKILL at phase boundaries and in the middle of phases of one build (a new server each time, on
 * the same folder), and the build still completes — with the same commits as an uninterrupted build of
 * the same request, each agent's event once, in order, under one trace id — and the preview that was
 * started before the last kill is the one the task reports.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TaskRecord } from '../../src/contracts/records.ts';
import { loadConfig } from '../../src/config/index.ts';
import { stopPreview } from '../../src/preview/preview-control.ts';
import { createRuntime } from '../../src/runtime.ts';
import {
  FAST_RECOVERY_YAML,
  NO_BROWSER_YAML,
  api,
  cleanupDir,
  followTask,
  startServerProcess,
  stopServer,
  type ServerProcess,
} from '../support/durable-harness.ts';
import { git, runCatalyst } from './helpers.ts';

const PROMPT = 'build a todo app with user auth';
const NAME = 'durable';
/** Boundaries (`start`: the previous step committed, this one not begun) and mid-phase points. */
const KILLS = ['architect:start', 'coder:during', 'tester:start', 'reviewer:before-commit', 'deployer:before-commit'];

const dir = mkdtempSync(join(tmpdir(), 'catalyst-durable-kill-'));
const refDir = mkdtempSync(join(tmpdir(), 'catalyst-durable-ref-'));
const servers: ServerProcess[] = [];
let taskId = '';
/** The uninterrupted build, run beside the killed one; awaited in after() so a failed test leaves nothing running. */
let reference: Promise<{ commits: string[]; events: string[] }> | null = null;
after(async () => {
  await reference?.catch(() => undefined);
  for (const s of servers) await stopServer(s).catch(() => undefined);
  const env = { CATALYST_CONFIG: join(dir, 'catalyst.yaml') };
  if (taskId) await runCatalyst(dir, ['preview', 'stop', taskId], 60_000, env).catch(() => undefined);
  cleanupDir(dir);
  cleanupDir(refDir);
});

function history(repo: string): string[] {
  // Subject and tree of every commit on main: what was written, and in which steps (the merge commit's
  // subject names the task's branch, the one thing that differs between two builds).
  return git(repo, 'log', '--format=%s %T', 'main')
    .trim()
    .split('\n')
    .map((line) => line.replace(/task-[0-9a-f]{8}/g, 'task-<id>'));
}

async function referenceBuild(): Promise<{ commits: string[]; events: string[] }> {
  // The same tester settings as the killed build's, so the two are the same build.
  writeFileSync(join(refDir, 'catalyst.yaml'), NO_BROWSER_YAML);
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: refDir,
    file: join(refDir, 'catalyst.yaml'),
    overrides: { 'logging.level': 'warn' },
  });
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false });
  try {
    const task = await runtime.submitBuild({ prompt: PROMPT, project_name: NAME });
    const done = await runtime.engine.waitFor(task.id);
    assert.equal(done.status, 'completed', `the reference build failed: ${done.error}`);
    const { state, previews } = runtime.ports;
    await stopPreview({ state, previews, clock: runtime.clock, events: runtime.ports.previewEvents ?? null }, task.id);
    const events = (await runtime.ports.state.listEvents(task.id)).map((e) => e.event_type);
    return { commits: history(runtime.ports.git.repoPath(NAME)), events: events.filter((t) => !t.startsWith('preview.')) };
  } finally {
    await runtime.close();
  }
}

test(
  `kill -9 of the server at ${KILLS.length} points of one build: it resumes and completes as if never killed`,
  { timeout: 1_500_000 },
  async () => {
    writeFileSync(join(dir, 'catalyst.yaml'), FAST_RECOVERY_YAML + NO_BROWSER_YAML);
    reference = referenceBuild();

    for (const [i, point] of KILLS.entries()) {
      const server = startServerProcess(dir, { crashAt: point });
      servers.push(server);
      const url = await server.url;
      if (i === 0) {
        const created = await api<{ task_id: string }>(url, 'POST', '/api/tasks', { prompt: PROMPT, project_name: NAME });
        taskId = created.task_id;
      }
      assert.equal(await server.exited, 'SIGKILL', `the server died at ${point}, not of something else:\n${server.stderr()}`);
    }

    const survivor = startServerProcess(dir);
    servers.push(survivor);
    const url = await survivor.url;
    const seen = new Set<string>();
    const finished = await followTask(url, taskId, { timeoutMs: 600_000, onPoll: (t) => seen.add(t.status) });
    assert.equal(finished.status, 'completed', `failed in ${finished.current_phase}: ${finished.error}\n${survivor.stderr()}`);
    assert.equal(finished.error, null);
    assert.ok(!seen.has('failed'), 'never failed on the way');
    const resume = finished.metadata.resume as { count: number };
    assert.equal(resume.count, KILLS.length, 'each restart resumed the task once');
    assert.ok(finished.preview_url, 'the deployer reported its preview');
    // The preview the killed deployer had started before its step committed is the one reused, and it is up.
    const preview = await api<{ status: string; url: string }>(url, 'GET', `/api/preview/${taskId}`);
    assert.equal(preview.url, finished.preview_url);
    assert.equal((await fetch(`${finished.preview_url}/health`)).status, 200);
    await stopServer(survivor);

    const ref = await reference;
    const config = loadConfig({
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      cwd: dir,
      file: join(dir, 'catalyst.yaml'),
      overrides: { 'logging.level': 'warn' },
    });
    // The store opens cleanly after all those kills.
    const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: true });
    try {
      const stored = await runtime.ports.state.listEvents(taskId);
      const task = (await runtime.ports.state.getTask(taskId)) as TaskRecord;
      assert.deepEqual(new Set(stored.map((e) => e.trace_id)), new Set([task.trace_id]), 'one trace id');
      const pipeline = stored.map((e) => e.event_type).filter((t) => !t.startsWith('preview.'));
      assert.deepEqual(pipeline, ref.events, 'the same events, in the same order, as the uninterrupted build');
      const repo = runtime.ports.git.repoPath(NAME);
      assert.deepEqual(history(repo), ref.commits, 'the same commits (subjects and trees) as the uninterrupted build, none twice');
      const trailers = git(repo, 'log', '--all', '--format=%(trailers:key=Catalyst-Event,valueonly)')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      assert.equal(new Set(trailers).size, trailers.length, `no step committed twice: ${trailers.join(', ')}`);
    } finally {
      await runtime.close();
    }
  },
);
