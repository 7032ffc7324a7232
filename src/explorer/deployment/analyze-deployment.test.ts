/**
 * The deployment analyzer against real servers on 127.0.0.1: a well-kept Fastify app (SPA page, health,
 * OpenAPI with Order → Customer, security headers, a good cookie, an authenticated route), a bare
 * node:http app, an HTTPS app with a self-signed certificate made by the openssl CLI, and small servers
 * that redirect to a metadata address, loop, or never answer.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { AnalyzerResult } from '../../contracts/explorer.ts';
import { AppError } from '../../core/errors.ts';
import { analyzeDeployment, type DeploymentScanOptions } from './index.ts';

const execFileAsync = promisify(execFile);
const ALL = ['health', 'performance', 'security', 'apis'] as const;
const API_KEY = `ck_live_${randomBytes(16).toString('hex')}`;

const SPA_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>' +
  '<script type="module" crossorigin src="/assets/index-B4x9kQ2c.js"></script></head>' +
  '<body><div id="root"></div></body></html>';

const SHOP_OPENAPI = {
  openapi: '3.0.3',
  info: { title: 'Shop API', version: '1.0.0' },
  paths: {
    '/api/orders': { get: { responses: { 200: { description: 'orders' } } }, post: { responses: { 201: { description: 'created' } } } },
    '/api/orders/{id}': { get: { responses: { 200: { description: 'one' } } }, delete: { responses: { 204: { description: 'gone' } } } },
    '/api/customers': { get: { security: [{ bearerAuth: [] }], responses: { 200: { description: 'customers' } } } },
  },
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Order: {
        type: 'object',
        required: ['id', 'customer_id', 'total', 'status'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          customer_id: { type: 'string', format: 'uuid' },
          total: { type: 'number' },
          status: { type: 'string', enum: ['pending', 'paid', 'shipped'] },
          notes: { type: 'string' },
          placed_at: { type: 'string', format: 'date-time' },
        },
      },
      Customer: {
        type: 'object',
        required: ['id', 'name', 'email'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string', maxLength: 120 },
          email: { type: 'string', format: 'email' },
          phone: { type: 'string' },
        },
      },
      Error: { type: 'object', properties: { message: { type: 'string' } } },
    },
  },
};

interface Recorded {
  paths: string[];
  authorization: string[];
}

function record(into: Recorded, req: IncomingMessage): void {
  into.paths.push(req.url ?? '');
  if (req.headers.authorization !== undefined) into.authorization.push(req.headers.authorization);
}

async function startGoodApp(): Promise<{ url: string; app: FastifyInstance; seen: Recorded }> {
  const seen: Recorded = { paths: [], authorization: [] };
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (req) => record(seen, req.raw));
  app.get('/', async (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; frame-ancestors 'none'")
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'strict-origin-when-cross-origin')
      .header('permissions-policy', 'camera=(), microphone=()')
      .header('set-cookie', 'sid=opaque; Path=/; HttpOnly; Secure; SameSite=Lax')
      .send(SPA_HTML),
  );
  app.get('/start', async (_req, reply) => reply.redirect('/', 302));
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/openapi.json', async () => SHOP_OPENAPI);
  app.get('/api/orders', async () => []);
  app.get('/api/orders/:id', async () => ({}));
  app.get('/api/customers', async (req, reply) =>
    req.headers.authorization === `Bearer ${API_KEY}`
      ? []
      : reply.code(401).header('www-authenticate', 'Bearer realm="shop"').send({ error: 'unauthorized' }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, seen };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Plain node:http, nothing added: no security headers, no health, no docs. */
async function startBareApp(): Promise<{ url: string; server: Server; seen: Recorded }> {
  const seen: Recorded = { paths: [], authorization: [] };
  const server = createServer((req, res) => {
    record(seen, req);
    res.setHeader('x-powered-by', 'Express');
    if (req.url !== '/') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Cannot GET');
    res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'connect.sid=s%3Aabcdef; Path=/' });
    res.end(
      '<html><body><h1>Welcome</h1><form action="/login" method="post"><input name="user"><input type="password" name="password"></form></body></html>',
    );
  });
  return { url: `http://${await listen(server)}`, server, seen };
}

