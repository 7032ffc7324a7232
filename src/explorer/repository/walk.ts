/**
 * Walks a checkout once, bounded: dependency and build folders, symlinks, binary files and files over
 * 1 MB are skipped, the walk stops at a file count and a byte budget, and each text file is handed to the
 * visitor and then dropped, so a huge repository costs time, not memory.
 */
import { opendir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface WalkLimits {
  maxFiles: number;
  maxFileBytes: number;
  /** Bytes read over the whole walk; files past it are counted as skipped. */
  maxTotalBytes: number;
}

export const WALK_LIMITS: Readonly<WalkLimits> = { maxFiles: 20_000, maxFileBytes: 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 };

/** Folders that hold installed dependencies, build output or caches rather than the project's source. */
const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  'vendor',
  'dist',
  'build',
  'coverage',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.cache',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  'bower_components',
  '.gradle',
  '.idea',
]);

const BINARY_EXTENSIONS = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'bmp',
  'ico',
  'webp',
  'avif',
  'tif',
  'tiff',
  'psd',
  'pdf',
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  '7z',
  'rar',
  'tar',
  'jar',
  'war',
  'class',
  'exe',
  'dll',
  'so',
  'dylib',
  'a',
  'o',
  'obj',
  'bin',
  'wasm',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'mp3',
  'mp4',
  'm4a',
  'wav',
  'ogg',
  'webm',
  'mov',
  'avi',
  'mkv',
  'flac',
  'sqlite',
  'sqlite3',
  'db',
  'pyc',
  'pyo',
  'node',
  'dat',
  'iso',
  'dmg',
  'pkl',
  'npy',
  'parquet',
  'keystore',
  'jks',
  'p12',
  'pfx',
  'der',
]);

/** Languages counted in the statistics: code and markup, not data or prose (as GitHub's linguist does). */
const LANGUAGES: Record<string, string> = {
  ts: 'TypeScript',
  tsx: 'TypeScript',
  mts: 'TypeScript',
  cts: 'TypeScript',
  js: 'JavaScript',
  jsx: 'JavaScript',
  mjs: 'JavaScript',
  cjs: 'JavaScript',
  py: 'Python',
  go: 'Go',
  rs: 'Rust',
  java: 'Java',
  kt: 'Kotlin',
  kts: 'Kotlin',
  scala: 'Scala',
  groovy: 'Groovy',
  rb: 'Ruby',
  php: 'PHP',
  cs: 'C#',
  fs: 'F#',
  vb: 'Visual Basic',
  c: 'C',
  h: 'C',
  cpp: 'C++',
  cc: 'C++',
  cxx: 'C++',
  hpp: 'C++',
  hh: 'C++',
  m: 'Objective-C',
  mm: 'Objective-C',
  swift: 'Swift',
  dart: 'Dart',
  lua: 'Lua',
  pl: 'Perl',
  r: 'R',
  jl: 'Julia',
  ex: 'Elixir',
  exs: 'Elixir',
  erl: 'Erlang',
  hs: 'Haskell',
  clj: 'Clojure',
  elm: 'Elm',
  vue: 'Vue',
  svelte: 'Svelte',
  astro: 'Astro',
  html: 'HTML',
  htm: 'HTML',
  css: 'CSS',
  scss: 'SCSS',
  sass: 'Sass',
  less: 'Less',
  sql: 'SQL',
  sh: 'Shell',
  bash: 'Shell',
  zsh: 'Shell',
  ps1: 'PowerShell',
  tf: 'HCL',
  hcl: 'HCL',
  prisma: 'Prisma',
  graphql: 'GraphQL',
  gql: 'GraphQL',
  proto: 'Protocol Buffers',
  zig: 'Zig',
  nim: 'Nim',
  sol: 'Solidity',
};

export interface WalkedFile {
  /** Relative, with forward slashes. */
  path: string;
  lines: number;
  language: string | null;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Top-level folders that were walked (skipped ones left out). */
  topDirs: string[];
  skipped: { binary: number; large: number; overBudget: number };
  /** The walk stopped at the file limit. */
  truncated: boolean;
}

export type TextVisitor = (file: WalkedFile, content: string) => void | Promise<void>;

export function languageOf(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (/^Dockerfile/i.test(name)) return 'Dockerfile';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  return LANGUAGES[name.slice(dot + 1).toLowerCase()] ?? null;
}

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function isGenerated(path: string): boolean {
  return /\.min\.(js|css)$|\.map$/i.test(path);
}

export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n += 1;
  return text.endsWith('\n') ? n : n + 1;
}

export async function walkRepository(
  root: string,
  visit: TextVisitor,
  signal?: AbortSignal,
  limits: Readonly<WalkLimits> = WALK_LIMITS,
): Promise<WalkResult> {
  const result: WalkResult = { files: [], topDirs: [], skipped: { binary: 0, large: 0, overBudget: 0 }, truncated: false };
  let bytesRead = 0;
  // Depth-first over sorted entries, so the same tree always walks in the same order.
  const stack: string[] = [''];
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const rel = stack.pop()!;
    const entries = await listDir(join(root, rel));
    const dirs: string[] = [];
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      // A `.git` file is a submodule's or worktree's pointer, not project content.
      if (entry.isSymbolicLink() || entry.name === '.git') continue;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        if (rel === '') result.topDirs.push(entry.name);
        dirs.push(path);
        continue;
      }
      if (!entry.isFile() || isGenerated(path)) continue;
      if (result.files.length >= limits.maxFiles) {
        result.truncated = true;
        return result;
      }
      if (BINARY_EXTENSIONS.has(extensionOf(path))) {
        result.skipped.binary += 1;
        continue;
      }
      const size = (await stat(join(root, path)).catch(() => null))?.size ?? 0;
      if (size > limits.maxFileBytes) {
        result.skipped.large += 1;
        continue;
      }
      if (bytesRead + size > limits.maxTotalBytes) {
        result.skipped.overBudget += 1;
        continue;
      }
      const buffer = await readFile(join(root, path)).catch(() => null);
      if (buffer === null) continue;
      bytesRead += buffer.length;
      if (buffer.subarray(0, 8000).includes(0)) {
        result.skipped.binary += 1;
        continue;
      }
      const content = buffer.toString('utf8');
      const file: WalkedFile = { path, lines: countLines(content), language: languageOf(path) };
      result.files.push(file);
      await visit(file, content);
    }
    for (const dir of dirs.reverse()) stack.push(dir);
  }
  return result;
}

async function listDir(path: string) {
  const entries = [];
  const dir = await opendir(path).catch(() => null);
  if (dir === null) return [];
  for await (const entry of dir) entries.push(entry);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
