/**
 * Maintainability lint for the reviewer (spec §4.5): a small set of rules that point at likely bugs
 * or hard-to-maintain code, run with ESLint's Node API and a flat config built here
 * (`overrideConfigFile: true`: nothing is read from the untrusted repository, and its inline
 * `eslint-disable` comments are ignored). Complexity is measured by complexity.ts, not here.
 */
import { existsSync } from 'node:fs';
import type { Linter } from 'eslint';

export interface LintFinding {
  rule: string;
  file: string;
  line: number;
  message: string;
}

export interface QualityLint {
  status: 'ran' | 'unavailable';
  reason: string | null;
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

export async function runQualityLint(dir: string): Promise<QualityLint> {
  let ESLint: typeof import('eslint').ESLint;
  let tseslint: typeof import('typescript-eslint');
  try {
    ESLint = (await import('eslint')).ESLint;
    tseslint = await import('typescript-eslint');
  } catch (e) {
    return { status: 'unavailable', reason: `ESLint could not be loaded: ${(e as Error).message}`, findings: [] };
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
        rules: QUALITY_RULES,
      },
    ],
  });
  const targets = LINT_TARGETS.filter((t) => existsSync(`${dir}/${t}`));
  const results = targets.length === 0 ? [] : await eslint.lintFiles(targets);
  const findings: LintFinding[] = [];
  for (const result of results) {
    const file = result.filePath.startsWith(`${dir}/`) ? result.filePath.slice(dir.length + 1) : result.filePath;
    if (/\.(test|spec)\.[cm]?[jt]sx?$/.test(file)) continue;
    for (const m of result.messages) findings.push({ rule: m.ruleId ?? 'parse-error', file, line: m.line ?? 0, message: m.message });
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { status: 'ran', reason: null, findings };
}
