/**
 * Turns what a check printed into what the model needs to fix it: a one-line summary, the failing part
 * of the output (at most ~50 lines, file:line locations kept, paths relative to the worktree, no colour
 * codes, no stack frames inside Node or node_modules), and a signature — the identity of the errors
 * without line numbers, timings, temp paths or hashes — so the loop can tell "the same errors again"
 * from progress. Parsers know tsc, ESLint's stylish format, node:test's spec (and TAP) reporter and
 * Vite/Rolldown build errors; anything else falls back to the output's tail.
 */
import { createHash } from 'node:crypto';
import type { CheckName } from './file-change.ts';

export const MAX_OUTPUT_LINES = 50;

export interface CheckRun {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface CheckReport {
  ok: boolean;
  summary: string;
  output: string;
  signature: string;
}

// CSI and OSC escape sequences; Rolldown colours its errors even with NO_COLOR set.
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Colour codes and carriage returns gone, the worktree's absolute prefix (and file:// URLs of it) made relative. */
export function cleanOutput(text: string, worktrees: readonly string[]): string {
  let out = text.replace(ANSI, '').replace(/\r\n?/g, '\n');
  for (const root of [...new Set(worktrees)].filter((r) => r.length > 1).sort((a, b) => b.length - a.length)) {
    const r = escapeRegExp(root.replace(/\/+$/, ''));
    out = out.replace(new RegExp(`(?:file://)?${r}/`, 'g'), '').replace(new RegExp(`(?:file://)?${r}(?=[\\s'")]|$)`, 'gm'), '.');
  }
  return out;
}

/** npm's own lines: the "> app@1.0.0 test" banner and its "npm error" trailer. */
function dropNpmNoise(lines: string[]): string[] {
  return lines.filter((l) => !/^> \S+@\S+ \S+$/.test(l) && !/^> /.test(l) && !/^npm (?:error|ERR!|warn|notice)\b/.test(l));
}

function limit(lines: string[], max = MAX_OUTPUT_LINES): string {
  const kept = lines.slice(0, max);
  while (kept.length > 0 && kept[kept.length - 1]!.trim() === '') kept.pop();
  while (kept.length > 0 && kept[0]!.trim() === '') kept.shift();
  if (lines.length > max) kept.push(`… ${lines.length - max} more lines`);
  return kept.join('\n');
}

/** What makes two runs' errors "the same": numbers that move (timings, line:col, sizes, hashes) and temp paths removed. */
function normalizeForSignature(line: string): string {
  return line
    .replace(/\/tmp\/[^\s'")]+/g, '<tmp>')
    .replace(/\(\d+(?:\.\d+)?\s?m?s\)/g, '')
    .replace(/\b\d+(?:\.\d+)?\s?m?s\b/g, '<t>')
    .replace(/:\d+:\d+\b/g, '')
    .replace(/\(\d+,\d+\)/g, '')
    .replace(/-[A-Za-z0-9_-]{8}\.(js|css)\b/g, '.$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function signatureOf(check: CheckName, items: readonly string[]): string {
  const text = [...items]
    .map(normalizeForSignature)
    .filter((l) => l.length > 0)
    .sort()
    .join('\n');
  return `${check}:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A stack frame line worth showing: one in the app's own files (relative after cleaning), not Node's or a package's. */
function isFrame(line: string): boolean {
  return /^\s+at\s/.test(line);
}
function isOwnFrame(line: string): boolean {
  if (!isFrame(line)) return false;
  const trimmed = line.trim().replace(/\s\{$/, '');
  const location = /\(([^()]*)\)$/.exec(trimmed)?.[1] ?? trimmed.replace(/^at\s+(?:async\s+)?/, '');
  // Relative after cleaning, with a line number: a file of the app (an absolute path lies outside the worktree).
  return /^[^\s/][^\s]*:\d+:\d+$/.test(location) && !/^node:|node_modules\//.test(location);
}

/**
 * Keeps error text and the app's own stack frames; drops foreign frames and the property dump Node
 * prints after a stack (`{ generatedMessage: …, code: …, actual: …, }`), which repeats the message.
 */
function pruneStacks(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isFrame(line)) {
      if (isOwnFrame(line)) out.push(line.replace(/\s\{$/, ''));
      if (/\s\{$/.test(line)) {
        const indent = line.search(/\S/);
        while (i + 1 < lines.length && !(/^\s*\}\s*$/.test(lines[i + 1]!) && lines[i + 1]!.search(/\S/) < indent)) i++;
        i++;
      }
      continue;
    }
    out.push(line);
  }
  return out;
}

function fallback(check: CheckName, label: string, lines: string[], run: CheckRun): CheckReport {
  const meaningful = pruneStacks(lines).filter((l) => l.trim() !== '');
  const tail = meaningful.slice(-MAX_OUTPUT_LINES);
  const why = run.exitCode === null ? 'killed' : `exit code ${run.exitCode}`;
  return {
    ok: false,
    summary: `${label}: failed (${why})`,
    output: limit(tail),
    signature: signatureOf(check, tail.length > 0 ? tail : [why]),
  };
}

// tsc: `src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.` (and project errors without a location).
const TSC_ERROR = /^(?:(.+?)\((\d+),(\d+)\): )?error (TS\d+): (.*)$/;

function typecheck(lines: string[], run: CheckRun): CheckReport {
  const kept: string[] = [];
  const identities: string[] = [];
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = TSC_ERROR.exec(lines[i]!);
    if (!m) continue;
    count++;
    kept.push(m[1] ? `${m[1]}:${m[2]}:${m[3]} - error ${m[4]}: ${m[5]}` : `error ${m[4]}: ${m[5]}`);
    const detail: string[] = [];
    // tsc indents the elaboration of an error ("Type 'x' is missing the following properties…").
    while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]!)) detail.push(lines[++i]!);
    kept.push(...detail);
    identities.push(`${m[1] ?? ''} ${m[4]} ${m[5]} ${detail.join(' ')}`);
  }
  if (run.exitCode === 0 && count === 0) return { ok: true, summary: 'typecheck: clean', output: '', signature: 'typecheck:ok' };
  if (count === 0) return fallback('typecheck', 'typecheck', lines, run);
  return {
    ok: false,
    summary: `typecheck: ${plural(count, 'error')}`,
    output: limit(kept),
    signature: signatureOf('typecheck', identities),
  };
}

// ESLint stylish: a file path line, then `  3:5  error  'x' is never reassigned…  prefer-const`.
const ESLINT_PROBLEM = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*?)(?:\s{2,}(\S+))?\s*$/;
const ESLINT_TOTAL = /^✖ (\d+) problems? \((\d+) errors?, (\d+) warnings?\)/;

function lint(lines: string[], run: CheckRun): CheckReport {
  const kept: string[] = [];
  const identities: string[] = [];
  let file = '';
  let errors = 0;
  let warnings = 0;
  for (const line of lines) {
    const p = ESLINT_PROBLEM.exec(line);
    if (p && file) {
      if (p[3] === 'error') errors++;
      else warnings++;
      kept.push(`${file}:${p[1]}:${p[2]} ${p[3]} ${p[4]}${p[5] ? `  (${p[5]})` : ''}`);
      if (p[3] === 'error') identities.push(`${file} ${p[5] ?? ''} ${p[4]}`);
      continue;
    }
    if (/^\S/.test(line) && !ESLINT_TOTAL.test(line) && !/^\d+ errors? and \d+ warnings? potentially fixable/.test(line.trim()))
      file = line.trim();
    if (line.trim() === '') file = '';
  }
  const total = lines.map((l) => ESLINT_TOTAL.exec(l)).find((m) => m);
  if (total) {
    errors = Number(total[2]);
    warnings = Number(total[3]);
  }
  const warned = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
  if (run.exitCode === 0) return { ok: true, summary: `lint: clean${warned}`, output: '', signature: 'lint:ok' };
  if (errors === 0 && kept.length === 0) return fallback('lint', 'lint', lines, run);
  return {
    ok: false,
    summary: `lint: ${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`,
    output: limit(kept.filter((k) => k.includes(' error ')).concat(kept.filter((k) => !k.includes(' error ')))),
    signature: signatureOf('lint', identities.length > 0 ? identities : kept),
  };
}

/** node:test's counters: spec reporter (`ℹ tests 4`) or TAP (`# tests 4`). */
function counters(lines: string[]): { tests: number; pass: number; fail: number } | null {
  const get = (key: string) => {
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = new RegExp(`^(?:ℹ|#) ${key} (\\d+)$`).exec(lines[i]!.trim());
      if (m) return Number(m[1]);
    }
    return null;
  };
  const tests = get('tests');
  if (tests === null) return null;
  return { tests, pass: get('pass') ?? 0, fail: get('fail') ?? 0 };
}

/**
 * The failing tests: node:test repeats each failure under "✖ failing tests:" at the end (name, error,
 * stack); a test file that fails to load is listed there only as 'test failed', its real error printed
 * earlier, so uncaught errors from the main stream are added.
 */
function failures(lines: string[]): { kept: string[]; identities: string[] } {
  const start = lines.findIndex((l) => l.trim() === '✖ failing tests:');
  const end = lines.findIndex((l, i) => i > start && /^={5,}/.test(l));
  const kept: string[] = [];
  const identities: string[] = [];
  if (start !== -1) {
    const section = lines.slice(start + 1, end === -1 ? undefined : end).filter((l) => !/^test at /.test(l));
    // A failure's identity: the test's name and the first line of its error.
    let named = false;
    for (const line of pruneStacks(section)) {
      const clean = line.replace(/ \(\d+(?:\.\d+)?m?s\)$/, '');
      kept.push(clean);
      if (/^\s*✖ /.test(clean)) {
        identities.push(clean.trim());
        named = true;
      } else if (named && clean.trim() !== '' && !isFrame(clean)) {
        identities.push(clean.trim());
        named = false;
      }
    }
  } else {
    // TAP, or output without the summary section: the "not ok" / "✖" lines and what follows them.
    for (const line of pruneStacks(lines)) {
      if (/^\s*(?:not ok \d+|✖) /.test(line)) identities.push(line.trim());
      kept.push(line.replace(/ \(\d+(?:\.\d+)?m?s\)$/, ''));
    }
  }
  // Uncaught errors (a test file that failed to import): Node's banner, the error, then "Node.js vX".
  const uncaught: string[] = [];
  for (let i = 0; i < (start === -1 ? 0 : start); i++) {
    if (!/^\S*Error\b.*: /.test(lines[i]!) || isFrame(lines[i]!)) continue;
    if (!lines.slice(Math.max(0, i - 4), i).some((l) => /triggerUncaughtException|^node:internal/.test(l))) continue;
    uncaught.push(lines[i]!);
    identities.push(lines[i]!);
  }
  while (kept.length > 0 && kept[0]!.trim() === '') kept.shift();
  return { kept: uncaught.length > 0 ? [...uncaught, '', ...kept] : kept, identities };
}

function tests(check: 'test' | 'e2e', lines: string[], run: CheckRun): CheckReport {
  const label = check === 'test' ? 'tests' : 'e2e';
  if (check === 'e2e' && lines.some((l) => /^skipped: CHROMIUM_PATH not set/.test(l))) {
    return { ok: false, summary: 'e2e: not run: no Chromium was given to the check', output: '', signature: 'e2e:skipped' };
  }
  // test:e2e builds the frontend first; a failed build is the build's error.
  if (check === 'e2e' && lines.some((l) => /^error during build:/.test(l))) {
    const built = build(lines, run);
    return {
      ...built,
      summary: built.summary.replace(/^build:/, 'e2e: build failed:'),
      signature: built.signature.replace(/^build:/, 'e2e:'),
    };
  }
  const count = counters(lines);
  if (run.exitCode === 0 && count && count.fail === 0) {
    return { ok: true, summary: `${label}: ${count.pass} passed`, output: '', signature: `${check}:ok` };
  }
  if (count && count.fail > 0) {
    const { kept, identities } = failures(lines);
    return {
      ok: false,
      summary: `${label}: ${count.fail} failed of ${count.tests}`,
      output: limit(kept),
      signature: signatureOf(check, identities),
    };
  }
  if (count && count.tests === 0)
    return { ok: false, summary: `${label}: no tests ran`, output: limit(lines.slice(-MAX_OUTPUT_LINES)), signature: `${check}:none` };
  // Tests passed but the script failed anyway (a coverage threshold, "no test files found") or crashed.
  const report = fallback(check, label, lines, run);
  if (count)
    report.summary = `${label}: ${count.pass} passed, but the script ${run.exitCode === null ? 'was killed' : `exited with code ${run.exitCode}`}`;
  return report;
}

function build(lines: string[], run: CheckRun): CheckReport {
  if (run.exitCode === 0) return { ok: true, summary: 'build: ok', output: '', signature: 'build:ok' };
  const start = lines.findIndex((l) => /^error during build:|^✗ Build failed|^\[vite\]|^x Build failed/.test(l));
  const body = pruneStacks(start === -1 ? lines : lines.slice(start)).filter((l) => !/^✗ Build failed in/.test(l));
  const count = lines.map((l) => /^Build failed with (\d+) errors?/.exec(l)).find((m) => m);
  const identities = body.filter(
    (l) => /\[[A-Z_]+\]|error|Error|Could not|Cannot/.test(l) && !/^error during build:|^Build failed with/.test(l),
  );
  if (start === -1 && !count) return fallback('build', 'build', lines, run);
  return {
    ok: false,
    summary: count ? `build: ${plural(Number(count[1]), 'error')}` : 'build: failed',
    output: limit(body),
    signature: signatureOf('build', identities.length > 0 ? identities : body),
  };
}

/**
 * The report for one run of a check's npm script. `worktrees` are the spellings of the worktree's path
 * (as given and as resolved), stripped from the output so the model sees app-relative paths.
 */
export function reportCheck(check: CheckName, run: CheckRun, worktrees: readonly string[], timeoutMs: number): CheckReport {
  const label = check === 'test' ? 'tests' : check;
  if (run.timedOut) {
    const lines = dropNpmNoise(cleanOutput(`${run.stdout}\n${run.stderr}`, worktrees).split('\n'));
    return {
      ok: false,
      summary: `${label}: timed out after ${Math.round(timeoutMs / 1000)} s`,
      output: limit(lines.filter((l) => l.trim() !== '').slice(-20)),
      signature: `${check}:timeout`,
    };
  }
  const lines = dropNpmNoise(cleanOutput(`${run.stdout}\n${run.stderr}`, worktrees).split('\n'));
  switch (check) {
    case 'typecheck':
      return typecheck(lines, run);
    case 'lint':
      return lint(lines, run);
    case 'test':
    case 'e2e':
      return tests(check, lines, run);
    case 'build':
      return build(lines, run);
  }
}
