/**
 * What the main page's response says about the site's security: which of the usual protective headers
 * it sends, how its cookies are flagged, what its Server / X-Powered-By headers give away, and what its
 * TLS certificate looks like. Pure functions over one response, so each rule is easy to read and test.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SecurityIssue, Severity } from '../../contracts/explorer.ts';
import type { CertificateReport } from './tls-probe.ts';

interface HeaderRule {
  name: string;
  severity: Severity;
  httpsOnly?: boolean;
  /** Another header doing the same job, e.g. CSP frame-ancestors for X-Frame-Options. */
  coveredBy?: (headers: IncomingHttpHeaders) => string | null;
  why: string;
  improvement: string;
}

function frameAncestors(headers: IncomingHttpHeaders): string | null {
  const csp = String(headers['content-security-policy'] ?? '');
  return /(^|;)\s*frame-ancestors\s/i.test(csp) ? 'Content-Security-Policy frame-ancestors' : null;
}

export const HEADER_RULES: readonly HeaderRule[] = [
  {
    name: 'Content-Security-Policy',
    severity: 'medium',
    why: 'without it, an injected script runs with the page’s full rights',
    improvement: 'Send a Content-Security-Policy header that limits where scripts, styles and frames may come from.',
  },
  {
    name: 'Strict-Transport-Security',
    severity: 'medium',
    httpsOnly: true,
    why: 'browsers may still try plain HTTP first, which can be intercepted',
    improvement: 'Send Strict-Transport-Security (e.g. max-age=31536000; includeSubDomains) so browsers only use HTTPS.',
  },
  {
    name: 'X-Content-Type-Options',
    severity: 'low',
    why: 'browsers may guess content types and run uploads as scripts',
    improvement: 'Send X-Content-Type-Options: nosniff.',
  },
  {
    name: 'X-Frame-Options',
    severity: 'medium',
    coveredBy: frameAncestors,
    why: 'other sites can frame the pages (clickjacking)',
    improvement: "Forbid framing by other sites with X-Frame-Options: DENY or CSP frame-ancestors 'none'.",
  },
  {
    name: 'Referrer-Policy',
    severity: 'low',
    why: 'full URLs, query strings included, leak to other sites in the Referer header',
    improvement: 'Send Referrer-Policy: strict-origin-when-cross-origin (or stricter).',
  },
  {
    name: 'Permissions-Policy',
    severity: 'low',
    why: 'embedded content may ask for the camera, microphone or location',
    improvement: 'Send a Permissions-Policy header that switches off browser features the app does not use.',
  },
];

export interface HeaderReport {
  present: string[];
  missing: string[];
  issues: SecurityIssue[];
  improvements: string[];
}

export function checkHeaders(headers: IncomingHttpHeaders, https: boolean, location: string): HeaderReport {
  const report: HeaderReport = { present: [], missing: [], issues: [], improvements: [] };
  for (const rule of HEADER_RULES) {
    if (rule.httpsOnly && !https) continue;
    if (headers[rule.name.toLowerCase()] !== undefined) {
      report.present.push(rule.name);
      continue;
    }
    const substitute = rule.coveredBy?.(headers);
    if (substitute) {
      report.present.push(substitute);
      continue;
    }
    report.missing.push(rule.name);
    report.issues.push({
      severity: rule.severity,
      kind: 'missing_header',
      message: `${rule.name} header is missing: ${rule.why}.`,
      location,
    });
    report.improvements.push(rule.improvement);
  }
  return report;
}

interface CookieFlags {
  name: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: boolean;
}

/** Cookie names and flags only: values never leave this function. */
export function parseSetCookies(headers: IncomingHttpHeaders): CookieFlags[] {
  const raw = headers['set-cookie'] ?? [];
  return raw.map((line) => {
    const [pair = '', ...attributes] = line.split(';');
    const names = attributes.map((a) => a.split('=')[0]!.trim().toLowerCase());
    return {
      name: pair.split('=')[0]!.trim() || '(unnamed)',
      httpOnly: names.includes('httponly'),
      secure: names.includes('secure'),
      sameSite: names.includes('samesite'),
    };
  });
}

