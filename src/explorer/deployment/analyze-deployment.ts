/**
 * The deployment analyzer (spec §4.7 "Running Deployment Scan"): fetches the running app's main page,
 * then runs the checks asked for — health endpoints, response times, TLS / headers / cookies, and
 * OpenAPI discovery with its records and auth — and reads the technologies and architecture off what
 * came back. Rule-based and bounded: every request has a deadline and a byte cap, the number of
 * requests is fixed by the options, and the API key never appears in what is returned.
 */
import type { AnalyzerResult, DeploymentSection, DiscoveredEntity, SecurityIssue, Technology } from '../../contracts/explorer.ts';
import { AppError } from '../../core/errors.ts';
import { bareHost } from './address-guard.ts';
import { bodyText, DeploymentClient, displayUrl, isHttpUrl, type Fetched } from './http-client.ts';
import { OPENAPI_PATHS, parseOpenApi, type OpenApiDocument } from './openapi.ts';
import { checkCookies, checkDisclosure, checkHeaders, checkTls, headerValue } from './security-checks.ts';
import { CertificateInspector } from './tls-probe.ts';
import { detectFromHeaders, detectFromHtml, TechnologyList } from './technologies.ts';

export const DEPLOYMENT_CHECKS = ['health', 'performance', 'security', 'apis'] as const;
export type DeploymentCheck = (typeof DEPLOYMENT_CHECKS)[number];

export interface DeploymentScanOptions {
  /** An http:// or https:// URL of the running app. */
  target: string;
  /** Sent as `Authorization: Bearer <key>` to the target's host only. */
  apiKey?: string;
  checks: readonly DeploymentCheck[];
  signal: AbortSignal;
  /** Deadline of each request, redirects included. */
  fetchTimeoutMs?: number;
  /** Sequential GETs of the page for the performance check. */
  samples?: number;
  progress?: (message: string) => void;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;
export const DEFAULT_SAMPLES = 10;
export const HEALTH_PATHS = ['/health', '/healthz', '/api/health', '/status'] as const;
/** GET operations without path parameters probed from an OpenAPI document. */
export const MAX_PROBED_OPERATIONS = 20;
/** Operations listed in `endpoints`; the rest are counted in the notes. */
const MAX_LISTED_OPERATIONS = 200;
const SLOW_MEDIAN_MS = 500;
const PAGE_BYTES = 2 * 1024 * 1024;
const SAMPLE_BYTES = 5 * 1024 * 1024;
const OPENAPI_BYTES = 5 * 1024 * 1024;
const PROBE_BYTES = 256 * 1024;

const HTML_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
const JSON_ACCEPT = 'application/json, application/yaml;q=0.9, */*;q=0.5';

type Endpoint = DeploymentSection['endpoints'][number];

function invalid(message: string, hint: string): AppError {
  return new AppError('invalid_option', message, { hint, retryable: false });
}

/** The target as a URL, or AppError('invalid_option') saying what to give instead. */
export function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid('the deployment target is not a URL', 'give the address of the running app, e.g. https://app.example.com');
  }
  if (!isHttpUrl(url)) {
    throw invalid(
      `the deployment target must be an http:// or https:// URL, not ${url.protocol}//…`,
      'give the address of the running app, e.g. https://app.example.com',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid(
      'the deployment target carries a user name or password',
      'remove user:password@ from the URL and pass an API key as credentials.api_key (it is sent as Authorization: Bearer)',
    );
  }
  url.hash = '';
  return url;
}

function checkNumbers(timeoutMs: number, samples: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > 300_000) {
    throw invalid(
      `the fetch timeout must be between 1 ms and 300000 ms, not ${timeoutMs}`,
      'use the default (10 s) or a value such as 5000',
    );
  }
  if (!Number.isInteger(samples) || samples < 1 || samples > 100) {
    throw invalid(`the number of performance samples must be a whole number from 1 to 100, not ${samples}`, 'use the default (10)');
  }
}