function scan(target: string, extra: Partial<DeploymentScanOptions> = {}): Promise<AnalyzerResult> {
  return analyzeDeployment({ target, checks: [...ALL], signal: AbortSignal.timeout(60_000), samples: 3, ...extra }).then((r) =>
    AnalyzerResult.parse(r),
  );
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(AppError.isInstance(e), `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    assert.ok(e.hint, 'the error says how to fix it');
    return e;
  }
  assert.fail('expected the scan to be refused');
}

describe('deployment analyzer: a well-kept app', () => {
  let good: Awaited<ReturnType<typeof startGoodApp>>;
  let result: AnalyzerResult;

  before(async () => {
    good = await startGoodApp();
    result = await scan(`${good.url}/start`);
  });
  after(() => good.app.close());

  test('follows the redirect and reports where the app answered', () => {
    const d = result.deployment!;
    assert.equal(d.final_url, `${good.url}/`);
    assert.equal(d.status, 200);
    assert.ok(result.architecture.notes.some((n) => n.includes('after 1 redirect')));
  });

  test('finds the health endpoint and times the page', () => {
    const d = result.deployment!;
    const health = d.endpoints.find((e) => e.path === '/health')!;
    assert.deepEqual([health.method, health.status, health.note], ['GET', 200, 'health']);
    assert.equal(typeof health.median_ms, 'number');
    assert.equal(d.endpoints.filter((e) => e.note === 'health').length, 1, 'stops at the first health path that answers');
    assert.equal(d.performance?.samples, 3);
    assert.equal(d.performance?.bytes, Buffer.byteLength(SPA_HTML));
    assert.ok(d.performance!.p95_ms >= d.performance!.median_ms);
    assert.ok(!result.improvements.some((i) => /health endpoint/i.test(i)));
  });

  test('sees the security headers and the well-flagged cookie', () => {
    const d = result.deployment!;
    assert.deepEqual(d.headers.missing, []);
    assert.deepEqual(d.headers.present, [
      'Content-Security-Policy',
      'X-Content-Type-Options',
      'Content-Security-Policy frame-ancestors',
      'Referrer-Policy',
      'Permissions-Policy',
    ]);
    assert.deepEqual(d.tls, { enabled: false, valid: null, expires_at: null, issuer: null });
    // Plain HTTP on the loopback address: reported, but as a developer setup.
    assert.deepEqual(
      result.security.map((s) => [s.kind, s.severity]),
      [['no_tls', 'low']],
    );
  });

  test('reads the OpenAPI document: title, operations, what was probed', () => {
    const d = result.deployment!;
    assert.deepEqual(d.openapi, { url: `${good.url}/openapi.json`, title: 'Shop API', operations: 5 });
    const byKey = new Map(d.endpoints.map((e) => [`${e.method} ${e.path}`, e]));
    assert.equal(byKey.get('GET /openapi.json')?.note, 'openapi');
    assert.equal(byKey.get('GET /api/orders')?.status, 200);
    assert.equal(byKey.get('GET /api/customers')?.status, 401);
    assert.equal(byKey.get('GET /api/customers')?.note, 'requires authentication');
    assert.equal(byKey.get('POST /api/orders')?.status, null);
    assert.equal(byKey.get('GET /api/orders/{id}')?.note, 'not probed (path parameters)');
    assert.equal(good.seen.paths.filter((p) => p.startsWith('/api/orders/')).length, 0, 'operations with path parameters are never called');
  });

  test('turns the schemas into records with the reference Order.customer_id → Customer', () => {
    assert.deepEqual(
      result.entities.map((e) => e.source_name),
      ['Order', 'Customer'],
      'the Error schema is not a record',
    );
    const order = result.entities.find((e) => e.source_name === 'Order')!;
    assert.deepEqual(order.references, [{ field: 'customer_id', target: 'Customer', on_delete: 'restrict' }]);
    assert.equal(order.evidence, `openapi ${good.url}/openapi.json#/components/schemas/Order`);
    const types = Object.fromEntries(order.fields.map((f) => [f.name, f.type]));
    assert.deepEqual(types, { id: 'UUID', customer_id: 'UUID', total: 'Decimal', status: 'Enum', notes: 'Text', placed_at: 'DateTime' });
    const id = order.fields.find((f) => f.name === 'id')!;
    assert.equal(id.primary_key, true);
    assert.equal(order.fields.find((f) => f.name === 'notes')!.required, false);
    assert.equal(order.fields.find((f) => f.name === 'total')!.required, true);
    const customer = result.entities.find((e) => e.source_name === 'Customer')!;
    assert.deepEqual(
      customer.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['id', 'UUID', true],
        ['name', 'String', true],
        ['email', 'Email', true],
        ['phone', 'Phone', false],
      ],
    );
  });

  test('detects auth, technologies, architecture and the endpoint graph', () => {
    const d = result.deployment!;
    assert.equal(d.auth.detected, true);
    assert.deepEqual(d.auth.mechanisms, ['HTTP bearer (JWT)', 'WWW-Authenticate Bearer']);
    const names = result.technologies.map((t) => t.name);
    assert.ok(names.includes('React') && names.includes('Vite') && names.includes('OpenAPI'), names.join(', '));
    assert.ok(result.technologies.every((t) => t.evidence.length > 0));
    assert.equal(result.architecture.style, 'single-page app (React) with a JSON API');
    assert.deepEqual(
      result.architecture.components.map((c) => c.kind),
      ['frontend', 'health', 'api', 'docs'],
    );
    assert.ok(result.graph.nodes.some((n) => n.id === good.url && n.kind === 'site'));
    assert.ok(result.graph.nodes.some((n) => n.id === '/api/orders/{id}' && n.kind === 'endpoint'));
    assert.ok(result.graph.edges.every((e) => e.from === good.url && e.kind === 'serves'));
    assert.ok(!result.improvements.some((i) => /OpenAPI/.test(i)));
  });
});

