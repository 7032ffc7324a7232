/**
 * WebSocket messages of spec §11.2 (plus agent_status and error), and the JSON the CLI prints for
 * `catalyst build --json`. The server, the UI and the CLI all use these.
 */
import { z } from 'zod';
import { AgentId } from './events.ts';
import { LlmCallSchema, TaskCostSchema, TaskLlmOptionsSchema } from './llm.ts';
import { TaskPhase } from './records.ts';

export const AgentLogMessage = z.object({
  type: z.literal('agent_log'),
  task_id: z.uuid(),
  agent_name: z.string(),
  message: z.string(),
  level: z.enum(['debug', 'info', 'warning', 'error']),
  timestamp: z.string(),
});
export const ProgressMessage = z.object({
  type: z.literal('progress'),
  task_id: z.uuid(),
  phase: TaskPhase,
  progress: z.number().min(0).max(1),
  files_created: z.number().int().min(0),
  total_estimated_files: z.number().int().min(0),
});
export const PreviewReadyMessage = z.object({
  type: z.literal('preview_ready'),
  task_id: z.uuid(),
  preview_url: z.string(),
  fallback_url: z.string().nullable(),
});
export const TaskCompleteMessage = z.object({
  type: z.literal('task_complete'),
  task_id: z.uuid(),
  status: z.enum(['completed', 'failed', 'cancelled']),
  artifacts: z.object({ code: z.string(), tests: z.string(), preview: z.string().nullable() }),
  error: z.string().nullable().optional(),
});
export const AgentStatusMessage = z.object({
  type: z.literal('agent_status'),
  task_id: z.uuid(),
  agent_name: AgentId,
  status: z.enum(['queued', 'running', 'done', 'failed']),
  duration_ms: z.number().int().min(0).nullable(),
});
/** One language-model call of the task as it happened (tokens, cost, cache hit); GET …/cost has the totals. */
export const LlmCallMessage = z.object({
  type: z.literal('llm_call'),
  task_id: z.uuid(),
  call: LlmCallSchema,
});
export const ErrorMessage = z.object({
  type: z.literal('error'),
  task_id: z.uuid().nullable(),
  code: z.string(),
  message: z.string(),
  hint: z.string().nullable(),
});

export const ServerMessage = z.discriminatedUnion('type', [
  AgentLogMessage,
  ProgressMessage,
  PreviewReadyMessage,
  TaskCompleteMessage,
  AgentStatusMessage,
  LlmCallMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export const PhaseTiming = z.object({
  agent: AgentId,
  status: z.enum(['done', 'failed', 'skipped']),
  duration_ms: z.number().int().min(0),
  runs: z.number().int().min(0),
});
export type PhaseTiming = z.infer<typeof PhaseTiming>;

/** Why a build did not complete: a stable code, the phase that failed, and what to do. */
export const BuildFailure = z.object({
  code: z.string(),
  message: z.string(),
  phase: z.string(),
  hint: z.string().nullable(),
});
export type BuildFailure = z.infer<typeof BuildFailure>;

/** `catalyst build --json` prints exactly this object on stdout (and GET /api/tasks/{id}/result answers it, without via/duration). */
export const BuildResult = z.object({
  task_id: z.uuid(),
  trace_id: z.uuid(),
  project_id: z.uuid(),
  project_name: z.string(),
  project_slug: z.string(),
  mode: z.enum(['sequential', 'event_driven']),
  status: z.enum(['completed', 'failed', 'cancelled']),
  /** The phase the task ended in: `done`, or the phase that failed. */
  phase: TaskPhase,
  error: BuildFailure.nullable(),
  repo_path: z.string(),
  branch: z.string().nullable(),
  /** The task's own checkout of `branch` (null before the coder made one). */
  worktree_path: z.string().nullable(),
  commit: z.string().nullable(),
  /** `main` after the approved branch was merged into it (storage.git.merge_on_approval); null otherwise. */
  main_commit: z.string().nullable(),
  preview_url: z.string().nullable(),
  fallback_url: z.string().nullable(),
  artifacts_dir: z.string(),
  /**
   * Asked-for behaviours the build left out, one line each ("redirect a short link to its long URL: needs a
   * language model: …"), from plan.scope; [] when the plan left nothing out (issue 14).
   */
  not_built: z.array(z.string()).default([]),
  /** The task's model calls summed per agent and overall (all zero without a model). */
  cost: TaskCostSchema,
  duration_ms: z.number().int().min(0),
  phases: z.array(PhaseTiming),
  /** embedded: this process ran the agents; server: a running `catalyst serve` did. */
  via: z.enum(['embedded', 'server']),
  /** The preview outlives this command under a supervisor (`catalyst preview list|stop|restart`). */
  preview_supervised: z.boolean(),
});
export type BuildResult = z.infer<typeof BuildResult>;

/** Control characters (except tab and newline) never reach agents, logs or generated files. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A build request as the CLI and `POST /api/tasks` accept it; the prompt limit comes from config. */
export function buildRequestSchema(maxPromptChars: number) {
  return z
    .object({
      prompt: z
        .string({ error: 'the prompt must be text' })
        .transform((s) => s.replace(CONTROL_CHARS, '').trim())
        .pipe(
          z
            .string()
            .min(1, 'the prompt is empty or blank: describe the app to build, e.g. "build a todo app with user auth"')
            .max(
              maxPromptChars,
              `the prompt is over ${maxPromptChars} characters (limits.max_prompt_chars): shorten it, or raise the limit in config.yaml`,
            ),
        ),
      project_name: z.string().trim().min(1, 'the project name is empty').max(80, 'the project name is over 80 characters').optional(),
      mode: z.enum(['sequential', 'event_driven']).optional(),
      explorer_scan_id: z
        .uuid({
          error: 'explorer_scan_id (--from-scan) must be a scan id, a UUID such as `catalyst scans` and GET /api/explorer/scans list',
        })
        .optional()
        .describe(
          "Build from this completed explorer scan: the scanned records become the app's data model, while the prompt decides its name, sign-in and language",
        ),
      budget: TaskLlmOptionsSchema.shape.budget.describe(
        "This task's model budget: max_tokens and/or max_usd (a limit left out is the config's budget.*); a model call that would pass it stops the task with budget_exceeded",
      ),
      no_cache: z
        .boolean()
        .optional()
        .describe("Ask the models afresh instead of answering from Catalyst's response cache (answers are still stored)"),
    })
    .strict();
}
export type BuildRequest = z.infer<ReturnType<typeof buildRequestSchema>>;
