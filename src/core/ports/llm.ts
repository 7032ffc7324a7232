/**
 * The language models behind the agents (spec §9.2: a model per agent). Agents ask for "the model for this
 * agent and task" and get a `TaskModel`; they never import the AI SDK or a provider package, so the same
 * agent runs over OpenAI, Anthropic, any OpenAI-compatible server, a recorded replay, or a test stand-in.
 *
 * Guarantees every adapter keeps (src/adapters/llm tests):
 * - `generateObject` resolves only with a value that passes `schema`; anything else is `llm_invalid_output`
 *   (agents decide whether to repair or fall back).
 * - Every attempt that reached a provider, the cache or a replay file is reported once, as an `LlmCall`
 *   (src/contracts/llm.ts), whether it succeeded or failed.
 * - A call that would take the task past its `TaskBudget` is refused before it is sent, with
 *   `budget_exceeded` and the spend so far in `details`; a cached or replayed answer costs nothing and is
 *   never refused.
 * - Errors are AppErrors whose messages name the provider and the model and never contain an API key:
 *   `llm_auth_failed`, `llm_model_not_found`, `llm_context_too_long`, `llm_timeout`, `llm_unavailable`,
 *   `llm_invalid_output`, `llm_replay_missing`, `budget_exceeded`. Aborting `signal` rejects with the
 *   signal's reason.
 * - Identical requests (provider, model, messages, schema, tools, settings) are answered from the response
 *   cache unless `noCache` is set; a cached answer is byte-identical to the recorded one.
 */
import type { ZodType } from 'zod';
import type { ConfiguredModel, LlmProvider, ModelAgent } from '../../contracts/llm.ts';

export { MODEL_AGENTS, type ModelAgent, type LlmProvider, type ConfiguredModel } from '../../contracts/llm.ts';

/** One model as configured for an agent (a primary or one of its fallbacks). */
export interface AgentModel {
  provider: LlmProvider;
  model: string;
  /** '' or null: the provider's public endpoint (required for openai-compatible). */
  baseUrl: string | null;
  /** Never logged, never in an error, event or artifact. */
  apiKey: string | null;
  temperature: number | null;
  maxOutputTokens: number | null;
}

/** One agent's models: the primary, then the fallbacks tried in order when it is unavailable or times out. */
export interface AgentModelChain {
  primary: AgentModel;
  fallbacks: AgentModel[];
  /** Per model tried (its retries included); the task's own signal still applies. */
  timeoutMs: number;
  /** Retries per model on 429/5xx/network errors, honouring Retry-After. */
  maxRetries: number;
}

/** USD per million tokens; `cached_input` is for prompt tokens the provider served from its prompt cache. */
export interface ModelPrice {
  input: number;
  cached_input: number;
  output: number;
}

/** Prices by model name; a row also prices the model's dated snapshots (`gpt-4o` prices `gpt-4o-2024-08-06`). */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/** A task's spending limit; null means no limit of that kind (in a request: the configured limit of that kind). */
export interface TaskBudget {
  maxTokens: number | null;
  maxUsd: number | null;
}

export interface ModelRequestOptions {
  taskId: string | null;
  budget?: TaskBudget;
  /** The task's abort signal: cancelling the task cancels its model calls. */
  signal?: AbortSignal;
  /** Skip the response cache for reading (answers are still stored). */
  noCache?: boolean;
  /**
   * What the task has spent already as recorded elsewhere (the state store's llm_calls, written by other
   * processes in event-driven mode). The budget counts the larger of this and what this process saw.
   */
  spentSoFar?: { tokens: number; usd: number };
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface GenerationInput {
  system?: string;
  /** Either one prompt or a conversation (e.g. a repair round with the validation errors). */
  prompt?: string;
  messages?: readonly ChatMessage[];
}

export interface ObjectRequest<T> extends GenerationInput {
  schema: ZodType<T>;
  /** Shown to the model with the schema (e.g. 'plan'). */
  schemaName?: string;
  schemaDescription?: string;
}

export interface TextRequest extends GenerationInput {
  /** Streams the answer: called with each piece as it arrives (for progress); the result is still the whole text. */
  onTextDelta?: (delta: string) => void;
}

/** A tool the model may call. Its input is validated against `input` before `execute` runs. */
export interface ToolDefinition<I = unknown> {
  description: string;
  input: ZodType<I>;
  /** The result (JSON) goes back to the model; a thrown error goes back as the tool's error. */
  execute(input: I, ctx: { signal: AbortSignal }): Promise<unknown>;
}

export interface ToolLoopRequest extends GenerationInput {
  tools: Record<string, ToolDefinition>;
  /** Model steps at most; each step may call tools, whose results start the next step. */
  maxSteps: number;
  /** Tools that end the loop once called (e.g. `finish`), so the model needs no closing turn. */
  stopAfter?: readonly string[];
  /** Stops the loop early (e.g. a stuck detector); the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Long loops: only the last this many tool results are resent whole; older large ones become a short note. */
  keepToolResults?: number;
}

export interface ToolCallRecord {
  name: string;
  input: unknown;
  /** What `execute` returned, or why it failed. */
  output?: unknown;
  error?: string;
}

export interface ToolLoopResult {
  /** The model's final text. */
  text: string;
  steps: { toolCalls: ToolCallRecord[] }[];
  usage: GenerationUsage;
}

export interface GenerationUsage {
  tokensIn: number;
  tokensCached: number;
  tokensOut: number;
  costUsd: number;
  cacheHit: boolean;
  /** The model that answered (a fallback when the primary was unavailable). */
  provider: LlmProvider;
  model: string;
}

export interface ObjectResult<T> {
  object: T;
  usage: GenerationUsage;
}

export interface TextResult {
  text: string;
  usage: GenerationUsage;
}

/** The model calls one agent may make for one task. */
export interface TaskModel {
  readonly agent: ModelAgent;
  readonly provider: LlmProvider;
  readonly model: string;
  generateObject<T>(request: ObjectRequest<T>): Promise<ObjectResult<T>>;
  generateText(request: TextRequest): Promise<TextResult>;
  /**
   * A tool loop: the model calls tools until it answers without one, calls a `stopAfter` tool or
   * `maxSteps` is reached. The chain's timeout applies per step (the loop gets timeoutMs × maxSteps).
   * Fallback models are tried only before the first tool ran, since tools have effects.
   */
  runTools(request: ToolLoopRequest): Promise<ToolLoopResult>;
}

export interface ModelCheck {
  agent: ModelAgent;
  provider: LlmProvider;
  model: string;
  ok: boolean;
  /** How long the provider took to answer, when it did. */
  latencyMs: number | null;
  /** Why not, already redacted (an AppError code and message). */
  error: { code: string; message: string } | null;
}

export interface LanguageModels {
  /** Null when no model is configured for this agent (provider `none`): the agent stays deterministic. */
  forAgent(agent: ModelAgent, opts: ModelRequestOptions): TaskModel | null;
  /** The models per agent, for `catalyst models`, the task page and `doctor`. */
  configured(): ConfiguredModel[];
  /** Asks each distinct configured model for a one-word answer; never throws. */
  check(opts?: { signal?: AbortSignal }): Promise<ModelCheck[]>;
}