describe('deployment analyzer: a bare app', () => {
  let bare: Awaited<ReturnType<typeof startBareApp>>;
  let result: AnalyzerResult;

  before(async () => {
    bare = await startBareApp();
    result = await scan(bare.url);
  });
  after(() => stop(bare.server));

  test('lists every missing header as an issue with a sensible severity', () => {
    const d = result.deployment!;
    assert.deepEqual(d.headers.present, []);
    assert.deepEqual(d.headers.missing, [
      'Content-Security-Policy',
      'X-Content-Type-Options',
      'X-Frame-Options',
      'Referrer-Policy',
      'Permissions-Policy',
    ]);
    const missing = Object.fromEntries(
      result.security.filter((s) => s.kind === 'missing_header').map((s) => [s.message.split(' ')[0], s.severity]),
    );
    assert.deepEqual(missing, {
      'Content-Security-Policy': 'medium',
      'X-Content-Type-Options': 'low',
      'X-Frame-Options': 'medium',
      'Referrer-Policy': 'low',
      'Permissions-Policy': 'low',
    });
  });

  test('flags the cookie, plain HTTP and the X-Powered-By header, without the cookie value', () => {
    const cookie = result.security.find((s) => s.kind === 'insecure_cookie')!;
    assert.equal(cookie.severity, 'medium');
    assert.match(cookie.message, /connect\.sid is set without HttpOnly, Secure, SameSite/);
    assert.ok(!JSON.stringify(result).includes('abcdef'));
    assert.ok(result.security.some((s) => s.kind === 'no_tls'));
    assert.deepEqual(
      result.security.filter((s) => s.kind === 'technology_disclosure').map((s) => s.severity),
      ['info'],
    );
  });

  test('probes every health path, finds no docs, and says what to improve', () => {
    const d = result.deployment!;
    assert.deepEqual(
      d.endpoints.map((e) => [e.path, e.status, e.note]),
      [
        ['/health', 404, 'health'],
        ['/healthz', 404, 'health'],
        ['/api/health', 404, 'health'],
        ['/status', 404, 'health'],
      ],
    );
    assert.equal(d.openapi, null);
    assert.deepEqual(result.entities, []);
    for (const expected of [/HTTPS/, /health endpoint/, /OpenAPI/, /Content-Security-Policy/, /X-Powered-By/, /cookie connect\.sid/]) {
      assert.ok(
        result.improvements.some((i) => expected.test(i)),
        `an improvement matching ${expected}`,
      );
    }
  });

  test('recognises Express and the login form, and calls it a server-rendered site', () => {
    const express = result.technologies.find((t) => t.name === 'Express')!;
    assert.deepEqual(express, { name: 'Express', version: null, category: 'backend', evidence: 'x-powered-by header' });
    assert.deepEqual(result.deployment!.auth, { detected: true, mechanisms: ['login form'] });
    assert.equal(result.architecture.style, 'server-rendered site');
    assert.deepEqual(result.graph.nodes, [{ id: bare.url, kind: 'site' }]);
  });
});

