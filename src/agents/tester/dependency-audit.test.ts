/**
 * The dependency audit runs the real `npm audit` through the local runner; "offline" is a registry
 * on a closed loopback port, so the test never depends on (or contacts) the internet.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { createFsWorkspace } from '../../adapters/fs/workspace.ts';
import { createLocalRunner } from '../../adapters/runner/local/local-runner.ts';
import { auditDependencies } from './dependency-audit.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalyst-audit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const runner = createLocalRunner({ baseEnv: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' } });
const workspace = createFsWorkspace(resolve(import.meta.dirname, '../../../node_modules'));
const limits = { timeoutMs: 60_000, memoryMb: 512 };

writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { zod: '4.6.7' } }));

test('without a lockfile the audit is unavailable and says why, never "0 issues"', async () => {
  const scan = await auditDependencies(runner, workspace, dir, limits);
  assert.equal(scan.status, 'unavailable');
  assert.match(scan.reason ?? '', /no package-lock\.json/);
  assert.equal(scan.vulnerabilities, null);
  assert.equal(scan.lockfile, null);
});

test('with a lockfile but no reachable registry the audit is unavailable with npm\'s reason', async () => {
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'app', version: '1.0.0', dependencies: { zod: '4.6.7' } }, 'node_modules/zod': { version: '4.6.7' } },
    }),
  );
  const scan = await auditDependencies(runner, workspace, dir, { ...limits, registry: 'http://127.0.0.1:9/' });
  assert.equal(scan.status, 'unavailable');
  assert.equal(scan.lockfile, 'package-lock.json');
  assert.match(scan.reason ?? '', /registry cannot be reached: .*ECONNREFUSED/);
  assert.equal(scan.vulnerabilities, null);
  assert.deepEqual(scan.advisories, []);
  assert.match(scan.log, /npm audit --json/);
});
