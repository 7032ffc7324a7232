import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../core/errors.ts';
import { probeBwrap } from '../../../preview/sandbox.ts';
import { createSandboxedRunner } from './sandboxed-runner.ts';

const NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
const bwrap = probeBwrap(process.env.PATH);

/** Host pids whose command line contains `marker` (the sandbox has its own pid numbers inside). */
function pidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

if (bwrap.path === null) {
  test(`sandboxed command runner (${bwrap.reason}: not run)`, () => {
    assert.throws(
      () => createSandboxedRunner({ readOnly: [NODE_MODULES] }),
      (e: unknown) => AppError.isInstance(e) && /sandboxed/.test(e.message),
    );
  });
} else {
  describe('sandboxed command runner (bubblewrap)', () => {
    let root = '';
    let cwd = '';
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'catalyst-sbx-runner-'));
      cwd = join(root, 'work');
      writeFileSync(join(root, 'outside.txt'), 'catalyst data\n');
      mkdirSync(cwd);
    });
    after(() => rmSync(root, { recursive: true, force: true }));
    const runner = () => createSandboxedRunner({ baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, readOnly: [NODE_MODULES] });
    const base = () => ({ cwd, timeoutMs: 20_000, memoryMb: 128 });

    test('runs in its working directory as uid 1000, writes only there, and reaches no local service', async () => {
      const r = runner();
      assert.equal(r.sandbox, 'bwrap');
      const script = `
        const net = require('node:net'); const fs = require('node:fs');
        const tryConnect = (t) => new Promise((ok) => { const s = typeof t === 'number' ? net.connect(t, '127.0.0.1') : net.connect(t);
          s.once('connect', () => { s.destroy(); ok('connected'); }); s.once('error', (e) => ok(e.code)); });
        const tryWrite = (p) => { try { fs.writeFileSync(p, 'x'); return 'written'; } catch (e) { return e.code; } };
        (async () => {
          const out = { uid: process.getuid(), cwd: process.cwd(), heap: process.env.NODE_OPTIONS };
          for (const p of [5432, 5672, 6379]) out['tcp' + p] = await tryConnect(p);
          out.pgSocket = await tryConnect('/var/run/postgresql/.s.PGSQL.5432');
          out.inside = tryWrite('result.txt');
          out.etc = tryWrite('/etc/catalyst-escape');
          out.seesOutside = fs.existsSync(${JSON.stringify(join(root, 'outside.txt'))});
          console.log(JSON.stringify(out));
        })();`;
      const res = await r.run({ ...base(), command: 'node', args: ['-e', script] });
      assert.equal(res.exitCode, 0, res.stderr);
      const out = JSON.parse(res.stdout) as Record<string, unknown>;
      assert.equal(out.uid, 1000);
      assert.equal(out.cwd, cwd);
      assert.equal(out.heap, '--max-old-space-size=128');
      for (const p of [5432, 5672, 6379]) assert.notEqual(out[`tcp${p}`], 'connected');
      assert.notEqual(out.pgSocket, 'connected');
      assert.equal(out.inside, 'written');
      assert.equal(out.etc, 'EROFS');
      assert.equal(out.seesOutside, false);
      assert.equal(readFileSync(join(cwd, 'result.txt'), 'utf8'), 'x');
      assert.equal(existsSync('/etc/catalyst-escape'), false);
    });

    test('a timeout kills everything inside the sandbox', async () => {
      const marker = `catalyst-sbx-${process.pid}-${Date.now()}`;
      const res = await runner().run({
        ...base(),
        timeoutMs: 1_000,
        command: 'sh',
        args: ['-c', `node -e 'setInterval(() => {}, 1000)' ${marker} & node -e 'setInterval(() => {}, 1000)' ${marker}`],
      });
      assert.equal(res.timedOut, true);
      const deadline = Date.now() + 5_000;
      while (pidsWith(marker).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(pidsWith(marker), []);
    });

    test('reports a failing command like the local runner does', async () => {
      const res = await runner().run({ ...base(), command: 'sh', args: ['-c', 'echo out; echo oops >&2; exit 3'] });
      assert.deepEqual([res.exitCode, res.stdout, res.stderr, res.timedOut], [3, 'out\n', 'oops\n', false]);
    });
  });
}
