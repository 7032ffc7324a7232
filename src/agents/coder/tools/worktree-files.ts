/**
 * The worktree as the model's tools see it: list, read, and apply a FileChange through the path gate,
 * with the size and count caps. It also remembers what changed since the loop last committed, and which
 * contents each file has had, so the stuck detector can see a model rewriting the same file back and forth.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { AppError } from '../../../core/errors.ts';
import type { FileChange } from './file-change.ts';
import { OUTPUT_DIRS, printable, refused, resolveToolPath, type ResolvedPath } from './worktree-paths.ts';

export interface FileLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxReadBytes: number;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules', ...OUTPUT_DIRS]);

export interface WorktreeFiles {
  list(): Promise<Array<{ path: string; size: number }>>;
  read(path: string): Promise<{ path: string; content: string; note?: string }>;
  apply(change: FileChange): Promise<{ path: string; bytes: number }>;
  /** Replaces package.json, which `apply` refuses; only add_dependency calls it. */
  writeManifest(content: string): Promise<void>;
  takeChanged(): { written: string[]; deleted: string[] };
  repeatedEdits(): number;
}

const hash = (content: string) => createHash('sha256').update(content).digest('hex');
// A file that is not there is a content too: A → deleted → A is the same oscillation as A → B → A.
const ABSENT = 'absent';

