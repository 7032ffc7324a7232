// Opt-in: one real round trip to the OpenAI-compatible server at CATALYST_LLM_BASE_URL (Ollama, vLLM,
// LM Studio, llama.cpp, or a hosted endpoint), configured exactly as a user would, through the environment.
// Without the variable it is skipped and says why; nothing else in this suite is ever skipped.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { resolveModelSettings } from '../../config/models.ts';
import type { Logger } from '../../core/logger.ts';
import { createLanguageModels } from './language-models.ts';

const baseUrl = process.env.CATALYST_LLM_BASE_URL;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

test(
  'a real OpenAI-compatible server answers a structured request',
  {
    skip: baseUrl
      ? false
      : 'set CATALYST_LLM_BASE_URL (and CATALYST_LLM_MODEL, CATALYST_LLM_API_KEY if needed) to run against a real server',
    timeout: 300_000,
  },
  async () => {
    const env = { ...process.env, CATALYST_LLM_PROVIDER: process.env.CATALYST_LLM_PROVIDER || 'openai-compatible' };
    const settings = resolveModelSettings(
      { llm: { default: { timeout_seconds: 240 } } },
      { env, dataDir: mkdtempSync(join(tmpdir(), 'catalyst-smoke-')) },
    );
    const llm = createLanguageModels({ models: settings.agents, prices: settings.prices, cacheEnabled: false, logger: quiet });
    const [check] = await llm.check();
    assert.ok(check?.ok, `the server answers: ${JSON.stringify(check?.error)}`);
    const planner = llm.forAgent('planner', { taskId: 'smoke' })!;
    const { object, usage } = await planner.generateObject({
      schema: z.object({ app_name: z.string().min(1), features: z.array(z.string()).min(1) }),
      system: 'You plan small web apps. Answer in JSON.',
      prompt: 'Plan a todo list app with at most three features.',
    });
    assert.ok(object.features.length >= 1);
    assert.ok(usage.tokensIn > 0, 'the server reported usage');
  },
);

test(
  "a real OpenAI-compatible server drives the coder's kind of tool loop",
  {
    skip: baseUrl ? false : 'set CATALYST_LLM_BASE_URL (and CATALYST_LLM_MODEL) to run against a real server',
    timeout: 300_000,
  },
  async () => {
    const env = { ...process.env, CATALYST_LLM_PROVIDER: process.env.CATALYST_LLM_PROVIDER || 'openai-compatible' };
    const settings = resolveModelSettings(
      { llm: { default: { timeout_seconds: 240 } } },
      { env, dataDir: mkdtempSync(join(tmpdir(), 'catalyst-smoke-')) },
    );
    const llm = createLanguageModels({ models: settings.agents, prices: settings.prices, cacheEnabled: false, logger: quiet });
    const coder = llm.forAgent('coder', { taskId: 'smoke' })!;
    const files = new Map<string, string>();
    const result = await coder.runTools({
      system: 'You write files with the tools you are given, then call finish.',
      prompt: 'Create src/hello.ts exporting a function hello() that returns the string "hello". Then call finish.',
      maxSteps: 6,
      stopAfter: ['finish'],
      tools: {
        write_file: {
          description: 'Write a whole file',
          input: z.object({ path: z.string(), content: z.string() }),
          execute: async ({ path, content }: { path: string; content: string }) => {
            files.set(path, content);
            return { ok: true };
          },
        },
        finish: { description: 'Say you are done', input: z.object({ summary: z.string() }), execute: async () => ({ ok: true }) },
      },
    });
    // A model without tool calling answers in text: the coder then needs agents.coder.edit_format: text.
    assert.ok(files.size > 0, `the model called write_file (it answered: ${result.text.slice(0, 200)})`);
    assert.match([...files.values()].join('\n'), /hello/);
  },
);
