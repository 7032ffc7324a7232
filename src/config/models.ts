/**
 * The language-model settings (issue 14): `llm.default`, `llm.prices`, `llm.cache`, `budget` and
 * `agents.<planner|architect|coder|reviewer>.llm`, plus the environment with or without a file:
 * CATALYST_LLM_PROVIDER, CATALYST_LLM_MODEL, CATALYST_LLM_BASE_URL, and the keys OPENAI_API_KEY,
 * ANTHROPIC_API_KEY, CATALYST_LLM_API_KEY.
 *
 * As everywhere in config, a value in the file wins over the environment, and the environment over the
 * built-in default. loadConfig (load.ts) takes these keys out of the merged file and resolves them here;
 * ConfigFileSchema validates the rest.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { LLM_PROVIDERS, MODEL_AGENTS, type LlmProvider, type ModelAgent } from '../contracts/llm.ts';
import { AppError } from '../core/errors.ts';
import type { AgentModel, AgentModelChain, ModelPrice, PriceTable, TaskBudget } from '../core/ports/llm.ts';
import { BUILT_IN_PRICES } from './model-prices.ts';

const ProviderOrNone = z.enum(['none', ...LLM_PROVIDERS]);
const Positive = z.number().int().positive();
const Temperature = z.number().min(0).max(2);

const FallbackSchema = z
  .object({ provider: z.enum(LLM_PROVIDERS), model: z.string().trim().min(1), base_url: z.string().trim().default('') })
  .strict();

const LlmDefaultSchema = z
  .object({
    provider: ProviderOrNone.default('none'),
    model: z.string().trim().default(''),
    base_url: z.string().trim().default(''),
    temperature: Temperature.nullable().default(null),
    max_output_tokens: Positive.nullable().default(null),
    /** Per model tried (its retries included), so a hanging primary leaves time for a fallback. */
    timeout_seconds: Positive.default(120),
    /** Retries on 429/5xx/network errors per model, honouring Retry-After. */
    max_retries: z.number().int().min(0).max(10).default(2),
    fallbacks: z.array(FallbackSchema).default([]),
  })
  .strict();

const AgentLlmSchema = z
  .object({
    provider: ProviderOrNone.optional(),
    model: z.string().trim().min(1).optional(),
    base_url: z.string().trim().optional(),
    temperature: Temperature.nullable().optional(),
    max_output_tokens: Positive.nullable().optional(),
    timeout_seconds: Positive.optional(),
    fallbacks: z.array(FallbackSchema).optional(),
  })
  .strict();

const PriceSchema = z.object({ input: z.number().min(0), cached_input: z.number().min(0).optional(), output: z.number().min(0) }).strict();

// Only the model keys of each agent are read here; ConfigFileSchema owns the rest of `agents`.
// `llm_model` is the spec's shorthand (§9.2): a model name whose provider follows from it (claude-… is
// Anthropic, gpt-…/o1…/o3…/o4… is OpenAI) or else is the default's.
const AgentSectionSchema = z.looseObject({ llm: AgentLlmSchema.optional(), llm_model: z.string().trim().min(1).optional() });

export const ModelSettingsSchema = z.object({
  llm: z
    .object({
      default: LlmDefaultSchema.prefault({}),
      /** USD per million tokens, by model name (a prefix of a dated snapshot name works too). */
      prices: z.record(z.string().min(1), PriceSchema).default({}),
      cache: z
        .object({ enabled: z.boolean().default(true), dir: z.string().default('') })
        .strict()
        .prefault({}),
    })
    .strict()
    .prefault({}),
  budget: z
    .object({
      /** 0: no limit. */
      max_tokens_per_task: z.number().int().min(0).default(0),
      max_usd_per_task: z.number().min(0).default(0),
    })
    .strict()
    .prefault({}),
  agents: z.looseObject(Object.fromEntries(MODEL_AGENTS.map((a) => [a, AgentSectionSchema.optional()]))).optional(),
});
export type ModelSettingsFile = z.infer<typeof ModelSettingsSchema>;

export interface ModelSettings {
  /** Null: no model for that agent (provider `none`), so it stays deterministic. */
  agents: Readonly<Record<ModelAgent, AgentModelChain | null>>;
  /** Built-in prices with `llm.prices` laid over them. */
  prices: PriceTable;
  cache: { enabled: boolean; dir: string };
  budget: TaskBudget;
  /** Every API key in use, for redaction. */
  secrets: readonly string[];
}

export interface ResolveModelSettingsOptions {
  env: Record<string, string | undefined>;
  /** Where `llm.cache.dir` defaults to (`<data dir>/llm-cache`) and relative dirs resolve from. */
  dataDir: string;
  /** Named in error messages. */
  file?: string | null;
}

