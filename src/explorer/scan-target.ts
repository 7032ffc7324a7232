/**
 * What a scan target may be shown as, and whether this Catalyst may reach it. Targets come from users
 * and may carry credentials (`postgres://me:secret@db/shop`); records, artifacts and logs only ever
 * hold the redacted form.
 */
import { isAbsolute } from 'node:path';
import type { ScanRequest } from '../contracts/explorer.ts';
import { AppError } from '../core/errors.ts';

/** The target without user:password@ and without query parameters that look like secrets. */
export function redactTarget(target: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return target;
  try {
    const url = new URL(target);
    url.username = '';
    url.password = '';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key|auth|credential/i.test(key)) url.searchParams.set(key, 'REDACTED');
    }
    return url.toString();
  } catch {
    // Not a URL we can parse: drop anything between "://" and "@" all the same.
    return target.replace(/:\/\/[^/@]*@/, '://');
  }
}

/** The host a scan would connect to, or null for a local repository path. */
export function hostOf(request: ScanRequest): string | null {
  if (request.type === 'github' && (isAbsolute(request.target) || !/^[a-z]+:\/\//i.test(request.target))) return null;
  try {
    return new URL(request.target).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    throw new AppError('invalid_option', `the scan target "${redactTarget(request.target)}" is not a URL`, {
      hint:
        request.type === 'github'
          ? 'give an https:// clone URL or a local repository path'
          : request.type === 'deployment'
            ? 'give the http(s):// address of the running app'
            : 'give a postgres://, mysql://, mariadb:// or mongodb:// URL',
    });
  }
}

/**
 * `explorer.allow_hosts`: empty allows any host; otherwise the host must equal an entry or, for an
 * entry `*.example.com`, end with `.example.com`. Local repository paths need no host.
 */
export function checkAllowedHost(request: ScanRequest, allowHosts: readonly string[], allowLocalPaths = true): void {
  const host = hostOf(request);
  if (host === null && !allowLocalPaths) {
    throw new AppError('invalid_option', 'scanning repositories on this machine is switched off (explorer.allow_local_paths: false)', {
      hint: 'give an https:// clone URL instead, or set explorer.allow_local_paths: true in config.yaml',
    });
  }
  if (host === null || allowHosts.length === 0) return;
  const allowed = allowHosts.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e.startsWith('*.') ? host.endsWith(e.slice(1)) : host === e;
  });
  if (!allowed) {
    throw new AppError('invalid_option', `scanning ${host} is not allowed here (explorer.allow_hosts)`, {
      hint: `add "${host}" to explorer.allow_hosts in config.yaml, or scan one of: ${allowHosts.join(', ')}`,
    });
  }
}
