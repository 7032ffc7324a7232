/**
 * AgentModel (config) → an AI SDK LanguageModelV3 speaking that provider's wire format. OpenAI goes through
 * chat completions (`.chat`), not the Responses API, because that is what every OpenAI-compatible server
 * and proxy speaks too.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { AgentModel } from '../../core/ports/llm.ts';

export type FetchFunction = typeof globalThis.fetch;

export function providerModel(m: AgentModel, fetch?: FetchFunction): LanguageModelV3 {
  const common = { ...(m.apiKey ? { apiKey: m.apiKey } : {}), ...(fetch ? { fetch } : {}) };
  switch (m.provider) {
    case 'openai':
      // An explicit (possibly empty) key keeps the SDK from reading OPENAI_API_KEY itself: config is the one reader.
      return createOpenAI({ apiKey: m.apiKey ?? '', ...(fetch ? { fetch } : {}), ...(m.baseUrl ? { baseURL: m.baseUrl } : {}) }).chat(
        m.model,
      );
    case 'anthropic':
      return createAnthropic({ apiKey: m.apiKey ?? '', ...(fetch ? { fetch } : {}), ...(m.baseUrl ? { baseURL: m.baseUrl } : {}) })(
        m.model,
      );
    case 'openai-compatible':
      // Local servers (Ollama, llama.cpp) do not all enforce json_schema; the schema goes into the prompt
      // instead (schemaInPromptMiddleware) and fenced answers are unwrapped (jsonFromProseMiddleware).
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: m.baseUrl ?? '', includeUsage: true, ...common }).chatModel(
        m.model,
      );
  }
}