/** Validates the model keys of a config mapping (already interpolated) against the environment. */
export function resolveModelSettings(raw: unknown, opts: ResolveModelSettingsOptions): Readonly<ModelSettings> {
  const where = opts.file ?? 'configuration';
  const parsed = ModelSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${where}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('invalid_config', lines.join('\n'), {
      hint: 'see docs/errors.md and the llm section of the README for the model keys',
    });
  }
  const cfg = parsed.data;
  const d = cfg.llm.default;
  const env = opts.env;
  const fileDefault = isMapping(raw) && isMapping(raw.llm) && isMapping(raw.llm.default) ? raw.llm.default : {};
  const fromEnv = (key: string, variable: string, value: string) =>
    Object.hasOwn(fileDefault, key) ? value : (env[variable]?.trim() ?? '') || value;
  const base = {
    ...cfg.llm.default,
    provider: parseProvider(fromEnv('provider', 'CATALYST_LLM_PROVIDER', cfg.llm.default.provider), where),
    model: fromEnv('model', 'CATALYST_LLM_MODEL', cfg.llm.default.model),
    base_url: fromEnv('base_url', 'CATALYST_LLM_BASE_URL', cfg.llm.default.base_url),
  };
  const problems: string[] = [];
  const secrets = new Set<string>();
  const agents = {} as Record<ModelAgent, AgentModelChain | null>;
  for (const agent of MODEL_AGENTS) {
    const section = cfg.agents?.[agent] as z.infer<typeof AgentSectionSchema> | undefined;
    const own = { ...section?.llm };
    if (section?.llm_model) {
      if (own.model) problems.push(`${where}: agents.${agent}: set llm.model or llm_model, not both`);
      own.model = section.llm_model;
      own.provider ??= providerOfModel(section.llm_model) ?? undefined;
    }
    const key = own.provider ? `agents.${agent}.llm` : 'llm.default';
    const provider = own.provider ?? base.provider;
    if (provider === 'none') {
      // A model named for an agent without a provider would be a setting that does nothing.
      if (own.model) {
        problems.push(
          `${where}: agents.${agent}: model ${own.model} has no provider: set llm.default.provider or agents.${agent}.llm.provider`,
        );
      }
      agents[agent] = null;
      continue;
    }
    // A different provider than the default's shares none of its endpoint or model.
    const sameProvider = provider === base.provider;
    const model = own.model ?? (sameProvider ? base.model : '');
    const baseUrl = own.base_url ?? (sameProvider ? base.base_url : '');
    const settings = {
      temperature: own.temperature !== undefined ? own.temperature : base.temperature,
      maxOutputTokens: own.max_output_tokens !== undefined ? own.max_output_tokens : base.max_output_tokens,
    };
    const primary = modelOf(provider, model, baseUrl, settings, env);
    const fallbacks = (own.fallbacks ?? (sameProvider ? base.fallbacks : [])).map((f) =>
      modelOf(f.provider, f.model, f.base_url, settings, env),
    );
    for (const [i, m] of [primary, ...fallbacks].entries()) {
      const at = i === 0 ? key : `${key}.fallbacks.${i - 1}`;
      problems.push(...problemsOf(m, at, where));
      if (m.apiKey) secrets.add(m.apiKey);
    }
    agents[agent] = {
      primary,
      fallbacks,
      timeoutMs: (own.timeout_seconds ?? d.timeout_seconds) * 1000,
      maxRetries: d.max_retries,
    };
  }
  if (problems.length > 0) {
    throw new AppError('invalid_config', [...new Set(problems)].join('\n'), {
      hint: 'set CATALYST_LLM_PROVIDER=none (the default) to build without a model',
    });
  }
  const prices: Record<string, ModelPrice> = { ...BUILT_IN_PRICES };
  for (const [model, p] of Object.entries(cfg.llm.prices)) prices[model] = { ...p, cached_input: p.cached_input ?? p.input };
  return Object.freeze({
    agents: Object.freeze(agents),
    prices: Object.freeze(prices),
    cache: { enabled: cfg.llm.cache.enabled, dir: resolve(opts.dataDir, cfg.llm.cache.dir || 'llm-cache') },
    budget: {
      maxTokens: cfg.budget.max_tokens_per_task || null,
      maxUsd: cfg.budget.max_usd_per_task || null,
    },
    secrets: [...secrets],
  });
}

function providerOfModel(model: string): LlmProvider | null {
  if (/^claude-/.test(model)) return 'anthropic';
  if (/^(gpt-|chatgpt-|o[1-9](-|$))/.test(model)) return 'openai';
  return null;
}

function parseProvider(value: string, where: string): LlmProvider | 'none' {
  const parsed = ProviderOrNone.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('invalid_config', `${where}: llm.default.provider (or CATALYST_LLM_PROVIDER): "${value}" is not a provider`, {
    hint: `choose one of ${ProviderOrNone.options.join(', ')}`,
  });
}

/** A provider's own key wins over the generic one, so planner and architect may use different providers. */
function keyFor(provider: LlmProvider, env: Record<string, string | undefined>): string | null {
  const own = provider === 'openai' ? env.OPENAI_API_KEY : provider === 'anthropic' ? env.ANTHROPIC_API_KEY : undefined;
  return own?.trim() || env.CATALYST_LLM_API_KEY?.trim() || null;
}

function modelOf(
  provider: LlmProvider,
  model: string,
  baseUrl: string,
  settings: { temperature: number | null; maxOutputTokens: number | null },
  env: Record<string, string | undefined>,
): AgentModel {
  return { provider, model, baseUrl: baseUrl || null, apiKey: keyFor(provider, env), ...settings };
}

function problemsOf(m: AgentModel, at: string, where: string): string[] {
  const out: string[] = [];
  if (!m.model) out.push(`${where}: ${at}.model: required for provider ${m.provider} (or set CATALYST_LLM_MODEL)`);
  if (m.provider === 'openai-compatible' && !m.baseUrl) {
    out.push(`${where}: ${at}.base_url: required for openai-compatible (e.g. http://127.0.0.1:11434/v1 for Ollama)`);
  }
  if (m.baseUrl && !/^https?:\/\/[^\s/]+/.test(m.baseUrl)) out.push(`${where}: ${at}.base_url: "${m.baseUrl}" is not an http(s) URL`);
  if (m.provider !== 'openai-compatible' && !m.apiKey) {
    const variable = m.provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
    out.push(`${where}: ${at}: provider ${m.provider} needs an API key: set ${variable} (or CATALYST_LLM_API_KEY)`);
  }
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
