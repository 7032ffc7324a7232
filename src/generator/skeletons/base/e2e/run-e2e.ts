// `npm run test:e2e`: builds the frontend, then runs every e2e/*.e2e.test.ts in headless Chromium; a
// no-op without CHROMIUM_PATH, so machines without a browser still pass `npm run test:e2e`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findTests, root, runTests } from '../scripts/node-tests.ts';

if (!process.env.CHROMIUM_PATH) {
  console.log('skipped: CHROMIUM_PATH not set');
  process.exit(0);
}

const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const results = join(root, 'test-results');
rmSync(join(results, 'e2e'), { recursive: true, force: true });
rmSync(join(results, 'e2e-junit.xml'), { force: true });
mkdirSync(join(results, 'e2e'), { recursive: true });

process.exit(runTests(findTests('e2e', /\.e2e\.test\.ts$/), 'test-results/e2e-junit.xml'));
