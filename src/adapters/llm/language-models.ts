/**
 * The LanguageModels port on the Vercel AI SDK (v6): one provider model per configured AgentModel, wrapped
 * in Catalyst's middleware (middleware.ts), called with `generateText` (structured output through
 * `Output.object`). Fallbacks, per-model timeouts and error translation live here; everything a caller
 * sees is an AppError with the keys redacted.
 */
import {
  generateText,
  Output,
  hasToolCall,
  stepCountIs,
  streamText,
  tool,
  wrapLanguageModel,
  type LanguageModel,
  type ModelMessage,
  type ToolSet,
} from 'ai';
import type { LanguageModelV3, LanguageModelV3Middleware } from '@ai-sdk/provider';
import type { ConfiguredModel, LlmCall, ModelAgent } from '../../contracts/llm.ts';
import { MODEL_AGENTS } from '../../contracts/llm.ts';
import type { Clock } from '../../core/clock.ts';
import { systemClock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import type { Cache } from '../../core/ports/cache.ts';
import type {
  AgentModel,
  AgentModelChain,
  GenerationInput,
  GenerationUsage,
  LanguageModels,
  ModelCheck,
  ModelRequestOptions,
  PriceTable,
  TaskBudget,
  TaskModel,
  ToolCallRecord,
} from '../../core/ports/llm.ts';
import { redactSecrets } from '../../core/redact.ts';
import { priceFor } from './cost.ts';
import { describeModel, toAppError } from './errors.ts';
import {
  accountingMiddleware,
  budgetMiddleware,
  cacheMiddleware,
  createLedger,
  jsonFromProseMiddleware,
  recordReplayMiddleware,
  schemaInPromptMiddleware,
  type GenerationContext,
} from './middleware.ts';
import { providerModel, type FetchFunction } from './providers.ts';
import { createRecorder, loadReplay } from './record-replay.ts';
import { createResponseStore } from './response-store.ts';

export interface LanguageModelsOptions {
  /** Per agent: its model chain, or null for none (the agent stays deterministic). */
  models: Readonly<Record<ModelAgent, AgentModelChain | null>>;
  prices: PriceTable;
  /** The Cache port (Redis or in-process LRU); null: disk only. */
  cache?: Cache | null;
  /** Where answers are kept across restarts; null: no disk cache. */
  cacheDir?: string | null;
  /** false: no response cache at all (answers are neither read nor stored). */
  cacheEnabled?: boolean;
  /** The budget when a request names none. */
  budget?: TaskBudget;
  clock?: Clock;
  logger: Logger;
  /**
   * Every call (provider, cache or replay; ok or failed), e.g. into the state store's llm_calls. A returned
   * promise is awaited before the request resolves, so the rows exist when the agent moves on.
   */
  onCall?: (call: LlmCall) => void | Promise<void>;
  /** Answer only from this recorded JSONL file. */
  replay?: string | null;
  /** Append every answer to this JSONL file. */
  record?: string | null;
  /** API keys to redact (besides each model's own). */
  secrets?: readonly string[];
  /** For tests and proxies. */
  fetch?: FetchFunction;
  /**
   * For unit tests: the model behind Catalyst's middleware instead of the provider's (e.g. the AI SDK's
   * `MockLanguageModelV3`), so everything above the wire — structured output, accounting, budget, cache,
   * error translation — runs as in production.
   */
  languageModel?: (m: AgentModel) => LanguageModelV3;
}

const NO_BUDGET: TaskBudget = { maxTokens: null, maxUsd: null };

export function createLanguageModels(opts: LanguageModelsOptions): LanguageModels {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger.child({ component: 'llm' });
  const secrets = [
    ...new Set([
      ...(opts.secrets ?? []),
      ...MODEL_AGENTS.flatMap((a) => {
        const c = opts.models[a];
        return c ? [c.primary, ...c.fallbacks].flatMap((m) => [m.apiKey, passwordIn(m.baseUrl)]).filter((k): k is string => !!k) : [];
      }),
    ]),
  ];
  // The SDK prints provider warnings to the console by default; Catalyst's terminal belongs to its own
  // output, so they go to the log. (Expected ones included: local servers "do not support responseFormat",
  // which schemaInPromptMiddleware covers.) The hook is process-wide; the composition root makes one adapter.
  globalThis.AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) => logger.debug({ provider, model, warnings }, 'AI SDK warnings');
  const ledger = createLedger();
  const cacheOn = opts.cacheEnabled ?? true;
  const store = cacheOn
    ? createResponseStore({
        cache: opts.cache ?? null,
        dir: opts.cacheDir ?? null,
        onError: (e) => logger.warn({ err: String(e), dir: opts.cacheDir }, 'could not keep a model answer on disk'),
      })
    : null;
  const replay = opts.replay ? loadReplay(opts.replay) : null;
  const recorder = opts.record ? createRecorder(opts.record) : null;
  const unpriced = new Set<string>();
  const providers = new Map<AgentModel, ReturnType<typeof providerModel>>();

  // A failing recorder (say, the state store) must not fail the model call it records; it is logged.
  const recordingFailed = (e: unknown) => logger.warn({ err: redactSecrets(String(e), secrets) }, 'recording a model call failed');
  const reportTo = (gen: GenerationContext) => (call: LlmCall) => {
    logger.debug({ llm_call: call }, 'model call');
    try {
      const pending = opts.onCall?.(call);
      if (pending instanceof Promise) gen.pending.push(pending.catch(recordingFailed));
    } catch (e) {
      recordingFailed(e);
    }
  };

  function modelFor(m: AgentModel, gen: GenerationContext, req: ModelRequestOptions, live: boolean): LanguageModel {
    // A task's own limit replaces the configured one of the same kind; a kind it leaves null keeps the config's.
    const budget: TaskBudget = {
      maxTokens: req.budget?.maxTokens ?? opts.budget?.maxTokens ?? NO_BUDGET.maxTokens,
      maxUsd: req.budget?.maxUsd ?? opts.budget?.maxUsd ?? NO_BUDGET.maxUsd,
    };
    const noCache = req.noCache ?? false;
    let base = providers.get(m);
    if (!base) {
      base = opts.languageModel ? opts.languageModel(m) : providerModel(m, opts.fetch);
      providers.set(m, base);
    }
    if (!unpriced.has(m.model) && !priceFor(opts.prices, m.model)) {
      unpriced.add(m.model);
      if (m.provider !== 'openai-compatible')
        logger.warn({ model: m.model }, `no price for ${m.model} in llm.prices: its calls count as $0`);
    }
    const middleware: LanguageModelV3Middleware[] = [
      accountingMiddleware(gen, { prices: opts.prices, clock, ledger, secrets, report: reportTo(gen) }),
    ];
    if (live) {
      if (replay || recorder) middleware.push(recordReplayMiddleware(gen, { replay, recorder }));
      if (store) middleware.push(cacheMiddleware(gen, store, { read: !noCache }));
    }
    middleware.push(
      budgetMiddleware(gen, { budget, ledger, prices: opts.prices, ...(req.spentSoFar ? { spentElsewhere: req.spentSoFar } : {}) }),
    );
    if (m.provider === 'openai-compatible') middleware.push(jsonFromProseMiddleware, schemaInPromptMiddleware);
    return wrapLanguageModel({ model: base, middleware });
  }

  /** Tries the chain in order: the next model only when one is unavailable or times out. */
  async function withChain<T>(
    agent: ModelAgent,
    chain: AgentModelChain,
    req: ModelRequestOptions,
    live: boolean,
    run: (model: LanguageModel, m: AgentModel, signal: AbortSignal) => Promise<T>,
    mayFallBack: () => boolean = () => true,
    timeoutMs: number = chain.timeoutMs,
  ): Promise<{ value: T; usage: GenerationUsage }> {
    const models = [chain.primary, ...chain.fallbacks];
    for (const [i, m] of models.entries()) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      const gen: GenerationContext = {
        agent,
        taskId: req.taskId,
        model: m,
        source: 'provider',
        calls: [],
        pending: [],
        timeout,
        timeoutMs: chain.timeoutMs,
      };
      try {
        const value = await run(modelFor(m, gen, req, live), m, signal);
        await Promise.all(gen.pending);
        return { value, usage: usageOf(gen, m) };
      } catch (e) {
        await Promise.all(gen.pending);
        if (req.signal?.aborted) throw req.signal.reason;
        const err = toAppError(e, m, secrets, { timedOut: timeout.aborted, timeoutMs });
        const next = models[i + 1];
        if (next && (err.code === 'llm_unavailable' || err.code === 'llm_timeout') && mayFallBack()) {
          logger.warn(
            { agent, task_id: req.taskId, code: err.code, from: describeModel(m), to: describeModel(next) },
            'model failed, trying the fallback',
          );
          continue;
        }
        throw err;
      }
    }
    throw new Error('unreachable: a model chain has at least one model');
  }

  function settingsOf(m: AgentModel, chain: AgentModelChain) {
    return {
      maxRetries: chain.maxRetries,
      ...(m.temperature !== null ? { temperature: m.temperature } : {}),
      ...(m.maxOutputTokens !== null ? { maxOutputTokens: m.maxOutputTokens } : {}),
    };
  }

  function promptOf(input: GenerationInput): { system?: string } & ({ prompt: string } | { messages: ModelMessage[] }) {
    const system = input.system ? { system: input.system } : {};
    if (input.messages && input.messages.length > 0)
      return { ...system, messages: input.messages.map((m) => ({ role: m.role, content: m.content })) };
    return { ...system, prompt: input.prompt ?? '' };
  }

  function taskModel(agent: ModelAgent, chain: AgentModelChain, req: ModelRequestOptions): TaskModel {
    return {
      agent,
      provider: chain.primary.provider,
      model: chain.primary.model,
      async generateObject(request) {
        const { value, usage } = await withChain(agent, chain, req, true, async (model, m, abortSignal) => {
          const result = await generateText({
            model,
            ...promptOf(request),
            output: Output.object({
              schema: request.schema,
              ...(request.schemaName ? { name: request.schemaName } : {}),
              ...(request.schemaDescription ? { description: request.schemaDescription } : {}),
            }),
            abortSignal,
            ...settingsOf(m, chain),
          });
          return result.output;
        });
        return { object: value, usage };
      },
      async generateText(request) {
        const onDelta = request.onTextDelta;
        const { value, usage } = await withChain(agent, chain, req, true, async (model, m, abortSignal) => {
          if (!onDelta) return (await generateText({ model, ...promptOf(request), abortSignal, ...settingsOf(m, chain) })).text;
          // Streamed: errors arrive inside the stream, so the first one is kept and thrown once it ends.
          let failure: unknown = null;
          const result = streamText({
            model,
            ...promptOf(request),
            abortSignal,
            ...settingsOf(m, chain),
            onError: ({ error }) => void (failure ??= error),
          });
          let text = '';
          for await (const delta of result.textStream) {
            text += delta;
            onDelta(delta);
          }
          if (failure !== null) throw failure;
          await result.finishReason;
          return text;
        });
        return { text: value, usage };
      },
      async runTools(request) {
        let toolsRan = false;
        const { value, usage } = await withChain(
          agent,
          chain,
          req,
          true,
          async (model, m, abortSignal) => {
            const tools: ToolSet = {};
            for (const [name, def] of Object.entries(request.tools)) {
              tools[name] = tool({
                description: def.description,
                inputSchema: def.input,
                execute: (input: unknown, o: { abortSignal?: AbortSignal }) => {
                  toolsRan = true;
                  return def.execute(input, { signal: o.abortSignal ?? abortSignal });
                },
              });
            }
            const stop = request.signal;
            const result = await generateText({
              model,
              ...promptOf(request),
              tools,
              stopWhen: [stepCountIs(request.maxSteps), ...(request.stopAfter ?? []).map((name) => hasToolCall(name))],
              abortSignal: stop ? AbortSignal.any([abortSignal, stop]) : abortSignal,
              ...(request.keepToolResults !== undefined
                ? { prepareStep: ({ messages }) => ({ messages: condensed(messages, request.keepToolResults!) }) }
                : {}),
              ...settingsOf(m, chain),
            }).catch((e: unknown) => {
              // The caller stopped the loop on purpose (e.g. a stuck detector): its reason, not "aborted".
              throw stop?.aborted ? stop.reason : e;
            });
            return {
              text: result.text,
              steps: result.steps.map((step) => ({
                toolCalls: step.content.flatMap((part): ToolCallRecord[] => {
                  if (part.type === 'tool-result') return [{ name: part.toolName, input: part.input, output: part.output }];
                  if (part.type === 'tool-error')
                    return [
                      {
                        name: part.toolName,
                        input: part.input,
                        error: redactSecrets(String((part.error as Error)?.message ?? part.error), secrets),
                      },
                    ];
                  return [];
                }),
              })),
            };
          },
          () => !toolsRan,
          // Per step: a loop of many model calls (and tools between them) gets the configured time for each.
          chain.timeoutMs * request.maxSteps,
        );
        return { ...value, usage };
      },
    };
  }

  return {
    forAgent(agent, req) {
      const chain = opts.models[agent];
      return chain ? taskModel(agent, chain, req) : null;
    },
    configured() {
      return MODEL_AGENTS.flatMap((agent): ConfiguredModel[] => {
        const c = opts.models[agent];
        if (!c) return [];
        return [
          {
            agent,
            provider: c.primary.provider,
            model: c.primary.model,
            base_url: c.primary.baseUrl === null ? null : withoutCredentials(c.primary.baseUrl),
            fallbacks: c.fallbacks.map((f) => ({ provider: f.provider, model: f.model })),
          },
        ];
      });
    },
    async check(checkOpts = {}) {
      // One request per distinct model, straight to the provider (no cache, no replay, no record).
      const seen = new Map<string, Promise<Omit<ModelCheck, 'agent'>>>();
      const results: ModelCheck[] = [];
      for (const agent of MODEL_AGENTS) {
        const chain = opts.models[agent];
        if (!chain) continue;
        const m = chain.primary;
        const id = `${m.provider}\n${m.baseUrl ?? ''}\n${m.model}`;
        if (!seen.has(id)) {
          const one: AgentModelChain = { ...chain, fallbacks: [], maxRetries: 0 };
          seen.set(
            id,
            (async () => {
              const t0 = performance.now();
              try {
                await withChain(
                  agent,
                  one,
                  { taskId: null, noCache: true, ...(checkOpts.signal ? { signal: checkOpts.signal } : {}) },
                  false,
                  (model, _m, abortSignal) =>
                    generateText({ model, prompt: 'Answer with the single word: ok', maxOutputTokens: 16, maxRetries: 0, abortSignal }),
                );
                return { provider: m.provider, model: m.model, ok: true, latencyMs: Math.round(performance.now() - t0), error: null };
              } catch (e) {
                const err = toAppError(e, m, secrets);
                return {
                  provider: m.provider,
                  model: m.model,
                  ok: false,
                  latencyMs: null,
                  error: { code: err.code, message: err.message },
                };
              }
            })(),
          );
        }
        results.push({ agent, ...(await seen.get(id)!) });
      }
      return results;
    },
  };
}

