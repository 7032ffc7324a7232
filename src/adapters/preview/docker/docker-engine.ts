/**
 * Where the Docker engine is and whether it answers (spec §7.1: docker mode is detected, never
 * assumed). The address comes from configuration only — `preview.docker.host`, filled from
 * DOCKER_HOST by the config loader — never from this process's environment, so dockerode is always
 * given an explicit socket or host.
 */
import Docker from 'dockerode';
import { AppError } from '../../../core/errors.ts';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
/** Long enough for a busy local engine, short enough that `auto` does not slow every start-up. */
export const DEFAULT_PING_TIMEOUT_MS = 1500;

export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string; label: string }
  | { kind: 'tcp'; host: string; port: number; label: string };

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
    hint: 'use unix:///var/run/docker.sock (or another socket path) or tcp://host:2375; TLS engines (DOCKER_TLS_VERIFY) are not supported',
  });
}

/**
 * A dockerode client for exactly this endpoint. Every connection option is spelled out because
 * docker-modem otherwise merges in DOCKER_HOST / DOCKER_CERT_PATH from the environment, and an
 * inherited tcp host would silently win over the socket asked for.
 */
export function dockerClient(endpoint: DockerEndpoint, timeoutMs?: number): Docker {
  const common = { ca: undefined, cert: undefined, key: undefined, version: undefined, ...(timeoutMs ? { timeout: timeoutMs } : {}) };
  return endpoint.kind === 'socket'
    ? new Docker({ ...common, socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: undefined })
    : new Docker({ ...common, socketPath: undefined, host: endpoint.host, port: endpoint.port, protocol: 'http' });
}

export type EngineProbe =
  | { reachable: true; endpoint: DockerEndpoint; version: string; apiVersion: string }
  | { reachable: false; endpoint: DockerEndpoint; reason: string };

/** `GET /_ping` (then `/version` for the log) within `timeoutMs`; never throws. */
export async function probeDockerEngine(endpoint: DockerEndpoint, timeoutMs = DEFAULT_PING_TIMEOUT_MS): Promise<EngineProbe> {
  // The client's own timeout ends a stalled socket; the race bounds the whole exchange.
  const client = dockerClient(endpoint, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const pong: unknown = await Promise.race([client.ping(), timedOut]);
    const text = Buffer.isBuffer(pong) ? pong.toString('utf8') : String(pong);
    if (text.trim() !== 'OK') return { reachable: false, endpoint, reason: `/_ping answered ${JSON.stringify(text.slice(0, 60))} instead of OK` };
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
): Promise<PreviewModeChoice> {
  if (configured !== 'auto' && configured !== 'docker') {
    return { mode: 'process', reason: `preview.mode is ${configured}`, endpoint: null };
  }
  const endpoint = parseDockerHost(dockerHost);
  const probe = await probeDockerEngine(endpoint, timeoutMs);
  if (probe.reachable) {
    return {
      mode: 'docker',
      reason: `preview.mode is ${configured} and the Docker engine at ${endpoint.label} answered (Docker ${probe.version}, API ${probe.apiVersion})`,
      endpoint,
    };
  }
  if (configured === 'auto') {
    return { mode: 'process', reason: `preview.mode is auto and no Docker engine answered at ${endpoint.label} (${probe.reason})`, endpoint: null };
  }
  throw new AppError('service_unavailable', `preview.mode is docker but no Docker engine answered GET /_ping at ${endpoint.label} (${probe.reason})`, {
    hint: 'start the Docker engine, or point DOCKER_HOST / preview.docker.host at one (unix:///path/docker.sock or tcp://host:2375) that this user may use, or set preview.mode: process (or auto)',
    retryable: false,
  });
}
