/**
 * The closed list of error codes. Edges translate them once: HTTP status (server), exit code (CLI),
 * requeue vs dead-letter (workers). docs/errors.md lists each one; a test keeps the two in sync.
 */
import { z } from 'zod';

export const ERROR_CATEGORIES = ['invalid_input', 'not_found', 'conflict', 'unavailable', 'internal'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const ERROR_CODES = {
  invalid_prompt: 'invalid_input',
  invalid_option: 'invalid_input',
  invalid_config: 'invalid_input',
  invalid_event: 'invalid_input',
  invalid_artifact: 'invalid_input',
  task_not_found: 'not_found',
  project_not_found: 'not_found',
  preview_not_found: 'not_found',
  scan_not_found: 'not_found',
  scans_busy: 'unavailable',
  store_locked: 'conflict',
  merge_conflict: 'conflict',
  port_exhausted: 'unavailable',
  service_unavailable: 'unavailable',
  disk_full: 'unavailable',
  preview_unhealthy: 'unavailable',
  command_failed: 'internal',
  git_failed: 'internal',
  agent_failed: 'internal',
  internal: 'internal',
  // HTTP edge (src/server): statuses other than the category's come from the server's one table.
  invalid_request: 'invalid_input',
  unauthorized: 'invalid_input',
  forbidden_origin: 'invalid_input',
  payload_too_large: 'invalid_input',
  route_not_found: 'not_found',
  rate_limited: 'unavailable',
  not_implemented: 'unavailable',
  task_finished: 'conflict',
  task_owned: 'conflict',
  // Language models (src/adapters/llm): messages name the provider and the model.
  llm_auth_failed: 'invalid_input',
  llm_model_not_found: 'invalid_input',
  llm_context_too_long: 'invalid_input',
  llm_timeout: 'unavailable',
  llm_unavailable: 'unavailable',
  llm_invalid_output: 'internal',
  llm_replay_missing: 'not_found',
  budget_exceeded: 'invalid_input',
  // The request's core is not keeping records and no model is configured (src/agents/planner).
  needs_model: 'invalid_input',
  // The model-driven coder (src/agents/coder/model-coder.ts) stopped: a limit, a loop, or no files at all.
  coder_limit: 'internal',
  coder_stuck: 'internal',
  coder_prose: 'internal',
} as const satisfies Record<string, ErrorCategory>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const ErrorBody = z.object({
  error: z.object({ code: ErrorCodeSchema, message: z.string(), hint: z.string().nullable() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
