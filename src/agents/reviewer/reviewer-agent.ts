/**
 * Reviewer (spec §4.5): measures the code (type errors by `tsc`, cyclomatic complexity with the
 * TypeScript parser, maintainability lint by ESLint, duplication by a token-window finder, file sizes, TODO markers,
 * docs) together with the tester's results and scans (secrets, SAST, dependency audit, e2e), decides
 * by the thresholds in config, and writes review/ with the reasons. Items carry file, line, message
 * and suggestion so `changes_requested` can go back to the coder.
 */
import { measureComplexity } from '../../analysis/complexity.ts';
import { findDuplication } from '../../analysis/duplication.ts';
import { LINT_TARGETS, runQualityLint } from '../../analysis/quality-lint.ts';
import { Plan, TestSummary, type ReviewDecision } from '../../contracts/artifacts.ts';
import type { EventDraft, ReviewItem } from '../../contracts/events.ts';
import type { AgentContext, AgentDefinition } from '../../core/agent.ts';
import { isFailingModelError, modelFailure, usageLine } from '../shared/ask-for-object.ts';
import { parseArtifact } from '../shared/artifact-json.ts';
import { expectEvent } from '../shared/expect-event.ts';
import { decideReview, QUALITY_LIMITS, type ReviewMetrics } from './decide.ts';
import { askForReview, reviewItemsOf } from './model-review.ts';
import { reviewScope } from './scope-review.ts';

