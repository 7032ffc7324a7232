import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { composeFile, CONTAINER_FILES, POSTGRES_IMAGE, previewCompose, previewKubernetes } from './index.ts';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  labels?: Record<string, string>;
  healthcheck?: { test: string[] };
}
const services = (text: string) => (parse(text) as { services: Record<string, Service> }).services;

const inputs = { slug: 'todo', taskShort: 'a1b2c3d4', repoPath: '/srv/worktrees/a1b2', ports: { backend: 3100, frontend: 8100 } };

test("the app's compose file and the deployer's preview are the same project: same images, wiring and health checks", () => {
  const app = services(
    composeFile({ name: 'todo', context: '.', hostPorts: { backend: 3000, frontend: 8080 }, jwtSecret: 'random-when-unset' }),
  );
  const preview = services(previewCompose(inputs));
  assert.deepEqual(Object.keys(app), ['postgres', 'backend', 'frontend']);
  assert.deepEqual(Object.keys(preview), Object.keys(app));
  assert.equal(app.postgres!.image, POSTGRES_IMAGE);
  assert.deepEqual(preview.postgres, app.postgres);
  for (const name of ['backend', 'frontend']) {
    assert.deepEqual(preview[name]!.healthcheck, app[name]!.healthcheck);
    assert.equal(preview[name]!.build!.context, inputs.repoPath);
    assert.equal(app[name]!.build!.context, '.');
  }
  // The backend image has no curl or wget: its probe is Node's own fetch.
  assert.deepEqual(app.backend!.healthcheck!.test.slice(0, 3), ['CMD', 'node', '-e']);
  assert.match(app.backend!.environment!.DATABASE_URL!, /@postgres:5432\/app$/);
  assert.deepEqual([preview.backend!.ports, preview.frontend!.ports], [['3100:3000'], ['8100:8080']]);
});

test('only the preview requires JWT_SECRET and carries Traefik labels for its host', () => {
  const app = composeFile({ name: 'todo', context: '.', hostPorts: { backend: 3000, frontend: 8080 }, jwtSecret: 'random-when-unset' });
  const preview = previewCompose(inputs);
  assert.equal(services(app).backend!.environment!.JWT_SECRET, '${JWT_SECRET:-}');
  assert.match(app, /# Unset means a random secret per start/);
  assert.equal(services(app).frontend!.labels, undefined);
  assert.equal(services(preview).backend!.environment!.JWT_SECRET, '${JWT_SECRET:?set JWT_SECRET}');
  assert.deepEqual(services(preview).frontend!.labels, {
    'traefik.enable': 'true',
    'traefik.http.routers.todo-a1b2c3d4.rule': 'Host(`todo-a1b2c3d4.localhost`)',
    'traefik.http.services.todo-a1b2c3d4.loadbalancer.server.port': '8080',
  });
});

test('the Kubernetes manifests name every object after the project and task and probe /health', () => {
  const manifests = previewKubernetes(inputs);
  assert.deepEqual(Object.keys(manifests).sort(), ['k8s/configmap.yaml', 'k8s/deployment.yaml', 'k8s/ingress.yaml', 'k8s/service.yaml']);
  for (const text of Object.values(manifests)) {
    const m = parse(text) as { metadata: { name: string; labels: Record<string, string> } };
    assert.match(m.metadata.name, /^todo-a1b2c3d4/);
    assert.equal(m.metadata.labels['catalyst/task'], 'a1b2c3d4');
  }
  const deployment = parse(manifests['k8s/deployment.yaml']!) as {
    spec: { template: { spec: { containers: Array<{ image: string; readinessProbe: { httpGet: { path: string; port: number } } }> } } };
  };
  const [container] = deployment.spec.template.spec.containers;
  assert.equal(container!.image, 'catalyst-preview/todo-a1b2c3d4-backend:latest');
  assert.deepEqual(container!.readinessProbe.httpGet, { path: '/health', port: 3000 });
});

test('the container files are the files on disk, and nginx proxies to the compose service named backend', () => {
  assert.deepEqual(Object.keys(CONTAINER_FILES), ['Dockerfile.backend', 'Dockerfile.frontend', 'frontend/nginx.conf']);
  assert.equal(CONTAINER_FILES['Dockerfile.backend'], readFileSync(new URL('./files/Dockerfile.backend', import.meta.url), 'utf8'));
  assert.match(CONTAINER_FILES['frontend/nginx.conf']!, /proxy_pass http:\/\/backend:3000;/);
  assert.match(CONTAINER_FILES['Dockerfile.frontend']!, /EXPOSE 8080/);
});