function usageOf(gen: GenerationContext, m: AgentModel): GenerationUsage {
  const ok = gen.calls.filter((c) => c.status === 'ok');
  const sum = (f: (c: LlmCall) => number) => gen.calls.reduce((s, c) => s + f(c), 0);
  return {
    tokensIn: sum((c) => c.tokens_in),
    tokensCached: sum((c) => c.tokens_cached),
    tokensOut: sum((c) => c.tokens_out),
    costUsd: Math.round(sum((c) => c.cost_usd) * 1e6) / 1e6,
    cacheHit: ok.length > 0 && ok.every((c) => c.cache_hit),
    provider: m.provider,
    model: m.model,
  };
}

/** A base URL as shown to people: any `user:password@` part is dropped. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

function passwordIn(url: string | null): string | null {
  if (!url) return null;
  try {
    return decodeURIComponent(new URL(url).password) || null;
  } catch {
    return null;
  }
}

/** Over this many characters, an older tool result is condensed (a file's content, a check's output). */
const CONDENSE_OVER_CHARS = 400;

/**
 * The conversation with every tool result but the last `keep` tool messages shortened to a note, so a long
 * loop does not resend each file it read at every step (the model calls the tool again when it needs one).
 */
export function condensed(messages: ModelMessage[], keep: number): ModelMessage[] {
  const toolAt = messages.flatMap((msg, i) => (msg.role === 'tool' ? [i] : []));
  const old = new Set(toolAt.slice(0, Math.max(0, toolAt.length - keep)));
  return messages.map((msg, i) => {
    if (!old.has(i) || msg.role !== 'tool') return msg;
    return {
      ...msg,
      content: msg.content.map((part) =>
        part.type === 'tool-result' && JSON.stringify(part.output).length > CONDENSE_OVER_CHARS
          ? {
              ...part,
              output: {
                type: 'text' as const,
                value: '(an earlier result, condensed to keep the context small; call the tool again if you need it)',
              },
            }
          : part,
      ),
    };
  });
}
