/**
 * The dependency audit runs the real `npm audit` through the local runner; "offline" is a registry
 * on a closed loopback port, so the test never depends on (or contacts) the internet.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { createFsWorkspace } from '../adapters/fs/workspace.ts';
import { createLocalRunner } from '../adapters/runner/local/local-runner.ts';
import { auditDependencies } from './dependency-audit.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalyst-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const runner = createLocalRunner({ baseEnv: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' } });
const workspace = createFsWorkspace(resolve(import.meta.dirname, '../../../node_modules'));
const limits = { timeoutMs: 60_000, memoryMb: 512 };

writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { zod: '4.6.7' } }));

/** A lockfile for one dependency, as npm 11 writes it. */
const LOCKFILE = JSON.stringify({
  name: 'app',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: { '': { name: 'app', version: '1.0.0', dependencies: { zod: '4.6.7' } }, 'node_modules/zod': { version: '4.6.7' } },
});

test('without a lockfile the audit is unavailable and says why, never "0 issues"', async () => {
  const scan = await auditDependencies(runner, workspace, dir, limits);
  assert.equal(scan.status, 'unavailable');
  assert.match(scan.reason ?? '', /no package-lock\.json/);
  assert.equal(scan.vulnerabilities, null);
  assert.equal(scan.lockfile, null);
});

test("with a lockfile but no reachable registry the audit is unavailable with npm's reason", async () => {
  writeFileSync(join(dir, 'package-lock.json'), LOCKFILE);
  const scan = await auditDependencies(runner, workspace, dir, { ...limits, registry: 'http://127.0.0.1:9/' });
  assert.equal(scan.status, 'unavailable');
  assert.equal(scan.lockfile, 'package-lock.json');
  assert.match(scan.reason ?? '', /registry cannot be reached: .*ECONNREFUSED/);
  assert.equal(scan.vulnerabilities, null);
  assert.deepEqual(scan.advisories, []);
  assert.match(scan.log, /npm audit --json/);
});

test('a hostile .npmrc in the worktree is not read: the audit goes to the configured registry, without its token or settings', async () => {
  // A stand-in registry on loopback that answers the bulk advisory endpoint with "no advisories".
  const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];
  const registry = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((done) => registry.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
  const hostile = mkdtempSync(join(tmpdir(), 'catalyst-audit-hostile-'));
  try {
    writeFileSync(join(hostile, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { zod: '4.6.7' } }));
    writeFileSync(join(hostile, 'package-lock.json'), LOCKFILE);
    // What generated code could ship: another registry, a token for ours, and config that changes npm's output.
    writeFileSync(
      join(hostile, '.npmrc'),
      [
        `registry=http://127.0.0.1:9/`,
        `${url.replace(/^http:/, '')}:_authToken=planted-by-the-app`,
        'user-agent=hostile-npmrc',
        'json=false',
        '',
      ].join('\n'),
    );
    const scan = await auditDependencies(runner, workspace, hostile, { ...limits, registry: url });
    assert.equal(scan.status, 'ran', `${scan.reason}\n${scan.log}`);
    assert.deepEqual(scan.vulnerabilities, { critical: 0, high: 0, moderate: 0, low: 0, info: 0, total: 0 });
    assert.ok(seen.length > 0, 'npm asked the configured registry');
    for (const request of seen) {
      assert.equal(request.headers.authorization, undefined, `no planted token sent to ${request.url}`);
      assert.doesNotMatch(String(request.headers['user-agent']), /hostile/);
    }
    assert.match(scan.log, /\.npmrc and the user's are not read/);
  } finally {
    rmSync(hostile, { recursive: true, force: true });
    await new Promise((done) => registry.close(done));
  }
});