function checkApiKey(key: string | undefined): void {
  // Whatever else a header value may hold, a CR/LF would let the key rewrite the request.
  if (key !== undefined && !/^[\x21-\x7e]{1,512}$/.test(key)) {
    throw invalid(
      'the API key is empty, too long or has characters that cannot go in an HTTP header',
      'pass the key exactly as the app issued it: printable ASCII, no spaces, at most 512 characters',
    );
  }
}

const ms = (value: number) => Math.round(value * 10) / 10;

/** An unavailable answer (timeout, refused connection) is a finding for a probe; refusals and cancels are not. */
function probeFailure(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) throw signal.reason;
  if (AppError.isInstance(e) && e.category === 'unavailable') {
    const reason = e.details?.reason;
    return reason === 'timeout' ? e.message.replace(/^GET \S+ /, '') : `no answer (${String(reason ?? e.message)})`;
  }
  throw e;
}

function isLoopback(url: URL): boolean {
  const host = bareHost(url.hostname).toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host);
}

function contentType(res: Fetched): string {
  return String(res.headers['content-type'] ?? '').toLowerCase();
}

function looksLikeHtml(res: Fetched, text: string): boolean {
  return contentType(res).includes('html') || /^\s*(<!doctype html|<html)/i.test(text);
}

// ---------------------------------------------------------------------------------------------
// Checks

interface SecurityReport {
  tls: DeploymentSection['tls'];
  headers: DeploymentSection['headers'];
  issues: SecurityIssue[];
  improvements: string[];
  notes: string[];
}

async function checkSecurity(page: Fetched, target: URL, certificates: CertificateInspector): Promise<SecurityReport> {
  const finalUrl = page.url;
  const location = displayUrl(finalUrl);
  const https = finalUrl.protocol === 'https:';
  const certificate = https ? await certificates.inspect(finalUrl) : null;
  const headers = checkHeaders(page.headers, https, location);
  const report: SecurityReport = {
    tls: certificate
      ? { enabled: true, valid: certificate.valid, expires_at: certificate.expires_at, issuer: certificate.issuer }
      : { enabled: https, valid: null, expires_at: null, issuer: null },
    headers: { present: headers.present, missing: headers.missing },
    issues: [],
    improvements: [],
    notes: target.protocol === 'https:' && !https ? ['The https:// target redirected to plain HTTP.'] : [],
  };
  for (const part of [
    checkTls(https, certificate, isLoopback(finalUrl), location),
    headers,
    checkCookies(page.headers, location),
    checkDisclosure(page.headers, location),
  ]) {
    report.issues.push(...part.issues);
    report.improvements.push(...part.improvements);
  }
  return report;
}

interface HealthReport {
  endpoints: Endpoint[];
  found: string | null;
}

/**
 * A single-page app answers every path with its index page; that 200 is not a health check, so a
 * health path counts only when it answers 2xx with something other than the main page.
 */
async function checkHealth(client: DeploymentClient, origin: URL, page: Fetched, signal: AbortSignal): Promise<HealthReport> {
  const endpoints: Endpoint[] = [];
  for (const path of HEALTH_PATHS) {
    try {
      const res = await client.get(new URL(path, origin), { maxBytes: PROBE_BYTES, accept: JSON_ACCEPT });
      const ok = res.status >= 200 && res.status < 300;
      if (ok && res.body.length > 0 && res.body.equals(page.body.subarray(0, PROBE_BYTES))) {
        endpoints.push({
          method: 'GET',
          path,
          status: res.status,
          median_ms: ms(res.ms),
          note: 'health: answered with the main page (catch-all route), not a health check',
        });
        continue;
      }
      endpoints.push({ method: 'GET', path, status: res.status, median_ms: ms(res.ms), note: 'health' });
      if (ok) return { endpoints, found: path };
    } catch (e) {
      endpoints.push({ method: 'GET', path, status: null, median_ms: null, note: `health: ${probeFailure(e, signal)}` });
    }
  }
  return { endpoints, found: null };
}

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

