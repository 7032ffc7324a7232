/**
 * The AI SDK middleware Catalyst wraps around every provider model (AI SDK "Language Model Middleware").
 * Applied outermost first: accounting → replay/record → response cache → budget → provider quirks →
 * provider. The SDK retries around the whole stack, so each attempt passes every layer: a retried 429 is
 * one failed call in the accounting, and the budget is checked before each request leaves.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3Middleware } from '@ai-sdk/provider';
import { randomUUID } from 'node:crypto';
import type { LlmCall, ModelAgent } from '../../contracts/llm.ts';
import { AppError } from '../../core/errors.ts';
import type { Clock } from '../../core/clock.ts';
import type { AgentModel, PriceTable, TaskBudget } from '../../core/ports/llm.ts';
import { costOf, priceFor } from './cost.ts';
import { toAppError } from './errors.ts';
import type { Recorder, Replay } from './record-replay.ts';
import { fromStored, requestKey, toStored, type ResponseStore } from './response-store.ts';
import { observeStream, streamFromStored } from './stream-answers.ts';

/** What one generation (one agent request, one model of its chain) shares across its attempts. */
export interface GenerationContext {
  agent: ModelAgent;
  taskId: string | null;
  model: AgentModel;
  /** Where the current attempt's answer came from; inner layers set it. */
  source: 'provider' | 'cache' | 'replay';
  calls: LlmCall[];
  /** Recorder writes (onCall) still running; awaited before the request resolves. */
  pending: Promise<void>[];
  timeout: AbortSignal;
  timeoutMs: number;
}

/** Spend per task across agents, for the budget. */
export interface Ledger {
  spent(taskId: string | null): { tokens: number; usd: number };
  add(taskId: string | null, tokens: number, usd: number): void;
}

export function createLedger(): Ledger {
  const byTask = new Map<string, { tokens: number; usd: number }>();
  return {
    spent: (taskId) => ({ ...(byTask.get(taskId ?? '') ?? { tokens: 0, usd: 0 }) }),
    add(taskId, tokens, usd) {
      const s = byTask.get(taskId ?? '') ?? { tokens: 0, usd: 0 };
      byTask.set(taskId ?? '', { tokens: s.tokens + tokens, usd: Math.round((s.usd + usd) * 1e6) / 1e6 });
    },
  };
}

export function tokensOf(usage: LanguageModelV3GenerateResult['usage']): { tokensIn: number; tokensCached: number; tokensOut: number } {
  const cached = usage.inputTokens.cacheRead ?? 0;
  const tokensIn = usage.inputTokens.total ?? (usage.inputTokens.noCache ?? 0) + cached;
  return { tokensIn, tokensCached: cached, tokensOut: usage.outputTokens.total ?? 0 };
}

/** Reports every attempt as an LlmCall (cost from usage and the price table) and books it on the ledger. */
export function accountingMiddleware(
  gen: GenerationContext,
  deps: { prices: PriceTable; clock: Clock; ledger: Ledger; secrets: readonly string[]; report: (call: LlmCall) => void },
): LanguageModelV3Middleware {
  const attempt = () => {
    const t0 = performance.now();
    gen.source = 'provider';
    const base = {
      call_id: randomUUID(),
      task_id: gen.taskId,
      agent: gen.agent,
      provider: gen.model.provider,
      model: gen.model.model,
      started_at: deps.clock.now().toISOString(),
    };
    const finish = (call: Omit<LlmCall, keyof typeof base | 'duration_ms'>) => {
      const full: LlmCall = { ...base, duration_ms: Math.round((performance.now() - t0) * 1000) / 1000, ...call };
      gen.calls.push(full);
      deps.report(full);
    };
    return {
      ok(usage: LanguageModelV3GenerateResult['usage']) {
        const fromProvider = gen.source === 'provider';
        const t = fromProvider ? tokensOf(usage) : { tokensIn: 0, tokensCached: 0, tokensOut: 0 };
        const cost = costOf(priceFor(deps.prices, gen.model.model), t);
        deps.ledger.add(gen.taskId, t.tokensIn + t.tokensOut, cost);
        finish({
          tokens_in: t.tokensIn,
          tokens_cached: t.tokensCached,
          tokens_out: t.tokensOut,
          cost_usd: cost,
          cache_hit: !fromProvider,
          status: 'ok',
          error_code: null,
        });
      },
      failed(e: unknown) {
        const code = toAppError(e, gen.model, deps.secrets, { timedOut: gen.timeout.aborted, timeoutMs: gen.timeoutMs }).code;
        finish({ tokens_in: 0, tokens_cached: 0, tokens_out: 0, cost_usd: 0, cache_hit: false, status: 'failed', error_code: code });
      },
    };
  };
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate }) {
      const a = attempt();
      try {
        const result = await doGenerate();
        a.ok(result.usage);
        return result;
      } catch (e) {
        a.failed(e);
        // The SDK's retry decides on the original error (status, Retry-After), so it is rethrown as is.
        throw e;
      }
    },
    async wrapStream({ doStream }) {
      const a = attempt();
      let result: Awaited<ReturnType<typeof doStream>>;
      try {
        result = await doStream();
      } catch (e) {
        a.failed(e);
        throw e;
      }
      return { ...result, stream: observeStream(result.stream, (o) => (o.ok ? a.ok(o.usage) : a.failed(o.error))) };
    },
  };
}