describe('deployment analyzer: HTTPS with a self-signed certificate', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const seen: Recorded = { paths: [], authorization: [] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catalyst-deploy-tls-'));
    execFileSync(
      '/usr/bin/openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '30',
        '-subj',
        '/CN=catalyst-scan-test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const yamlDoc = [
      'swagger: "2.0"',
      'info: { title: Ledger, version: "1" }',
      'basePath: /v1',
      'securityDefinitions:',
      '  key: { type: apiKey, in: header, name: X-Api-Key }',
      'paths:',
      '  /entries: { get: { responses: { "200": { description: ok } } } }',
      'definitions:',
      '  Entry:',
      '    type: object',
      '    required: [id, amount]',
      '    properties:',
      '      id: { type: integer, format: int64 }',
      '      amount: { type: number }',
      '      account: { $ref: "#/definitions/Account" }',
      '  Account:',
      '    type: object',
      '    properties:',
      '      id: { type: integer }',
      '      iban: { type: string, maxLength: 34 }',
    ].join('\n');
    server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (req: IncomingMessage, res: ServerResponse) => {
        record(seen, req);
        if (req.url === '/')
          return void res
            .writeHead(200, { 'content-type': 'text/html', 'x-content-type-options': 'nosniff', server: 'nginx/1.25.3' })
            .end('<html><body>ledger</body></html>');
        if (req.url === '/api-docs') return void res.writeHead(200, { 'content-type': 'application/yaml' }).end(yamlDoc);
        if (req.url === '/v1/entries') return void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
        res.writeHead(404).end();
      },
    ) as unknown as Server;
    base = `https://${await listen(server)}`;
  });
  after(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  test('reads the certificate (untrusted, expiry, issuer) and asks for HSTS', async () => {
    const result = await scan(base, { apiKey: API_KEY });
    const tls = result.deployment!.tls;
    assert.equal(tls.enabled, true);
    assert.equal(tls.valid, false);
    assert.equal(tls.issuer, 'CN=catalyst-scan-test');
    const days = (new Date(tls.expires_at!).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 28 && days < 31, `expires in about 30 days, not ${days}`);
    assert.deepEqual(
      result.security.filter((s) => s.kind === 'invalid_certificate').map((s) => s.severity),
      ['high'],
    );
    assert.ok(result.deployment!.headers.missing.includes('Strict-Transport-Security'));
    assert.ok(result.deployment!.headers.present.includes('X-Content-Type-Options'));
    assert.deepEqual(
      result.technologies.find((t) => t.name === 'nginx'),
      { name: 'nginx', version: '1.25.3', category: 'infrastructure', evidence: 'server header' },
    );
    assert.ok(result.security.some((s) => s.kind === 'version_disclosure' && s.severity === 'info'));

    // The key is kept from a host whose certificate nobody vouches for, and the result says so.
    assert.deepEqual(seen.authorization, []);
    assert.ok(result.architecture.notes.some((n) => /API key was not sent/.test(n)));

    // Swagger 2.0 in YAML under /api-docs, with its basePath and a $ref reference.
    assert.deepEqual(result.deployment!.openapi, { url: `${base}/api-docs`, title: 'Ledger', operations: 1 });
    assert.equal(result.deployment!.endpoints.find((e) => e.path === '/v1/entries')?.status, 200);
    assert.deepEqual(result.deployment!.auth.mechanisms, ['API key in header "X-Api-Key"']);
    const entry = result.entities.find((e) => e.source_name === 'Entry')!;
    assert.deepEqual(entry.references, [{ field: 'account', target: 'Account', on_delete: 'restrict' }]);
    assert.deepEqual(
      entry.fields.map((f) => [f.name, f.type, f.source_type]),
      [
        ['id', 'Integer', 'integer(int64)'],
        ['amount', 'Decimal', 'number'],
        ['account', 'Integer', '$ref Account'],
      ],
    );
    assert.equal(entry.evidence, `openapi ${base}/api-docs#/definitions/Entry`);
  });
});

