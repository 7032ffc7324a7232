/**
 * The agents' language models for tests, always through the production adapter (createLanguageModels):
 * - `mockModels`: each agent's model is the AI SDK's MockLanguageModelV3 answering scripted texts in order;
 * - `standinModels`: each agent talks HTTP to a local OpenAI stand-in (test/support/llm-standins).
 * Both return the calls the adapter accounted (LlmCall rows, as the state store would get them).
 */
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { createLanguageModels } from '../../src/adapters/llm/index.ts';
import { BUILT_IN_PRICES } from '../../src/config/model-prices.ts';
import { LlmCallSchema, MODEL_AGENTS, type LlmCall, type ModelAgent } from '../../src/contracts/llm.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { AgentModel, AgentModelChain, LanguageModels, TaskBudget } from '../../src/core/ports/llm.ts';
import type { Standin } from './llm-standins/standin-server.ts';

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };

/** One scripted answer: a JSON value (sent as its text), raw text (e.g. not JSON), or a thrown error. */
export type MockAnswer = { object: unknown } | { text: string } | { error: Error };

export interface MockModels {
  llm: LanguageModels;
  calls: LlmCall[];
  /** What each agent's model was sent, in order. */
  prompts: Record<ModelAgent, LanguageModelV3CallOptions[]>;
}

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** Each agent's chain: its one model, or none. */
function chainsFor(modelOf: (agent: ModelAgent) => AgentModel | null): Record<ModelAgent, AgentModelChain | null> {
  const chains = {} as Record<ModelAgent, AgentModelChain | null>;
  for (const agent of MODEL_AGENTS) {
    const m = modelOf(agent);
    chains[agent] = m ? chainFor(m) : null;
  }
  return chains;
}

function chainFor(m: AgentModel): AgentModelChain {
  // Generous: a loaded CI machine must not turn a scripted answer into llm_timeout (hangs are tested with their own short limits).
  return { primary: m, fallbacks: [], timeoutMs: 60_000, maxRetries: 0 };
}

/** Agents with scripted answers get a mock model each; the others have none (they stay deterministic). */
export function mockModels(
  script: Partial<Record<ModelAgent, MockAnswer[]>>,
  opts: { budget?: TaskBudget; tokensIn?: number } = {},
): MockModels {
  const calls: LlmCall[] = [];
  const prompts = Object.fromEntries(MODEL_AGENTS.map((a) => [a, [] as LanguageModelV3CallOptions[]])) as MockModels['prompts'];
  const models = chainsFor((agent) =>
    script[agent]
      ? {
          provider: 'openai',
          model: `mock-${agent}`,
          baseUrl: null,
          apiKey: null,
          temperature: null,
          maxOutputTokens: null,
        }
      : null,
  );
  const llm = createLanguageModels({
    models,
    prices: BUILT_IN_PRICES,
    cacheEnabled: false,
    logger: quietLogger,
    ...(opts.budget ? { budget: opts.budget } : {}),
    onCall: (call) => void calls.push(LlmCallSchema.parse(call)),
    languageModel: (m) => {
      const agent = m.model.replace(/^mock-/, '') as ModelAgent;
      const answers = [...(script[agent] ?? [])];
      return new MockLanguageModelV3({
        provider: 'openai.chat',
        modelId: m.model,
        doGenerate: async (options): Promise<LanguageModelV3GenerateResult> => {
          prompts[agent].push(options);
          const next = answers.shift();
          if (!next) throw new Error(`the ${agent}'s mock model has no answer left`);
          if ('error' in next) throw next.error;
          const text = 'object' in next ? JSON.stringify(next.object) : next.text;
          return {
            content: [{ type: 'text', text }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: usage(opts.tokensIn ?? 100, 20),
            warnings: [],
          };
        },
      });
    },
  });
  return { llm, calls, prompts };
}

/** Every agent in `agents` talks to `standin` over HTTP (OpenAI wire), through the real provider package. */
export function standinModels(standin: Standin, agents: readonly ModelAgent[]): { llm: LanguageModels; calls: LlmCall[] } {
  const calls: LlmCall[] = [];
  const models = chainsFor((agent) =>
    agents.includes(agent)
      ? {
          provider: 'openai',
          model: 'gpt-4o-mini',
          baseUrl: standin.baseUrl,
          apiKey: 'sk-standin-test-key',
          temperature: null,
          maxOutputTokens: null,
        }
      : null,
  );
  const llm = createLanguageModels({
    models,
    prices: BUILT_IN_PRICES,
    cacheEnabled: false,
    logger: quietLogger,
    onCall: (call) => void calls.push(LlmCallSchema.parse(call)),
  });
  return { llm, calls };
}

/**
 * Fails unless `schema` (a JSON schema as sent in `response_format`) is one OpenAI's strict structured output
 * accepts: every object lists all its properties as required and allows no others.
 */
export function assertStrictJsonSchema(schema: unknown, where = '(root)'): void {
  if (Array.isArray(schema)) return schema.forEach((s, i) => assertStrictJsonSchema(s, `${where}[${i}]`));
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Record<string, unknown>;
  if (node['type'] === 'object' || node['properties']) {
    const props = Object.keys((node['properties'] as Record<string, unknown> | undefined) ?? {});
    const required = (node['required'] as string[] | undefined) ?? [];
    const missing = props.filter((p) => !required.includes(p));
    if (missing.length > 0) throw new Error(`${where}: properties not required (strict mode refuses them): ${missing.join(', ')}`);
    if (node['additionalProperties'] !== false) throw new Error(`${where}: additionalProperties is not false`);
  }
  for (const [key, value] of Object.entries(node)) assertStrictJsonSchema(value, `${where}.${key}`);
}
