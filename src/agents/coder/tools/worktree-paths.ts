/**
 * The one gate every path a model names goes through before the toolbox touches the worktree. Model
 * output is untrusted (a prompt-injected file can ask for anything), so a path must be a plain relative
 * POSIX path, stay clear of git's and npm's control files, and — once symbolic links are resolved — lie
 * inside the worktree. Writes never go through a symbolic link at all: a link that points inside today
 * can be re-pointed outside by the app's own test run tomorrow.
 */
import { lstat, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { AppError } from '../../../core/errors.ts';

/**
 * Folders the checks write (coverage, JUnit reports, the built frontend). Written by a tool they could
 * fake a passing report for the tester, so they are out of bounds for writes and left out of listings.
 */
export const OUTPUT_DIRS = new Set(['coverage', 'test-results', 'dist']);
/**
 * Files only Catalyst changes: package.json through add_dependency (so the npm scripts the checks run stay
 * the app's fixed ones), lock files and npm settings (registries, scripts run on install). Env files are
 * neither read nor written (see normalizeToolPath).
 */
const PROTECTED_FILES = new Set(['package.json', 'package-lock.json', 'npm-shrinkwrap.json', '.npmrc', '.yarnrc', '.yarnrc.yml']);

export type PathUse = 'read' | 'write' | 'delete';

/** A refusal the model reads: what was wrong and what to do instead. */
export function refused(reason: string, path: string): AppError {
  return new AppError('invalid_request', `refused: ${reason} (${printable(path)})`, {
    retryable: false,
    details: { refused: true, reason },
  });
}

/** The path as safe to echo into a message: control characters shown escaped, length capped. */
export function printable(path: string): string {
  const shown = JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path).slice(1, -1);
  return shown;
}

/** True when an AppError is one of this module's refusals (the loop shows those as "refused" events). */
export function isRefusal(e: unknown): boolean {
  return AppError.isInstance(e) && e.details?.refused === true;
}

/**
 * The normalized relative path (`./src/a.ts` → `src/a.ts`), or a refusal. Pure: no file system access,
 * so every hostile spelling is tested without creating anything.
 */
export function normalizeToolPath(path: string, use: PathUse): string {
  if (path.length === 0) throw refused('the path is empty', path);
  if (path.length > 1000) throw refused('the path is longer than 1000 characters', path);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f]/.test(path)) throw refused('the path contains a control character', path);
  if (path.includes('\\')) throw refused('use forward slashes: paths are POSIX paths relative to the app root', path);
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw refused('absolute paths are not allowed; give the path relative to the app root, like src/main.ts', path);
  }
  if (path.startsWith('~')) throw refused('home-folder paths are not available; only files inside the app can be used', path);
  const parts = path.replace(/^(\.\/)+/, '').split('/');
  if (parts.some((p) => p === '..')) throw refused('path escapes the worktree', path);
  if (parts.some((p) => p === '' || p === '.')) throw refused('the path has an empty or "." segment', path);
  if (parts.some((p) => p.length > 255)) throw refused('a path segment is longer than 255 characters', path);
  const lower = parts.map((p) => p.toLowerCase());
  // Case-insensitively: on a case-insensitive file system `.GIT/hooks` is `.git/hooks`.
  if (lower.some((p) => p === '.git')) throw refused('.git is managed by Catalyst, not by the tools', path);
  if (lower.some((p) => p === 'node_modules')) {
    throw refused('node_modules holds Catalyst’s installed packages; add one with add_dependency instead', path);
  }
  const name = lower[lower.length - 1]!;
  // Read too: a repository the model works on may keep real keys there, and what it reads goes into a prompt.
  if (name === '.env' || (name.startsWith('.env.') && name !== '.env.example')) {
    throw refused('env files may hold secrets and are not available to the tools; use .env.example for documented settings', path);
  }
  if (name === '.npmrc') throw refused('.npmrc may hold registry tokens and is managed by Catalyst', path);
  if (use !== 'read') {
    if (name === 'package.json') throw refused('package.json changes only through add_dependency (its scripts stay fixed)', path);
    if (PROTECTED_FILES.has(name)) throw refused(`${name} is managed by Catalyst`, path);
    if (lower.slice(0, -1).some((p) => OUTPUT_DIRS.has(p))) {
      throw refused(`${parts.find((p) => OUTPUT_DIRS.has(p.toLowerCase()))}/ is written by the checks, not by the tools`, path);
    }
  }
  return parts.join('/');
}

export interface ResolvedPath {
  /** Normalized relative POSIX path. */
  rel: string;
  /** Absolute path on disk (under the worktree's real path). */
  abs: string;
  /** What is there now: nothing, a regular file, a folder, or something else (a socket, a device). */
  kind: 'missing' | 'file' | 'dir' | 'other';
  size: number;
}

function inside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot + sep);
}

/**
 * Checks `path` for `use` and walks it one segment at a time with lstat, so every symbolic link on the way
 * is seen: for reads a link must resolve inside the worktree; writes and deletes refuse any link.
 */
export async function resolveToolPath(realRoot: string, path: string, use: PathUse): Promise<ResolvedPath> {
  const rel = normalizeToolPath(path, use);
  const parts = rel.split('/');
  let cur = realRoot;
  for (let i = 0; i < parts.length; i++) {
    const next = join(cur, parts[i]!);
    const last = i === parts.length - 1;
    let st;
    try {
      st = await lstat(next);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { rel, abs: join(next, ...parts.slice(i + 1)), kind: 'missing', size: 0 };
      if (code === 'ENOTDIR') throw refused(`${parts.slice(0, i).join('/')} is a file, not a folder`, path);
      throw AppError.from(e);
    }
    if (st.isSymbolicLink()) {
      const real = await realpath(next).catch(() => null);
      if (real === null || !inside(realRoot, real)) throw refused('the path resolves through a symbolic link outside the worktree', path);
      if (use !== 'read') throw refused('writes never go through a symbolic link', path);
      st = await lstat(real);
      cur = real;
    } else {
      cur = next;
    }
    if (!last && !st.isDirectory()) throw refused(`${parts.slice(0, i + 1).join('/')} is a file, not a folder`, path);
    if (last) return { rel, abs: cur, kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', size: st.size };
  }
  /* c8 ignore next -- the loop always returns on its last segment */
  throw refused('the path is empty', path);
}
