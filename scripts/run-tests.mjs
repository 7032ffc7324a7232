#!/usr/bin/env node
// `npm test`: every *.test.ts under src/ and test/ with Node's own test runner (through tsx), then the
// static checks — type-check (Catalyst and the web UI), lint, formatting and the dependency arrows.
// `node scripts/run-tests.mjs <fragment>…` runs only the test files whose path contains a fragment,
// without the static checks. Node 20's `--test` takes no globs, so the files are listed here, and
// scripts/test-files.mjs runs them (two at a time, longest first).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readDurations } from './test-files.mjs';

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

// Files start in this order, two at a time. Longest first (as the last runs timed them), so a long
// file does not start near the end while the other slot runs out of work; files not timed yet go first.
const durations = readDurations();
const seconds = (f) => durations[f] ?? Number.POSITIVE_INFINITY;
files.sort((a, b) => seconds(b) - seconds(a) || a.localeCompare(b));

const tests = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/test-files.mjs'), ...files], {
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
