/**
 * A graceful stop of `catalyst serve` (SIGTERM) while a build runs hands the task back instead of
 * failing it: the store shows it running with no owner, and the next `catalyst serve` on the folder
 * resumes and completes it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TaskRecord } from '../../src/contracts/records.ts';
import { loadConfig } from '../../src/config/index.ts';
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
import { runCatalyst } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalyst-durable-stop-'));
const servers: ServerProcess[] = [];
let taskId = '';
after(async () => {
  for (const s of servers) await stopServer(s).catch(() => undefined);
  if (taskId)
    await runCatalyst(dir, ['preview', 'stop', taskId], 60_000, { CATALYST_CONFIG: join(dir, 'catalyst.yaml') }).catch(() => undefined);
  cleanupDir(dir);
});

test('SIGTERM mid-build → restart: the task is resumed, not failed', { timeout: 900_000 }, async () => {
  writeFileSync(join(dir, 'catalyst.yaml'), FAST_RECOVERY_YAML + NO_BROWSER_YAML);
  const first = startServerProcess(dir);
  servers.push(first);
  const url = await first.url;
  taskId = (await api<{ task_id: string }>(url, 'POST', '/api/tasks', { prompt: 'build a notes app', project_name: 'notes' })).task_id;
  // Stop once the coder is at work: earlier phases are committed, this one is in flight.
  let row: TaskRecord;
  do {
    await new Promise((r) => setTimeout(r, 100));
    row = await api<TaskRecord>(url, 'GET', `/api/tasks/${taskId}`);
  } while (row.current_phase !== 'coding' && row.status === 'running');
  assert.equal(row.status, 'running');
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, `a clean exit:\n${first.stderr()}`);

  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    file: join(dir, 'catalyst.yaml'),
    overrides: { 'logging.level': 'warn' },
  });
  const look = await createRuntime(config, { mode: 'sequential', detachedPreviews: true });
  try {
    const stopped = await look.ports.state.getTask(taskId);
    assert.equal(stopped?.status, 'running', `not failed by the stop: ${stopped?.error}`);
    const ownerless = (await look.ports.state.listOwnerlessTasks()).map((o) => [o.task.id, o.last_owner]);
    assert.deepEqual(ownerless, [[taskId, null]], 'handed back: no owner');
  } finally {
    await look.close();
  }

  const second = startServerProcess(dir);
  servers.push(second);
  const done = await followTask(await second.url, taskId, { timeoutMs: 600_000 });
  assert.equal(done.status, 'completed', `${done.current_phase}: ${done.error}\n${second.stderr()}`);
  assert.equal((done.metadata.resume as { count: number }).count, 1);
});
