/**
 * The deployment files every mode writes (spec §4.6 output): a compose file that runs the app with
 * PostgreSQL, Kubernetes manifests, and instructions. Pure: same inputs, same text.
 */
import { stringify } from 'yaml';

export interface DeploymentInputs {
  slug: string;
  taskShort: string;
  repoPath: string;
  appPort: number;
}

export function composePreview(i: DeploymentInputs): string {
  return stringify({
    name: `${i.slug}-${i.taskShort}`,
    services: {
      db: {
        image: 'postgres:15-alpine',
        environment: { POSTGRES_DB: 'app', POSTGRES_USER: 'app', POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:-app}' },
        volumes: ['db_data:/var/lib/postgresql/data'],
        healthcheck: { test: ['CMD-SHELL', 'pg_isready -U app'], interval: '5s', timeout: '5s', retries: 10 },
      },
      backend: {
        build: { context: i.repoPath, dockerfile: 'Dockerfile.backend' },
        environment: {
          PORT: '3000',
          HOST: '0.0.0.0',
          DATABASE_URL: 'postgresql://app:${POSTGRES_PASSWORD:-app}@db:5432/app',
          JWT_SECRET: '${JWT_SECRET:?set JWT_SECRET}',
        },
        ports: [`${i.appPort}:3000`],
        depends_on: { db: { condition: 'service_healthy' } },
        healthcheck: { test: ['CMD', 'wget', '-qO-', 'http://127.0.0.1:3000/health'], interval: '10s', timeout: '5s', retries: 5 },
        labels: {
          'traefik.enable': 'true',
          [`traefik.http.routers.${i.slug}-${i.taskShort}.rule`]: `Host(\`${i.slug}-${i.taskShort}.localhost\`)`,
          [`traefik.http.services.${i.slug}-${i.taskShort}.loadbalancer.server.port`]: '3000',
        },
      },
    },
    volumes: { db_data: {} },
  });
}

export function k8sManifests(i: DeploymentInputs): Record<string, string> {
  const name = `${i.slug}-${i.taskShort}`;
  const labels = { app: name, 'catalyst/task': i.taskShort };
  return {
    'k8s/configmap.yaml': stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-config`, labels },
      data: { PORT: '3000', HOST: '0.0.0.0' },
    }),
    'k8s/deployment.yaml': stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'backend',
                image: `catalyst-preview/${name}-backend:latest`,
                ports: [{ containerPort: 3000 }],
                envFrom: [{ configMapRef: { name: `${name}-config` } }],
                env: [{ name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: 'jwt-secret' } } }],
                readinessProbe: { httpGet: { path: '/health', port: 3000 }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/health', port: 3000 }, periodSeconds: 15 },
                resources: { limits: { memory: '512Mi', cpu: '500m' }, requests: { memory: '128Mi', cpu: '100m' } },
              },
            ],
          },
        },
      },
    }),
    'k8s/service.yaml': stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 3000 }] },
    }),
    'k8s/ingress.yaml': stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, labels },
      spec: {
        rules: [
          {
            host: `${name}.localhost`,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] },
          },
        ],
      },
    }),
  };
}

export function deploymentGuide(i: DeploymentInputs & { previewUrl: string | null; mode: string }): string {
  return [
    `# Deploying ${i.slug} (task ${i.taskShort})`,
    '',
    i.previewUrl ? `Live preview (${i.mode} mode): ${i.previewUrl}` : `No live preview was started (${i.mode} mode).`,
    '',
    '## Run it yourself with Docker Compose',
    '',
    '```bash',
    `JWT_SECRET=$(openssl rand -hex 32) docker compose -f docker-compose.preview.yml up -d --build`,
    `curl http://localhost:${i.appPort}/health`,
    'docker compose -f docker-compose.preview.yml down',
    '```',
    '',
    '## Run it without Docker',
    '',
    '```bash',
    `cd ${i.repoPath}`,
    'npm install && npm run build && npm start   # SQLite in ./data by default; set DATABASE_URL for PostgreSQL',
    '```',
    '',
    '## Kubernetes',
    '',
    'Build and push `Dockerfile.backend`, create the secret, then apply the manifests:',
    '',
    '```bash',
    `kubectl create secret generic ${i.slug}-${i.taskShort}-secrets --from-literal=jwt-secret=$(openssl rand -hex 32)`,
    'kubectl apply -f k8s/',
    '```',
    '',
  ].join('\n');
}