const CODE_FILE = /^(backend|frontend)\/.*\.[cm]?[jt]sx?$/;
const TS_ERROR = /error TS\d+:/g;
const TS_ERROR_LINE = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm;
const TEST_FILE = /(^|\/)(test|tests|__tests__|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/** What to do about each SAST rule, in the coder's terms. */
const SAST_SUGGESTIONS: Record<string, string> = {
  'no-eval': 'remove eval(); parse data with JSON.parse or a schema (zod) instead of running it',
  'security/detect-eval-with-expression': 'remove eval(); parse data with JSON.parse or a schema (zod) instead of running it',
  'no-implied-eval': 'pass a function, not a string, to setTimeout/setInterval',
  'no-new-func': 'replace new Function() with a plain function',
  'catalyst/no-inner-html': 'render text through React (JSX children) or sanitize the HTML first',
  'catalyst/no-sql-interpolation': 'use bound parameters (drizzle query builder or sql`` tagged template)',
  'security/detect-child-process': 'do not start processes from request handlers; if unavoidable use execFile with a fixed command',
  'security/detect-non-literal-require': 'import modules by literal name',
  'security/detect-unsafe-regex': 'rewrite the regular expression without nested quantifiers (ReDoS)',
  'security/detect-possible-timing-attacks': 'compare secrets with crypto.timingSafeEqual',
  'security/detect-pseudoRandomBytes': 'use crypto.randomBytes',
};

interface Finding {
  rule: string;
  description: string;
  severity: string;
  file: string;
  line: number;
}

export const reviewerAgent: AgentDefinition = {
  id: 'reviewer',
  description: 'Scores code quality, security, coverage and docs; approves or requests changes',
  consumes: [{ routingKey: 'catalyst.test.results', where: { field: 'status', equals: 'passed' } }],
  emits: ['review.decision', 'task.failed'],
  // With a model (agents.reviewer.llm) it also reviews the diff and the request against what was built
  // (model-review.ts); its blocking items join the measured ones, and so reach the coder's repair loop.
  async handle(event, ctx) {
    const results = expectEvent(event, 'test.results');
    const taskId = ctx.task.id;
    const dir = ctx.paths.worktree;
    const { artifacts, workspace } = ctx.ports;
    const summary = parseArtifact(
      TestSummary,
      await artifacts.read(taskId, 'test-results/test-summary.json'),
      'test-results/test-summary.json',
    );
    const readJson = async <T>(name: string, fallback: T): Promise<T> => {
      const text = await artifacts.read(taskId, `test-results/security/${name}`);
      return text === null ? fallback : (JSON.parse(text) as T);
    };
    const readFindings = async (name: string) => (await readJson<{ findings?: Finding[] }>(name, {})).findings ?? [];

    ctx.log('Analyzing code quality...');
    const files = await workspace.listFiles(dir);
    const code = files.filter((f) => CODE_FILE.test(f));
    let lines = 0;
    let largest = 0;
    let todos = 0;
    const largeFiles: string[] = [];
    for (const path of code) {
      const text = (await workspace.readText(`${dir}/${path}`)) ?? '';
      const n = text.split('\n').length;
      lines += n;
      largest = Math.max(largest, n);
      if (n > 400) largeFiles.push(path);
      todos += (text.match(/\b(TODO|FIXME|XXX)\b/g) ?? []).length;
    }
    ctx.log(`Checked ${code.length} code files (${lines} lines, largest ${largest})`);
    const fileSizes: Array<{ file: string; lines: number }> = [];
    const appSources: Array<{ path: string; content: string }> = [];
    for (const path of code) {
      const content = (await workspace.readText(`${dir}/${path}`)) ?? '';
      fileSizes.push({ file: path, lines: content.split('\n').length });
      if (!TEST_FILE.test(path)) appSources.push({ path, content });
    }
    fileSizes.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));

    const lint = await runQualityLint(dir);
    const functions = await measureComplexity(appSources.filter((f) => LINT_TARGETS.some((t) => f.path.startsWith(`${t}/`))));
    const complexFunctions = functions.filter((f) => f.complexity > QUALITY_LIMITS.maxFunctionComplexity);
    const complexities = functions.map((f) => f.complexity);
    const maxComplexity = complexities.length === 0 ? 0 : Math.max(...complexities);
    const meanComplexity =
      complexities.length === 0 ? 0 : Math.round((complexities.reduce((a, b) => a + b, 0) / complexities.length) * 100) / 100;
    ctx.log(
      `Code complexity: ${functions.length} functions, mean ${meanComplexity}, max ${maxComplexity}; ${complexFunctions.length} above ${QUALITY_LIMITS.maxFunctionComplexity}`,
    );
    if (lint.status !== 'ran') ctx.log(`Maintainability lint not run: ${lint.reason}`);
    const duplication = findDuplication(appSources);
    ctx.log(
      `Duplication: ${(duplication.ratio * 100).toFixed(1)}% (${duplication.duplicated_lines}/${duplication.total_lines} lines, ${duplication.clones.length} clone(s))`,
    );

    let typeErrors = 0;
    let typeErrorList: Array<{ file: string; line: number; code: string; message: string }> = [];
    let typeCheckNote = 'skipped (agents.reviewer.run_type_check is false)';
    // The app's own scripts run its own config files (untrusted code), so they go through the sandboxed runner.
    const runScript = (script: string) =>
      ctx.ports.runner.run({
        command: 'npm',
        args: ['run', '--silent', script],
        cwd: dir,
        env: { NO_COLOR: '1' },
        timeoutMs: ctx.settings.tester.timeoutMs,
        memoryMb: ctx.settings.tester.memoryMb,
        signal: ctx.signal,
      });
    if (ctx.settings.reviewer.runTypeCheck) {
      ctx.log('Type-checking with tsc --noEmit...');
      const tsc = await runScript('typecheck');
      typeErrors = (tsc.stdout.match(TS_ERROR) ?? []).length + (tsc.stderr.match(TS_ERROR) ?? []).length;
      if (tsc.exitCode !== 0 && typeErrors === 0) typeErrors = 1;
      typeErrorList = [...`${tsc.stdout}\n${tsc.stderr}`.matchAll(TS_ERROR_LINE)].map((m) => ({
        file: m[1]!.trim(),
        line: Number(m[2]),
        code: m[4]!,
        message: m[5]!,
      }));
      typeCheckNote = tsc.timedOut ? 'timed out' : `exit ${tsc.exitCode}`;
      await artifacts.write(taskId, 'review/typecheck.log', `${tsc.stdout}\n${tsc.stderr}`);
      ctx.log(`TypeScript: ${typeErrors} error(s)`);
    }

    // The app's own lint (`npm run lint`, its eslint.config.js): "clean by its own standards".
    let ownLintErrors = 0;
    let ownLintNote = 'skipped (the app has no lint script)';
    const hasLintScript = /"lint"\s*:/.test((await workspace.readText(`${dir}/package.json`)) ?? '');
    if (ctx.settings.reviewer.runTypeCheck && hasLintScript) {
      ctx.log("Running the app's own lint (npm run lint)...");
      const run = await runScript('lint');
      const output = `${run.stdout}\n${run.stderr}`;
      const counted = /\((\d+) errors?, \d+ warnings?\)/.exec(output);
      ownLintErrors = counted ? Number(counted[1]) : run.exitCode === 0 ? 0 : 1;
      ownLintNote = run.timedOut ? 'timed out' : `exit ${run.exitCode}`;
      await artifacts.write(taskId, 'review/lint.log', output);
      ctx.log(`Own lint: ${ownLintErrors} error(s)`);
    }

    const secrets = await readFindings('secret-scan.json');
    const unsafe = await readFindings('sast-results.json');
    const sastReport = await readJson<{ status?: string; scanner?: string; reason?: string | null }>('sast-results.json', {});
    const dependencyScan = await readJson<{ status?: string; reason?: string | null; vulnerabilities?: unknown; advisories?: unknown[] }>(
      'dependency-scan.json',
      {
        status: 'unavailable',
        reason: 'the tester wrote no dependency-scan.json',
      },
    );
    const actionable = unsafe.filter((f) => f.severity !== 'low');
    const suiteTotal = summary.backend.total + summary.frontend.total;
    const suitePassed = summary.backend.passed + summary.frontend.passed;
    const metrics: ReviewMetrics = {
      coverage: results.payload.coverage,
      pass_rate: suiteTotal === 0 ? 0 : suitePassed / suiteTotal,
      type_errors: typeErrors,
      lint_errors: actionable.length + lint.findings.length + ownLintErrors,
      secrets_found: secrets.length,
      todo_markers: todos,
      files: files.length,
      lines_of_code: lines,
      largest_file_lines: largest,
      security_critical: summary.security.critical,
      security_high: summary.security.high,
      has_readme: files.includes('README.md'),
      has_api_contract: files.includes('architecture/api-contracts/openapi.yaml'),
      adr_count: files.filter((f) => f.startsWith('architecture/adr/')).length,
      large_files: largeFiles,
      sast_findings: actionable.length,
      quality_lint_findings: lint.findings.length,
      complex_functions: complexFunctions,
      duplication_ratio: duplication.ratio,
      e2e_note: summary.e2e.status === 'passed' ? null : (summary.e2e.note ?? `e2e ${summary.e2e.status}`),
      dependency_audit_note: dependencyScan.status === 'ran' ? null : (dependencyScan.reason ?? 'not run'),
      smoke_failure: summary.smoke?.status === 'failed' ? (summary.smoke.reason ?? 'failed') : null,
      smoke_note: summary.smoke?.status === 'skipped' ? summary.smoke.reason : null,
    };
    // Low-severity SAST findings (e.g. every obj[key]) stay in security-review.json: as items they would bury the real ones.
    const findingItems: ReviewItem[] = [
      ...[...secrets, ...actionable].map((f) => ({
        severity: (['critical', 'high', 'medium', 'low'].includes(f.severity) ? f.severity : 'medium') as ReviewItem['severity'],
        file: f.file,
        line: f.line,
        message: f.description,
        suggestion: secrets.includes(f)
          ? 'read the value from the environment'
          : (SAST_SUGGESTIONS[f.rule] ?? `remove the construct (rule ${f.rule})`),
        blocking: f.severity === 'critical' || f.severity === 'high',
      })),
      ...typeErrorList.slice(0, 20).map((e) => ({
        severity: 'high' as const,
        file: e.file,
        line: e.line,
        message: `${e.code}: ${e.message}`,
        suggestion: 'fix the type error',
        blocking: false,
      })),
      ...lint.findings.map((f) => ({
        severity: 'low' as const,
        file: f.file,
        line: f.line,
        message: `${f.message} (${f.rule})`,
        suggestion: `fix it (ESLint rule ${f.rule})`,
        blocking: false,
      })),
    ];
    let modelReview: ReviewDecision['model_review'];
    const model = ctx.models.for('reviewer');
    if (model) {
      const reviewed = await reviewWithModel(ctx, event.commit);
      if ('failed' in reviewed) return { events: [reviewed.failed] };
      modelReview = reviewed.record;
      // First, so the model's findings survive the event's cap on items.
      findingItems.unshift(...reviewed.items);
    }
    const thresholds = {
      minApprovalScore: ctx.settings.reviewer.minApprovalScore,
      minCoverage: ctx.settings.reviewer.minCoverage,
      minPassRate: ctx.settings.reviewer.minPassRate,
      maxTypeErrors: ctx.settings.reviewer.maxTypeErrors,
    };
    // What the request asked for beyond records must be in the plan's scope, built or listed as not built.
    const planText = await artifacts.read(taskId, 'planning/plan.yaml');
    const scope = reviewScope(ctx.task.user_prompt, planText === null ? null : parseArtifact(Plan, planText, 'planning/plan.yaml'));
    const measured = decideReview(metrics, thresholds, [...scope.items, ...findingItems]);
    const verdict = { ...measured, recommendations: [...scope.recommendations, ...measured.recommendations] };
    const now = ctx.clock.now().toISOString();
    const {
      security_critical: _c,
      security_high: _h,
      has_readme: _r,
      has_api_contract: _a,
      adr_count: _d,
      large_files: _l,
      ...plainMetrics
    } = metrics;
    const decision: ReviewDecision = {
      ...verdict,
      metrics: plainMetrics,
      thresholds: {
        min_coverage: thresholds.minCoverage,
        min_pass_rate: thresholds.minPassRate,
        min_approval_score: thresholds.minApprovalScore,
        max_type_errors: thresholds.maxTypeErrors,
      },
      approved_by: 'reviewer-agent',
      approved_at: verdict.decision === 'approved' ? now : null,
      ...(modelReview ? { model_review: modelReview } : {}),
    };

    const pct = (n: number | null) => (n === null ? 'n/a' : `${(n * 100).toFixed(1)}%`);
    await artifacts.write(taskId, 'review/review-decision.json', `${JSON.stringify(decision, null, 2)}\n`);
    await artifacts.write(
      taskId,
      'review/code-quality.json',
      `${JSON.stringify(
        {
          files: files.length,
          code_files: code.length,
          lines_of_code: lines,
          largest_file_lines: largest,
          large_files: largeFiles,
          file_sizes: fileSizes,
          todo_markers: todos,
          type_errors: typeErrors,
          type_check: typeCheckNote,
          own_lint: { note: ownLintNote, errors: ownLintErrors },
          type_error_list: typeErrorList,
          complexity: {
            tool: 'cyclomatic, TypeScript parser (the decisions ESLint 9 counts), backend/src and frontend/src, tests excluded',
            status: 'ran',
            reason: null,
            functions_measured: functions.length,
            mean: meanComplexity,
            max: maxComplexity,
            limit: QUALITY_LIMITS.maxFunctionComplexity,
            over_limit: complexFunctions,
            functions,
          },
          duplication: { ...duplication, limit_ratio: QUALITY_LIMITS.maxDuplicationRatio },
          lint: { status: lint.status, findings: lint.findings },
          unsafe_patterns: unsafe.length,
        },
        null,
        2,
      )}\n`,
    );
    await artifacts.write(
      taskId,
      'review/security-review.json',
      `${JSON.stringify(
        {
          counts: summary.security,
          secrets,
          sast: {
            status: sastReport.status ?? 'unknown',
            scanner: sastReport.scanner ?? 'unknown',
            reason: sastReport.reason ?? null,
            findings: unsafe,
          },
          dependency_audit: dependencyScan,
          e2e: { status: summary.e2e.status, note: summary.e2e.note },
          smoke: summary.smoke ? { status: summary.smoke.status, reason: summary.smoke.reason } : null,
        },
        null,
        2,
      )}\n`,
    );
    await artifacts.write(
      taskId,
      'review/recommendations.md',
      `# Recommendations\n\n${decision.recommendations.length === 0 ? 'None: no finding called for one.' : decision.recommendations.map((r) => `- ${r}`).join('\n')}\n`,
    );
    await artifacts.write(
      taskId,
      'review/review-summary.md',
      [
        `# Code review — ${decision.decision.replace('_', ' ')}`,
        '',
        `Overall score: **${decision.overall_score}/100** (approval threshold ${thresholds.minApprovalScore})`,
        '',
        '| area | score |',
        '|---|---|',
        ...Object.entries(decision.breakdown).map(([k, v]) => `| ${k.replace('_', ' ')} | ${v} |`),
        '',
        '## Measurements',
        '',
        `- Tests: ${suitePassed}/${suiteTotal} passed; line coverage ${pct(metrics.coverage)} (required ${pct(thresholds.minCoverage)})`,
        `- TypeScript errors: ${typeErrors} (${typeCheckNote})`,
        `- The app's own lint (npm run lint): ${ownLintErrors} error(s) (${ownLintNote})`,
        `- Unsafe patterns (SAST): ${actionable.length} medium or higher, ${unsafe.length - actionable.length} low; secrets found: ${secrets.length}; maintainability lint: ${lint.findings.length}`,
        `- Cyclomatic complexity: mean ${meanComplexity}, max ${maxComplexity} over ${functions.length} functions; ${complexFunctions.length} above ${QUALITY_LIMITS.maxFunctionComplexity}`,
        `- Duplication: ${(duplication.ratio * 100).toFixed(1)}% of source lines (${duplication.clones.length} clone(s))`,
        `- Browser smoke check: ${summary.smoke ? `${summary.smoke.status}${summary.smoke.reason ? ` (${summary.smoke.reason})` : ''}` : 'not recorded'}`,
        `- Browser tests: ${summary.e2e.status}${summary.e2e.note ? ` (${summary.e2e.note})` : ''}; dependency audit: ${dependencyScan.status}${dependencyScan.reason ? ` (${dependencyScan.reason})` : ''}`,
        `- ${code.length} code files, ${lines} lines, largest ${largest} lines; TODO markers: ${todos}`,
        '',
        ...modelReviewLines(decision.model_review),
        '## Issues',
        '',
        ...(decision.issues.length === 0
          ? ['None.']
          : decision.issues.map(
              (i) =>
                `- [${i.severity}${i.blocking ? ', blocking' : ''}] ${i.message}${i.file ? ` (${i.file}${i.line ? `:${i.line}` : ''})` : ''} — ${i.suggestion}`,
            )),
        '',
      ].join('\n'),
    );
    ctx.log(
      `Code review complete: score ${decision.overall_score}/100 — ${decision.decision.toUpperCase()}`,
      decision.decision === 'approved' ? 'info' : 'warning',
    );

    return {
      events: [
        {
          event_type: 'review.decision',
          branch: event.branch,
          commit: event.commit,
          payload: {
            decision: decision.decision,
            score: decision.overall_score,
            blocking_issues: decision.blocking_issues,
            recommendations: decision.recommendations.length,
            items: decision.issues.slice(0, 30),
            artifacts: [`file://${artifacts.location(taskId)}/review/review-summary.md`],
            repair_round: results.payload.repair_round,
          },
        },
      ],
    };
  },
};