interface PerformanceReport {
  result: DeploymentSection['performance'];
  failures: string[];
}

async function measure(client: DeploymentClient, url: URL, samples: number, signal: AbortSignal): Promise<PerformanceReport> {
  const times: number[] = [];
  const sizes: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < samples; i++) {
    try {
      const res = await client.get(url, { maxBytes: SAMPLE_BYTES, accept: HTML_ACCEPT });
      times.push(res.ms);
      sizes.push(res.bytes);
    } catch (e) {
      failures.push(probeFailure(e, signal));
    }
  }
  if (times.length === 0) return { result: null, failures };
  const sorted = [...times].sort((a, b) => a - b);
  const bytes = [...sizes].sort((a, b) => a - b)[Math.floor(sizes.length / 2)]!;
  return { result: { samples: times.length, median_ms: ms(percentile(sorted, 50)), p95_ms: ms(percentile(sorted, 95)), bytes }, failures };
}

interface ApiReport {
  doc: (OpenApiDocument & { url: string; path: string }) | null;
  endpoints: Endpoint[];
  /** Full paths of the operations listed. */
  paths: string[];
  auth: Set<string>;
  denied: number;
  serverErrors: string[];
  probed: number;
}

async function findOpenApi(
  client: DeploymentClient,
  origin: URL,
  signal: AbortSignal,
): Promise<{ doc: ApiReport['doc']; endpoint: Endpoint | null }> {
  for (const path of OPENAPI_PATHS) {
    let res: Fetched;
    try {
      res = await client.get(new URL(path, origin), { maxBytes: OPENAPI_BYTES, accept: JSON_ACCEPT });
    } catch (e) {
      probeFailure(e, signal);
      continue;
    }
    if (res.status < 200 || res.status >= 300 || res.truncated) continue;
    const label = displayUrl(res.url);
    const doc = parseOpenApi(bodyText(res), res.url, label);
    if (doc)
      return {
        doc: { ...doc, url: label, path },
        endpoint: { method: 'GET', path, status: res.status, median_ms: ms(res.ms), note: 'openapi' },
      };
  }
  return { doc: null, endpoint: null };
}

function wwwAuthenticate(res: Fetched): string | null {
  const value = headerValue(res.headers, 'www-authenticate');
  const scheme = value ? /^([A-Za-z][\w-]*)/.exec(value)?.[1] : undefined;
  return scheme ? `WWW-Authenticate ${scheme}` : null;
}

