/**
 * `npm run bench:llm [-- --calls N]`: what Catalyst's model layer adds to each model call, against the local
 * stand-ins (test/support/llm-standins), per wire format:
 *   adapter  — a structured call through createLanguageModels (accounting, budget, cache lookup with
 *              noCache, record/replay off), minus the time the stand-in itself spent answering;
 *   sdk      — the same call on the bare AI SDK provider model (no Catalyst middleware; for ollama only the
 *              step that unwraps fenced JSON), minus the same;
 *   catalyst — adapter − sdk: the middleware's own share;
 *   hit      — a response-cache hit (memory + disk), end to end.
 * Medians of N calls after a warm-up. Figures only; nothing here asserts timings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateText, Output, wrapLanguageModel } from 'ai';
import { z } from 'zod';
import { createMemoryCache } from '../src/adapters/cache/memory/memory-cache.ts';
import { createLanguageModels } from '../src/adapters/llm/index.ts';
import { jsonFromProseMiddleware } from '../src/adapters/llm/middleware.ts';
import { providerModel } from '../src/adapters/llm/providers.ts';
import { BUILT_IN_PRICES } from '../src/config/model-prices.ts';
import type { Logger } from '../src/core/logger.ts';
import type { AgentModel } from '../src/core/ports/llm.ts';
import { startStandin, type Wire } from '../test/support/llm-standins/standin-server.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '200' } } });
const N = Number(values.calls);
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const Plan = z.object({ app: z.string(), features: z.array(z.string()) });
const plan = { app: 'Todo', features: ['add todo', 'list todos', 'complete todo'] };
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

console.log(`bench:llm — ${N} calls per row, medians (node ${process.version})`);
for (const wire of ['openai', 'anthropic', 'ollama'] as const satisfies readonly Wire[]) {
  const s = await startStandin(wire);
  s.respond(() => ({ reply: { object: plan, usage: { input: 800, cached: 200, output: 60 } } }));
  const model: AgentModel = {
    provider: wire === 'ollama' ? 'openai-compatible' : wire,
    model: wire === 'anthropic' ? 'claude-haiku-4-5' : wire === 'openai' ? 'gpt-4o-mini' : 'qwen2.5-coder:7b',
    baseUrl: s.baseUrl,
    apiKey: 'bench-key',
    temperature: null,
    maxOutputTokens: null,
  };
  const llm = createLanguageModels({
    models: { planner: { primary: model, fallbacks: [], timeoutMs: 30_000, maxRetries: 0 }, architect: null, coder: null, reviewer: null },
    prices: BUILT_IN_PRICES,
    cache: createMemoryCache({ defaultTtlMs: 600_000 }),
    cacheDir: mkdtempSync(join(tmpdir(), 'catalyst-bench-llm-')),
    logger: quiet,
  });
  const planner = (noCache: boolean) => llm.forAgent('planner', { taskId: 'bench', noCache, budget: { maxTokens: 1e12, maxUsd: 1e9 } })!;
  // A local server's fenced answer does not parse on the bare SDK, so its baseline keeps the one unwrapping step.
  const bare =
    wire === 'ollama' ? wrapLanguageModel({ model: providerModel(model), middleware: jsonFromProseMiddleware }) : providerModel(model);

  const timed = async (fn: () => Promise<unknown>) => {
    const before = s.requests.length;
    const t0 = performance.now();
    await fn();
    const total = performance.now() - t0;
    const server = s.requests.slice(before).reduce((sum, r) => sum + r.handledMs, 0);
    return { total, server };
  };
  const adapterCall = (i: number) => () =>
    planner(true).generateObject({ schema: Plan, system: 'You plan apps.', prompt: `a todo app #${i}` });
  const sdkCall = (i: number) => () =>
    generateText({
      model: bare,
      system: 'You plan apps.',
      prompt: `a todo app #${i}`,
      output: Output.object({ schema: Plan }),
      maxRetries: 0,
    }).then((r) => r.output);

  for (let i = 0; i < 20; i++) {
    await adapterCall(i)();
    await sdkCall(i)();
  }
  const adapter: number[] = [];
  const sdk: number[] = [];
  const server: number[] = [];
  // Interleaved, so load on the machine hits both alike.
  for (let i = 0; i < N; i++) {
    const a = await timed(adapterCall(i));
    const b = await timed(sdkCall(i));
    adapter.push(a.total - a.server);
    sdk.push(b.total - b.server);
    server.push(a.server);
  }
  await planner(false).generateObject({ schema: Plan, prompt: 'cached request' });
  const hits: number[] = [];
  for (let i = 0; i < N; i++)
    hits.push((await timed(() => planner(false).generateObject({ schema: Plan, prompt: 'cached request' }))).total);
  const a = median(adapter);
  const b = median(sdk);
  console.log(
    `${wire.padEnd(9)} adapter ${fmt(a)}  sdk ${fmt(b)}  catalyst ${fmt(a - b)}  cache hit ${fmt(median(hits))}  (stand-in answering: ${fmt(median(server))})`,
  );
  await s.close();
}
