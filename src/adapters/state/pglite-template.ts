/**
 * New PGlite stores start from a copy of a freshly initialised cluster instead of running initdb: initdb
 * takes seconds of CPU per store, unpacking its result a fraction of that (a `catalyst build` in a new
 * folder, every test that opens a fresh store). The copy is made once per PGlite version and kept with
 * Catalyst's other caches in its node_modules/.cache, or once per process where that cannot be written.
 * It is initdb's output and nothing else: the migrations run on every open as before.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

const PGLITE_DIST = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
const CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/catalyst', import.meta.url));

let template: Promise<Blob> | null = null;

function cacheFile(): string {
  const { version } = JSON.parse(readFileSync(join(PGLITE_DIST, '../package.json'), 'utf8')) as { version: string };
  return join(CACHE_DIR, `pglite-${version}-initdb.tar`);
}

async function makeTemplate(): Promise<Blob> {
  const file = cacheFile();
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    // Not made yet for this version: make it below.
  }
  const fresh = await PGlite.create();
  let tarball: Blob;
  try {
    tarball = await fresh.dumpDataDir('none');
  } finally {
    await fresh.close();
  }
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Processes making it at the same time each rename a whole file into place; readers never see half of one.
    const temp = `${file}.${process.pid}`;
    writeFileSync(temp, new Uint8Array(await tarball.arrayBuffer()));
    renameSync(temp, file);
  } catch {
    // A read-only install: this process keeps its copy in memory.
  }
  return tarball;
}

/** The initialised cluster to pass as PGlite's `loadDataDir` when a store has no cluster yet. */
export function initialisedCluster(): Promise<Blob> {
  template ??= makeTemplate().catch((e: unknown) => {
    template = null;
    throw e;
  });
  return template;
}
