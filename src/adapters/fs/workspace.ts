import { lstat, readFile, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Workspace } from '../../core/ports/workspace.ts';
import { listInside, readInside } from './confined-files.ts';

const SKIP = new Set(['.git', 'node_modules', 'dist', 'coverage', 'test-results', 'data']);

/**
 * Generated apps resolve their packages from Catalyst's own node_modules through a symlink, so a
 * build needs no registry once Catalyst is installed (the app's package.json still pins versions).
 */
export function createFsWorkspace(nodeModulesDir: string): Workspace {
  return {
    async linkDependencies(dir) {
      const link = join(dir, 'node_modules');
      try {
        const st = await lstat(link);
        if (st.isSymbolicLink() && (await readlink(link)) === nodeModulesDir) return;
        await rm(link, { recursive: true, force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      await symlink(nodeModulesDir, link, 'dir');
    },
    async listFiles(dir) {
      const out: string[] = [];
      const walk = async (d: string) => {
        for (const entry of await readdir(d, { withFileTypes: true })) {
          if (SKIP.has(entry.name)) continue;
          const path = join(d, entry.name);
          if (entry.isDirectory()) await walk(path);
          else if (entry.isFile()) out.push(relative(dir, path));
        }
      };
      await walk(dir);
      return out.sort();
    },
    async readText(path) {
      try {
        return await readFile(path, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR') return null;
        throw e;
      }
    },
    browse: (dir) => listInside(dir),
    readInside: (dir, relPath) => readInside(dir, relPath),
  };
}