async function checkApis(client: DeploymentClient, origin: URL, signal: AbortSignal): Promise<ApiReport> {
  const report: ApiReport = { doc: null, endpoints: [], paths: [], auth: new Set(), denied: 0, serverErrors: [], probed: 0 };
  const { doc, endpoint } = await findOpenApi(client, origin, signal);
  if (!doc || !endpoint) return report;
  report.doc = doc;
  report.endpoints.push(endpoint);
  for (const mechanism of doc.securitySchemes) report.auth.add(mechanism);

  for (const op of doc.operations.slice(0, MAX_LISTED_OPERATIONS)) {
    const path = `${doc.basePath}${op.path}`;
    report.paths.push(path);
    let note: string | null = null;
    if (op.method !== 'GET') note = 'not probed (not a GET)';
    else if (op.hasPathParameters) note = 'not probed (path parameters)';
    else if (report.probed >= MAX_PROBED_OPERATIONS) note = `not probed (only ${MAX_PROBED_OPERATIONS} are)`;
    if (note !== null) {
      report.endpoints.push({ method: op.method, path, status: null, median_ms: null, note });
      continue;
    }
    report.probed++;
    try {
      const res = await client.get(new URL(path, origin), { maxBytes: PROBE_BYTES, accept: JSON_ACCEPT });
      const challenge = wwwAuthenticate(res);
      if (challenge) report.auth.add(challenge);
      if (res.status === 401 || res.status === 403) report.denied++;
      if (res.status >= 500) report.serverErrors.push(`GET ${path}`);
      report.endpoints.push({
        method: 'GET',
        path,
        status: res.status,
        median_ms: ms(res.ms),
        note: res.status === 401 || res.status === 403 ? 'requires authentication' : res.status >= 500 ? 'server error' : null,
      });
    } catch (e) {
      report.endpoints.push({ method: 'GET', path, status: null, median_ms: null, note: probeFailure(e, signal) });
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// Reading it together

const SERVER_RENDERED_FRAMEWORKS = [
  'Next.js',
  'Nuxt',
  'SvelteKit',
  'Remix',
  'Gatsby',
  'Astro',
  'WordPress',
  'Drupal',
  'Django',
  'Ruby on Rails',
  'Laravel',
];
const SPA_FRAMEWORKS = ['React', 'Vue', 'Angular', 'Svelte'];

function architectureStyle(page: { html: boolean; json: boolean }, technologies: Technology[], hasApi: boolean): string {
  const names = new Set(technologies.map((t) => t.name));
  const api = hasApi ? ' with a JSON API' : '';
  if (page.json) return hasApi ? 'JSON API described by OpenAPI' : 'JSON API';
  if (!page.html) return `web service${api}`;
  const ssr = SERVER_RENDERED_FRAMEWORKS.find((f) => names.has(f));
  if (ssr) return `server-rendered ${ssr} site${api}`;
  const spa = SPA_FRAMEWORKS.find((f) => names.has(f));
  if (spa) return `single-page app (${spa})${api}`;
  return `server-rendered site${api}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What the checks add to as they run; turned into the AnalyzerResult at the end. */
interface Draft {
  deployment: DeploymentSection;
  technologies: TechnologyList;
  security: SecurityIssue[];
  improvements: string[];
  notes: string[];
  components: AnalyzerResult['architecture']['components'];
  /** Paths drawn as endpoints the site serves. */
  graphPaths: Set<string>;
  entities: DiscoveredEntity[];
  hasApi: boolean;
}

interface Scan {
  client: DeploymentClient;
  certificates: CertificateInspector;
  signal: AbortSignal;
  target: URL;
  page: Fetched;
  /** The main page's body as text and whether it is HTML. */
  text: string;
  isHtml: boolean;
  samples: number;
}

async function runSecurity(scan: Scan, draft: Draft): Promise<void> {
  const report = await checkSecurity(scan.page, scan.target, scan.certificates);
  draft.deployment.tls = report.tls;
  draft.deployment.headers = report.headers;
  draft.security.push(...report.issues);
  draft.improvements.push(...report.improvements);
  draft.notes.push(...report.notes);
}

async function runHealth(scan: Scan, draft: Draft): Promise<void> {
  const health = await checkHealth(scan.client, new URL(scan.page.url.origin), scan.page, scan.signal);
  draft.deployment.endpoints.push(...health.endpoints);
  if (health.found) {
    draft.components.push({ name: 'health', kind: 'health', path: health.found });
    draft.graphPaths.add(health.found);
    draft.notes.push(`Health endpoint: GET ${health.found} answered ${health.endpoints.at(-1)!.status}.`);
  } else {
    draft.notes.push(`No health endpoint answered 2xx at ${HEALTH_PATHS.join(', ')}.`);
    draft.improvements.push(
      'Add a health endpoint (GET /health answering 200 while the app and its database are up) for monitoring and safe deploys.',
    );
  }
}

async function runPerformance(scan: Scan, draft: Draft): Promise<void> {
  const { result, failures } = await measure(scan.client, scan.page.url, scan.samples, scan.signal);
  draft.deployment.performance = result;
  if (result) {
    draft.notes.push(
      `Page response time over ${plural(result.samples, 'sequential request')} (a new connection each): median ${result.median_ms} ms, p95 ${result.p95_ms} ms, ${result.bytes} bytes.`,
    );
    if (result.median_ms > SLOW_MEDIAN_MS) {
      draft.improvements.push(
        `Make the page faster: its median response time is ${Math.round(result.median_ms)} ms (aim for under ${SLOW_MEDIAN_MS} ms; cache, compress, or move slow work off the request).`,
      );
    }
  }
  if (failures.length > 0) {
    draft.notes.push(`${plural(failures.length, 'performance sample')} of ${scan.samples} failed: ${[...new Set(failures)].join('; ')}.`);
    draft.improvements.push(`Make the page answer reliably: ${failures.length} of ${scan.samples} requests failed.`);
  }
}

async function runApis(scan: Scan, draft: Draft): Promise<void> {
  const { page, text } = scan;
  const apis = await checkApis(scan.client, new URL(page.url.origin), scan.signal);
  const auth = apis.auth;
  const challenge = wwwAuthenticate(page);
  if (challenge) auth.add(challenge);
  if (scan.isHtml && /<input\b[^>]*\btype=["']?password\b/i.test(text)) auth.add('login form');
  if ((page.status === 401 || page.status === 403 || apis.denied > 0) && auth.size === 0) auth.add('access control (401/403 answers)');
  draft.deployment.auth = { detected: auth.size > 0, mechanisms: [...auth] };
  draft.deployment.endpoints.push(...apis.endpoints);

  const doc = apis.doc;
  if (doc) {
    const kind = doc.version.startsWith('2') ? 'Swagger' : 'OpenAPI';
    draft.hasApi = true;
    draft.entities = doc.entities;
    draft.deployment.openapi = { url: doc.url, title: doc.title, operations: doc.operationCount };
    draft.technologies.add(kind, 'other', `document at ${doc.path}`, doc.version);
    draft.components.push({ name: 'api', kind: 'api', path: doc.basePath || '/' }, { name: 'api docs', kind: 'docs', path: doc.path });
    for (const path of apis.paths) draft.graphPaths.add(path);
    const listed = doc.operationCount > apis.paths.length ? ` (the first ${apis.paths.length} listed)` : '';
    draft.notes.push(
      `${kind} ${doc.version} document${doc.title ? ` "${doc.title}"` : ''} at ${doc.path}: ${plural(doc.operationCount, 'operation')}, ${plural(doc.entities.length, 'record schema')}${listed}.`,
    );
    if (apis.probed > 0)
      draft.notes.push(`${plural(apis.probed, 'GET operation')} without path parameters probed; ${apis.denied} asked for authentication.`);
    for (const failing of apis.serverErrors) draft.improvements.push(`Fix ${failing}: it answered with a server error.`);
  } else {
    draft.notes.push(`No OpenAPI document at ${OPENAPI_PATHS.join(', ')}.`);
    draft.improvements.push('Publish an OpenAPI document (e.g. GET /openapi.json) so clients, tests and tools can use the API.');
  }
  if (auth.size > 0) draft.notes.push(`Authentication: ${[...auth].join('; ')}.`);
}

const RUNNERS: Record<DeploymentCheck, { run: (scan: Scan, draft: Draft) => Promise<void>; progress: string }> = {
  security: { run: runSecurity, progress: 'checking TLS, security headers and cookies' },
  health: { run: runHealth, progress: 'probing health endpoints' },
  performance: { run: runPerformance, progress: 'timing requests to the page' },
  apis: { run: runApis, progress: 'looking for an OpenAPI document' },
};
const ORDER: readonly DeploymentCheck[] = ['security', 'health', 'performance', 'apis'];

export async function analyzeDeployment(opts: DeploymentScanOptions): Promise<AnalyzerResult> {
  const target = parseTarget(opts.target);
  const timeoutMs = opts.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const samples = opts.samples ?? DEFAULT_SAMPLES;
  checkNumbers(timeoutMs, samples);
  checkApiKey(opts.apiKey);
  const { signal } = opts;
  const progress = (message: string) => opts.progress?.(`Explorer: ${message}`);
  signal.throwIfAborted();

  const certificates = new CertificateInspector(timeoutMs, signal);
  const client = new DeploymentClient({ target, apiKey: opts.apiKey, timeoutMs, signal, certificates });
  progress(`fetching ${displayUrl(target)}`);
  const page = await client.get(target, { maxBytes: PAGE_BYTES, accept: HTML_ACCEPT });
  const text = bodyText(page);
  const isHtml = looksLikeHtml(page, text);
  const scan: Scan = { client, certificates, signal, target, page, text, isHtml, samples };
  const draft = startDraft(scan);

  const checks = new Set(opts.checks);
  for (const check of ORDER.filter((c) => checks.has(c))) {
    progress(RUNNERS[check].progress);
    await RUNNERS[check].run(scan, draft);
  }
  return finish(scan, draft, checks);
}

function startDraft(scan: Scan): Draft {
  const { page, target } = scan;
  const location = displayUrl(page.url);
  const technologies = new TechnologyList();
  detectFromHeaders(page.headers, technologies);
  if (scan.isHtml) detectFromHtml(scan.text, technologies);
  const redirected = page.redirects > 0 ? ` after ${plural(page.redirects, 'redirect')} from ${displayUrl(target)}` : '';
  const truncated = page.truncated ? ` (only the first ${PAGE_BYTES / 1024 / 1024} MB were read)` : '';
  return {
    deployment: {
      final_url: location,
      status: page.status,
      tls: { enabled: page.url.protocol === 'https:', valid: null, expires_at: null, issuer: null },
      headers: { present: [], missing: [] },
      endpoints: [],
      openapi: null,
      performance: null,
      auth: { detected: false, mechanisms: [] },
    },
    technologies,
    security: [],
    improvements: page.status >= 500 ? [`Fix the page at ${location}: it answered ${page.status}.`] : [],
    notes: [`${location} answered ${page.status}${redirected}${truncated}.`],
    components: scan.isHtml ? [{ name: 'frontend', kind: 'frontend', path: page.url.pathname }] : [],
    graphPaths: new Set(),
    entities: [],
    hasApi: false,
  };
}

function finish(scan: Scan, draft: Draft, checks: ReadonlySet<DeploymentCheck>): AnalyzerResult {
  if (scan.client.keyWithheldFrom.size > 0) {
    draft.notes.push(
      `The API key was not sent to ${[...scan.client.keyWithheldFrom].join(', ')}: the TLS certificate there is not trusted, so the key could be intercepted.`,
    );
  }
  const skipped = DEPLOYMENT_CHECKS.filter((c) => !checks.has(c));
  if (skipped.length > 0) draft.notes.push(`Not checked (not asked for): ${skipped.join(', ')}.`);

  const technologies = draft.technologies.list();
  for (const tech of technologies.filter((t) => t.category === 'infrastructure'))
    draft.components.push({ name: tech.name, kind: 'infrastructure', path: null });
  const isJson = !scan.isHtml && contentType(scan.page).includes('json');
  const site = scan.page.url.origin;
  return {
    technologies,
    security: draft.security,
    entities: draft.entities,
    graph: {
      nodes: [{ id: site, kind: 'site' }, ...[...draft.graphPaths].map((id) => ({ id, kind: 'endpoint' }))],
      edges: [...draft.graphPaths].map((id) => ({ from: site, to: id, kind: 'serves' })),
    },
    architecture: {
      style: architectureStyle({ html: scan.isHtml, json: isJson }, technologies, draft.hasApi),
      components: draft.components,
      notes: draft.notes,
    },
    improvements: [...new Set(draft.improvements)],
    deployment: draft.deployment,
  };
}
