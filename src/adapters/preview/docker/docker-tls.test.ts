/**
 * Docker engines reached over TLS, the Docker CLI's way (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH with
 * ca.pem / cert.pem / key.pem): a throwaway CA signs an engine certificate for 127.0.0.1 and a
 * client certificate, and a small HTTPS stand-in that demands a client certificate answers the
 * Engine API calls used here, so the handshake dockerode makes is a real one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../config/index.ts';
import type { Logger } from '../../../core/logger.ts';
import { openPreviewRuntime } from '../../../runtime/open-ports.ts';
import { choosePreviewMode, parseDockerHost, probeDockerEngine, resolveDockerEndpoint } from './docker-engine.ts';
import type { DockerPreviewRuntime } from './docker-preview-runtime.ts';
import { thrownAppError } from '../../../../test/support/app-error.ts';

const OPENSSL = '/usr/bin/openssl';

function openssl(cwd: string, ...args: string[]): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKeyAndRequest(dir: string, name: string, cn: string): void {
  openssl(
    dir,
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  );
}

function selfSignedCa(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}

function signWith(dir: string, ca: string, name: string, extensions: string, serial: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}-key.pem`,
    '-set_serial',
    serial,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}-cert.pem`,
  );
}

/** The layout `docker --tlsverify` expects in DOCKER_CERT_PATH. */
function clientCertDir(root: string, name: string, caFile: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  copyFileSync(caFile, join(dir, 'ca.pem'));
  copyFileSync(join(root, 'client-cert.pem'), join(dir, 'cert.pem'));
  copyFileSync(join(root, 'client-key.pem'), join(dir, 'key.pem'));
  return dir;
}

interface TlsEngine {
  port: number;
  /** Common names of the client certificates of the requests answered. */
  clients: string[];
  paths: string[];
  close(): Promise<void>;
}

async function startTlsEngine(root: string): Promise<TlsEngine> {
  const clients: string[] = [];
  const paths: string[] = [];
  const server: Server = createServer(
    {
      ca: readFileSync(join(root, 'ca.pem')),
      cert: readFileSync(join(root, 'server-cert.pem')),
      key: readFileSync(join(root, 'server-key.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0]!;
      paths.push(path);
      clients.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
      if (req.method === 'GET' && path === '/_ping') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      } else if (req.method === 'GET' && path === '/version') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Version: '27.0.0', ApiVersion: '1.47' }));
      } else if (req.method === 'GET' && path === '/containers/json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `stand-in: no ${req.method} ${path}` }));
      }
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    clients,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('docker engine over TLS (HTTPS stand-in with client certificates)', () => {
  let root: string;
  let engine: TlsEngine;
  let certs: string;
  let host: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'docker-tls-'));
    selfSignedCa(root, 'ca');
    newKeyAndRequest(root, 'server', '127.0.0.1');
    signWith(root, 'ca', 'server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n', '1');
    newKeyAndRequest(root, 'client', 'catalyst-client');
    signWith(root, 'ca', 'client', 'extendedKeyUsage=clientAuth\n', '2');
    certs = clientCertDir(root, 'certs', join(root, 'ca.pem'));
    engine = await startTlsEngine(root);
    host = `tcp://127.0.0.1:${engine.port}`;
  });
  after(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('with DOCKER_CERT_PATH certificates the engine answers over TLS and reports its version', async () => {
    const endpoint = resolveDockerEndpoint(host, { verify: true, certPath: certs });
    assert.equal(endpoint.label, `${host} (tls)`);
    const probe = await probeDockerEngine(endpoint, 5000);
    assert.ok(probe.reachable, probe.reachable ? '' : probe.reason);
    assert.equal(probe.version, '27.0.0');
    assert.equal(probe.apiVersion, '1.47');
    assert.equal(engine.clients.at(-1), 'catalyst-client', 'the engine saw our client certificate');
  });

  test('without TLS the same port does not count as an engine, and says why', async () => {
    const probe = await probeDockerEngine(parseDockerHost(host), 5000);
    assert.equal(probe.reachable, false);
    assert.ok(!probe.reachable && probe.reason.length > 0);
    const choice = await choosePreviewMode('auto', host, 5000);
    assert.equal(choice.mode, 'process');
    assert.match(choice.reason, new RegExp(`no Docker engine answered at ${host} \\(.+\\)`));
  });

  test('an engine whose certificate our ca.pem did not sign is not trusted', async () => {
    selfSignedCa(root, 'other-ca');
    const stranger = clientCertDir(root, 'stranger', join(root, 'other-ca.pem'));
    const probe = await probeDockerEngine(resolveDockerEndpoint(host, { verify: true, certPath: stranger }), 5000);
    assert.equal(probe.reachable, false);
    assert.match(probe.reachable ? '' : probe.reason, /certificate/i);
  });

  test('a missing key.pem is a config error naming the file and how to fix it', () => {
    const partial = join(root, 'partial');
    mkdirSync(partial);
    copyFileSync(join(certs, 'ca.pem'), join(partial, 'ca.pem'));
    copyFileSync(join(certs, 'cert.pem'), join(partial, 'cert.pem'));
    const err = thrownAppError(() => resolveDockerEndpoint(host, { verify: true, certPath: partial }));
    assert.equal(err.code, 'invalid_config');
    assert.match(err.message, new RegExp(`${join(partial, 'key.pem')} is missing`));
    assert.match(err.hint ?? '', /DOCKER_CERT_PATH/);
    assert.match(err.hint ?? '', /preview\.docker\.cert_path/);
  });

  test('TLS on a Unix socket is a config error; no host with TLS means tcp://localhost:2376, as for docker', () => {
    const err = thrownAppError(() => resolveDockerEndpoint('unix:///var/run/docker.sock', { verify: true, certPath: certs }));
    assert.equal(err.code, 'invalid_config');
    assert.match(err.message, /Unix socket/);
    assert.equal(resolveDockerEndpoint('', { verify: true, certPath: certs }).label, 'tcp://localhost:2376 (tls)');
  });

  test('start-up reads DOCKER_TLS_VERIFY / DOCKER_CERT_PATH through the config and runs docker previews over TLS', async () => {
    const lines: string[] = [];
    const logger: Logger = { debug() {}, info: (_o, msg) => void lines.push(String(msg)), warn() {}, error() {}, child: () => logger };
    const cwd = mkdtempSync(join(tmpdir(), 'docker-tls-startup-'));
    const config = loadConfig({
      env: { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs },
      cwd,
      overrides: { 'preview.mode': 'docker' },
    });
    const runtime = (await openPreviewRuntime(config, logger)) as DockerPreviewRuntime;
    assert.equal(runtime.mode, 'docker');
    assert.match(
      lines.at(-1) ?? '',
      new RegExp(`^preview runtime: docker \\(.*at tcp://127\\.0\\.0\\.1:${engine.port} \\(tls\\) answered \\(Docker 27\\.0\\.0`),
    );
    assert.deepEqual(await runtime.list(), []);
    assert.equal(engine.paths.at(-1), '/containers/json');
    rmSync(cwd, { recursive: true, force: true });
  });
});

