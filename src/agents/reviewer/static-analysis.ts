/**
 * Static code-quality measurements for the reviewer (spec §4.5 "complexity, duplication"):
 * - cyclomatic complexity per function and a small set of maintainability lint rules, from ESLint's
 *   Node API with a flat config built here (`overrideConfigFile: true`: nothing is read from the
 *   untrusted repository, and its inline `eslint-disable` comments are ignored);
 * - duplication by a token-window finder: the source is tokenized with the TypeScript scanner
 *   (comments and whitespace dropped), every window of DUPLICATE_WINDOW consecutive tokens is
 *   hashed, and a window seen before elsewhere marks both places as duplicated. Duplication % is
 *   duplicated lines / all non-blank lines, the same definition jscpd uses with min-tokens 50.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Linter } from 'eslint';
import ts from 'typescript';

export interface FunctionComplexity {
  file: string;
  line: number;
  name: string;
  complexity: number;
}

export interface LintFinding {
  rule: string;
  file: string;
  line: number;
  message: string;
}

export interface QualityLint {
  status: 'ran' | 'unavailable';
  reason: string | null;
  functions: FunctionComplexity[];
  findings: LintFinding[];
}

export const LINT_TARGETS = ['backend/src', 'frontend/src'] as const;

/** Rules that point at likely bugs or hard-to-maintain code, not at style. */
const QUALITY_RULES: Linter.RulesRecord = {
  '@typescript-eslint/no-explicit-any': 'warn',
  '@typescript-eslint/no-unused-vars': 'warn',
  eqeqeq: ['warn', 'smart'],
  'no-var': 'warn',
  'prefer-const': 'warn',
  'no-empty': 'warn',
  'no-unreachable': 'warn',
  'no-fallthrough': 'warn',
  'no-dupe-keys': 'warn',
  'no-self-compare': 'warn',
  'max-depth': ['warn', 4],
  'max-params': ['warn', 5],
};

const COMPLEXITY_MESSAGE = /^(.*) has a complexity of (\d+)\./;

export async function runQualityLint(dir: string): Promise<QualityLint> {
  let ESLint: typeof import('eslint').ESLint;
  let tseslint: typeof import('typescript-eslint');
  try {
    ESLint = (await import('eslint')).ESLint;
    tseslint = await import('typescript-eslint');
  } catch (e) {
    return { status: 'unavailable', reason: `ESLint could not be loaded: ${(e as Error).message}`, functions: [], findings: [] };
  }
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    allowInlineConfig: false,
    errorOnUnmatchedPattern: false,
    cache: false,
    overrideConfig: [
      {
        files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'],
        languageOptions: {
          parser: tseslint.parser as Linter.Parser,
          parserOptions: { ecmaFeatures: { jsx: true }, sourceType: 'module', ecmaVersion: 'latest' },
        },
        linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
        plugins: { '@typescript-eslint': tseslint.plugin as unknown as NonNullable<Linter.Config['plugins']>[string] },
        // max 0 makes ESLint report every function with its complexity: that is the measurement.
        rules: { complexity: ['warn', { max: 0 }], ...QUALITY_RULES },
      },
    ],
  });
  const targets = LINT_TARGETS.filter((t) => existsSync(`${dir}/${t}`));
  const results = targets.length === 0 ? [] : await eslint.lintFiles(targets);
  const functions: FunctionComplexity[] = [];
  const findings: LintFinding[] = [];
  for (const result of results) {
    const file = result.filePath.startsWith(`${dir}/`) ? result.filePath.slice(dir.length + 1) : result.filePath;
    if (/\.(test|spec)\.[cm]?[jt]sx?$/.test(file)) continue;
    for (const m of result.messages) {
      const cx = m.ruleId === 'complexity' ? COMPLEXITY_MESSAGE.exec(m.message) : null;
      if (cx) functions.push({ file, line: m.line, name: cx[1]!, complexity: Number(cx[2]) });
      else findings.push({ rule: m.ruleId ?? 'parse-error', file, line: m.line ?? 0, message: m.message });
    }
  }
  functions.sort((a, b) => b.complexity - a.complexity || a.file.localeCompare(b.file) || a.line - b.line);
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { status: 'ran', reason: null, functions, findings };
}

// ---------------------------------------------------------------------------------------------

export const DUPLICATE_WINDOW = 50;

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
