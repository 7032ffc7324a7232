/**
 * The preview's own copy of the app. Previews run from a copy, not from the task's worktree, so the
 * coder can keep committing while a preview runs, and build output never dirties the repository.
 */
import { cp, mkdir, rm, symlink } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

/** Never copied, at any depth: repository metadata and installed dependencies. */
const EXCLUDED_ANYWHERE = new Set(['.git', 'node_modules']);
/** Run-time output of the app's own runs; only at the top, since e.g. `frontend/src/data` is source. */
const EXCLUDED_AT_TOP = new Set(['data', 'coverage', 'test-results']);

export function isCopied(sourceDir: string, path: string): boolean {
  const rel = relative(sourceDir, path);
  if (rel === '') return true;
  const name = basename(path);
  if (EXCLUDED_ANYWHERE.has(name)) return false;
  return !(EXCLUDED_AT_TOP.has(name) && !rel.includes(sep));
}

/** Replaces `appDir` with a copy of `sourceDir` whose `node_modules` links to the shared install. */
export async function prepareWorkingCopy(sourceDir: string, appDir: string, nodeModulesDir: string): Promise<void> {
  await rm(appDir, { recursive: true, force: true });
  await mkdir(appDir, { recursive: true });
  await cp(sourceDir, appDir, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => isCopied(sourceDir, src),
  });
  await symlink(nodeModulesDir, join(appDir, 'node_modules'), 'dir');
}
