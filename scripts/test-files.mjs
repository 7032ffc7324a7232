// Runs the test files given, in the order given, two at a time, with the spec reporter, and remembers
// how long each file ran, so that scripts/run-tests.mjs can start the longest files first next time.
// (`node --test` sorts its files by name whatever order they come in; run() keeps the order.) Started
// with `--import tsx`, which run() passes on to each file's process.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = new URL('..', import.meta.url).pathname;
export const DURATIONS_FILE = join(root, 'node_modules/.cache/catalyst-test-durations.json');

/** Seconds per test file (path relative to the repository), as earlier runs timed them. */
export function readDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function saveDurations(started, finished) {
  // Files deleted or renamed since drop out.
  const known = Object.fromEntries(Object.entries(readDurations()).filter(([file]) => existsSync(join(root, file))));
  for (const [file, at] of finished) known[relative(root, file)] = Math.round((at - started.get(file)) / 100) / 10;
  mkdirSync(dirname(DURATIONS_FILE), { recursive: true });
  // Two runs may end together: each renames a whole file into place, so neither leaves half of one.
  const temp = `${DURATIONS_FILE}.${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(known, null, 2)}\n`);
  renameSync(temp, DURATIONS_FILE);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2).map((f) => resolve(root, f));
  const started = new Map();
  const finished = new Map();
  const stream = run({ files, concurrency: 2 });
  // A file's own entry is named by its path: dequeued when its process starts, complete when it ends.
  stream.on('test:dequeue', (t) => t.name === t.file && started.set(t.file, Date.now()));
  stream.on('test:complete', (t) => t.name === t.file && started.has(t.file) && finished.set(t.file, Date.now()));
  stream.on('test:fail', () => (process.exitCode = 1));
  stream.on('end', () => saveDurations(started, finished));
  stream.compose(new spec()).pipe(process.stdout);
}
