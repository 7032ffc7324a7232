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
