import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILT_IN_PRICES } from '../../config/model-prices.ts';
import { costOf, priceFor } from './cost.ts';

test('dated snapshots find their family, the longest prefix wins, unknown models cost nothing', () => {
  assert.equal(priceFor(BUILT_IN_PRICES, 'gpt-4o-mini-2024-07-18'), BUILT_IN_PRICES['gpt-4o-mini']);
  assert.equal(priceFor(BUILT_IN_PRICES, 'gpt-4o-2024-08-06'), BUILT_IN_PRICES['gpt-4o']);
  assert.equal(priceFor(BUILT_IN_PRICES, 'claude-3-7-sonnet-20250219'), BUILT_IN_PRICES['claude-3-7-sonnet']);
  assert.equal(priceFor(BUILT_IN_PRICES, 'llama3.1:8b'), null);
  assert.equal(costOf(null, { tokensIn: 1000, tokensCached: 0, tokensOut: 1000 }), 0);
});

test('cached input tokens are billed at the cached price', () => {
  // gpt-4o: $2.50 in, $1.25 cached, $10 out per million: 600 × 2.5 + 400 × 1.25 + 500 × 10 = 7000 micro-dollars.
  assert.equal(costOf(BUILT_IN_PRICES['gpt-4o']!, { tokensIn: 1000, tokensCached: 400, tokensOut: 500 }), 0.007);
});
