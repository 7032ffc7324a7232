/**
 * Checks on everything that reaches a git command line or the file system from callers. User text never
 * becomes a git option: refs may not start with `-`, and paths are relative, normalised and kept inside
 * their checkout (ARCHITECTURE.md §5, git argument injection).
 */
import { posix } from 'node:path';
import { AppError } from '../../../core/errors.ts';

const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

export function assertSlug(slug: string): void {
  if (!SLUG.test(slug)) {
    throw new AppError('invalid_option', `invalid project slug ${JSON.stringify(slug)}`, {
      hint: 'a slug is lower-case letters, digits and dashes, starting with a letter or digit',
    });
  }
}

/** A revision expression (`main`, `feature/x`, a sha, `HEAD~1`) that git cannot mistake for an option. */
export function assertRef(ref: string): void {
  if (ref.length === 0 || ref.startsWith('-') || /[\s:\0]/.test(ref)) {
    throw new AppError('invalid_option', `invalid git ref ${JSON.stringify(ref)}`);
  }
}

/**
 * Normalises a path inside a checkout and refuses anything that could land outside it or inside `.git`.
 * Backslashes are refused rather than guessed at: on POSIX they are file-name characters.
 */
export function safeRelativePath(path: string): string {
  const refuse = (why: string) =>
    new AppError('invalid_artifact', `refused path ${JSON.stringify(path)}: ${why}`, {
      hint: 'artifact paths are relative to the repository root, use forward slashes and stay inside it',
    });
  if (path.length === 0) throw refuse('empty');
  if (path.includes('\0') || path.includes('\\')) throw refuse('contains a NUL byte or backslash');
  if (posix.isAbsolute(path) || /^[A-Za-z]:/.test(path)) throw refuse('absolute');
  const normal = posix.normalize(path);
  if (normal === '.' || normal === '..' || normal.startsWith('../')) throw refuse('escapes the checkout');
  if (normal.endsWith('/')) throw refuse('names a directory');
  if (normal.split('/').some((segment) => segment.toLowerCase() === '.git')) throw refuse('inside .git');
  return normal;
}

export function assertTrailers(trailers: Record<string, string>): void {
  for (const [key, value] of Object.entries(trailers)) {
    if (!TRAILER_KEY.test(key)) throw new AppError('invalid_option', `invalid trailer key ${JSON.stringify(key)}`);
    if (/[\r\n\0]/.test(value)) throw new AppError('invalid_option', `trailer ${key} must be a single line`);
  }
}

export function assertTrailerKey(key: string): void {
  // The key is spliced into a --format placeholder, so it must not carry `,` `)` or `%`.
  if (!TRAILER_KEY.test(key)) throw new AppError('invalid_option', `invalid trailer key ${JSON.stringify(key)}`);
}