export function checkCookies(headers: IncomingHttpHeaders, location: string): { issues: SecurityIssue[]; improvements: string[] } {
  const issues: SecurityIssue[] = [];
  const flagged: string[] = [];
  for (const cookie of parseSetCookies(headers)) {
    const missing = [!cookie.httpOnly && 'HttpOnly', !cookie.secure && 'Secure', !cookie.sameSite && 'SameSite'].filter(
      (m): m is string => m !== false,
    );
    if (missing.length === 0) continue;
    flagged.push(cookie.name);
    // Readable from scripts or sent over plain HTTP is how sessions get stolen; SameSite alone is defence in depth.
    const severity: Severity = !cookie.httpOnly || !cookie.secure ? 'medium' : 'low';
    issues.push({
      severity,
      kind: 'insecure_cookie',
      message: `Cookie ${cookie.name} is set without ${missing.join(', ')}.`,
      location: `${location} (Set-Cookie ${cookie.name})`,
    });
  }
  const improvements =
    flagged.length > 0 ? [`Set HttpOnly, Secure and SameSite on the cookie${flagged.length > 1 ? 's' : ''} ${flagged.join(', ')}.`] : [];
  return { issues, improvements };
}

const VERSION = /\d+(\.\d+)+/;

export function checkDisclosure(headers: IncomingHttpHeaders, location: string): { issues: SecurityIssue[]; improvements: string[] } {
  const issues: SecurityIssue[] = [];
  const improvements: string[] = [];
  const server = headerValue(headers, 'server');
  if (server && VERSION.test(server)) {
    issues.push({
      severity: 'info',
      kind: 'version_disclosure',
      message: `The Server header gives the server and its version: "${clip(server)}".`,
      location,
    });
    improvements.push('Drop the version from the Server header so scanners cannot match it to known vulnerabilities.');
  }
  const poweredBy = headerValue(headers, 'x-powered-by');
  if (poweredBy) {
    const versioned = VERSION.test(poweredBy);
    issues.push({
      severity: 'info',
      kind: versioned ? 'version_disclosure' : 'technology_disclosure',
      message: `The X-Powered-By header names the framework${versioned ? ' and its version' : ''}: "${clip(poweredBy)}".`,
      location,
    });
    improvements.push('Stop sending the X-Powered-By header.');
  }
  return { issues, improvements };
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function checkTls(
  https: boolean,
  certificate: CertificateReport | null,
  loopback: boolean,
  location: string,
  now = new Date(),
): { issues: SecurityIssue[]; improvements: string[] } {
  if (!https) {
    return {
      // Plain HTTP to the machine itself is a developer setup; anywhere else it exposes every request.
      issues: [
        {
          severity: loopback ? 'low' : 'high',
          kind: 'no_tls',
          message: 'The site is served over plain HTTP: logins, cookies and data travel unencrypted.',
          location,
        },
      ],
      improvements: ['Serve the site over HTTPS and redirect plain HTTP to it.'],
    };
  }
  if (!certificate) return { issues: [], improvements: [] };
  const issues: SecurityIssue[] = [];
  const improvements: string[] = [];
  if (!certificate.valid) {
    const expired = certificate.error === 'CERT_HAS_EXPIRED';
    issues.push({
      severity: 'high',
      kind: expired ? 'expired_certificate' : 'invalid_certificate',
      message: expired
        ? 'The TLS certificate has expired.'
        : `Browsers will not trust the TLS certificate (${certificate.error ?? 'not trusted'}).`,
      location,
    });
    improvements.push(
      expired
        ? 'Renew the TLS certificate.'
        : 'Use a TLS certificate from a trusted authority (e.g. Let’s Encrypt) issued for this host name.',
    );
  } else if (certificate.expires_at) {
    const daysLeft = Math.floor((new Date(certificate.expires_at).getTime() - now.getTime()) / DAY_MS);
    if (daysLeft < 14) {
      issues.push({
        severity: 'medium',
        kind: 'certificate_expiring',
        message: `The TLS certificate expires in ${Math.max(0, daysLeft)} days (${certificate.expires_at}).`,
        location,
      });
      improvements.push('Renew the TLS certificate and automate its renewal.');
    }
  }
  return { issues, improvements };
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  if (value === undefined) return null;
  return (Array.isArray(value) ? value.join(', ') : String(value)).trim() || null;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
