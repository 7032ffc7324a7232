/**
 * The HTTP edge's one translation of failures (STYLE.md "One error type, translated once"): every
 * error leaves as `{error: {code, message, hint}}` with a status from the table below.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ErrorCategory, ErrorCode } from '../contracts/errors.ts';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/** Category → status; the few codes whose HTTP meaning is narrower than their category override it. */
const STATUS_BY_CATEGORY: Record<ErrorCategory, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  unauthorized: 401,
  forbidden_origin: 403,
  payload_too_large: 413,
  rate_limited: 429,
  not_implemented: 501,
  invalid_config: 500,
  invalid_artifact: 500,
  invalid_event: 500,
};

export function statusFor(error: AppError): number {
  return STATUS_BY_CODE[error.code] ?? STATUS_BY_CATEGORY[error.category];
}

export function errorBody(error: AppError): { error: { code: ErrorCode; message: string; hint: string | null; fields?: unknown } } {
  const fields = error.details?.fields;
  return { error: { code: error.code, message: error.message, hint: error.hint, ...(fields ? { fields } : {}) } };
}

/** A zod failure at the boundary as a 400 that names each bad field. */
export function invalidRequest(where: 'body' | 'query' | 'params', issues: readonly z.core.$ZodIssue[]): AppError {
  const fields = issues.map((i) => ({ field: [where, ...i.path.map(String)].join('.'), message: i.message }));
  return new AppError('invalid_request', fields.map((f) => `${f.field}: ${f.message}`).join('; '), {
    hint: 'fix the fields named in error.fields; the OpenAPI document at /docs lists every field',
    retryable: false,
    details: { fields },
  });
}

export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'params'): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw invalidRequest(where, parsed.error.issues);
  return parsed.data;
}

/** Fastify's own failures (body too large, bad JSON, rate limit) mapped onto our codes. */
function fromFastify(e: FastifyError): AppError {
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return new AppError('payload_too_large', 'the request body is too large', {
      hint: 'send a shorter request (server.body_limit_bytes)',
      retryable: false,
    });
  }
  if (e.statusCode === 429) {
    return new AppError('rate_limited', e.message, {
      hint: 'wait and retry; the retry-after header says how long (server.rate_limit_per_minute)',
      retryable: true,
    });
  }
  if (e.statusCode === 415) {
    return new AppError('invalid_request', e.message, { hint: 'send JSON with content-type: application/json', retryable: false });
  }
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError('invalid_request', e.message, {
      hint: 'send a JSON body that matches the OpenAPI document at /docs',
      retryable: false,
    });
  }
  return AppError.from(e);
}

export function errorHandler(logger: Logger) {
  return (e: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const error = AppError.isInstance(e) ? e : fromFastify(e as FastifyError);
    const status = statusFor(error);
    if (status >= 500 && error.code !== 'not_implemented') {
      logger.error({ err: error.message, code: error.code, url: request.url, method: request.method }, 'request failed');
    }
    if (error.code === 'rate_limited') {
      const retryAfter = (e as FastifyError & { headers?: Record<string, string> }).headers?.['retry-after'];
      if (retryAfter) void reply.header('retry-after', retryAfter);
    }
    void reply.code(status).type('application/json; charset=utf-8').send(errorBody(error));
  };
}

export function notImplemented(what: string, arrivesWith: string): AppError {
  return new AppError('not_implemented', `${what} is not available in this release`, { hint: arrivesWith, retryable: false });
}
