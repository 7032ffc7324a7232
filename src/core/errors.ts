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

  /** Wraps anything thrown into an AppError, keeping the cause; a full disk anywhere in it is `disk_full`. */
  static from(e: unknown, code: ErrorCode = 'internal'): AppError {
    const full = diskFull(e);
    if (full) return full;
    if (AppError.isInstance(e)) return e;
    const message = e instanceof Error ? e.message : String(e);
    return new AppError(code, message, { cause: e });
  }
}

// ENOSPC from Node's fs, "No space left on device" from git and other children, "could not extend file"
// from PostgreSQL (PGlite) when its files cannot grow.
const DISK_FULL = /\bENOSPC\b|No space left on device|could not extend file|could not write to file/i;

/**
 * A full disk, however deep in the cause chain it shows (a git_failed carrying git's stderr, a failed
 * query around PGlite's error), as one `disk_full` error: nothing retries it, and it says what to do.
 */
export function diskFull(e: unknown): AppError | null {
  for (let cur: unknown = e, depth = 0; cur && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (AppError.isInstance(cur) && cur.code === 'disk_full') return cur;
    const code = typeof cur === 'object' ? (cur as { code?: unknown }).code : undefined;
    const text = cur instanceof Error ? cur.message : typeof cur === 'string' ? cur : '';
    const stderr = typeof cur === 'object' ? (cur as { details?: { stderr?: unknown } }).details?.stderr : undefined;
    if (code === 'ENOSPC' || DISK_FULL.test(text) || (typeof stderr === 'string' && DISK_FULL.test(stderr))) {
      return new AppError('disk_full', `the disk is full: ${text.split('\n')[0] || 'no space left on device'}`, {
        hint: 'free space on the disk that holds the data folder (storage.data_dir), then run the build again',
        retryable: false,
        cause: e,
      });
    }
  }
  return null;
}
