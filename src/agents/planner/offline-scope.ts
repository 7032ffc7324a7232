/**
 * Honest offline scope (issue 14): without a planner model, Catalyst writes only apps that keep records.
 * The rules' reading of the request (src/generator/understand/app-kind.ts) decides what that leaves:
 * a request whose core is something else (a game, a timer, an editor, chat) fails before any code with
 * `needs_model`; a mixed one (a URL shortener: links plus a redirect) builds its records and the plan
 * says which asked-for behaviour was not built and why.
 */
import type { AppScope } from '../../contracts/app-scope.ts';
import type { TaskFailedPayload } from '../../contracts/events.ts';
import type { z } from 'zod';
import type { PlanNotes } from '../../generator/plan/index.ts';
import { classifyAppScope, needsModel, needsModelReason, notBuiltAssumption } from '../../generator/understand/app-kind.ts';
import type { Understanding } from '../../generator/understand/index.ts';
import { CONFIGURE_MODEL_HINT } from '../shared/configure-model.ts';

export interface OfflineScope {
  /** The rules' reading of the request. */
  scope: AppScope;
  /** Set when nothing of the request can be built without a model: the planner's task.failed. */
  failed: z.infer<typeof TaskFailedPayload> | null;
  /** The notes a rules-made plan records: the understanding's, plus scope and its line when not a records app. */
  notes: PlanNotes;
}

/** What a plan made without a model (or when the model's plan fell back to the rules) may build of this request. */
export function offlineScope(requirements: string, understood: Understanding, opts: { coderModel?: boolean } = {}): OfflineScope {
  const ruled = classifyAppScope(requirements, understood);
  const notes = { assumptions: understood.assumptions, openQuestions: understood.openQuestions };
  // A records app planned by the rules omits scope: its plan stays byte for byte what it was.
  if (ruled.kind === 'records_app') return { scope: ruled, failed: null, notes };
  // The coder's model builds every asked-for behaviour on a skeleton; the reviewer judges whether it did.
  if (opts.coderModel) {
    const scope = withBehavioursBuilt(ruled);
    return { scope, failed: null, notes: { ...notes, scope } };
  }
  const scope = ruled;
  const line = notBuiltAssumption(scope, understood.domain);
  const scoped = { ...notes, assumptions: line ? [...notes.assumptions, line] : notes.assumptions, scope };
  if (!needsModel(scope)) return { scope, failed: null, notes: scoped };
  const why = needsModelReason(requirements, understood) ?? `the request's core is ${scope.kind.replace('_', ' ')}`;
  const reason = `${why}. Without a language model Catalyst builds only apps that keep records, so nothing was built.`;
  return {
    scope,
    failed: { phase: 'planning', code: 'needs_model', reason, reasons: [reason], hint: CONFIGURE_MODEL_HINT },
    notes: scoped,
  };
}

/** The scope when the coder has a model: every behaviour is to be built (and reviewed against the request). */
export function withBehavioursBuilt(scope: AppScope): AppScope {
  return { ...scope, behaviours: scope.behaviours.map((b) => ({ ...b, built: true, reason: null })) };
}
