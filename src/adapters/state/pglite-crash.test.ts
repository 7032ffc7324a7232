/**
 * The embedded store after kill -9 in the middle of writes: a child process commits steps and appends
 * events as fast as it can, reporting each acknowledged write; it is killed with SIGKILL mid-stream, at a
 * different moment each round. The folder opens cleanly every time, every acknowledged write is there,
 * and every step is whole (each step's event has its inbox mark: they land together).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStateStore } from './index.ts';

const STORE_MODULE = fileURLToPath(new URL('./index.ts', import.meta.url));
const EVENTS_MODULE = fileURLToPath(new URL('../../contracts/events.ts', import.meta.url));

// Seeds one task, then loops: a step commit (inbox mark + one event + task patch) and an audit append,
// printing the number of each acknowledged write.
const WRITER = `
const { openStateStore } = await import(process.env.STORE_MODULE);
const { createEvent } = await import(process.env.EVENTS_MODULE);
const { randomUUID } = await import('node:crypto');
const store = await openStateStore({ kind: 'pglite', dataDir: process.env.DATA_DIR, lockWaitMs: 60000, lockStaleMs: 1000 });
const taskId = process.env.TASK_ID;
let task = await store.getTask(taskId);
if (!task) {
  const project = { id: randomUUID(), name: 'Crash', slug: 'crash-' + taskId.slice(0, 8), description: null, repo_path: null };
  const ids = { id: taskId, trace_id: randomUUID() };
  const ctx = { ...ids, task_id: taskId, actor: 'orchestrator', repo: 'r', branch: 'main', causation_id: null, event_id: randomUUID(), timestamp: new Date().toISOString() };
  delete ctx.id;
  const first = createEvent({ event_type: 'task.initiated', payload: { project_id: project.id, project_name: 'Crash', project_slug: project.slug, requirements: 'x', mode: 'sequential', seed: 0, next_agent: 'planner' } }, ctx);
  task = await store.createTask({ project, task: { ...ids, project_id: project.id, user_prompt: 'x', mode: 'sequential' }, event: first, publish: false });
}
process.stdout.write('ready\\n');
for (let n = 0; ; n++) {
  const inbound = randomUUID();
  const ctx = { trace_id: task.trace_id, task_id: taskId, actor: 'coder', repo: 'r', branch: 'main', causation_id: inbound, event_id: randomUUID(), timestamp: new Date().toISOString() };
  const progress = createEvent({ event_type: 'task.progress', payload: { phase: 'coding', progress: 0.5, files_created: n, total_estimated_files: 9, message: 'step ' + n } }, ctx);
  await store.commitStep({ consumer: 'coder', inbound_event_id: inbound, task_id: taskId, events: [progress], task_patch: { metadata: { n } }, publish: false });
  await store.appendEvent(createEvent({ event_type: 'task.progress', payload: { phase: 'coding', progress: 0.5, files_created: n, total_estimated_files: 9, message: 'audit ' + n } }, { ...ctx, event_id: randomUUID(), causation_id: null }));
  process.stdout.write(n + '\\n');
}
`;

const root = await mkdtemp(join(tmpdir(), 'catalyst-pglite-crash-'));
after(() => rm(root, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged `writes` rounds, then SIGKILLs it; returns the last acknowledged round. */
async function writeThenKill(dataDir: string, taskId: string, writes: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER], {
    env: { ...process.env, STORE_MODULE, EVENTS_MODULE, DATA_DIR: dataDir, TASK_ID: taskId },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  let last = -1;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === 'ready') continue;
    last = Number(line);
    if (last >= writes) {
      child.kill('SIGKILL');
      break;
    }
  }
  assert.equal(await exited, 'SIGKILL', 'killed mid-stream, not ended');
  return last;
}

test(
  'kill -9 during writes, three times: the folder reopens, every acknowledged write is there, every step whole',
  { timeout: 300_000 },
  async () => {
    const dataDir = join(root, 'data');
    const taskId = '6a1b2c3d-0000-4000-8000-000000000001';
    let acknowledged = 0;
    for (const writes of [5, 40, 120]) {
      const last = writeThenKill(dataDir, taskId, writes);
      acknowledged += (await last) + 1;
      const store = await openStateStore({ kind: 'pglite', dataDir, lockWaitMs: 60_000, lockStaleMs: 1000 });
      try {
        const events = await store.listEvents(taskId);
        const steps = events.filter((e) => e.actor === 'coder' && (e.envelope.causation_id as string | null) !== null);
        const audits = events.filter((e) => e.actor === 'coder' && e.envelope.causation_id === null);
        assert.ok(steps.length >= acknowledged, `${steps.length} step events for ${acknowledged} acknowledged steps`);
        assert.ok(audits.length >= acknowledged - 1, `${audits.length} audit events for ${acknowledged} acknowledged rounds`);
        // Whole steps: each step's event has its inbox mark.
        for (const e of steps) {
          const seen = await store.beginAttempt('coder', e.envelope.causation_id as string, taskId);
          assert.equal(seen.status, 'processed', 'a step event without its inbox mark');
        }
        const task = await store.getTask(taskId);
        assert.ok(task, 'the task row is readable');
      } finally {
        await store.close();
      }
    }
  },
);