/** The model's review of the branch (reviewer.llm): its items, and what review-decision.json records of it. */
async function reviewWithModel(
  ctx: AgentContext,
  commit: string,
): Promise<{ items: ReviewItem[]; record: NonNullable<ReviewDecision['model_review']> } | { failed: EventDraft<'task.failed'> }> {
  const model = ctx.models.for('reviewer')!;
  const by = `${model.provider} model ${model.model}`;
  ctx.log(`Reviewing the diff and the request with ${by}...`);
  const slug = ctx.project.slug;
  const plan = parseArtifact(Plan, await ctx.ports.git.readFile(slug, commit, 'planning/plan.yaml'), 'planning/plan.yaml');
  const requirements = ctx.task.user_prompt;
  const diff = await ctx.ports.git.diff(ctx.paths.worktree, 'main', commit);
  try {
    const { asked, omitted } = await askForReview(model, { requirements, plan, diff });
    if (!asked.ok) {
      ctx.log(`${asked.note} (${asked.reason})`, 'warning');
      return {
        items: [],
        record: {
          status: 'fallback',
          by,
          summary: null,
          does_what_was_asked: null,
          unmet_acceptance_criteria: [],
          files_not_shown: omitted,
          note: asked.note,
        },
      };
    }
    const review = asked.object;
    ctx.log(usageLine('Review written', asked.usage, asked.rounds));
    for (const u of review.unmet_acceptance_criteria) ctx.log(`Unmet (${u.feature}): ${u.criterion} — ${u.why}`, 'warning');
    return {
      items: reviewItemsOf(review),
      record: {
        status: 'reviewed',
        by: `${asked.usage.provider} model ${asked.usage.model}`,
        summary: review.summary,
        does_what_was_asked: review.does_what_was_asked,
        unmet_acceptance_criteria: review.unmet_acceptance_criteria,
        files_not_shown: omitted,
        note: null,
      },
    };
  } catch (e) {
    if (!isFailingModelError(e)) throw e;
    ctx.log(e.message, 'error');
    return { failed: modelFailure(e, 'review') };
  }
}

function modelReviewLines(r: ReviewDecision['model_review']): string[] {
  if (!r) return [];
  if (r.status === 'fallback') return ['## Model review', '', `Not used: ${r.note}`, ''];
  return [
    '## Model review',
    '',
    `By ${r.by}: ${r.summary}`,
    '',
    `Does what was asked: ${r.does_what_was_asked ? 'yes' : 'no'}`,
    '',
    ...(r.unmet_acceptance_criteria.length === 0
      ? ['Every acceptance criterion is met.']
      : ['Unmet acceptance criteria:', '', ...r.unmet_acceptance_criteria.map((u) => `- ${u.feature}: ${u.criterion} — ${u.why}`)]),
    ...(r.files_not_shown.length > 0 ? ['', `Not shown to the model (length): ${r.files_not_shown.join(', ')}`] : []),
    '',
  ];
}
