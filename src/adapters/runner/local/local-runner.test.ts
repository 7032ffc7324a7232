import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../core/errors.ts';
import { createLocalRunner } from './local-runner.ts';
import { OutputTail } from './output-tail.ts';

const node = process.execPath;

describe('local command runner', () => {
  let cwd = '';
  before(() => (cwd = mkdtempSync(join(tmpdir(), 'catalyst-runner-'))));
  after(() => rmSync(cwd, { recursive: true, force: true }));
  const runner = createLocalRunner();
  const base = () => ({ cwd, timeoutMs: 20_000, memoryMb: 256 });

  test('reports a non-zero exit code with its output instead of rejecting', async () => {
    const r = await runner.run({ ...base(), command: 'sh', args: ['-c', 'echo out; echo oops >&2; exit 3'] });
    assert.equal(runner.sandbox, 'none');
    assert.equal(r.exitCode, 3);
    assert.equal(r.signal, null);
    assert.equal(r.timedOut, false);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'oops\n');
    assert.ok(r.durationMs >= 0);
  });

  test('runs in the given working directory', async () => {
    const r = await runner.run({ ...base(), command: 'sh', args: ['-c', 'pwd -P'] });
    assert.equal(r.exitCode, 0);
    assert.ok(r.stdout.trim().endsWith(cwd.split('/').pop() as string));
  });

  test('a timeout kills the whole process group, grandchildren included', async () => {
    const r = await runner.run({ ...base(), timeoutMs: 1_000, command: 'sh', args: ['-c', 'sleep 30 & echo $!; wait'] });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.equal(r.signal, 'SIGKILL');
    const sleepPid = Number.parseInt(r.stdout.trim(), 10);
    assert.ok(sleepPid > 0, `the grandchild reported its pid: ${JSON.stringify(r.stdout)}`);
    await waitUntil(() => !isRunning(sleepPid), 'the grandchild sleep is gone');
  });

  test('background processes left behind by a finished command are cleaned up', async () => {
    const r = await runner.run({ ...base(), command: 'sh', args: ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'] });
    assert.equal(r.exitCode, 0);
    await waitUntil(() => !isRunning(Number.parseInt(r.stdout.trim(), 10)), 'the leftover sleep is gone');
  });

  test('an abort signal stops the command', async () => {
    const controller = new AbortController();
    const pending = runner.run({ ...base(), command: 'sleep', args: ['30'], signal: controller.signal });
    controller.abort();
    const r = await pending;
    assert.equal(r.timedOut, false);
    assert.equal(r.signal, 'SIGKILL');
  });

  test('keeps only the tail of long output', async () => {
    const r = await runner.run({
      ...base(),
      maxOutputBytes: 100,
      command: node,
      args: ['-e', 'process.stdout.write("a".repeat(200000) + "END"); process.stderr.write("b".repeat(5000) + "ERR")'],
    });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout.length, 100);
    assert.ok(r.stdout.endsWith('aaaEND'));
    assert.equal(r.stderr, 'b'.repeat(97) + 'ERR');
  });

  test('passes base env and request env, and appends the heap cap to NODE_OPTIONS', async () => {
    const envRunner = createLocalRunner({
      baseEnv: { PATH: process.env.PATH ?? '', FROM_BASE: 'base', OVERRIDDEN: 'base', NODE_OPTIONS: '--no-deprecation' },
    });
    const r = await envRunner.run({
      ...base(),
      memoryMb: 96,
      env: { OVERRIDDEN: 'request', FROM_REQUEST: 'req' },
      command: node,
      args: [
        '-e',
        'const e = process.env; console.log(JSON.stringify({ b: e.FROM_BASE, o: e.OVERRIDDEN, r: e.FROM_REQUEST, n: e.NODE_OPTIONS, h: e.HOME ?? null }))',
      ],
    });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      b: 'base',
      o: 'request',
      r: 'req',
      n: '--no-deprecation --max-old-space-size=96',
      h: null,
    });
  });

  test('the default environment carries no secrets from the server', async () => {
    const r = await runner.run({ ...base(), command: node, args: ['-e', 'console.log(Object.keys(process.env).sort().join(","))'] });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split(','), ['NODE_OPTIONS', 'PATH']);
  });

  test('a Node program that outgrows its memory cap fails, and fits when given enough', async () => {
    const script = join(cwd, 'hog.js');
    // ~150 MB of live double arrays (1 MiB each): far past a 64 MB heap, well inside 512 MB.
    const source =
      'const keep = []; for (let i = 0; i < 150; i++) keep.push(new Array(1 << 17).fill(i + 0.5)); console.log("done", keep.length);';
    (await import('node:fs')).writeFileSync(script, source);
    const capped = await runner.run({ ...base(), memoryMb: 64, command: node, args: [script] });
    assert.notEqual(capped.exitCode, 0);
    assert.doesNotMatch(capped.stdout, /done/);
    assert.match(capped.stderr, /heap/i);
    const roomy = await runner.run({ ...base(), memoryMb: 512, command: node, args: [script] });
    assert.equal(roomy.exitCode, 0, roomy.stderr);
    assert.match(roomy.stdout, /done 150/);
  });

  test('a missing command reports exit 127 like a shell; a missing cwd is refused', async () => {
    const r = await runner.run({ ...base(), command: 'definitely-not-a-command-xyz', args: [] });
    assert.equal(r.exitCode, 127);
    assert.match(r.stderr, /ENOENT/);
    await assert.rejects(
      runner.run({ ...base(), cwd: join(cwd, 'nope'), command: 'true', args: [] }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
    );
  });
});

describe('OutputTail', () => {
  test('keeps the last bytes across chunks and never splits a character', () => {
    const tail = new OutputTail(5);
    tail.push(Buffer.from('hello '));
    tail.push(Buffer.from('wörld'));
    // "ö" is two bytes, so the last five bytes are exactly "örld"; with four, the cut lands inside it.
    assert.equal(tail.toString(), 'örld');
    const cut = new OutputTail(4);
    cut.push(Buffer.from('wörld'));
    assert.equal(cut.toString(), 'rld');
  });
});

function isRunning(pid: number): boolean {
  try {
    // A zombie still answers signal 0; it is dead for our purpose.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
