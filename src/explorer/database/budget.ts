/**
 * One time budget for the whole scan, joined with the caller's signal. Drivers have their own
 * timeouts, but only some of them cover every phase (TLS, auth, a server that accepts and then says
 * nothing); racing every await against this budget and destroying the connection on expiry does.
 */
import { AppError } from '../../core/errors.ts';
import { redact, type DatabaseTarget } from './target.ts';

export type Phase = 'connecting' | 'reading';

export class ScanBudget {
  readonly signal: AbortSignal;
  phase: Phase = 'connecting';
  private readonly deadline: number;
  private readonly timer: AbortController;
  private readonly clock: NodeJS.Timeout;

  constructor(
    private readonly caller: AbortSignal,
    readonly timeoutMs: number,
    private readonly target: DatabaseTarget,
  ) {
    this.deadline = Date.now() + timeoutMs;
    this.timer = new AbortController();
    this.clock = setTimeout(() => this.timer.abort(), timeoutMs);
    this.clock.unref();
    this.signal = AbortSignal.any([caller, this.timer.signal]);
  }

  /** Milliseconds left, never below 1 so drivers treat it as a real timeout rather than "none". */
  remainingMs(): number {
    return Math.max(1, this.deadline - Date.now());
  }

  dispose(): void {
    clearTimeout(this.clock);
  }

  /** The error a stopped scan reports: cancelled by the caller, or out of time in some phase. */
  stopError(): AppError {
    if (this.caller.aborted) {
      const reason: unknown = this.caller.reason;
      if (AppError.isInstance(reason)) return reason;
      return new AppError('service_unavailable', `the scan of ${this.target.display} was cancelled`, {
        hint: 'start the scan again when you want it',
        retryable: false,
      });
    }
    const seconds = `${Math.round(this.timeoutMs / 100) / 10} s`;
    if (this.phase === 'connecting') {
      return new AppError('service_unavailable', `${this.target.display} did not answer within ${seconds}`, {
        hint: 'check the host and port, that the database server is running, and that no firewall drops traffic from Catalyst',
      });
    }
    return new AppError('service_unavailable', `reading the schema of ${this.target.display} did not finish within ${seconds}`, {
      hint: 'the server is slow or very large: try again with a longer timeout or a lower maxTables',
    });
  }

  throwIfStopped(): void {
    if (this.signal.aborted) throw this.stopError();
  }

  /** Settles with `work`, or rejects with the stop error as soon as the budget runs out. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      work.catch(() => undefined);
      return Promise.reject(this.stopError());
    }
    return new Promise<T>((resolve, reject) => {
      const onStop = (): void => reject(this.stopError());
      this.signal.addEventListener('abort', onStop, { once: true });
      work.then(
        (value) => {
          this.signal.removeEventListener('abort', onStop);
          resolve(value);
        },
        (error: unknown) => {
          this.signal.removeEventListener('abort', onStop);
          reject(error);
        },
      );
    });
  }

  /** Runs `cleanup` (destroying a socket, say) the moment the budget runs out; returns the unhook. */
  onStop(cleanup: () => void): () => void {
    if (this.signal.aborted) {
      cleanup();
      return () => undefined;
    }
    this.signal.addEventListener('abort', cleanup, { once: true });
    return () => this.signal.removeEventListener('abort', cleanup);
  }
}

interface DriverErrorShape {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  codeName?: unknown;
  name?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'PROTOCOL_CONNECTION_LOST',
]);

/**
 * Turns a driver error into an AppError a person can act on. The driver's message is kept (it is
 * what the server said) but scrubbed of the credentials, and the raw error is not attached as the
 * cause, since loggers serialise causes and some drivers keep their connection config on errors.
 */
export function driverError(error: unknown, target: DatabaseTarget, budget: ScanBudget): AppError {
  if (AppError.isInstance(error)) return error;
  if (budget.signal.aborted) return budget.stopError();
  // The driver's own connect timeout (pg: "timeout expired") can fire a moment before the budget's: same cause, same message.
  if (
    /^timeout expired$|connection timeout/i.test(
      typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : '',
    )
  )
    return budget.stopError();
  const e = (typeof error === 'object' && error !== null ? error : {}) as DriverErrorShape;
  const code = typeof e.code === 'string' || typeof e.code === 'number' ? String(e.code) : '';
  const errno = typeof e.errno === 'number' ? e.errno : null;
  const raw = typeof e.message === 'string' && e.message ? e.message : String(error);
  const said = redact(raw, target.secrets).slice(0, 500);
  const details = { driver_code: code || null, server_message: said };
  const who = target.username ? ` as ${target.username}` : '';

  // 28P01 / 28000: PostgreSQL auth; 1045, 1698: MySQL access denied; 18: MongoDB AuthenticationFailed.
  if (code === '28P01' || code === '28000' || errno === 1045 || errno === 1698 || code === '18' || e.codeName === 'AuthenticationFailed') {
    return new AppError('invalid_option', `could not sign in to ${target.display}${who}: ${said}`, {
      hint: 'check the username and password (the credentials given with the scan replace any in the URL); an account that can only read is enough',
      retryable: false,
      details,
    });
  }
  // 3D000: PostgreSQL unknown database; 1049: MySQL unknown database; 1044: no access to it.
  if (code === '3D000' || errno === 1049 || errno === 1044) {
    return new AppError('invalid_option', `cannot open the database in ${target.display}: ${said}`, {
      hint: 'check the database name at the end of the URL and that the account may connect to it',
      retryable: false,
      details,
    });
  }
  if (
    NETWORK_CODES.has(code) ||
    /ECONNREFUSED|ENOTFOUND|getaddrinfo|connect ETIMEDOUT|Server selection timed out/i.test(raw) ||
    e.name === 'MongoServerSelectionError'
  ) {
    return new AppError('service_unavailable', `could not reach ${target.display}: ${said}`, {
      hint: 'check the host and port, that the database server is running, and that it accepts connections from Catalyst',
      details,
    });
  }
  if (/ssl|tls|certificate/i.test(raw)) {
    return new AppError('service_unavailable', `could not open a secure connection to ${target.display}: ${said}`, {
      hint: 'check the TLS settings in the URL (sslmode for PostgreSQL, ssl for MySQL, tls for MongoDB) and the server certificate',
      retryable: false,
      details,
    });
  }
  return new AppError('service_unavailable', `reading ${target.display} failed: ${said}`, {
    hint: 'the account may lack read access to the catalog; grant it read access and scan again',
    retryable: false,
    details,
  });
}
