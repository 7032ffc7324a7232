/**
 * Which addresses a deployment scan may never reach. Targets come from users, and a cloud metadata
 * service answers on a link-local address with the host's credentials, so link-local (and the few
 * metadata addresses outside that range) are refused — before connecting, after every redirect, and
 * again inside the socket's own DNS lookup so a name that re-resolves (DNS rebinding) is caught too.
 * Private and loopback addresses stay allowed: self-hosted users scan their own apps.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../core/errors.ts';

const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4');
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6');
// The same link-local range written through NAT64 still reaches it on some networks.
FORBIDDEN.addSubnet('64:ff9b::a9fe:0', 112, 'ipv6');
// Metadata services that do not live in 169.254.0.0/16: AWS over IPv6, Alibaba Cloud.
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6');
FORBIDDEN.addAddress('100.100.100.200', 'ipv4');

/** True for an address a scan must never connect to. IPv4-mapped IPv6 forms count as their IPv4. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** `[::1]` → `::1`; URL hostnames keep IPv6 brackets. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}

function refused(host: string): AppError {
  return new AppError('invalid_option', `${host} resolves to a link-local or cloud metadata address, which scans never reach`, {
    hint: 'scan the app through its public or private address instead; link-local addresses (169.254.0.0/16, fe80::/10) and metadata services are always refused',
    retryable: false,
  });
}

/** Resolves every address of the URL's host and refuses the URL if any of them is forbidden. */
export async function assertReachable(url: URL): Promise<void> {
  const host = bareHost(url.hostname);
  if (isIP(host) !== 0) {
    if (isForbiddenAddress(host)) throw refused(host);
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await dnsLookupAsync(host, { all: true, verbatim: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'lookup failed';
    throw new AppError('service_unavailable', `cannot resolve ${host} (${code})`, {
      hint: 'check the host name in the target URL and that Catalyst can reach your DNS',
      cause: e,
      retryable: code === 'EAI_AGAIN',
    });
  }
  if (addresses.some((a) => isForbiddenAddress(a.address))) throw refused(host);
}

/** Thrown inside a socket's lookup; the HTTP client turns it into the AppError above. */
export class ForbiddenAddressError extends Error {
  constructor(readonly host: string) {
    super(`${host} resolves to a forbidden address`);
    this.name = 'ForbiddenAddressError';
  }

  toAppError(): AppError {
    return refused(this.host);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A drop-in for `dns.lookup` in socket options: the address actually connected to is checked, so a
 * name that answered harmlessly for `assertReachable` and then changes is still refused.
 */
export function guardedLookup(hostname: string, options: LookupOneOptions | LookupAllOptions | number, callback: LookupCallback): void {
  const opts = typeof options === 'number' ? { family: options } : options;
  dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    if (addresses.some((a) => isForbiddenAddress(a.address))) return callback(new ForbiddenAddressError(hostname), []);
    if ((opts as LookupAllOptions).all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
