import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.env.CHROMIUM_PATH) {
  console.log('skipped: CHROMIUM_PATH not set');
  process.exit(0);
}

// A nested test runner would otherwise report into the caller's and run nothing itself.
const env = { ...process.env };
delete env.NODE_TEST_CONTEXT;

const build = spawnSync('npm', ['run', 'build'], { cwd: root, env, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const results = join(root, 'test-results');
rmSync(join(results, 'e2e'), { recursive: true, force: true });
rmSync(join(results, 'e2e-junit.xml'), { force: true });
mkdirSync(join(results, 'e2e'), { recursive: true });

const files = readdirSync(join(root, 'e2e'))
  .filter((name) => name.endsWith('.e2e.test.ts'))
  .sort()
  .map((name) => join('e2e', name));
const run = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=junit',
    '--test-reporter-destination=test-results/e2e-junit.xml',
    ...files,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