/** Replays answers from a recorded file (never reaching the provider), or records every answer to one. */
export function recordReplayMiddleware(
  gen: GenerationContext,
  io: { replay: Replay | null; recorder: Recorder | null },
): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params }) {
      const key = requestKey(gen.model.provider, gen.model.model, params);
      if (io.replay) {
        const answer = io.replay.take(key, { provider: gen.model.provider, model: gen.model.model, agent: gen.agent });
        gen.source = 'replay';
        return fromStored(answer);
      }
      const result = await doGenerate();
      io.recorder?.write({ key, agent: gen.agent, provider: gen.model.provider, model: gen.model.model, answer: toStored(result) });
      return result;
    },
    async wrapStream({ doStream, params }) {
      const key = requestKey(gen.model.provider, gen.model.model, params);
      if (io.replay) {
        const answer = io.replay.take(key, { provider: gen.model.provider, model: gen.model.model, agent: gen.agent });
        gen.source = 'replay';
        return { stream: streamFromStored(answer) };
      }
      const result = await doStream();
      const recorder = io.recorder;
      if (!recorder) return result;
      const stream = observeStream(result.stream, (o) => {
        if (o.ok) recorder.write({ key, agent: gen.agent, provider: gen.model.provider, model: gen.model.model, answer: o.answer });
      });
      return { ...result, stream };
    },
  };
}

/** Answers a request seen before from the store; `noCache` skips the lookup but still stores the answer. */
export function cacheMiddleware(gen: GenerationContext, store: ResponseStore, opts: { read: boolean }): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params }) {
      const key = requestKey(gen.model.provider, gen.model.model, params);
      if (opts.read) {
        const hit = await store.get(key);
        if (hit) {
          gen.source = 'cache';
          return fromStored(hit);
        }
      }
      const result = await doGenerate();
      if (complete(result.finishReason)) await store.set(key, toStored(result));
      return result;
    },
    async wrapStream({ doStream, params }) {
      const key = requestKey(gen.model.provider, gen.model.model, params);
      if (opts.read) {
        const hit = await store.get(key);
        if (hit) {
          gen.source = 'cache';
          return { stream: streamFromStored(hit) };
        }
      }
      const result = await doStream();
      const stream = observeStream(result.stream, (o) => {
        // Kept in pending so the answer is stored before the request resolves (the next identical one hits).
        if (o.ok && complete(o.answer.finishReason)) gen.pending.push(store.set(key, o.answer).catch(() => undefined));
      });
      return { ...result, stream };
    },
  };
}

/** Only complete answers are kept: a cut-off or filtered one would be served again forever. */
function complete(reason: LanguageModelV3GenerateResult['finishReason']): boolean {
  return reason.unified === 'stop' || reason.unified === 'tool-calls';
}

/**
 * Rough size of a request: what is sent (messages, response schema, tools) at four characters per token,
 * the providers' own rule of thumb for English and code, plus the output limit when one is set.
 */
