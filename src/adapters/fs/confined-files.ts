/**
 * Reading files under a root (a task's checkout, its artifacts folder) by a path that came from
 * outside, e.g. a URL. A path can never leave its root: it is refused if absolute, if it holds `..`,
 * `.`, empty segments, NUL or backslashes, and — after resolving symlinks — if the real file lies
 * outside the real root. Listings never follow symlinks.
 */
import { realpath, readdir, stat, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../core/errors.ts';

/** Files larger than this are refused rather than read into memory whole. */
export const MAX_CONFINED_READ_BYTES = 2 * 1024 * 1024;
/** Folders a person browsing generated code does not want: VCS, dependencies, build and coverage output. */
const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', 'coverage', '.catalyst']);

function refuse(path: string): AppError {
  return new AppError('invalid_request', `"${path}" is not a file path inside this task`, {
    hint: 'use a relative path as listed by the files or artifacts endpoint',
    retryable: false,
  });
}

/** The path, unchanged, when it is a plain relative path; throws `invalid_request` otherwise. */
export function checkRelative(path: string): string {
  if (path.length === 0 || path.length > 1000 || path.includes('\0') || path.includes('\\') || isAbsolute(path)) throw refuse(path);
  const parts = path.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) throw refuse(path);
  return parts.join('/');
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** The file's real path, or null when it does not exist; throws when the path escapes `root`. */
async function resolveInside(root: string, relPath: string): Promise<string | null> {
  const rel = checkRelative(relPath);
  if (!(await exists(root))) return null;
  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, rel);
  if (!candidate.startsWith(realRoot + sep)) throw refuse(relPath);
  if (!(await exists(candidate))) return null;
  const real = await realpath(candidate);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw refuse(relPath);
  return real;
}

/** The bytes of `relPath` under `root`; null when missing or not a file; `payload_too_large` over the limit. */
export async function readInside(root: string, relPath: string): Promise<Buffer | null> {
  const real = await resolveInside(root, relPath);
  if (!real) return null;
  const info = await stat(real);
  if (!info.isFile()) return null;
  if (info.size > MAX_CONFINED_READ_BYTES) {
    throw new AppError(
      'payload_too_large',
      `${relPath} is ${info.size} bytes; files over ${MAX_CONFINED_READ_BYTES} bytes are not served`,
      { retryable: false },
    );
  }
  return readFile(real);
}

/** Files under `root` (relative, sorted), skipping VCS, dependency and build folders and symlinks. */
export async function listInside(root: string, limit = 5000): Promise<Array<{ path: string; size: number }>> {
  if (!(await exists(root))) return [];
  const out: Array<{ path: string; size: number }> = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (out.length >= limit) return;
      const full = join(dir, entry.name);
      if (entry.name === '.git') continue; // a worktree's .git is a file pointing at the repository
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await walk(full);
      } else if (entry.isFile()) {
        out.push({ path: relative(root, full).split(sep).join('/'), size: (await stat(full)).size });
      }
    }
  }
  await walk(root);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
