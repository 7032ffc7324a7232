/**
 * SAST over the generated app's source with ESLint's Node API: eslint-plugin-security's rules, ESLint's
 * own code-from-data rules, and two Catalyst rules for what neither covers (raw HTML injection and
 * SQL text built by interpolation). The flat config is built here and `overrideConfigFile: true`
 * keeps ESLint from loading any config file from the repository, and inline `eslint-disable`
 * comments are ignored: the code under scan is untrusted and must not switch its own checks off.
 * Only `backend/src` and `frontend/src` are scanned (tests may legitimately poke at internals).
 */
import type { Linter, Rule } from 'eslint';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface SastFinding {
  rule: string;
  description: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
}

export interface SastReport {
  status: 'ran' | 'unavailable';
  scanner: string;
  /** Why the scan did not run; null when it ran. */
  reason: string | null;
  files_scanned: number;
  /** Files ESLint could not parse: they were not checked, which is itself worth knowing. */
  parse_errors: Array<{ file: string; line: number; message: string }>;
  findings: SastFinding[];
}

export const SAST_TARGETS = ['backend/src', 'frontend/src'] as const;
const SECURITY_PLUGIN: string = 'eslint-plugin-security';

/** Severity per rule: what an attacker gains if the construct is reachable with their data. */
const SEVERITY: Record<string, Severity> = {
  'no-eval': 'high',
  'no-implied-eval': 'high',
  'no-new-func': 'high',
  'no-script-url': 'medium',
  'no-debugger': 'low',
  'security/detect-eval-with-expression': 'high',
  'security/detect-bidi-characters': 'high',
  'security/detect-child-process': 'medium',
  'security/detect-non-literal-require': 'medium',
  'security/detect-unsafe-regex': 'medium',
  'security/detect-possible-timing-attacks': 'medium',
  'security/detect-pseudoRandomBytes': 'medium',
  'security/detect-buffer-noassert': 'medium',
  'security/detect-no-csrf-before-method-override': 'medium',
  'security/detect-disable-mustache-escape': 'medium',
  'security/detect-new-buffer': 'low',
  'security/detect-non-literal-regexp': 'low',
  'security/detect-non-literal-fs-filename': 'low',
  // Flags every `obj[key]`: mostly noise in typed code, kept for the record at the lowest weight.
  'security/detect-object-injection': 'low',
  'catalyst/no-inner-html': 'medium',
  'catalyst/no-sql-interpolation': 'high',
};

