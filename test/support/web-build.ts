/**
 * Builds the web UI from the current source into a folder of the calling test's own. Browser test files
 * run two at a time, and vite empties its output folder first: sharing web/dist, one file's build would
 * delete the assets the other's page is loading.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export function buildWebInto(outDir: string): string {
  const built = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
      '--outDir',
      outDir,
      '--emptyOutDir',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(built.status, 0, `vite build failed: ${built.stderr}`);
  return outDir;
}
