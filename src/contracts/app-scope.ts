/**
 * What kind of app a request asks for, and which asked-for behaviours a build delivers (issue 14). The
 * planner records it in plan.yaml (`scope`) whenever the app is more than keeping records, so the build
 * output, the UI and the review can say exactly what was not built and why. A plain records app built
 * without a model omits it, which keeps today's plan byte for byte.
 */
import { z } from 'zod';

/** records_app: keeping records (CRUD) is the whole job; mixed: records plus behaviours beyond CRUD. */
export const APP_KINDS = ['records_app', 'interactive_tool', 'game', 'content_site', 'real_time', 'mixed'] as const;
export const AppKind = z.enum(APP_KINDS);
export type AppKind = z.infer<typeof AppKind>;

/** One asked-for behaviour beyond creating, listing, editing and deleting records. */
export const AskedBehaviour = z
  .object({
    /** In the user's words where possible: "redirect a short link to its long URL". */
    name: z.string().min(1),
    built: z.boolean(),
    /** Why it was not built (null when built): "needs a language model: …". */
    reason: z.string().min(1).nullable(),
  })
  .strict();
export type AskedBehaviour = z.infer<typeof AskedBehaviour>;

export const AppScope = z
  .object({
    kind: AppKind,
    behaviours: z.array(AskedBehaviour),
    /** Who decided: the deterministic understanding or the planner's model. */
    decided_by: z.enum(['rules', 'model']),
  })
  .strict();
export type AppScope = z.infer<typeof AppScope>;

/** The asked-for behaviours a build leaves out, as one line each for the CLI, the UI and the review. */
export function notBuiltOf(scope: AppScope | undefined): string[] {
  return (scope?.behaviours ?? []).filter((b) => !b.built).map((b) => (b.reason ? `${b.name}: ${b.reason}` : b.name));
}
