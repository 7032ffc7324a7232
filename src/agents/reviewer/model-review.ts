/**
 * The reviewer with a model (issue 14): besides the measurements, the model reads the request, the plan's
 * acceptance criteria and scope, and the branch's diff, and says whether the app does what was asked, which
 * criteria are unmet and what to change, as ReviewItems (file, line, severity, suggestion). Critical and high
 * items and every unmet criterion are blocking, so `changes_requested` sends them to the coder's repair loop.
 *
 * The diff is bounded (MAX_DIFF_CHARS): the app's own sources first, then tests, then the rest; lock files
 * and generated migration snapshots are left out, and whatever did not fit is named, so the model knows
 * what it has not seen.
 */
import { z } from 'zod';
import type { Plan } from '../../contracts/artifacts.ts';
import type { ReviewItem } from '../../contracts/events.ts';
import type { FileDiff } from '../../core/ports/git-repos.ts';
import type { TaskModel } from '../../core/ports/llm.ts';
import { askForObject, type AskResult } from '../shared/ask-for-object.ts';

/** About 12k tokens of diff: room for a whole generated records app's sources in a 32k-token context. */
export const MAX_DIFF_CHARS = 48_000;
/** One file's share at most, so a single large file cannot crowd out the rest. */
const MAX_FILE_CHARS = 8_000;
/** Files a review learns nothing from. */
const SKIPPED = /(^|\/)(package-lock\.json|pnpm-lock\.yaml|yarn\.lock)$|(^|\/)drizzle\/meta\/|\.(png|jpe?g|gif|ico|svg|woff2?)$/;
const TEST_FILE = /(^|\/)(test|tests|__tests__|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

const Text = z.string().trim().min(1);

export const ModelReview = z.object({
  summary: Text.describe('two or three sentences: what the app does and how it compares with the request'),
  does_what_was_asked: z.boolean(),
  items: z.array(
    z.object({
      file: z.string().nullable().describe('a path from the diff, or null for the app as a whole'),
      line: z.number().int().min(1).nullable().describe("a line in the file's new version, or null"),
      severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
      message: Text,
      suggestion: Text.describe('what the coder should change'),
    }),
  ),
  unmet_acceptance_criteria: z.array(
    z.object({
      feature: z.string().describe('the feature id, e.g. F2'),
      criterion: z.string().describe('the criterion, copied exactly from the plan'),
      why: Text,
    }),
  ),
});
export type ModelReview = z.infer<typeof ModelReview>;

const SYSTEM = [
  'You are the code reviewer of Catalyst, a software factory that builds TypeScript web apps. Tests, type checks, lint and security scans have already been run and scored; review what they cannot see.',
  'Judge whether the app does what the request asks, check each acceptance criterion of the plan against the code, and point at concrete problems in the diff (correctness, security, missing behaviour) with the file and line.',
  'Report an acceptance criterion as unmet only when the code shows it is not met. Keep items actionable; do not restate style preferences.',
  'Answer with one JSON object matching the schema, nothing else.',
].join('\n');

export interface ReviewContext {
  requirements: string;
  plan: Plan;
  diff: readonly FileDiff[];
}

/** The part of the diff the model sees, and the paths it does not. */
export function boundedDiff(diff: readonly FileDiff[], maxChars = MAX_DIFF_CHARS): { text: string; shown: string[]; omitted: string[] } {
  const rank = (path: string) => (TEST_FILE.test(path) ? 1 : /^(backend|frontend)\/src\//.test(path) ? 0 : 2);
  const files = diff.filter((d) => !SKIPPED.test(d.path) && d.patch !== '').sort((a, b) => rank(a.path) - rank(b.path));
  const parts: string[] = [];
  const shown: string[] = [];
  const omitted: string[] = [];
  let used = 0;
  for (const f of files) {
    const patch = f.patch.length > MAX_FILE_CHARS ? `${f.patch.slice(0, MAX_FILE_CHARS)}\n… (rest of ${f.path} cut)\n` : f.patch;
    if (used + patch.length > maxChars) {
      omitted.push(f.path);
      continue;
    }
    parts.push(patch);
    shown.push(f.path);
    used += patch.length;
  }
  return { text: parts.join(''), shown, omitted };
}

export function reviewPrompt(c: ReviewContext, diff: ReturnType<typeof boundedDiff>): string {
  const { plan } = c;
  return [
    `Request:\n${c.requirements}`,
    `Acceptance criteria (feature id, criterion):\n${plan.features
      .map((f) => `${f.id} ${f.name}\n${f.acceptance_criteria.map((a) => `  - ${a}`).join('\n')}`)
      .join('\n')}`,
    `Kind of app: ${plan.scope?.kind ?? 'records_app'}; behaviours beyond records: ${
      (plan.scope?.behaviours ?? [])
        .map((b) => `${JSON.stringify(b.name)} (${b.built ? 'built' : `not built: ${b.reason ?? 'no reason given'}`})`)
        .join(', ') || 'none'
    }`,
    `Diff of the branch (${diff.shown.length} files)${diff.omitted.length ? `; not shown for length: ${diff.omitted.join(', ')}` : ''}:\n${diff.text}`,
  ].join('\n\n');
}

export function reviewProblems(answer: ModelReview, c: ReviewContext): string[] {
  const problems: string[] = [];
  const paths = new Set(c.diff.map((d) => d.path));
  for (const item of answer.items)
    if (item.file !== null && !paths.has(item.file))
      problems.push(`item file ${item.file} is not a file of the diff (use null for the app as a whole)`);
  for (const u of answer.unmet_acceptance_criteria) {
    const feature = c.plan.features.find((f) => f.id === u.feature);
    if (!feature) problems.push(`unmet criterion names feature ${u.feature}, which is not in the plan`);
    else if (!feature.acceptance_criteria.includes(u.criterion))
      problems.push(`unmet criterion ${JSON.stringify(u.criterion)} is not one of ${u.feature}'s criteria; copy it exactly`);
  }
  return problems;
}

/** The model's review as ReviewItems: critical/high items and every unmet criterion block approval. */
export function reviewItemsOf(answer: ModelReview): ReviewItem[] {
  const items: ReviewItem[] = answer.unmet_acceptance_criteria.map((u) => ({
    severity: 'high',
    file: null,
    line: null,
    message: `acceptance criterion not met (${u.feature}): ${u.criterion} — ${u.why}`,
    suggestion: `make the app meet it: ${u.criterion}`,
    blocking: true,
  }));
  if (!answer.does_what_was_asked && items.length === 0)
    items.push({
      severity: 'high',
      file: null,
      line: null,
      message: `the app does not do what was asked: ${answer.summary}`,
      suggestion: 'build what the request asks for',
      blocking: true,
    });
  for (const i of answer.items) items.push({ ...i, blocking: i.severity === 'critical' || i.severity === 'high' });
  return items;
}

/** Asks the reviewer's model; a failing model error (budget, auth, …) is thrown. `omitted`: diff files it was not shown. */
export async function askForReview(model: TaskModel, c: ReviewContext): Promise<{ asked: AskResult<ModelReview>; omitted: string[] }> {
  const diff = boundedDiff(c.diff);
  const asked = await askForObject(
    model,
    {
      system: SYSTEM,
      prompt: reviewPrompt(c, diff),
      schema: ModelReview,
      schemaName: 'review',
      schemaDescription: 'the review of the app',
    },
    { document: 'review (measurements only)', check: (answer) => reviewProblems(answer, c) },
  );
  return { asked, omitted: diff.omitted };
}