describe('config: the Docker CLI TLS variables', () => {
  const docker = (env: Record<string, string>, yaml?: string) => {
    const cwd = mkdtempSync(join(tmpdir(), 'docker-tls-config-'));
    let file: string | undefined;
    if (yaml) writeFileSync((file = join(cwd, 'catalyst.yaml')), yaml);
    try {
      return loadConfig({ env, cwd, ...(file ? { file } : {}) }).preview.docker;
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  };

  test('DOCKER_TLS_VERIFY set to anything but "" or 0 turns TLS on, with DOCKER_CERT_PATH', () => {
    assert.deepEqual(pick(docker({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/etc/docker-client' })), {
      tls_verify: true,
      cert_path: '/etc/docker-client',
    });
    assert.equal(docker({ DOCKER_TLS_VERIFY: 'yes', HOME: '/home/dev' }).tls_verify, true);
    assert.deepEqual(pick(docker({ DOCKER_TLS_VERIFY: '0', HOME: '/home/dev' })), { tls_verify: false, cert_path: '' });
    assert.deepEqual(pick(docker({ DOCKER_TLS_VERIFY: '', HOME: '/home/dev' })), { tls_verify: false, cert_path: '' });
    assert.deepEqual(pick(docker({})), { tls_verify: false, cert_path: '' });
  });

  test('with TLS on and no DOCKER_CERT_PATH the certificates are in ~/.docker', () => {
    assert.deepEqual(pick(docker({ DOCKER_TLS_VERIFY: '1', HOME: '/home/dev' })), { tls_verify: true, cert_path: '/home/dev/.docker' });
  });

  test('values in the config file win over the environment', () => {
    const yaml = 'preview:\n  docker:\n    host: tcp://build-box:2376\n    tls_verify: true\n    cert_path: /srv/docker-certs\n';
    const fromFile = docker({ DOCKER_HOST: 'tcp://other:2376', DOCKER_CERT_PATH: '/elsewhere' }, yaml);
    assert.deepEqual(
      { host: fromFile.host, ...pick(fromFile) },
      { host: 'tcp://build-box:2376', tls_verify: true, cert_path: '/srv/docker-certs' },
    );
  });
});

function pick(d: { tls_verify: boolean; cert_path: string }) {
  return { tls_verify: d.tls_verify, cert_path: d.cert_path };
}
