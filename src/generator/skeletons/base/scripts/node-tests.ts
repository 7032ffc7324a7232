// Finds test files and runs them with Node's test runner (Node 20's `--test` takes no globs), reporting to
// the terminal and to a JUnit file for CI and Catalyst's tester.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const SKIPPED = new Set(['node_modules', 'dist', 'coverage', 'test-results', 'data']);

/** Files under `dir` (relative to the project root) whose name matches, as sorted POSIX paths. */
export function findTests(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (name.test(entry.name)) out.push(relative(root, child).split(sep).join(posix.sep));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** Runs the files one at a time and returns the runner's exit status. */
export function runTests(files: readonly string[], junitFile: string): number {
  if (files.length === 0) {
    console.error('no test files found');
    return 1;
  }
  mkdirSync(dirname(join(root, junitFile)), { recursive: true });
  // A nested test runner would otherwise report into the caller's and run nothing itself.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
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
      `--test-reporter-destination=${junitFile}`,
      ...files,
    ],
    { cwd: root, env, stdio: 'inherit' },
  );
  return run.status ?? 1;
}