describe('deployment analyzer: HTTPS with a certificate this machine trusts', () => {
  // A private CA made trusted the way an operator would (NODE_EXTRA_CA_CERTS), so the scan runs in a
  // child process that starts with it; the HTTPS app runs here and records what it received.
  test('reports the certificate as valid and sends the API key over the verified connection', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-deploy-ca-'));
    const openssl = (...args: string[]) => execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      '3',
      '-subj',
      '/CN=Catalyst Test CA/O=Catalyst',
    );
    openssl(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'site.csr',
      '-subj',
      '/CN=127.0.0.1',
    );
    writeFileSync(join(dir, 'site.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'site.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-set_serial',
      '7',
      '-days',
      '3',
      '-extfile',
      'site.ext',
      '-out',
      'cert.pem',
    );
    const seen: Recorded = { paths: [], authorization: [] };
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (req: IncomingMessage, res: ServerResponse) => {
        record(seen, req);
        res
          .writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html', 'strict-transport-security': 'max-age=31536000' })
          .end('<html><body>ok</body></html>');
      },
    ) as unknown as Server;
    const base = `https://${await listen(server)}`;
    try {
      const script = [
        `import { analyzeDeployment } from ${JSON.stringify(new URL('./index.ts', import.meta.url).pathname)};`,
        `const r = await analyzeDeployment({ target: ${JSON.stringify(base)}, apiKey: process.env.SCAN_KEY, checks: ['security'], signal: AbortSignal.timeout(30000) });`,
        'process.stdout.write(JSON.stringify(r));',
      ].join('\n');
      // Asynchronously: this process must keep serving the HTTPS app while the child scans it.
      const child = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), SCAN_KEY: API_KEY },
        encoding: 'utf8',
        timeout: 45_000,
      });
      const result = AnalyzerResult.parse(JSON.parse(child.stdout));
      const tls = result.deployment!.tls;
      assert.deepEqual([tls.enabled, tls.valid, tls.issuer], [true, true, 'CN=Catalyst Test CA, O=Catalyst']);
      assert.ok(result.deployment!.headers.present.includes('Strict-Transport-Security'));
      // Trusted, but issued for 3 days: renewing it is due.
      const tlsIssues = result.security.filter((s) => /certificate|tls/.test(s.kind));
      assert.deepEqual(
        tlsIssues.map((s) => [s.kind, s.severity]),
        [['certificate_expiring', 'medium']],
      );
      assert.match(tlsIssues[0]!.message, /expires in [0-3] days/);
      assert.deepEqual(seen.authorization, [`Bearer ${API_KEY}`]);
      assert.ok(!child.stdout.includes(API_KEY));
    } finally {
      await stop(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deployment analyzer: the API key', () => {
  test('reaches the app as a Bearer token and appears nowhere in the result', async () => {
    const good = await startGoodApp();
    try {
      const result = await scan(good.url, { apiKey: API_KEY });
      assert.deepEqual(good.seen.paths, ['/', '/health', '/', '/', '/', '/openapi.json', '/api/orders', '/api/customers']);
      assert.deepEqual(new Set(good.seen.authorization), new Set([`Bearer ${API_KEY}`]));
      assert.equal(good.seen.authorization.length, good.seen.paths.length, 'every request to the target carried the key');
      assert.equal(
        result.deployment!.endpoints.find((e) => e.path === '/api/customers')?.status,
        200,
        'the key opened the protected route',
      );
      assert.ok(!JSON.stringify(result).includes(API_KEY));
      assert.ok(!JSON.stringify(result).includes(API_KEY.slice(8, 24)));
    } finally {
      await good.app.close();
    }
  });

  test('is refused when it could rewrite the request', async () => {
    const err = await rejectsWith(
      analyzeDeployment({
        target: 'http://127.0.0.1:9',
        apiKey: 'abc\r\nX-Evil: 1',
        checks: ['health'],
        signal: AbortSignal.timeout(5000),
      }),
      'invalid_option',
      /API key/,
    );
    assert.ok(!err.message.includes('X-Evil'));
  });
});

describe('deployment analyzer: only the checks asked for run', () => {
  test('health alone: no samples, no security, no OpenAPI requests', async () => {
    const good = await startGoodApp();
    try {
      const result = await scan(good.url, { checks: ['health'] });
      assert.deepEqual(good.seen.paths, ['/', '/health']);
      const d = result.deployment!;
      assert.equal(d.performance, null);
      assert.equal(d.openapi, null);
      assert.deepEqual(d.headers, { present: [], missing: [] });
      assert.deepEqual(d.tls, { enabled: false, valid: null, expires_at: null, issuer: null });
      assert.deepEqual(d.auth, { detected: false, mechanisms: [] });
      assert.deepEqual(result.security, []);
      assert.deepEqual(result.entities, []);
      assert.deepEqual(
        d.endpoints.map((e) => e.path),
        ['/health'],
      );
      assert.ok(result.architecture.notes.some((n) => n === 'Not checked (not asked for): performance, security, apis.'));
      assert.ok(!result.improvements.some((i) => /OpenAPI|HTTPS|header/.test(i)));
    } finally {
      await good.app.close();
    }
  });
});

