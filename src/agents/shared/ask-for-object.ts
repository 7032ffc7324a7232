/**
 * How an agent asks its model for a document (issue 14): one zod-validated object, one repair round, then
 * the deterministic fallback. The first answer that fails the schema (or the agent's own checks, e.g. "every
 * task belongs to a feature") goes back to the model with the validation errors; a second failure gives up
 * and says why, so the agent uses its rule-made document and records that it did.
 *
 * Which model errors fall back and which end the task:
 * - fall back (recorded): `llm_invalid_output` twice, `llm_timeout`, `llm_unavailable` — the model could not
 *   produce the document now, and the rules can;
 * - end the task: `budget_exceeded` (the user set a limit; spending past it or silently switching to rules
 *   would ignore it), `llm_auth_failed`, `llm_model_not_found`, `llm_context_too_long` (the configuration is
 *   wrong and every later call would fail the same way) and `llm_replay_missing` (a replayed build must be
 *   the recorded one, byte for byte). These are rethrown; `modelFailure` turns them into task.failed.
 * Anything else (an aborted task, a bug) is rethrown as it is.
 */
import type { EventDraft } from '../../contracts/events.ts';
import type { ErrorCode } from '../../contracts/errors.ts';
import { AppError } from '../../core/errors.ts';
import type { ChatMessage, GenerationUsage, ObjectRequest, TaskModel } from '../../core/ports/llm.ts';

/** Model errors after which the agent uses its rule-made document instead. */
const FALLBACK_CODES = ['llm_invalid_output', 'llm_timeout', 'llm_unavailable'] as const;
type FallbackCode = (typeof FALLBACK_CODES)[number];
const fallsBack = (code: ErrorCode): code is FallbackCode => (FALLBACK_CODES as readonly ErrorCode[]).includes(code);
/** Model errors that end the task: see the module comment. */
const FAILING_CODES: ReadonlySet<ErrorCode> = new Set([
  'budget_exceeded',
  'llm_auth_failed',
  'llm_model_not_found',
  'llm_context_too_long',
  'llm_replay_missing',
]);

export type AskResult<T> =
  | { ok: true; object: T; usage: GenerationUsage; rounds: 1 | 2 }
  | {
      ok: false;
      code: FallbackCode;
      /** What went wrong, for the log: the validation errors of the last answer, or the error message. */
      reason: string;
      /** One sentence for the artifact and the activity log: which model, what happened, what was used instead. */
      note: string;
    };

export interface AskOptions<T> {
  /** What the deterministic fallback is called in the note ("plan", "design"). */
  document: string;
  /** Checks beyond the schema; each string is one problem the model is told about in the repair round. */
  check?: (value: T) => string[];
}

const describe = (model: TaskModel) => `${model.provider} model ${model.model}`;

/** Asks `model` for `request.schema`; see the module comment for the repair round and what falls back. */
export async function askForObject<T>(model: TaskModel, request: ObjectRequest<T>, opts: AskOptions<T>): Promise<AskResult<T>> {
  const first: ChatMessage[] = request.messages ? [...request.messages] : [{ role: 'user', content: request.prompt ?? '' }];
  let messages = first;
  let lastReason = '';
  for (const round of [1, 2] as const) {
    let answer: string;
    try {
      const { prompt: _prompt, ...rest } = request;
      const result = await model.generateObject({ ...rest, messages });
      const problems = opts.check?.(result.object) ?? [];
      if (problems.length === 0) return { ok: true, object: result.object, usage: result.usage, rounds: round };
      lastReason = problems.join('; ');
      answer = JSON.stringify(result.object);
    } catch (e) {
      if (!AppError.isInstance(e)) throw e;
      const code = e.code;
      if (!fallsBack(code)) throw e;
      if (code !== 'llm_invalid_output') return giveUp(model, code, e.message, opts.document);
      const details = e.details ?? {};
      lastReason = typeof details['reason'] === 'string' ? details['reason'] : e.message;
      answer = typeof details['output'] === 'string' && details['output'] !== '' ? details['output'] : '(no usable answer)';
    }
    // The repair round: the conversation so far, the rejected answer, and exactly what was wrong with it.
    messages = [
      ...first,
      { role: 'assistant', content: answer },
      {
        role: 'user',
        content: `That answer is not valid:\n${lastReason}\nAnswer again with the whole corrected JSON object, nothing else.`,
      },
    ];
  }
  return giveUp(model, 'llm_invalid_output', lastReason, opts.document);
}

function giveUp<T>(
  model: TaskModel,
  code: 'llm_invalid_output' | 'llm_timeout' | 'llm_unavailable',
  reason: string,
  document: string,
): AskResult<T> {
  const what =
    code === 'llm_invalid_output'
      ? 'answered with invalid output twice (once after a repair round with the validation errors)'
      : code === 'llm_timeout'
        ? 'did not answer in time'
        : 'was unavailable';
  return {
    ok: false,
    code,
    reason,
    note: `The ${model.agent}'s ${describe(model)} ${what}; the deterministic ${document} made by Catalyst's rules was used instead.`,
  };
}

/** Whether a model error ends the task (rather than falling back); see the module comment. */
export function isFailingModelError(e: unknown): e is AppError {
  return AppError.isInstance(e) && FAILING_CODES.has(e.code);
}

/** task.failed for a model error that ends the task: its code, the message (naming provider, model and, for a budget, the spend) and the hint. */
export function modelFailure(e: AppError, phase: string): EventDraft<'task.failed'> {
  return {
    event_type: 'task.failed',
    payload: { phase, code: e.code, reason: e.message, reasons: [e.message], ...(e.hint ? { hint: e.hint } : {}) },
  };
}

/** One line for the activity log: who answered and what it cost. */
export function usageLine(what: string, usage: GenerationUsage, rounds: 1 | 2): string {
  const cost = usage.cacheHit ? 'from the response cache' : `${usage.tokensIn} tokens in, ${usage.tokensOut} out`;
  return `${what} by ${usage.provider} model ${usage.model} (${cost}${rounds === 2 ? ', after one repair round' : ''})`;
}
