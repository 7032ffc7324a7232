/**
 * The scan's only way onto the network: GET with redirects (at most 5), a deadline per request, a cap
 * on the bytes read, every hop's address checked (address-guard.ts), and the API key sent only where it
 * cannot leak — the target's own host, never downgraded from https to http, and over https only when
 * the certificate is trusted (the request then verifies it too, so a swapped certificate fails).
 *
 * node:http rather than fetch: its `lookup` hook is what lets the connected address be checked.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { brotliDecompressSync, unzipSync } from 'node:zlib';
import { AppError } from '../../core/errors.ts';
import { redactTarget } from '../scan-target.ts';
import { assertReachable, bareHost, ForbiddenAddressError, guardedLookup } from './address-guard.ts';
import type { CertificateInspector } from './tls-probe.ts';

export const MAX_REDIRECTS = 5;
const USER_AGENT = 'CatalystExplorer/1 (deployment scan)';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface Fetched {
  /** Where the last hop answered. */
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Bytes read, at most the cap. */
  bytes: number;
  truncated: boolean;
  /** From the first byte sent to the last byte read, redirects included. */
  ms: number;
  redirects: number;
}

export interface GetOptions {
  maxBytes: number;
  accept?: string;
}

export interface ClientOptions {
  /** The URL the user asked to scan: the API key belongs to its host. */
  target: URL;
  apiKey: string | undefined;
  timeoutMs: number;
  signal: AbortSignal;
  certificates: CertificateInspector;
}

/** A URL as results and errors may show it: no user:password@, secret-looking query values redacted. */
export function displayUrl(url: URL): string {
  return redactTarget(url.toString());
}

export function isHttpUrl(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/** The body as text, undoing a content-encoding the server applied although we asked for none. */
export function bodyText(res: Fetched): string {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .toLowerCase()
    .trim();
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate')
      return unzipSync(res.body, { maxOutputLength: 8 * res.body.length + 1_000_000 }).toString('utf8');
    if (encoding === 'br') return brotliDecompressSync(res.body, { maxOutputLength: 8 * res.body.length + 1_000_000 }).toString('utf8');
  } catch {
    return '';
  }
  return res.body.toString('utf8');
}

interface Hop {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bytes: number;
  truncated: boolean;
}

export class DeploymentClient {
  /** Origins the key was kept from because their certificate is not trusted. */
  readonly keyWithheldFrom = new Set<string>();

  constructor(private readonly opts: ClientOptions) {}

  async get(start: URL, options: GetOptions): Promise<Fetched> {
    const { signal, timeoutMs } = this.opts;
    signal.throwIfAborted();
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const began = performance.now();
    let url = start;
    for (let redirects = 0; ; redirects++) {
      // DNS and the certificate check cannot be aborted themselves; the deadline still bounds them.
      await this.before(assertReachable(url), deadline, start);
      const auth = await this.before(this.authorizationFor(url), deadline, start);
      const hop = await this.once(url, { ...options, authorization: auth.header, verifyTls: auth.verify }, deadline, start);
      const location = REDIRECT_STATUSES.has(hop.status) ? hop.headers.location : undefined;
      const next = location ? safeUrl(location, url) : null;
      if (!next || !isHttpUrl(next)) {
        return { url, ...hop, ms: performance.now() - began, redirects };
      }
      if (redirects === MAX_REDIRECTS) {
        throw new AppError('invalid_option', `GET ${displayUrl(start)} redirects more than ${MAX_REDIRECTS} times`, {
          hint: 'point the scan at the address the app finally answers on, or fix the redirect loop',
          retryable: false,
        });
      }
      url = next;
    }
  }

  private before<T>(work: Promise<T>, deadline: AbortSignal, start: URL): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.opts.signal.aborted ? this.opts.signal.reason : this.timedOut(start));
      if (deadline.aborted) return onAbort();
      deadline.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
    });
  }

  private timedOut(start: URL): AppError {
    return new AppError('service_unavailable', `GET ${displayUrl(start)} timed out after ${this.opts.timeoutMs} ms`, {
      hint: 'check that the app is up and reachable from Catalyst, or allow more time per request',
      details: { reason: 'timeout' },
    });
  }

  private async authorizationFor(url: URL): Promise<{ header: string | undefined; verify: boolean }> {
    const { apiKey, target } = this.opts;
    if (apiKey === undefined || bareHost(url.hostname) !== bareHost(target.hostname)) return { header: undefined, verify: false };
    const header = `Bearer ${apiKey}`;
    if (url.protocol === 'http:') return { header: target.protocol === 'http:' ? header : undefined, verify: false };
    const certificate = await this.opts.certificates.inspect(url);
    if (!certificate.valid) {
      this.keyWithheldFrom.add(url.origin);
      return { header: undefined, verify: false };
    }
    return { header, verify: true };
  }

  private once(
    url: URL,
    o: GetOptions & { authorization: string | undefined; verifyTls: boolean },
    deadline: AbortSignal,
    start: URL,
  ): Promise<Hop> {
    const { signal } = this.opts;
    const https = url.protocol === 'https:';
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      accept: o.accept ?? '*/*',
      'accept-encoding': 'identity',
      connection: 'close',
    };
    if (o.authorization !== undefined) headers.authorization = o.authorization;

    return new Promise<Hop>((resolve, reject) => {
      let settled = false;
      const send = https ? httpsRequest : httpRequest;
      const req = send({
        protocol: url.protocol,
        hostname: bareHost(url.hostname),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        agent: false,
        lookup: guardedLookup as never,
        ...(https ? { rejectUnauthorized: o.verifyTls } : {}),
      });

      const onDeadline = () => req.destroy(new Error('deadline'));
      if (deadline.aborted) onDeadline();
      else deadline.addEventListener('abort', onDeadline, { once: true });

      const done = (settle: () => void) => {
        if (settled) return;
        settled = true;
        deadline.removeEventListener('abort', onDeadline);
        settle();
      };
      const fail = (err: unknown) =>
        done(() => {
          if (signal.aborted) return reject(signal.reason);
          if (deadline.aborted) return reject(this.timedOut(start));
          if (err instanceof ForbiddenAddressError) return reject(err.toAppError());
          const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
          reject(
            new AppError('service_unavailable', `GET ${displayUrl(url)} failed (${code})`, {
              hint: 'check that the app is up and that Catalyst can reach this address',
              details: { reason: code },
              cause: err,
            }),
          );
        });

      req.on('error', fail);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        let truncated = false;
        const cap = REDIRECT_STATUSES.has(res.statusCode ?? 0) ? Math.min(o.maxBytes, 64 * 1024) : o.maxBytes;
        const finish = () =>
          done(() => {
            res.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), bytes, truncated });
          });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          const room = cap - bytes;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            bytes = cap;
            truncated = true;
            return finish();
          }
          chunks.push(chunk);
          bytes += chunk.length;
        });
        res.on('end', finish);
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('the connection closed mid-response'), { code: 'ECONNRESET' }));
        });
      });
      req.end();
    });
  }
}

function safeUrl(location: string, base: URL): URL | null {
  try {
    return new URL(location, base);
  } catch {
    return null;
  }
}
