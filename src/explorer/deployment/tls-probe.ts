/**
 * What a site's TLS certificate says: trusted by this machine's CAs (and issued for the host), when it
 * expires, who issued it. The handshake accepts any certificate so self-signed and expired ones can be
 * reported; nothing is sent over it.
 */
import { connect, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { AppError } from '../../core/errors.ts';
import { assertReachable, bareHost, ForbiddenAddressError, guardedLookup } from './address-guard.ts';

export interface CertificateReport {
  /** Trusted and issued for this host; false when the handshake failed. */
  valid: boolean;
  expires_at: string | null;
  issuer: string | null;
  /** Why it is not valid, as OpenSSL puts it (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, …). */
  error: string | null;
}

function distinguishedName(name: PeerCertificate['issuer'] | undefined): string | null {
  if (!name) return null;
  const parts: string[] = [];
  for (const key of ['CN', 'O', 'C'] as const) {
    const value = (name as unknown as Record<string, string | string[] | undefined>)[key];
    if (value !== undefined) parts.push(`${key}=${Array.isArray(value) ? value.join('+') : value}`);
  }
  return parts.length > 0 ? parts.join(', ') : null;
}

function isoDate(text: string | undefined): string | null {
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function handshake(url: URL, timeoutMs: number, signal: AbortSignal): Promise<CertificateReport> {
  const host = bareHost(url.hostname);
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = connect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: false,
      lookup: guardedLookup as never,
    });
    const timer = setTimeout(
      () => finish(() => resolve({ valid: false, expires_at: null, issuer: null, error: `no TLS handshake within ${timeoutMs} ms` })),
      timeoutMs,
    );
    const onAbort = () => finish(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });

    function finish(settle: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      settle();
    }

    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const error = socket.authorized ? null : String(socket.authorizationError ?? 'certificate not trusted');
      finish(() =>
        resolve({ valid: socket.authorized, expires_at: isoDate(cert.valid_to), issuer: distinguishedName(cert.issuer), error }),
      );
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof ForbiddenAddressError) return finish(() => reject(err.toAppError()));
      finish(() => resolve({ valid: false, expires_at: null, issuer: null, error: err.code ?? err.message }));
    });
  });
}

/** One handshake per host:port for the whole scan, shared by the security check and the key policy. */
export class CertificateInspector {
  private readonly seen = new Map<string, Promise<CertificateReport>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  inspect(url: URL): Promise<CertificateReport> {
    if (url.protocol !== 'https:') throw new AppError('internal', 'certificates are inspected for https:// URLs only');
    const key = `${url.hostname}:${url.port || 443}`;
    let report = this.seen.get(key);
    if (!report) {
      report = assertReachable(url).then(() => handshake(url, this.timeoutMs, this.signal));
      this.seen.set(key, report);
    }
    return report;
  }
}
