/**
 * Built-in prices in USD per million tokens, from the providers' public price pages (OpenAI "API pricing",
 * Anthropic "Pricing"; checked December 2026). `cached_input` is the price of prompt tokens the provider
 * served from its prompt cache (OpenAI "cached input", Anthropic "cache hits"); Anthropic's surcharge for
 * writing its cache is not modelled. `llm.prices` in config.yaml adds models or replaces these rows, e.g.
 * when a contract price differs. A model without a row (a local Ollama model) costs 0.
 */
import type { PriceTable } from '../core/ports/llm.ts';

export const BUILT_IN_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, cached_input: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cached_input: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cached_input: 0.005, output: 0.4 },
  'gpt-4.1': { input: 2, cached_input: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cached_input: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cached_input: 0.025, output: 0.4 },
  'gpt-4o': { input: 2.5, cached_input: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cached_input: 0.075, output: 0.6 },
  o3: { input: 2, cached_input: 0.5, output: 8 },
  'o3-mini': { input: 1.1, cached_input: 0.55, output: 4.4 },
  'o4-mini': { input: 1.1, cached_input: 0.275, output: 4.4 },
  'claude-opus-4-5': { input: 5, cached_input: 0.5, output: 25 },
  'claude-opus-4-1': { input: 15, cached_input: 1.5, output: 75 },
  'claude-opus-4': { input: 15, cached_input: 1.5, output: 75 },
  'claude-sonnet-4-5': { input: 3, cached_input: 0.3, output: 15 },
  'claude-sonnet-4': { input: 3, cached_input: 0.3, output: 15 },
  'claude-3-7-sonnet': { input: 3, cached_input: 0.3, output: 15 },
  'claude-3-5-sonnet': { input: 3, cached_input: 0.3, output: 15 },
  'claude-haiku-4-5': { input: 1, cached_input: 0.1, output: 5 },
  'claude-3-5-haiku': { input: 0.8, cached_input: 0.08, output: 4 },
};
