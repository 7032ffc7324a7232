/**
 * `catalyst serve` as a person runs it: a real child process on a free port over a temp data folder,
 * answering the API and the UI shell, then stopping cleanly (exit 0, store released) on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const BIN = resolve(import.meta.dirname, '../../bin/catalyst.js');

test('catalyst serve answers the API, then stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-serve-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let stderr = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /the API at (http:\/\/\S+) /.exec(stderr);
        if (m) resolveUrl(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited early (${code}): ${stderr}`)));
    });
    const health = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', mode: 'sequential', state: 'pglite' });
    const tasks = await fetch(`${url}/api/tasks`, { signal: AbortSignal.timeout(10_000) });
    assert.deepEqual(await tasks.json(), { tasks: [] });
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
    assert.match(stderr, /Stopping/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
