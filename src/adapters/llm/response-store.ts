/**
 * Model answers kept by request key: through the Cache port (Redis or the in-process LRU) for speed and on
 * disk under `llm.cache.dir` so a restart keeps them. A cache is an optimisation: a missing, expired or
 * unreadable entry is a miss, never an error.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import type { Cache } from '../../core/ports/cache.ts';

/** What survives JSON: the answer, not the transport (headers, raw bodies, the request). */
export interface StoredAnswer {
  content: LanguageModelV3GenerateResult['content'];
  finishReason: LanguageModelV3GenerateResult['finishReason'];
  usage: LanguageModelV3GenerateResult['usage'];
  providerMetadata?: LanguageModelV3GenerateResult['providerMetadata'];
  warnings: LanguageModelV3GenerateResult['warnings'];
  response?: { id?: string; modelId?: string; timestamp?: string };
}

/**
 * The key: provider, model and everything that shapes the answer (messages, tools, tool choice, response
 * schema, sampling settings, provider options). Not the base URL — the same model behind another address
 * answers the same — and never headers (they carry keys).
 */
export function requestKey(provider: string, model: string, params: LanguageModelV3CallOptions): string {
  const shaping = {
    v: 1,
    provider,
    model,
    prompt: params.prompt,
    tools: params.tools ?? null,
    toolChoice: params.toolChoice ?? null,
    responseFormat: params.responseFormat ?? null,
    maxOutputTokens: params.maxOutputTokens ?? null,
    temperature: params.temperature ?? null,
    topP: params.topP ?? null,
    topK: params.topK ?? null,
    stopSequences: params.stopSequences ?? null,
    seed: params.seed ?? null,
    providerOptions: params.providerOptions ?? null,
  };
  return createHash('sha256').update(stableJson(shaping)).digest('hex');
}

/** JSON with object keys sorted, so the same request always hashes the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v instanceof Uint8Array
        ? Buffer.from(v).toString('base64')
        : v,
  );
}

export function toStored(result: LanguageModelV3GenerateResult): StoredAnswer {
  const r = result.response;
  return {
    content: result.content,
    finishReason: result.finishReason,
    usage: result.usage,
    ...(result.providerMetadata ? { providerMetadata: result.providerMetadata } : {}),
    warnings: result.warnings,
    ...(r
      ? {
          response: {
            ...(r.id ? { id: r.id } : {}),
            ...(r.modelId ? { modelId: r.modelId } : {}),
            ...(r.timestamp ? { timestamp: r.timestamp.toISOString() } : {}),
          },
        }
      : {}),
  };
}

/** A stored answer as the provider's result; it cost nothing this time, so usage is zero. */
export function fromStored(stored: StoredAnswer): LanguageModelV3GenerateResult {
  const r = stored.response;
  return {
    content: stored.content,
    finishReason: stored.finishReason,
    usage: ZERO_USAGE,
    ...(stored.providerMetadata ? { providerMetadata: stored.providerMetadata } : {}),
    warnings: stored.warnings,
    ...(r ? { response: { ...r, ...(r.timestamp ? { timestamp: new Date(r.timestamp) } : {}) } } : {}),
  } as LanguageModelV3GenerateResult;
}

export const ZERO_USAGE: LanguageModelV3GenerateResult['usage'] = {
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 0, text: 0, reasoning: 0 },
};

export interface ResponseStore {
  get(key: string): Promise<StoredAnswer | null>;
  set(key: string, answer: StoredAnswer): Promise<void>;
}

export function createResponseStore(opts: { cache: Cache | null; dir: string | null; onError?: (e: unknown) => void }): ResponseStore {
  const cache = opts.cache?.namespace('llm-responses') ?? null;
  const fileOf = (key: string) => join(opts.dir!, key.slice(0, 2), `${key}.json`);
  return {
    async get(key) {
      const hot = cache ? await cache.get<StoredAnswer>(key).catch(() => null) : null;
      if (hot) return hot;
      if (!opts.dir) return null;
      let onDisk: StoredAnswer;
      try {
        onDisk = JSON.parse(await readFile(fileOf(key), 'utf8')) as StoredAnswer;
      } catch {
        return null;
      }
      await cache?.set(key, onDisk).catch(() => undefined);
      return onDisk;
    },
    async set(key, answer) {
      await cache?.set(key, answer).catch(() => undefined);
      if (!opts.dir) return;
      const file = fileOf(key);
      try {
        await mkdir(join(opts.dir, key.slice(0, 2)), { recursive: true });
        // Write then rename, so a concurrent reader (another process) never sees half a file.
        const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
        await writeFile(tmp, JSON.stringify(answer));
        await rename(tmp, file);
      } catch (e) {
        // A full or read-only disk costs the cache, not the build.
        opts.onError?.(e);
      }
    },
  };
}
