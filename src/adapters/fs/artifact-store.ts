import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { AppError } from '../../core/errors.ts';
import type { ArtifactStore } from '../../core/ports/artifact-store.ts';
import { listInside, readInside } from './confined-files.ts';

/** Artifacts as plain files under `<root>/<key>/` (spec §6.3); keys are task or scan ids (UUIDs). */
export function createFsArtifactStore(root: string): ArtifactStore {
  const dir = (key: string) => {
    if (!/^[0-9a-f-]{36}$/.test(key)) throw new AppError('invalid_artifact', `not a task id: ${key}`);
    return join(root, key);
  };
  const target = (taskId: string, relPath: string) => {
    const base = dir(taskId);
    const full = resolve(base, normalize(relPath));
    if (isAbsolute(relPath) || relative(base, full).startsWith('..') || !full.startsWith(base + sep)) {
      throw new AppError('invalid_artifact', `artifact path ${JSON.stringify(relPath)} leaves the task folder`, { retryable: false });
    }
    return full;
  };
  return {
    location: dir,
    async write(taskId, relPath, content) {
      const path = target(taskId, relPath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
      return path;
    },
    async copyIn(taskId, relPath, source) {
      const path = target(taskId, relPath);
      await mkdir(dirname(path), { recursive: true });
      await cp(source, path, { recursive: true, force: true });
      return path;
    },
    async read(taskId, relPath) {
      try {
        return await readFile(target(taskId, relPath), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async remove(key) {
      await rm(dir(key), { recursive: true, force: true });
    },

    async list(taskId) {
      const base = dir(taskId);
      try {
        const entries = await readdir(base, { recursive: true, withFileTypes: true });
        return entries
          .filter((e) => e.isFile())
          .map((e) => relative(base, join(e.parentPath, e.name)))
          .sort();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    },
    readBytes: (key, relPath) => readInside(dir(key), relPath),
    browse: (key) => listInside(dir(key)),
  };
}
