#!/usr/bin/env node
// `npm test`: every *.test.ts under src/ and test/ with Node's own test runner (through tsx), then the
// static checks — type-check (Catalyst and the web UI), lint, formatting and the dependency arrows.
// `node scripts/run-tests.mjs <fragment>…` runs only the test files whose path contains a fragment,
// without the static checks. Node 20's `--test` takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    // Skeletons and the coder sessions' app fixtures hold the generated apps' own tests, run inside the
    // apps by the tests that build them.
    if (name === 'node_modules' || name === 'skeletons' || name === 'coder-sessions' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = ['src', 'test']
  .flatMap((d) => collect(join(root, d), []))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}

const tests = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
});
let status = tests.status ?? 1;

if (filters.length === 0) {
  const checks = [
    ['type-check', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
    ['type-check (web UI)', ['tsc', '--noEmit', '-p', 'web/tsconfig.json']],
    ['lint', ['eslint', '--max-warnings', '0', '.']],
    ['formatting', ['prettier', '--check', '--log-level', 'warn', '.']],
    ['dependency rules', ['depcruise', 'src', '--config', '.dependency-cruiser.cjs']],
  ];
  for (const [name, args] of checks) {
    const check = spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', cwd: root });
    if (check.status === 0) console.log(`✔ ${name}`);
    else {
      console.error(`✖ ${name} failed (see above; \`npm run format\` fixes formatting)`);
      status ||= check.status ?? 1;
    }
  }
}
process.exit(status);
