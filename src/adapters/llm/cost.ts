import type { ModelPrice, PriceTable } from '../../core/ports/llm.ts';

/**
 * The row for a model: an exact name first, else the longest row that is a prefix of it followed by `-`,
 * so dated snapshots (`gpt-4o-2024-08-06`, `claude-3-7-sonnet-20250219`) find their family's price.
 */
export function priceFor(table: PriceTable, model: string): ModelPrice | null {
  const exact = table[model];
  if (exact) return exact;
  let best: string | null = null;
  for (const name of Object.keys(table)) {
    if (model.startsWith(`${name}-`) && (best === null || name.length > best.length)) best = name;
  }
  return best === null ? null : table[best]!;
}

/** USD for one call, rounded to micro-dollars; cached input tokens are part of `tokensIn` and billed at the cached price. */
export function costOf(price: ModelPrice | null, usage: { tokensIn: number; tokensCached: number; tokensOut: number }): number {
  if (!price) return 0;
  const cached = Math.min(usage.tokensCached, usage.tokensIn);
  const usd = ((usage.tokensIn - cached) * price.input + cached * price.cached_input + usage.tokensOut * price.output) / 1e6;
  return Math.round(usd * 1e6) / 1e6;
}
