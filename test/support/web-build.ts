/**
 * The web UI built from the current source, for the browser tests to serve. Built once per state of the
 * source (web/, src/ — the UI imports the contracts — and the package files) into
 * node_modules/.cache/catalyst-web/<hash> and reused by every browser test file of that state: they
 * only read it. Vite empties its output folder first, so a build goes to a folder of its own and is
 * renamed into place when done; files building at the same time each rename, and the second keeps the first's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const CACHE = join(ROOT, 'node_modules/.cache/catalyst-web');
/** Builds of other source states (other checkouts share node_modules) are left a day, then removed. */
const KEEP_MS = 24 * 3600 * 1000;

function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      if (name === 'node_modules' || name === 'dist') continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) add(full);
      else
        hash
          .update(`${relative(ROOT, full)}\0`)
          .update(readFileSync(full))
          .update('\0');
    }
  };
  add(join(ROOT, 'web'));
  add(join(ROOT, 'src'));
  for (const file of ['package.json', 'package-lock.json']) hash.update(file).update(readFileSync(join(ROOT, file)));
  return hash.digest('hex').slice(0, 16);
}

function removeStale(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (name !== keep && Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
}

export function builtWebUi(): string {
  const hash = sourceHash();
  const outDir = join(CACHE, hash);
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  mkdirSync(CACHE, { recursive: true });
  const building = join(CACHE, `.${hash}-${process.pid}`);
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
      building,
      '--emptyOutDir',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(built.status, 0, `vite build failed: ${built.stderr}`);
  try {
    renameSync(building, outDir);
  } catch {
    // Another test file finished the same build first: use that one.
    rmSync(building, { recursive: true, force: true });
  }
  assert.ok(existsSync(join(outDir, 'index.html')), `the web UI build is in ${outDir}`);
  removeStale(hash);
  return outDir;
}
