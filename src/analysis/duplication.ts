/**
 * Duplication by a token-window finder (spec §4.5 "duplication"): the source is tokenized with the
 * TypeScript scanner (comments and whitespace dropped), every window of DUPLICATE_WINDOW consecutive
 * tokens is hashed, and a window seen before elsewhere marks both places as duplicated. Duplication %
 * is duplicated lines / all non-blank lines, the same definition jscpd uses with min-tokens 50.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as TS from 'typescript';
export const DUPLICATE_WINDOW = 50;

let compiler: typeof TS | null = null;

/**
 * The compiler is large (seconds to load) and the reviewer, which every runtime imports, is its only
 * user here: it is loaded on the first scan, not by every CLI command and server start. Synchronously,
 * through require, as the finder is synchronous; it is the same CommonJS module `import` would give.
 */
function typescript(): typeof TS {
  compiler ??= createRequire(import.meta.url)('typescript') as typeof TS;
  return compiler;
}

export interface Clone {
  a: { file: string; start_line: number; end_line: number };
  b: { file: string; start_line: number; end_line: number };
  tokens: number;
}

export interface Duplication {
  method: string;
  total_lines: number;
  duplicated_lines: number;
  /** duplicated_lines / total_lines, 0..1. */
  ratio: number;
  clones: Clone[];
}

interface Token {
  text: string;
  line: number;
}

function tokenize(path: string, content: string): Token[] {
  const ts = typescript();
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    true,
    /x$/.test(path) ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard,
    content,
  );
  const tokens: Token[] = [];
  // Tokens come in source order, so the line number only ever moves forward.
  let line = 1;
  let counted = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const start = scanner.getTokenStart();
    for (; counted < start; counted++) if (content.charCodeAt(counted) === 10) line++;
    tokens.push({ text: scanner.getTokenText(), line });
  }
  return tokens;
}

export function findDuplication(files: ReadonlyArray<{ path: string; content: string }>, window = DUPLICATE_WINDOW): Duplication {
  const tokenized = files.map((f) => tokenize(f.path, f.content));
  const dupLines = files.map(() => new Set<number>());
  const seen = new Map<string, { f: number; i: number }>();
  // Raw pairs of matching windows, merged into clones below when both sides advance together.
  const pairs: Array<{ f: number; i: number; g: number; j: number }> = [];
  tokenized.forEach((tokens, f) => {
    for (let i = 0; i + window <= tokens.length; i++) {
      const key = createHash('sha1')
        .update(
          tokens
            .slice(i, i + window)
            .map((t) => t.text)
            .join('\u0000'),
        )
        .digest('base64');
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { f, i });
        continue;
      }
      if (first.f === f && i - first.i < window) continue; // overlapping repeats (e.g. long literal lists)
      pairs.push({ f, i, g: first.f, j: first.i });
      for (let k = 0; k < window; k++) {
        dupLines[f]!.add(tokens[i + k]!.line);
        dupLines[first.f]!.add(tokenized[first.f]![first.i + k]!.line);
      }
    }
  });
  const clones: Clone[] = [];
  let run: { f: number; i: number; g: number; j: number; n: number } | null = null;
  const flush = () => {
    if (!run) return;
    const at = (file: number, from: number) => ({
      file: files[file]!.path,
      start_line: tokenized[file]![from]!.line,
      end_line: tokenized[file]![from + run!.n + window - 2]!.line,
    });
    clones.push({ a: at(run.f, run.i), b: at(run.g, run.j), tokens: run.n + window - 1 });
    run = null;
  };
  for (const p of pairs) {
    if (run && p.f === run.f && p.g === run.g && p.i === run.i + run.n && p.j === run.j + run.n) run.n++;
    else {
      flush();
      run = { ...p, n: 1 };
    }
  }
  flush();
  const total = files.reduce((s, f) => s + f.content.split('\n').filter((l) => l.trim() !== '').length, 0);
  const duplicated = dupLines.reduce((s, set) => s + set.size, 0);
  return {
    method: `token windows of ${window} (TypeScript scanner, comments and whitespace ignored); a window seen twice marks both places`,
    total_lines: total,
    duplicated_lines: duplicated,
    ratio: total === 0 ? 0 : Math.round((duplicated / total) * 10000) / 10000,
    clones: clones.sort((x, y) => y.tokens - x.tokens),
  };
}