export function openWorktreeFiles(worktree: string, limits: FileLimits): WorktreeFiles {
  let realRootPromise: Promise<string> | null = null;
  const realRoot = () => (realRootPromise ??= realpath(worktree));
  /** Per path: whether the file existed before this batch first changed it, and its content now. */
  const batch = new Map<string, { existedBefore: boolean; existsNow: boolean }>();
  /** Per path: every content (hash) the file has had since the toolbox first touched it. */
  const history = new Map<string, Set<string>>();
  let repeated = 0;

  const resolve = async (path: string, use: 'read' | 'write' | 'delete') => resolveToolPath(await realRoot(), path, use);

  async function walk(root: string, dir: string, out: Array<{ path: string; size: number }>, cap: number, sizes: boolean) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (out.length >= cap) return;
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const full = join(dir, entry.name);
      // Links are never followed: one pointing outside must not list (or size) what lies there.
      if (entry.isDirectory()) await walk(root, full, out, cap, sizes);
      else if (entry.isFile()) {
        out.push({ path: relative(root, full).split(sep).join('/'), size: sizes ? (await lstat(full)).size : 0 });
      }
    }
  }

  async function currentContent(target: ResolvedPath): Promise<string> {
    if (target.kind === 'missing') return ABSENT;
    return hash(await readFile(target.abs, 'utf8'));
  }

  /** `written`: a write or edit (only those count as repeats; deleting is not re-producing a content). */
  function remember(rel: string, before: string, after: string, existedBefore: boolean, written = true) {
    let seen = history.get(rel);
    if (!seen) history.set(rel, (seen = new Set([before])));
    if (written && seen.has(after)) repeated++;
    seen.add(after);
    const entry = batch.get(rel);
    batch.set(rel, { existedBefore: entry ? entry.existedBefore : existedBefore, existsNow: after !== ABSENT });
  }

  async function writeBytes(abs: string, content: string) {
    await mkdir(dirname(abs), { recursive: true });
    // O_NOFOLLOW: if a link appeared at the target since the check, the open fails instead of following it.
    const fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await fh.writeFile(content, 'utf8');
    } finally {
      await fh.close();
    }
  }

  function checkSize(path: string, content: string): number {
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > limits.maxFileBytes) {
      throw new AppError(
        'payload_too_large',
        `refused: ${printable(path)} would be ${bytes} bytes; files are capped at ${limits.maxFileBytes} bytes`,
        {
          retryable: false,
          details: { refused: true, reason: 'file too large' },
        },
      );
    }
    return bytes;
  }

  async function checkCount(path: string) {
    const files: Array<{ path: string; size: number }> = [];
    await walk(await realRoot(), await realRoot(), files, limits.maxFiles, false);
    if (files.length >= limits.maxFiles) {
      throw new AppError(
        'payload_too_large',
        `refused: the app already has ${limits.maxFiles} files, the most allowed; ${printable(path)} was not created`,
        {
          hint: 'delete files that are no longer needed, or put related code in one file',
          retryable: false,
          details: { refused: true, reason: 'too many files' },
        },
      );
    }
  }

  async function readExisting(target: ResolvedPath, path: string): Promise<string> {
    if (target.kind === 'missing')
      throw new AppError('invalid_request', `${printable(path)} does not exist; use write_file to create it`, { retryable: false });
    if (target.kind !== 'file') throw new AppError('invalid_request', `${printable(path)} is not a regular file`, { retryable: false });
    return readFile(target.abs, 'utf8');
  }

  function applyEdit(path: string, text: string, search: string, replace: string): string {
    if (search.length === 0) throw new AppError('invalid_request', 'edit_file needs a non-empty search text', { retryable: false });
    const lines: number[] = [];
    for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + 1)) {
      lines.push(text.slice(0, at).split('\n').length);
      if (lines.length > 20) break;
    }
    if (lines.length === 0) {
      const loose = (s: string) => s.replace(/\s+/g, ' ').trim();
      const hint = loose(text).includes(loose(search))
        ? ' It matches when whitespace is ignored: copy the exact indentation and line breaks.'
        : ' Read the file again and copy the lines to replace exactly.';
      throw new AppError('invalid_request', `edit_file: the search text was not found in ${printable(path)}; nothing was changed.${hint}`, {
        retryable: false,
      });
    }
    if (lines.length > 1) {
      throw new AppError(
        'invalid_request',
        `edit_file: the search text occurs ${lines.length > 20 ? 'more than 20' : lines.length} times in ${printable(path)} (starting on lines ${lines.slice(0, 10).join(', ')}); nothing was changed. Include enough surrounding lines that it matches exactly once.`,
        { retryable: false },
      );
    }
    const at = text.indexOf(search);
    return text.slice(0, at) + replace + text.slice(at + search.length);
  }

  return {
    async list() {
      const out: Array<{ path: string; size: number }> = [];
      await walk(await realRoot(), await realRoot(), out, limits.maxFiles, true);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async read(path) {
      const target = await resolve(path, 'read');
      if (target.kind === 'missing')
        throw new AppError('invalid_request', `${printable(path)} does not exist; list_files shows what is there`, { retryable: false });
      if (target.kind === 'dir')
        throw new AppError('invalid_request', `${printable(target.rel)} is a folder; list_files shows its files`, { retryable: false });
      if (target.kind !== 'file')
        throw new AppError('invalid_request', `${printable(target.rel)} is not a regular file`, { retryable: false });
      const fh = await open(target.abs, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const size = (await fh.stat()).size;
        const buf = Buffer.alloc(Math.min(size, limits.maxReadBytes));
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        const bytes = buf.subarray(0, bytesRead);
        if (bytes.includes(0)) return { path: target.rel, content: '', note: `binary file (${size} bytes), not shown` };
        // A cut inside a multi-byte character decodes to U+FFFD; drop it rather than show a broken glyph.
        const content = bytes.toString('utf8').replace(/\uFFFD+$/, '');
        if (size > bytesRead) return { path: target.rel, content, note: `truncated: showing the first ${bytesRead} of ${size} bytes` };
        return { path: target.rel, content };
      } finally {
        await fh.close();
      }
    },

    async apply(change) {
      if (change.kind === 'delete') {
        const target = await resolve(change.path, 'delete');
        if (target.kind === 'missing')
          throw new AppError('invalid_request', `${printable(target.rel)} does not exist; nothing was deleted`, { retryable: false });
        if (target.kind === 'dir') throw refused('delete_file deletes files, not folders; delete the files one by one', change.path);
        const before = await currentContent(target);
        await unlink(target.abs);
        remember(target.rel, before, ABSENT, true, false);
        return { path: target.rel, bytes: 0 };
      }
      // Size first: a 50 MB answer is refused before any file system work.
      if (change.kind === 'write') checkSize(change.path, change.content);
      const target = await resolve(change.path, 'write');
      if (target.kind === 'dir') throw refused('the path is a folder', change.path);
      if (target.kind === 'other') throw refused('the path is not a regular file', change.path);
      let content: string;
      if (change.kind === 'write') content = change.content;
      else content = applyEdit(target.rel, await readExisting(target, change.path), change.search, change.replace);
      const bytes = checkSize(target.rel, content);
      if (target.kind === 'missing') await checkCount(target.rel);
      const before = await currentContent(target);
      await writeBytes(target.abs, content);
      remember(target.rel, before, hash(content), target.kind === 'file');
      return { path: target.rel, bytes };
    },

    async writeManifest(content) {
      const root = await realRoot();
      const target = await resolveToolPath(root, 'package.json', 'read');
      if (target.abs !== join(root, 'package.json') || target.kind !== 'file')
        throw refused('package.json is not a regular file', 'package.json');
      checkSize('package.json', content);
      const before = await currentContent(target);
      await writeBytes(target.abs, content);
      remember('package.json', before, hash(content), true);
    },

    takeChanged() {
      const written: string[] = [];
      const deleted: string[] = [];
      for (const [path, { existedBefore, existsNow }] of batch) {
        if (existsNow) written.push(path);
        // Created and deleted again within the batch: nothing for git to record.
        else if (existedBefore) deleted.push(path);
      }
      batch.clear();
      return { written: written.sort(), deleted: deleted.sort() };
    },

    repeatedEdits: () => repeated,
  };
}