describe('deployment analyzer: refusals and bounds', () => {
  test('never follows a redirect to the cloud metadata address', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }).end(),
    );
    const url = `http://${await listen(server)}`;
    try {
      await rejectsWith(scan(url), 'invalid_option', /169\.254\.169\.254 resolves to a link-local or cloud metadata address/);
    } finally {
      await stop(server);
    }
  });

  test('refuses link-local targets however they are written', async () => {
    for (const target of [
      'http://169.254.169.254/',
      'http://2852039166/',
      'http://[fe80::1]/',
      'http://[::ffff:169.254.169.254]/',
      'https://[fd00:ec2::254]/',
    ]) {
      await rejectsWith(scan(target), 'invalid_option', /link-local or cloud metadata/);
    }
  });

  test('refuses what is not an http(s) URL, and URLs carrying a password, without echoing it', async () => {
    await rejectsWith(scan('ftp://files.example.com/'), 'invalid_option', /http:\/\/ or https:\/\//);
    await rejectsWith(scan('app.example.com'), 'invalid_option', /not a URL/);
    const err = await rejectsWith(scan('http://admin:hunter2@127.0.0.1:9/'), 'invalid_option', /user name or password/);
    assert.ok(!`${err.message} ${err.hint}`.includes('hunter2'));
  });

  test('stops after 5 redirects', async () => {
    let hops = 0;
    const server = createServer((req, res) => {
      hops++;
      res.writeHead(302, { location: `/loop${hops}` }).end();
    });
    const url = `http://${await listen(server)}`;
    try {
      await rejectsWith(scan(url), 'invalid_option', /redirects more than 5 times/);
      assert.equal(hops, 6);
    } finally {
      await stop(server);
    }
  });

  test('a slow health endpoint is cut at the timeout and the scan goes on', { timeout: 30_000 }, async () => {
    const server = createServer((req, res) => {
      if (req.url === '/health') return; // never answers
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html' }).end('<html><body>hi</body></html>');
    });
    const url = `http://${await listen(server)}`;
    try {
      const result = await scan(url, { checks: ['health'], fetchTimeoutMs: 300 });
      const [first, ...rest] = result.deployment!.endpoints;
      assert.deepEqual(first, { method: 'GET', path: '/health', status: null, median_ms: null, note: 'health: timed out after 300 ms' });
      assert.deepEqual(
        rest.map((e) => e.status),
        [404, 404, 404],
      );
    } finally {
      await stop(server);
    }
  });

  test('a page that never answers fails the scan with the timeout, and cancelling stops it at once', { timeout: 30_000 }, async () => {
    const server = createServer(() => undefined);
    const url = `http://${await listen(server)}`;
    try {
      await rejectsWith(scan(url, { fetchTimeoutMs: 300 }), 'service_unavailable', /timed out after 300 ms/);
      const cancel = new AbortController();
      const pending = analyzeDeployment({ target: url, checks: [...ALL], signal: cancel.signal, fetchTimeoutMs: 120_000 });
      setTimeout(() => cancel.abort(new Error('cancelled by the user')), 100);
      await assert.rejects(pending, /cancelled by the user/);
    } finally {
      await stop(server);
    }
  });

  test('a single-page app answering every path with its page has no health endpoint', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(SPA_HTML));
    const url = `http://${await listen(server)}`;
    try {
      const result = await scan(url, { checks: ['health'] });
      assert.deepEqual(
        result.deployment!.endpoints.map((e) => [e.path, e.status]),
        [
          ['/health', 200],
          ['/healthz', 200],
          ['/api/health', 200],
          ['/status', 200],
        ],
      );
      assert.ok(result.deployment!.endpoints.every((e) => e.note?.startsWith('health: answered with the main page')));
      assert.ok(result.improvements.some((i) => /health endpoint/.test(i)));
    } finally {
      await stop(server);
    }
  });

  test('a closed port is reported as unavailable with a hint', async () => {
    const server = createServer();
    const url = `http://${await listen(server)}`;
    await stop(server);
    await rejectsWith(scan(url), 'service_unavailable', /ECONNREFUSED/);
  });
});
