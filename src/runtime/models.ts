/**
 * The language models behind the agents, wired once per process: the AI SDK adapter over the configured
 * models, the Cache port and the disk cache, the config's budget, every secret for redaction, and each
 * model call recorded in the state store (llm_calls) and announced on the task's live feed.
 *
 * The budget holds across processes: before each request the task's spend is read back from the store,
 * so a worker sees what the planner spent in another process (event-driven mode).
 */
import { createLanguageModels } from '../adapters/llm/index.ts';
import type { CatalystConfig } from '../config/index.ts';
import { MODEL_AGENTS, type LlmCall, type ModelsReport } from '../contracts/llm.ts';
import type { LiveFeed } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Cache } from '../core/ports/cache.ts';
import type { LanguageModels, ModelRequestOptions, TaskModel } from '../core/ports/llm.ts';
import type { StateStore } from '../core/ports/state-store.ts';

export interface ModelWiringOptions {
  /** Answer only from this file of recorded model calls (`catalyst build --replay`). */
  replay?: string | null;
  /** Append every model answer to this file (`catalyst build --record`). */
  record?: string | null;
}

/** True when at least one agent has a model (provider other than `none`). */
export function anyAgentHasModel(config: Readonly<CatalystConfig>): boolean {
  return MODEL_AGENTS.some((agent) => config.models.agents[agent] !== null);
}

/** The process's LanguageModels, or undefined when no agent has a model (every agent stays deterministic). */
export function openModels(
  config: Readonly<CatalystConfig>,
  deps: { state: StateStore; cache: Cache; feed: LiveFeed; logger: Logger; clock: Clock },
  opts: ModelWiringOptions = {},
): LanguageModels | undefined {
  if (!anyAgentHasModel(config)) {
    // A replay or a recording without a model would be a flag that does nothing.
    if (opts.replay || opts.record) {
      throw new AppError('invalid_option', `--${opts.replay ? 'replay' : 'record'} needs a language model, and none is configured`, {
        hint: 'set CATALYST_LLM_PROVIDER (and CATALYST_LLM_MODEL) or llm.default in config.yaml to the models the recording was made with',
      });
    }
    return undefined;
  }
  const { models } = config;
  for (const agent of MODEL_AGENTS) {
    const m = models.agents[agent]?.primary;
    deps.logger.info(
      { component: 'models', agent, provider: m?.provider ?? 'none', model: m?.model ?? null },
      `models: ${agent}: ${m ? `${m.provider} ${m.model}` : 'none (deterministic)'}`,
    );
  }
  const onCall = async (call: LlmCall) => {
    // Calls outside a task (`catalyst models`' checks) are not a task's spend.
    if (call.task_id === null) return;
    await deps.state.recordLlmCall(call);
    deps.feed.emit({ type: 'llm_call', task_id: call.task_id, call });
  };
  const adapter = createLanguageModels({
    models: models.agents,
    prices: models.prices,
    cache: deps.cache,
    cacheDir: models.cache.dir,
    cacheEnabled: models.cache.enabled,
    budget: models.budget,
    clock: deps.clock,
    logger: deps.logger,
    onCall,
    replay: opts.replay ?? null,
    record: opts.record ?? null,
    secrets: config.secrets,
  });
  return withStoredSpend(adapter, deps.state);
}

/** What a task has spent so far, as the state store recorded it (every process's calls). */
export async function storedSpend(state: StateStore, taskId: string): Promise<{ tokens: number; usd: number }> {
  const calls = await state.listLlmCalls(taskId);
  let tokens = 0;
  let usd = 0;
  for (const c of calls) {
    tokens += c.tokens_in + c.tokens_out;
    usd += c.cost_usd;
  }
  return { tokens, usd: Math.round(usd * 1e6) / 1e6 };
}

/**
 * Each request of a task's model first reads the task's recorded spend, so the budget counts calls made by
 * other processes too. A task model is cheap to make; a fresh one per request carries the current spend.
 */
function withStoredSpend(models: LanguageModels, state: StateStore): LanguageModels {
  return {
    configured: () => models.configured(),
    check: (opts) => models.check(opts),
    forAgent(agent, req) {
      const first = models.forAgent(agent, req);
      if (!first || req.taskId === null || req.spentSoFar) return first;
      const taskId = req.taskId;
      const current = async (): Promise<TaskModel> => {
        const spentSoFar = await storedSpend(state, taskId);
        return models.forAgent(agent, { ...req, spentSoFar } satisfies ModelRequestOptions)!;
      };
      return {
        agent: first.agent,
        provider: first.provider,
        model: first.model,
        generateObject: async (request) => (await current()).generateObject(request),
        generateText: async (request) => (await current()).generateText(request),
        runTools: async (request) => (await current()).runTools(request),
      };
    },
  };
}

/**
 * Each agent's model and whether its provider answers a one-word request (`catalyst models`, `doctor`):
 * straight to the provider, no cache, no state store, nothing recorded. Never throws for a provider's answer.
 */
export async function checkModels(config: Readonly<CatalystConfig>, deps: { logger: Logger; signal?: AbortSignal }): Promise<ModelsReport> {
  const deterministic = MODEL_AGENTS.filter((agent) => config.models.agents[agent] === null);
  if (deterministic.length === MODEL_AGENTS.length) return { models: [], deterministic, ok: true };
  const adapter = createLanguageModels({
    models: config.models.agents,
    prices: config.models.prices,
    cacheEnabled: false,
    logger: deps.logger,
    secrets: config.secrets,
  });
  const checks = await adapter.check(deps.signal ? { signal: deps.signal } : {});
  const models = adapter.configured().map((m) => {
    const c = checks.find((x) => x.agent === m.agent);
    return { ...m, check: { ok: c?.ok ?? false, latency_ms: c?.latencyMs ?? null, error: c?.error ?? null } };
  });
  return { models, deterministic, ok: models.every((m) => m.check.ok) };
}
