/**
 * One CLI whether a server runs or not: with `catalyst serve` running on the data folder, `build`,
 * `events` and `preview list` from another shell go through its API instead of waiting for the store.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BuildResult } from '../../src/contracts/messages.ts';
import { CATALYST_BIN, runCatalyst } from './helpers.ts';

const cwd = mkdtempSync(join(tmpdir(), 'catalyst-via-server-'));
let server: ChildProcess;
let taskId: string | null = null;

before(async () => {
  server = spawn(process.execPath, [CATALYST_BIN, 'serve', '--port', '0'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(cwd, '.catalyst', 'server.json'))) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('catalyst serve did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
});

after(async () => {
  if (taskId) await runCatalyst(cwd, ['preview', 'stop', taskId]).catch(() => undefined);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('close', r));
  assert.equal(existsSync(join(cwd, '.catalyst', 'server.json')), false, 'a stopped server removes its server.json');
  rmSync(cwd, { recursive: true, force: true });
});

test('build --json completes through the running server, and events and preview list answer at once', async () => {
  const build = await runCatalyst(cwd, ['build', 'build a todo app', '--json'], 300_000);
  assert.equal(build.code, 0, build.stderr);
  const result = BuildResult.parse(JSON.parse(build.stdout));
  taskId = result.task_id;
  assert.equal(result.status, 'completed');
  assert.equal(result.via, 'server');
  assert.match(build.stderr, /by the server at http:\/\/127\.0\.0\.1:\d+/);
  assert.match(build.stderr, /deployer done in/, "the server's live progress reached this terminal");

  // The server holds the embedded store for as long as it runs: answering at all means going through its API.
  const events = await runCatalyst(cwd, ['events', result.task_id.slice(0, 8), '--json']);
  assert.equal(events.code, 0, events.stderr);
  assert.equal((JSON.parse(events.stdout) as { events: unknown[] }).events.length > 5, true);
  const list = await runCatalyst(cwd, ['preview', 'list', '--json']);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    (JSON.parse(list.stdout) as { previews: Array<{ task_id: string }> }).previews.map((p) => p.task_id),
    [result.task_id],
  );
});