const SQL_WORD = /\b(SELECT\s[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b/i;

/** Rules for constructs eslint-plugin-security does not look at. */
const catalystPlugin = {
  meta: { name: 'catalyst' },
  rules: {
    'no-inner-html': {
      meta: { type: 'problem', docs: { description: 'raw HTML injection (innerHTML / dangerouslySetInnerHTML)' }, schema: [] },
      create(context) {
        return {
          JSXAttribute(node: Rule.Node) {
            const name = (node as unknown as { name: { name?: unknown } }).name.name;
            if (name === 'dangerouslySetInnerHTML') context.report({ node, message: 'dangerouslySetInnerHTML renders raw HTML' });
          },
          AssignmentExpression(node) {
            const left = node.left;
            if (
              left.type === 'MemberExpression' &&
              left.property.type === 'Identifier' &&
              /^(innerHTML|outerHTML)$/.test(left.property.name)
            ) {
              context.report({ node, message: `assigning ${left.property.name} renders raw HTML` });
            }
          },
        };
      },
    },
    'no-sql-interpolation': {
      meta: { type: 'problem', docs: { description: 'SQL text built by string interpolation or concatenation' }, schema: [] },
      create(context) {
        return {
          TemplateLiteral(node) {
            // A tagged template (drizzle's sql`…`) turns the expressions into bound parameters.
            if (node.parent.type === 'TaggedTemplateExpression' || node.expressions.length === 0) return;
            if (SQL_WORD.test(node.quasis.map((q) => q.value.raw).join(' ')))
              context.report({ node, message: 'SQL built with ${…} interpolation: use bound parameters' });
          },
          BinaryExpression(node) {
            if (node.operator !== '+' || node.parent.type === 'BinaryExpression') return;
            const literal = [node.left, node.right].find(
              (n) => n.type === 'Literal' && typeof n.value === 'string' && SQL_WORD.test(n.value),
            );
            const dynamic = [node.left, node.right].some((n) => n.type !== 'Literal');
            if (literal && dynamic) context.report({ node, message: 'SQL built by string concatenation: use bound parameters' });
          },
        };
      },
    },
  } satisfies Record<string, Rule.RuleModule>,
};

function describe(rule: string, message: string): string {
  return `${message.replace(/\s+/g, ' ').trim()} (${rule})`;
}

/**
 * Lints `SAST_TARGETS` under `dir`. Never throws for findings or unparsable files; if ESLint itself
 * is missing (a production install without dev packages) the report says `unavailable` and why.
 */
export async function runSast(dir: string): Promise<SastReport> {
  let eslintModule: typeof import('eslint');
  let security: { rules: Record<string, unknown>; configs: { recommended: Linter.Config } };
  let tseslint: typeof import('typescript-eslint');
  try {
    eslintModule = await import('eslint');
    // The plugin ships no type declarations; a non-literal specifier keeps tsc from asking for them.
    security = ((await import(SECURITY_PLUGIN)) as { default: typeof security }).default;
    tseslint = await import('typescript-eslint');
  } catch (e) {
    return {
      status: 'unavailable',
      scanner: 'eslint',
      reason: `ESLint could not be loaded: ${(e as Error).message}`,
      files_scanned: 0,
      parse_errors: [],
      findings: [],
    };
  }
  const { ESLint } = eslintModule;
  const config: Linter.Config[] = [
    {
      files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'],
      languageOptions: {
        parser: tseslint.parser as Linter.Parser,
        parserOptions: { ecmaFeatures: { jsx: true }, sourceType: 'module', ecmaVersion: 'latest' },
      },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
      plugins: {
        security: security as unknown as NonNullable<Linter.Config['plugins']>[string],
        catalyst: catalystPlugin as unknown as NonNullable<Linter.Config['plugins']>[string],
      },
      rules: {
        ...Object.fromEntries(Object.keys(security.rules).map((r) => [`security/${r}`, 'warn'])),
        'no-eval': 'warn',
        'no-implied-eval': 'warn',
        'no-new-func': 'warn',
        'no-script-url': 'warn',
        'no-debugger': 'warn',
        'catalyst/no-inner-html': 'warn',
        'catalyst/no-sql-interpolation': 'warn',
      },
    },
  ];
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: config,
    allowInlineConfig: false,
    errorOnUnmatchedPattern: false,
    cache: false,
  });
  const { existsSync } = await import('node:fs');
  const targets = SAST_TARGETS.filter((t) => existsSync(`${dir}/${t}`));
  const results = targets.length === 0 ? [] : await eslint.lintFiles(targets);
  const findings: SastFinding[] = [];
  const parseErrors: SastReport['parse_errors'] = [];
  for (const result of results) {
    const file = result.filePath.startsWith(`${dir}/`) ? result.filePath.slice(dir.length + 1) : result.filePath;
    for (const m of result.messages) {
      if (m.ruleId === null) {
        parseErrors.push({ file, line: m.line ?? 0, message: m.message });
        continue;
      }
      findings.push({
        rule: m.ruleId,
        description: describe(m.ruleId, m.message),
        severity: SEVERITY[m.ruleId] ?? 'medium',
        file,
        line: m.line,
        column: m.column,
      });
    }
  }
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule));
  return {
    status: 'ran',
    scanner: `eslint ${ESLint.version} + eslint-plugin-security + catalyst rules (typescript-eslint parser)`,
    reason: null,
    files_scanned: results.length,
    parse_errors: parseErrors,
    findings,
  };
}
