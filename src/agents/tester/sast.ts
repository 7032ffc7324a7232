/**
 * SAST-style rules over generated source (in the spirit of eslint-plugin-security): constructs that
 * turn data into code or markup. Each finding names the rule, file and line.
 */
export interface UnsafeFinding {
  rule: string;
  description: string;
  severity: 'high' | 'medium' | 'low';
  file: string;
  line: number;
}

const RULES: ReadonlyArray<{ id: string; description: string; severity: UnsafeFinding['severity']; pattern: RegExp }> = [
  { id: 'no-eval', description: 'eval() runs arbitrary code', severity: 'high', pattern: /(^|[^.\w])eval\s*\(/ },
  { id: 'no-new-function', description: 'new Function() runs arbitrary code', severity: 'high', pattern: /\bnew\s+Function\s*\(/ },
  { id: 'no-child-process', description: 'child_process in application code', severity: 'medium', pattern: /from\s+['"](?:node:)?child_process['"]/ },
  { id: 'no-inner-html', description: 'raw HTML injection (innerHTML / dangerouslySetInnerHTML)', severity: 'medium', pattern: /\.innerHTML\s*=|dangerouslySetInnerHTML/ },
  { id: 'no-sql-concat', description: 'SQL built by string concatenation', severity: 'high', pattern: /\b(?:query|exec|run|prepare)\s*\(\s*[`'"][^`'"]*\b(?:SELECT|INSERT|UPDATE|DELETE)\b[^`]*\$\{/i },
  { id: 'no-debugger', description: 'debugger statement left in code', severity: 'low', pattern: /^\s*debugger\s*;?\s*$/ },
];

const CODE = /\.[cm]?[jt]sx?$/;

export function scanForUnsafePatterns(files: ReadonlyArray<{ path: string; content: string }>): UnsafeFinding[] {
  const out: UnsafeFinding[] = [];
  for (const file of files) {
    if (!CODE.test(file.path) || /(^|\/)(test|tests)\/|\.test\.[jt]sx?$/.test(file.path)) continue;
    file.content.split('\n').forEach((text, i) => {
      for (const rule of RULES) {
        if (rule.pattern.test(text)) out.push({ rule: rule.id, description: rule.description, severity: rule.severity, file: file.path, line: i + 1 });
      }
    });
  }
  return out;
}
