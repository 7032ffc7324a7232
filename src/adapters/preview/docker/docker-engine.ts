/**
 * Where the Docker engine is and whether it answers (spec §7.1: docker mode is detected, never
 * assumed). The address and TLS settings come from configuration only — `preview.docker.host`,
 * `tls_verify` and `cert_path`, filled from DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH by
 * the config loader — never from this process's environment, so dockerode is always given an
 * explicit socket or host and explicit certificates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { AppError } from '../../../core/errors.ts';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
/** What the Docker CLI talks to when TLS is on and no host is named. */
export const DEFAULT_TLS_HOST = 'tcp://localhost:2376';
/** Long enough for a busy local engine, short enough that `auto` does not slow every start-up. */
export const DEFAULT_PING_TIMEOUT_MS = 1500;

/** PEM contents of `<cert_path>/ca.pem`, `cert.pem` and `key.pem`, as `docker --tlsverify` uses them. */
export interface DockerTlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export type DockerEndpoint =
  { kind: 'socket'; socketPath: string; label: string } | { kind: 'tcp'; host: string; port: number; label: string; tls?: DockerTlsFiles };

/** `preview.docker.tls_verify` / `cert_path` (DOCKER_TLS_VERIFY / DOCKER_CERT_PATH). */
export interface DockerTlsSettings {
  verify: boolean;
  certPath: string;
}

export const NO_TLS: DockerTlsSettings = { verify: false, certPath: '' };

/** `''` → the default socket; `unix:///path`, an absolute socket path, or `tcp://host:port`. */
export function parseDockerHost(value: string): DockerEndpoint {
  const v = value.trim();
  if (v === '') return { kind: 'socket', socketPath: DEFAULT_DOCKER_SOCKET, label: `unix://${DEFAULT_DOCKER_SOCKET}` };
  if (v.startsWith('/')) return { kind: 'socket', socketPath: v, label: `unix://${v}` };
  if (v.startsWith('unix://')) {
    const path = v.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET;
    return { kind: 'socket', socketPath: path, label: `unix://${path}` };
  }
  const tcp = /^(?:tcp|http):\/\/([^/:]+|\[[^\]]+\]):(\d{1,5})\/?$/.exec(v);
  if (tcp) return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port: Number(tcp[2]), label: `tcp://${tcp[1]}:${tcp[2]}` };
  throw new AppError('invalid_config', `preview.docker.host / DOCKER_HOST "${value}" is not a Docker engine address`, {
    hint: 'use unix:///var/run/docker.sock (or another socket path), tcp://host:2375, or tcp://host:2376 with DOCKER_TLS_VERIFY=1 (preview.docker.tls_verify) for a TLS engine',
  });
}

const TLS_FILES = ['ca.pem', 'cert.pem', 'key.pem'] as const;
const TLS_GUIDE = 'https://docs.docker.com/engine/security/protect-access/';

/**
 * The endpoint `docker` itself would use for this host and TLS setting: with TLS on, an empty host
 * means tcp://localhost:2376, and the client certificate and CA are read now so a missing file is
 * a start-up error naming it rather than a handshake failure later.
 */
export function resolveDockerEndpoint(host: string, tls: DockerTlsSettings = NO_TLS): DockerEndpoint {
  if (!tls.verify) return parseDockerHost(host);
  const endpoint = parseDockerHost(host.trim() === '' ? DEFAULT_TLS_HOST : host);
  if (endpoint.kind !== 'tcp') {
    throw new AppError(
      'invalid_config',
      `preview.docker.tls_verify (DOCKER_TLS_VERIFY) is on but the Docker engine address ${endpoint.label} is a Unix socket`,
      {
        hint: 'TLS needs a tcp://host:2376 address: set DOCKER_HOST / preview.docker.host to one, or unset DOCKER_TLS_VERIFY (and leave preview.docker.tls_verify false) to use the socket',
      },
    );
  }
  return { ...endpoint, label: `${endpoint.label} (tls)`, tls: readTlsFiles(tls.certPath) };
}

function readTlsFiles(certPath: string): DockerTlsFiles {
  if (certPath.trim() === '') {
    throw new AppError('invalid_config', 'preview.docker.tls_verify (DOCKER_TLS_VERIFY) is on but no certificate directory is set', {
      hint: `set DOCKER_CERT_PATH or preview.docker.cert_path to the directory holding ca.pem, cert.pem and key.pem (see ${TLS_GUIDE})`,
    });
  }
  const [ca, cert, key] = TLS_FILES.map((name) => readTlsFile(join(certPath, name)));
  return { ca: ca!, cert: cert!, key: key! };
}

function readTlsFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const what = err.code === 'ENOENT' ? 'is missing' : `cannot be read (${err.code ?? err.message})`;
    throw new AppError('invalid_config', `Docker TLS file ${path} ${what}`, {
      hint: `set DOCKER_CERT_PATH or preview.docker.cert_path to the directory holding ca.pem, cert.pem and key.pem (the files docker --tlsverify uses), or create them as Docker's guide describes: ${TLS_GUIDE}`,
      cause: e,
    });
  }
}

