/**
 * A full disk fails the build with `disk_full` (not a retry loop, not a hang), and the store stays
 * readable: the task's checkouts live on a 64 KiB tmpfs, too small for the files the agents write.
 * Mounting needs root (as CI and the dev machines run); elsewhere the test says why it cannot run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { buildResultOf } from '../../src/orchestrator/build-result.ts';
import { createRuntime } from '../../src/runtime.ts';
import { cleanupDir } from '../support/durable-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalyst-disk-full-'));
const worktrees = join(dir, '.catalyst', 'worktrees');
mkdirSync(worktrees, { recursive: true });
let mounted = false;
let cannotMount = '';
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', worktrees], { stdio: 'pipe' });
  mounted = true;
} catch (e) {
  cannotMount = `mount -t tmpfs failed here (${String((e as { stderr?: Buffer }).stderr ?? e).trim()}): needs root`;
}
after(() => {
  if (mounted) execFileSync('umount', ['-l', worktrees]);
  cleanupDir(dir);
});

test(
  'a full disk fails the build with disk_full and leaves the store readable',
  { skip: mounted ? false : cannotMount, timeout: 600_000 },
  async () => {
    const config = loadConfig({
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      cwd: dir,
      overrides: { 'logging.level': 'silent' },
    });
    const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false });
    let taskId: string;
    try {
      const task = await runtime.submitBuild({ prompt: 'build a todo app with user auth', project_name: 'full' });
      taskId = task.id;
      const done = await runtime.engine.waitFor(task.id);
      assert.equal(done.status, 'failed');
      const result = await buildResultOf(runtime.ports, done);
      assert.equal(result.error?.code, 'disk_full', `failed with ${JSON.stringify(result.error)}`);
      assert.match(result.error?.message ?? '', /the disk is full/);
      assert.match(result.error?.hint ?? '', /free space/);
      assert.match(done.error ?? '', /after 1 attempt\(s\)/, 'not retried: a full disk stays full');
    } finally {
      await runtime.close();
    }
    // Reopened, the store answers: the failure is on record.
    const again = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, agents: [] });
    try {
      const types = (await again.ports.state.listEvents(taskId)).map((e) => e.event_type);
      assert.equal(types.at(-1), 'task.failed');
    } finally {
      await again.close();
    }
  },
);
