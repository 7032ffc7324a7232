/**
 * `npm run bench:llm [-- --calls N]`: what Catalyst's model layer adds to each model call, against the local
 * stand-ins (test/support/llm-standins), per wire format:
 *   adapter  — a structured call through createLanguageModels (accounting, budget, cache lookup with
 *              noCache, record/replay off), minus the time the stand-in itself spent answering;
 *   sdk      — the same call on the bare AI SDK provider model (no Catalyst middleware; for ollama only the
 *              step that unwraps fenced JSON), minus the same;
 *   catalyst — adapter − sdk: the middleware's own share;
 *   hit      — a response-cache hit (memory + disk), end to end.
 * Medians of N calls after a warm-up. Then the prompt Catalyst sends per agent per build: one build of
 * BUILD_PROMPT (planner → architect → coder → tester → reviewer, the model agents on the OpenAI stand-in),
 * each model call's prompt measured as the stand-in received it (messages and response schema; tokens
 * estimated at 4 characters a token, since no tokenizer is installed) and accounted as tokens_in.
 * Figures only; nothing here asserts timings.
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
import { architectAgent } from '../src/agents/architect/architect-agent.ts';
import { coderAgent } from '../src/agents/coder/coder-agent.ts';
import { plannerAgent } from '../src/agents/planner/planner-agent.ts';
import { reviewerAgent } from '../src/agents/reviewer/reviewer-agent.ts';
import { testerAgent } from '../src/agents/tester/tester-agent.ts';
import { openAgentHarness, runChain } from '../test/support/agent-harness.ts';
import { startStandin, type ReceivedRequest, type Wire } from '../test/support/llm-standins/standin-server.ts';
import { modelDesignAnswer, modelPlanAnswer } from '../test/support/model-answers.ts';
import { standinModels } from '../test/support/mock-models.ts';

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

// ---------------------------------------------------------------------------------------------
// Prompt tokens per agent per build.

const BUILD_PROMPT = 'build a todo app with user auth';
const promptChars = (req: ReceivedRequest) =>
  JSON.stringify(req.body?.messages ?? []).length + JSON.stringify(req.body?.response_format ?? null).length;
const s = await startStandin('openai');
const sentChars: Record<string, number> = {};
s.respond((req) => {
  const name = String(req.body?.response_format?.json_schema?.name ?? '');
  const chars = promptChars(req);
  sentChars[name] = (sentChars[name] ?? 0) + chars;
  const input = Math.ceil(chars / 4);
  if (name === 'plan') return { reply: { object: modelPlanAnswer(), usage: { input, output: 900 } } };
  if (name === 'design') return { reply: { object: modelDesignAnswer(), usage: { input, output: 600 } } };
  const review = { summary: 'A todo app with sign-in.', does_what_was_asked: true, items: [], unmet_acceptance_criteria: [] };
  return { reply: { object: review, usage: { input, output: 150 } } };
});
const h = await openAgentHarness('bench-llm', { prompt: BUILD_PROMPT });
try {
  const { llm, calls } = standinModels(s, ['planner', 'architect', 'reviewer']);
  await runChain(h, [plannerAgent, architectAgent, coderAgent, testerAgent, reviewerAgent], { models: llm });
  console.log(`\nprompt sent per agent for one build of "${BUILD_PROMPT}" (OpenAI stand-in; ≈ 4 characters a token):`);
  for (const agent of ['planner', 'architect', 'reviewer'] as const) {
    const mine = calls.filter((c) => c.agent === agent);
    const tokensIn = mine.reduce((n, c) => n + c.tokens_in, 0);
    const chars = sentChars[{ planner: 'plan', architect: 'design', reviewer: 'review' }[agent]] ?? 0;
    console.log(`${agent.padEnd(9)} ${mine.length} call(s)  tokens_in ${tokensIn}  (${chars} characters of messages and schema)`);
  }
  console.log(`total     tokens_in ${calls.reduce((n, c) => n + c.tokens_in, 0)}`);
} finally {
  await h.close();
  await s.close();
}
