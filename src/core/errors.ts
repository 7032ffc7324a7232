import { ERROR_CODES, type ErrorCategory, type ErrorCode } from '../contracts/errors.ts';

const MARKER = Symbol.for('catalyst.AppError');

/**
 * The one error type. `hint` tells a person what to do next; `retryable` tells a worker whether a
 * redelivery could succeed. Only edges (HTTP, CLI, workers) translate it.
 */
export class AppError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly hint: string | null;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; retryable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.category = ERROR_CODES[code];
    this.retryable = opts.retryable ?? this.category === 'unavailable';
    this.hint = opts.hint ?? null;
    this.details = opts.details;
  }

  static isInstance(e: unknown): e is AppError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }

  /** Wraps anything thrown into an AppError, keeping the cause. */
  static from(e: unknown, code: ErrorCode = 'internal'): AppError {
    if (AppError.isInstance(e)) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new AppError(code, message, { cause: e });
  }
}
