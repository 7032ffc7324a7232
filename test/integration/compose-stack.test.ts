/**
 * docker-compose.yml is checked without Docker (no engine here): it parses, holds the 8 services of
 * spec §3.1/§12.1, each with an image or build and a health check, and the backend's environment
 * names only variables Catalyst reads (config/catalyst.example.yaml's ${VAR}s and load.ts's env reads),
 * including every server URL, each pointing at a service of the file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(resolve(root, p), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  healthcheck?: { test?: unknown };
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

function variablesCatalystReads(): Set<string> {
  const names = new Set<string>();
  for (const m of read('config/catalyst.example.yaml').matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)) names.add(m[1]!);
  for (const m of read('src/config/load.ts').matchAll(/env\.([A-Z_][A-Z0-9_]*)/g)) names.add(m[1]!);
  return names;
}

function envOf(s: Service): Record<string, string> {
  if (Array.isArray(s.environment)) return Object.fromEntries(s.environment.map((kv) => kv.split('=', 2) as [string, string]));
  return s.environment ?? {};
}

test('the compose file defines the 8 services of the spec, each with an image or build and a health check', () => {
  const always = Object.entries(compose.services)
    .filter(([, s]) => !s.profiles?.length)
    .map(([n]) => n)
    .sort();
  assert.deepEqual(always, ['backend', 'frontend', 'mongodb', 'postgres', 'qdrant', 'rabbitmq', 'redis', 'traefik']);
  for (const [name, s] of Object.entries(compose.services)) {
    assert.ok(s.image || s.build, `${name} has an image or a build`);
    assert.ok(Array.isArray(s.healthcheck?.test) && s.healthcheck.test.length > 0, `${name} has a health check`);
  }
  assert.match(compose.services.rabbitmq!.image ?? '', /management/, 'RabbitMQ with the management plugin');
  for (const stateful of ['postgres', 'mongodb', 'redis', 'qdrant', 'rabbitmq']) {
    assert.ok(JSON.stringify(compose.services[stateful]).includes('-data:'), `${stateful} keeps its data in a volume`);
  }
});

test('the backend environment uses only variables Catalyst reads, sets every server URL, and waits for healthy services', () => {
  const known = variablesCatalystReads();
  const backend = compose.services.backend!;
  const env = envOf(backend);
  for (const key of Object.keys(env)) assert.ok(known.has(key), `backend sets ${key}, which Catalyst reads`);
  const urls = { POSTGRES_URL: 'postgres', MONGO_URL: 'mongodb', REDIS_URL: 'redis', QDRANT_URL: 'qdrant', RABBITMQ_URL: 'rabbitmq' };
  for (const [key, service] of Object.entries(urls)) {
    assert.ok(env[key], `backend sets ${key}`);
    assert.ok(new URL(env[key]!.replace(/\$\{[^}]*\}/g, 'x')).hostname === service, `${key} points at the ${service} service`);
    assert.equal(backend.depends_on?.[service]?.condition, 'service_healthy', `backend waits for ${service}`);
  }
  assert.equal(env.ORCHESTRATION_MODE, 'event_driven');
  const worker = compose.services.worker;
  assert.deepEqual(envOf(worker!), env, 'workers see the same configuration as the backend');
});

test('the Makefile has the spec targets and the Dockerfile builds both images', () => {
  const make = read('Makefile');
  for (const target of ['setup-complete-stack', 'start-all-services', 'stop', 'logs', 'test']) {
    assert.match(make, new RegExp(`^${target}:`, 'm'), `make ${target}`);
  }
  const docker = read('Dockerfile');
  assert.match(docker, /^FROM .* AS backend$/m);
  assert.match(docker, /^FROM .* AS frontend$/m);
  assert.match(docker, /^HEALTHCHECK /m);
});
