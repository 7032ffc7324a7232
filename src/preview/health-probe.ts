/**
 * Waits for a preview to answer `GET /health` with 200 (the generated-app contract, ARCHITECTURE §4).
 * Never outlives its deadline: each request is cut to the time left, and the wait stops at once when
 * the caller signals that the process being probed has exited.
 */

export type HealthWaitResult =
  { healthy: true; attempts: number } | { healthy: false; reason: 'timeout' | 'exited'; attempts: number; lastError: string | null };

export interface HealthWaitOptions {
  /** Base URL of the app, e.g. `http://127.0.0.1:9123`; `/health` is appended. */
  baseUrl: string;
  timeoutMs: number;
  /** Aborted when the probed process is gone, so there is no point waiting for the deadline. */
  exited?: AbortSignal;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

const REQUEST_TIMEOUT_MS = 1000;

function healthUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/health`;
}

async function requestHealth(baseUrl: string, timeoutMs: number): Promise<{ ok: boolean; error: string | null }> {
  try {
    const res = await fetch(healthUrl(baseUrl), { signal: AbortSignal.timeout(Math.max(1, timeoutMs)) });
    // Drain the body so the connection is released instead of lingering until GC.
    await res.arrayBuffer().catch(() => undefined);
    return res.status === 200 ? { ok: true, error: null } : { ok: false, error: `HTTP ${res.status}` };
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    return { ok: false, error: `${e instanceof Error ? e.message : String(e)}${cause}` };
  }
}

/** One `GET /health` with a short timeout: true only for a 200. */
export async function probeHealthOnce(baseUrl: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<boolean> {
  return (await requestHealth(baseUrl, timeoutMs)).ok;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Polls with backoff (100 ms, ×1.5, at most 1 s) until a 200, the deadline, or `exited`. */
export async function waitForHealthy(opts: HealthWaitOptions): Promise<HealthWaitResult> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.initialDelayMs ?? 100;
  const maxDelay = opts.maxDelayMs ?? 1000;
  let attempts = 0;
  let lastError: string | null = null;
  for (;;) {
    if (opts.exited?.aborted) return { healthy: false, reason: 'exited', attempts, lastError };
    const left = deadline - Date.now();
    if (left <= 0) return { healthy: false, reason: 'timeout', attempts, lastError };
    attempts += 1;
    const requestTimeout = Math.min(REQUEST_TIMEOUT_MS, left);
    const res = await requestHealth(opts.baseUrl, requestTimeout);
    if (res.ok) return { healthy: true, attempts };
    // A last request cut short by the deadline says nothing about the app; keep the earlier answer.
    if (lastError === null || requestTimeout === REQUEST_TIMEOUT_MS) lastError = res.error;
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), opts.exited);
    delay = Math.min(delay * 1.5, maxDelay);
  }
}
