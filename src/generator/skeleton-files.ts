/**
 * Reads a skeleton — a real project kept on disk under `src/generator/skeletons/` — so its files can be
 * copied verbatim into a generated repository. A skeleton is the shared `base/` layer (test runners, dev
 * script, lint, coverage and Vite settings) plus its own folder; a path lives in one layer only. Skeleton
 * files are code that Catalyst's own suite type-checks, lints and runs (docs/generated-apps.md); only
 * per-model files are rendered.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SKELETON_NAMES = ['records-app', 'web-app'] as const;
export type SkeletonName = (typeof SKELETON_NAMES)[number];

export interface SkeletonFile {
  /** POSIX path relative to the generated repository's root. */
  path: string;
  content: string;
}

const SKELETONS_DIR = fileURLToPath(new URL('./skeletons/', import.meta.url));

/**
 * Names stored differently on disk than in the generated repository: a real `.gitignore` inside
 * Catalyst's tree would apply to Catalyst's own checkout (create-vite's `_gitignore` trick).
 */
const RENAMED_ON_COPY: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/**
 * Output folders a run of a skeleton's tools leaves behind; never part of it. (`data/` is not among them:
 * an app may well keep source files in a folder of that name.)
 */
const LEFT_BEHIND = new Set(['node_modules', 'dist', 'coverage', 'test-results']);

/** The folders a skeleton is made of, in the order they are read. */
export function skeletonLayers(name: SkeletonName): string[] {
  return [join(SKELETONS_DIR, 'base'), join(SKELETONS_DIR, name)];
}

function walk(root: string, dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (LEFT_BEHIND.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, path, out);
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out;
}

function repositoryPath(diskPath: string): string {
  const parts = diskPath.split(sep);
  const last = parts.length - 1;
  parts[last] = RENAMED_ON_COPY[parts[last]!] ?? parts[last]!;
  return parts.join(posix.sep);
}

// The skeletons ship with Catalyst and do not change while it runs, so each is read once.
const cache = new Map<SkeletonName, readonly SkeletonFile[]>();

/** Every file of a skeleton, sorted by path, with the paths it gets in a generated repository. */
export function readSkeleton(name: SkeletonName): readonly SkeletonFile[] {
  const cached = cache.get(name);
  if (cached) return cached;
  const byPath = new Map<string, SkeletonFile>();
  for (const root of skeletonLayers(name)) {
    for (const diskPath of walk(root, root, [])) {
      const path = repositoryPath(diskPath);
      if (byPath.has(path)) throw new Error(`skeleton ${name}: ${path} is in more than one layer; keep it in one`);
      byPath.set(path, { path, content: readFileSync(join(root, diskPath), 'utf8') });
    }
  }
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const frozen = Object.freeze(files.map((f) => Object.freeze(f)));
  cache.set(name, frozen);
  return frozen;
}
