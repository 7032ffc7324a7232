/**
 * The three apps the scripted coder sessions build, as files on disk (test/fixtures/coder-sessions/<app>/):
 * only what the model adds or changes on top of the web-app skeleton, at the paths a generated repository
 * has them, plus the skeleton files it deletes. The sessions write exactly these files, and
 * test/coder-sessions.fixtures.test.ts proves them real by running each app's own checks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSkeleton, type SkeletonFile } from '../../../src/generator/skeleton-files.ts';

export const FIXTURE_APPS = ['snake', 'pomodoro', 'shortener'] as const;
export type FixtureApp = (typeof FIXTURE_APPS)[number];

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/coder-sessions/', import.meta.url));

/** Skeleton files an app no longer needs: the counter example and the browser test written for it. */
const DELETED: Record<FixtureApp, readonly string[]> = {
  snake: ['e2e/app.e2e.test.ts', 'frontend/src/counter.test.ts', 'frontend/src/counter.ts'],
  pomodoro: ['e2e/app.e2e.test.ts', 'frontend/src/counter.test.ts', 'frontend/src/counter.ts'],
  shortener: ['e2e/app.e2e.test.ts', 'frontend/src/counter.test.ts', 'frontend/src/counter.ts'],
};

export interface FixtureOverlay {
  /** Files written over the skeleton, sorted by path. */
  files: readonly SkeletonFile[];
  deleted: readonly string[];
}

function walk(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

export function fixtureOverlay(app: FixtureApp): FixtureOverlay {
  const root = join(FIXTURES_DIR, app);
  const files = walk(root, [])
    .map((path) => ({ path: relative(root, path).split(sep).join(posix.sep), content: readFileSync(path, 'utf8') }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, deleted: DELETED[app] };
}

/** The app's whole repository once the model is done: the skeleton, the overlay on top, the deletions applied. */
export function finalFiles(app: FixtureApp): Map<string, string> {
  const tree = new Map(readSkeleton('web-app').map((f) => [f.path, f.content]));
  const { files, deleted } = fixtureOverlay(app);
  for (const path of deleted) {
    if (!tree.delete(path)) throw new Error(`${app}: deletes ${path}, which the skeleton does not have`);
  }
  for (const file of files) tree.set(file.path, file.content);
  return tree;
}

/** One file of the app's overlay. */
export function fixtureFile(app: FixtureApp, path: string): string {
  const file = fixtureOverlay(app).files.find((f) => f.path === path);
  if (!file) throw new Error(`${app}: no fixture file ${path}`);
  return file.content;
}

/** `content` with `good` (which must occur exactly once) replaced: a file as the model first gets it wrong. */
export function replaceOnce(content: string, good: string, bad: string): string {
  const at = content.indexOf(good);
  if (at === -1 || content.indexOf(good, at + 1) !== -1) throw new Error(`expected exactly one occurrence of: ${good}`);
  return content.slice(0, at) + bad + content.slice(at + good.length);
}
