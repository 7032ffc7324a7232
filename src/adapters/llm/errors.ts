/**
 * AI SDK errors → AppError, once, naming provider and model, with every key redacted. The raw SDK error is
 * not kept as `cause`: its response body may echo the key or the prompt.
 */
import { APICallError, NoObjectGeneratedError, NoOutputGeneratedError, RetryError, TypeValidationError, JSONParseError } from 'ai';
import { AppError } from '../../core/errors.ts';
import type { ErrorCode } from '../../contracts/errors.ts';
import { redactSecrets } from '../../core/redact.ts';

export interface ModelRef {
  provider: string;
  model: string;
}

// OpenAI, Anthropic, vLLM, llama.cpp and LM Studio phrasings of the same overflow.
const CONTEXT_TOO_LONG =
  /context.?length|context (window|size)|maximum context|prompt is too long|too many tokens|reduce the length|input is too long/i;
const MODEL_NOT_FOUND = /model.*(not found|does not exist|not exist|unknown|not available)|unknown model|no such model|model_not_found/i;

export const describeModel = (m: ModelRef) => `${m.provider} model ${m.model}`;

export function toAppError(
  e: unknown,
  m: ModelRef,
  secrets: readonly string[],
  opts: { timeoutMs?: number; timedOut?: boolean } = {},
): AppError {
  if (AppError.isInstance(e)) return e;
  const name = describeModel(m);
  const make = (code: ErrorCode, message: string, hint?: string, details: Record<string, unknown> = {}) =>
    new AppError(code, redactSecrets(message, secrets), {
      ...(hint ? { hint } : {}),
      details: { provider: m.provider, model: m.model, ...details },
    });
  if (opts.timedOut) {
    return make(
      'llm_timeout',
      `${name} did not answer within ${Math.round((opts.timeoutMs ?? 0) / 1000)} s`,
      'raise llm.default.timeout_seconds, or add a fallback model',
    );
  }
  if (RetryError.isInstance(e)) {
    const last = e.lastError;
    const mapped = toAppError(last, m, secrets);
    if (e.reason === 'maxRetriesExceeded' && (mapped.code === 'llm_unavailable' || mapped.category === 'unavailable')) {
      return make(
        'llm_unavailable',
        `${name} is unavailable after ${e.errors.length} attempts: ${mapped.message}`,
        mapped.hint ?? undefined,
        {
          attempts: e.errors.length,
        },
      );
    }
    return mapped;
  }
  if (APICallError.isInstance(e)) {
    const status = e.statusCode;
    const text = `${e.message} ${typeof e.responseBody === 'string' ? e.responseBody : ''}`;
    const said = (e.message || 'no message').slice(0, 500);
    if (status === 401 || status === 403) {
      return make(
        'llm_auth_failed',
        `${name} refused the API key (HTTP ${status}): ${said}`,
        'check OPENAI_API_KEY, ANTHROPIC_API_KEY or CATALYST_LLM_API_KEY',
        {
          status,
        },
      );
    }
    if (CONTEXT_TOO_LONG.test(text) && (status === undefined || (status >= 400 && status < 500))) {
      return make(
        'llm_context_too_long',
        `the prompt is too long for ${name}: ${said}`,
        'choose a model with a larger context window or shorten the request',
        {
          status,
        },
      );
    }
    if (status === 404 || (status !== undefined && status >= 400 && status < 500 && MODEL_NOT_FOUND.test(text))) {
      return make(
        'llm_model_not_found',
        `${name} was not found at the provider (HTTP ${status}): ${said}`,
        'check the model name (llm.default.model, agents.<name>.llm.model)',
        {
          status,
        },
      );
    }
    if (e.isRetryable || status === undefined || status === 429 || status >= 500) {
      return make(
        'llm_unavailable',
        `${name} is unavailable${status ? ` (HTTP ${status})` : ''}: ${said}`,
        'retry later, or add a fallback model (llm.default.fallbacks)',
        {
          status,
        },
      );
    }
    return make('internal', `${name} rejected the request (HTTP ${status}): ${said}`, undefined, { status });
  }
  if (
    NoObjectGeneratedError.isInstance(e) ||
    NoOutputGeneratedError.isInstance(e) ||
    TypeValidationError.isInstance(e) ||
    JSONParseError.isInstance(e)
  ) {
    // What the model said and why it failed, so an agent can run a repair round with the validation errors.
    const output = NoObjectGeneratedError.isInstance(e) ? (e.text ?? null) : JSONParseError.isInstance(e) ? e.text : null;
    const why = e.cause instanceof Error ? e.cause.message : e.message;
    return make(
      'llm_invalid_output',
      `${name} answered with output that does not match the requested schema: ${e.message.slice(0, 500)}`,
      undefined,
      {
        output: output === null ? null : redactSecrets(output.slice(0, 20_000), secrets),
        reason: redactSecrets(why.slice(0, 4_000), secrets),
      },
    );
  }
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return make('llm_unavailable', `the call to ${name} was aborted: ${e.message}`);
  }
  const message = e instanceof Error ? e.message : String(e);
  return make(
    'llm_unavailable',
    `the call to ${name} failed: ${message.slice(0, 500)}`,
    'check that the provider is reachable (llm.default.base_url)',
  );
}
