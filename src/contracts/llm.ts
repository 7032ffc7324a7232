/**
 * Language-model accounting (issue 14): one record per model call, the totals a task page and the cost API
 * show, and what `catalyst models` lists. Providers and models are plain strings here: contracts must not
 * know which SDK serves them.
 */
import { z } from 'zod';
import { ErrorCodeSchema } from './errors.ts';

/** The agents that may call a model; the other agents (tester, deployer, explorer) never do. */
export const MODEL_AGENTS = ['planner', 'architect', 'coder', 'reviewer'] as const;
export const ModelAgentSchema = z.enum(MODEL_AGENTS);
export type ModelAgent = z.infer<typeof ModelAgentSchema>;

export const LLM_PROVIDERS = ['openai', 'anthropic', 'openai-compatible'] as const;
export const LlmProviderSchema = z.enum(LLM_PROVIDERS);
export type LlmProvider = z.infer<typeof LlmProviderSchema>;

const Tokens = z.number().int().min(0);
const Usd = z.number().min(0);

/**
 * One model call as it happened. Tokens are what the provider reported; `tokens_cached` is the part of
 * `tokens_in` the provider served from its prompt cache (billed at the cached price). A response served
 * from Catalyst's own cache or a replay file costs nothing: all token counts and the cost are 0.
 */
export const LlmCallSchema = z
  .object({
    call_id: z.string().min(1),
    task_id: z.string().nullable(),
    agent: ModelAgentSchema,
    provider: LlmProviderSchema,
    model: z.string().min(1),
    started_at: z.iso.datetime(),
    duration_ms: z.number().min(0),
    tokens_in: Tokens,
    tokens_cached: Tokens,
    tokens_out: Tokens,
    cost_usd: Usd,
    /** Served from Catalyst's response cache or a replay file, not the provider. */
    cache_hit: z.boolean(),
    status: z.enum(['ok', 'failed']),
    /** The AppError code when the call failed. */
    error_code: ErrorCodeSchema.nullable(),
  })
  .strict();
export type LlmCall = z.infer<typeof LlmCallSchema>;

export const LlmUsageTotalsSchema = z
  .object({
    calls: Tokens,
    cache_hits: Tokens,
    failed: Tokens,
    tokens_in: Tokens,
    tokens_cached: Tokens,
    tokens_out: Tokens,
    cost_usd: Usd,
  })
  .strict();
export type LlmUsageTotals = z.infer<typeof LlmUsageTotalsSchema>;

/** What `GET /api/tasks/{id}/cost` answers: the totals per agent that called a model, and overall. */
export const TaskCostSchema = z
  .object({
    task_id: z.string(),
    per_agent: z.partialRecord(ModelAgentSchema, LlmUsageTotalsSchema),
    total: LlmUsageTotalsSchema,
  })
  .strict();
export type TaskCost = z.infer<typeof TaskCostSchema>;

/** One configured model as `catalyst models` and the task page show it (never the key). */
export const ConfiguredModelSchema = z
  .object({
    agent: ModelAgentSchema,
    provider: LlmProviderSchema,
    model: z.string().min(1),
    base_url: z.string().nullable(),
    /** Tried in order when the primary is unavailable or times out. */
    fallbacks: z.array(z.object({ provider: LlmProviderSchema, model: z.string().min(1) }).strict()),
  })
  .strict();
export type ConfiguredModel = z.infer<typeof ConfiguredModelSchema>;

export function emptyUsageTotals(): LlmUsageTotals {
  return { calls: 0, cache_hits: 0, failed: 0, tokens_in: 0, tokens_cached: 0, tokens_out: 0, cost_usd: 0 };
}

/** Sums calls per agent and overall; costs are rounded to micro-dollars so sums do not drift. */
export function summarizeTaskCost(taskId: string, calls: readonly LlmCall[]): TaskCost {
  const perAgent: Partial<Record<ModelAgent, LlmUsageTotals>> = {};
  const total = emptyUsageTotals();
  for (const call of calls) {
    const agentTotals = (perAgent[call.agent] ??= emptyUsageTotals());
    for (const t of [agentTotals, total]) addCall(t, call);
  }
  return { task_id: taskId, per_agent: perAgent, total };
}

function addCall(t: LlmUsageTotals, call: LlmCall): void {
  t.calls += 1;
  if (call.cache_hit) t.cache_hits += 1;
  if (call.status === 'failed') t.failed += 1;
  t.tokens_in += call.tokens_in;
  t.tokens_cached += call.tokens_cached;
  t.tokens_out += call.tokens_out;
  t.cost_usd = Math.round((t.cost_usd + call.cost_usd) * 1e6) / 1e6;
}

/**
 * A task's own model choices, kept in its metadata (`metadata.llm`) so every process that runs one of its
 * steps applies them: `catalyst build --budget` / `--no-cache`, or the API's `budget` / `no_cache`.
 * Absent limits fall back to the config's `budget.*`.
 */
export const TaskLlmOptionsSchema = z
  .object({
    budget: z
      .object({ max_tokens: z.number().int().positive().nullable().default(null), max_usd: z.number().positive().nullable().default(null) })
      .strict()
      .optional(),
    no_cache: z.boolean().default(false),
  })
  .strict();
export type TaskLlmOptions = z.infer<typeof TaskLlmOptionsSchema>;

/** The task's options from its metadata; anything unreadable counts as none (the config's defaults apply). */
export function taskLlmOptionsOf(metadata: Record<string, unknown>): TaskLlmOptions {
  const parsed = TaskLlmOptionsSchema.safeParse(metadata.llm ?? {});
  return parsed.success ? parsed.data : { no_cache: false };
}

/** One task's line on the cost dashboard. */
export const TaskCostLineSchema = z
  .object({
    task_id: z.string(),
    project_name: z.string(),
    user_prompt: z.string(),
    status: z.string(),
    created_at: z.string(),
    per_agent: z.partialRecord(ModelAgentSchema, LlmUsageTotalsSchema),
    total: LlmUsageTotalsSchema,
  })
  .strict();
export type TaskCostLine = z.infer<typeof TaskCostLineSchema>;

/** What `GET /api/cost` answers: spend across tasks (newest first), per agent and per model. */
export const CostOverviewSchema = z
  .object({
    tasks: z.array(TaskCostLineSchema),
    per_agent: z.partialRecord(ModelAgentSchema, LlmUsageTotalsSchema),
    per_model: z.array(z.object({ provider: LlmProviderSchema, model: z.string(), total: LlmUsageTotalsSchema }).strict()),
    total: LlmUsageTotalsSchema,
  })
  .strict();
export type CostOverview = z.infer<typeof CostOverviewSchema>;

/** Whether one configured model answered a one-word request (`catalyst models`, `doctor`). */
export const ModelCheckResultSchema = z
  .object({
    ok: z.boolean(),
    latency_ms: z.number().int().min(0).nullable(),
    /** Why not: an error code and a message naming provider and model (never a key). */
    error: z.object({ code: z.string(), message: z.string() }).strict().nullable(),
  })
  .strict();

/** `catalyst models --json`: each agent's model and whether its provider answered; the agents without one. */
export const ModelsReportSchema = z
  .object({
    models: z.array(ConfiguredModelSchema.extend({ check: ModelCheckResultSchema })),
    /** Agents that use no model (provider none, or an agent that never calls one in this release). */
    deterministic: z.array(ModelAgentSchema),
    ok: z.boolean(),
  })
  .strict();
export type ModelsReport = z.infer<typeof ModelsReportSchema>;