/**
 * A dockerode client for exactly this endpoint. Every connection option is spelled out because
 * docker-modem otherwise merges in DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH from the
 * environment, and an inherited tcp host or certificate would silently win over the one asked for.
 */
export function dockerClient(endpoint: DockerEndpoint, timeoutMs?: number): Docker {
  try {
    return newDockerClient(endpoint, timeoutMs);
  } catch (e) {
    // docker-modem computes its defaults from DOCKER_HOST / DOCKER_CERT_PATH before applying ours, and
    // throws on a malformed address or missing certificate files there, even though they go unused.
    throw new AppError(
      'invalid_config',
      `the Docker client could not be set up for ${endpoint.label}: ${e instanceof Error ? e.message : String(e)}`,
      {
        hint: 'check DOCKER_HOST and DOCKER_CERT_PATH in the environment Catalyst runs in (the Docker client library reads them even when preview.docker.* is set), or unset them',
        cause: e,
      },
    );
  }
}

function newDockerClient(endpoint: DockerEndpoint, timeoutMs?: number): Docker {
  const common = { version: undefined, pathPrefix: undefined, timeout: timeoutMs || undefined };
  if (endpoint.kind === 'socket') {
    return new Docker({
      ...common,
      socketPath: endpoint.socketPath,
      host: undefined,
      port: undefined,
      protocol: undefined,
      ca: undefined,
      cert: undefined,
      key: undefined,
    });
  }
  const tls = endpoint.tls;
  return new Docker({
    ...common,
    socketPath: undefined,
    host: endpoint.host,
    port: endpoint.port,
    protocol: tls ? 'https' : 'http',
    ca: tls?.ca,
    cert: tls?.cert,
    key: tls?.key,
  });
}

export type EngineProbe =
  | { reachable: true; endpoint: DockerEndpoint; version: string; apiVersion: string }
  | { reachable: false; endpoint: DockerEndpoint; reason: string };

/** `GET /_ping` (then `/version` for the log) within `timeoutMs`; never throws. */
export async function probeDockerEngine(endpoint: DockerEndpoint, timeoutMs = DEFAULT_PING_TIMEOUT_MS): Promise<EngineProbe> {
  // The client's own timeout ends a stalled socket; the race bounds the whole exchange.
  let client: Docker;
  try {
    client = dockerClient(endpoint, timeoutMs);
  } catch (e) {
    return { reachable: false, endpoint, reason: e instanceof Error ? e.message : String(e) };
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const pong: unknown = await Promise.race([client.ping(), timedOut]);
    const text = Buffer.isBuffer(pong) ? pong.toString('utf8') : String(pong);
    if (text.trim() !== 'OK')
      return { reachable: false, endpoint, reason: `/_ping answered ${JSON.stringify(text.slice(0, 60))} instead of OK` };
    const version = await Promise.race([client.version(), timedOut]);
    return { reachable: true, endpoint, version: version.Version ?? 'unknown', apiVersion: version.ApiVersion ?? 'unknown' };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { reachable: false, endpoint, reason: err.code ? `${err.code}: ${err.message}` : String(err.message ?? e) };
  } finally {
    clearTimeout(timer);
  }
}

export interface PreviewModeChoice {
  mode: 'process' | 'docker';
  /** One line for the start-up log: which mode won and why. */
  reason: string;
  endpoint: DockerEndpoint | null;
}

/**
 * `auto` picks docker only when the engine answers; `docker` without an answering engine is a
 * start-up error; every other mode runs previews as processes (compose_only / k8s start none).
 */
export async function choosePreviewMode(
  configured: 'auto' | 'process' | 'docker' | 'compose_only' | 'k8s',
  dockerHost: string,
  timeoutMs = DEFAULT_PING_TIMEOUT_MS,
  tls: DockerTlsSettings = NO_TLS,
): Promise<PreviewModeChoice> {
  if (configured !== 'auto' && configured !== 'docker') {
    return { mode: 'process', reason: `preview.mode is ${configured}`, endpoint: null };
  }
  const endpoint = resolveDockerEndpoint(dockerHost, tls);
  const probe = await probeDockerEngine(endpoint, timeoutMs);
  if (probe.reachable) {
    return {
      mode: 'docker',
      reason: `preview.mode is ${configured} and the Docker engine at ${endpoint.label} answered (Docker ${probe.version}, API ${probe.apiVersion})`,
      endpoint,
    };
  }
  if (configured === 'auto') {
    return {
      mode: 'process',
      reason: `preview.mode is auto and no Docker engine answered at ${endpoint.label} (${probe.reason})`,
      endpoint: null,
    };
  }
  throw new AppError(
    'service_unavailable',
    `preview.mode is docker but no Docker engine answered GET /_ping at ${endpoint.label} (${probe.reason})`,
    {
      hint: 'start the Docker engine, or point DOCKER_HOST / preview.docker.host at one (unix:///path/docker.sock, tcp://host:2375, or tcp://host:2376 with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH) that this user may use, or set preview.mode: process (or auto)',
      retryable: false,
    },
  );
}
