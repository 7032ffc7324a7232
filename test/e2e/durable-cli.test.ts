/**
 * `catalyst build` killed with SIGKILL mid-build leaves a resumable task: the same command run again
 * continues that task (same task id, each agent's event once) instead of starting over, and
 * `catalyst resume` refuses a task that is already over.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BuildResult } from '../../src/contracts/messages.ts';
import { NO_BROWSER_YAML, cleanupDir } from '../support/durable-harness.ts';
import { CATALYST_BIN, runCatalyst } from './helpers.ts';

const cwd = mkdtempSync(join(tmpdir(), 'catalyst-durable-cli-'));
// Where `catalyst` looks for its config file by default, so every command below reads it unasked.
mkdirSync(join(cwd, 'config'));
writeFileSync(join(cwd, 'config', 'catalyst.yaml'), NO_BROWSER_YAML);
let taskId = '';
after(async () => {
  if (taskId) await runCatalyst(cwd, ['preview', 'stop', taskId]).catch(() => undefined);
  cleanupDir(cwd);
});

const PROMPT = 'build a bookmarks app';

/** Starts `catalyst build` and SIGKILLs it once its progress says the architect is done. */
async function buildKilledAfterArchitect(): Promise<string> {
  const child = spawn(process.execPath, [CATALYST_BIN, 'build', PROMPT, '--progress', 'lines'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (/architect done/.test(stderr)) child.kill('SIGKILL');
  });
  const how = await exited;
  assert.equal(how, 'SIGKILL', `the build was killed mid-way, not finished:\n${stderr}`);
  const id = /\(task ([0-9a-f-]{36}),/.exec(stderr)?.[1];
  assert.ok(id, `the build named its task:\n${stderr}`);
  return id;
}

test('a killed `catalyst build` is continued by running the same command again', { timeout: 900_000 }, async () => {
  taskId = await buildKilledAfterArchitect();

  const again = await runCatalyst(cwd, ['build', PROMPT, '--json'], 600_000);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`Continuing task ${taskId.slice(0, 8)}, left unfinished in coding`));
  const result = BuildResult.parse(JSON.parse(again.stdout));
  assert.equal(result.task_id, taskId, 'the same task, not a new one');
  assert.equal(result.status, 'completed');

  const events = await runCatalyst(cwd, ['events', taskId, '--json']);
  assert.equal(events.code, 0, events.stderr);
  const types = (JSON.parse(events.stdout) as { events: Array<{ event_type: string }> }).events.map((e) => e.event_type);
  for (const t of ['task.initiated', 'plan.created', 'architecture.proposed', 'code.pr.opened', 'deploy.complete']) {
    assert.equal(types.filter((x) => x === t).length, 1, `one ${t} in ${types.join(', ')}`);
  }

  const over = await runCatalyst(cwd, ['resume', taskId.slice(0, 8), '--json']);
  assert.equal(over.code, 1);
  assert.equal((JSON.parse(over.stdout) as { error: { code: string } }).error.code, 'task_finished');
});