export function estimateTokens(params: LanguageModelV3CallOptions): number {
  const sent = JSON.stringify([params.prompt, params.responseFormat ?? null, params.tools ?? null]).length;
  return Math.ceil(sent / 4) + (params.maxOutputTokens ?? 0);
}

/** Refuses a request that would take the task past its budget, before it is sent. */
export function budgetMiddleware(
  gen: GenerationContext,
  deps: { budget: TaskBudget; ledger: Ledger; prices: PriceTable; spentElsewhere?: { tokens: number; usd: number } },
): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params }) {
      refuseOverBudget(params);
      return doGenerate();
    },
    async wrapStream({ doStream, params }) {
      refuseOverBudget(params);
      return doStream();
    },
  };

  function refuseOverBudget(params: LanguageModelV3CallOptions): void {
    const { maxTokens, maxUsd } = deps.budget;
    if (maxTokens !== null || maxUsd !== null) {
      const here = deps.ledger.spent(gen.taskId);
      const elsewhere = deps.spentElsewhere ?? { tokens: 0, usd: 0 };
      const spent = { tokens: Math.max(here.tokens, elsewhere.tokens), usd: Math.max(here.usd, elsewhere.usd) };
      const estimate = estimateTokens(params);
      const price = priceFor(deps.prices, gen.model.model);
      const estimateUsd = costOf(price, { tokensIn: estimate, tokensCached: 0, tokensOut: 0 });
      const overTokens = maxTokens !== null && spent.tokens + estimate > maxTokens;
      const overUsd = maxUsd !== null && spent.usd + estimateUsd > maxUsd;
      if (overTokens || overUsd) {
        const limit = overTokens ? `${maxTokens} tokens` : `$${maxUsd}`;
        throw new AppError(
          'budget_exceeded',
          `task ${gen.taskId ?? '(none)'} has spent ${spent.tokens} tokens ($${spent.usd.toFixed(4)}); the next ${gen.agent} request to ` +
            `${gen.model.provider} model ${gen.model.model} (about ${estimate} tokens) would pass its budget of ${limit}`,
          {
            hint: 'raise budget.max_tokens_per_task / budget.max_usd_per_task (or --budget), or use a cheaper model',
            details: { spent_tokens: spent.tokens, spent_usd: spent.usd, max_tokens: maxTokens, max_usd: maxUsd, agent: gen.agent },
          },
        );
      }
    }
  }
}

/**
 * Servers without enforced structured output (Ollama, llama.cpp) get `json_object` at most, which does not
 * carry the schema: the schema goes into the system prompt so the model knows the shape it must answer.
 */
export const schemaInPromptMiddleware: LanguageModelV3Middleware = {
  specificationVersion: 'v3',
  transformParams: async ({ params }) => {
    const format = params.responseFormat;
    if (format?.type !== 'json' || !format.schema) return params;
    const instruction =
      `Answer with one JSON object only, no prose, that matches this JSON schema` +
      `${format.name ? ` (${format.name}${format.description ? `: ${format.description}` : ''})` : ''}:\n${JSON.stringify(format.schema)}`;
    return { ...params, prompt: [{ role: 'system', content: instruction }, ...params.prompt] };
  },
};

/**
 * Local models answer JSON wrapped in ``` fences, often after a sentence of prose ("Here is the JSON:").
 * For requests that asked for JSON only, the fenced block — else the outermost `{…}` — is the answer.
 * (The SDK's extractJsonMiddleware strips fences only at the very start and end, and from every answer.)
 */
export function jsonFromText(text: string): string {
  const fenced = /```(?:json|JSON)?\s*\n([\s\S]*?)\n?```/.exec(text);
  if (fenced) return fenced[1]!.trim();
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : text.trim();
}

export const jsonFromProseMiddleware: LanguageModelV3Middleware = {
  specificationVersion: 'v3',
  async wrapGenerate({ doGenerate, params }) {
    const result = await doGenerate();
    if (params.responseFormat?.type !== 'json') return result;
    return { ...result, content: result.content.map((part) => (part.type === 'text' ? { ...part, text: jsonFromText(part.text) } : part)) };
  },
};
