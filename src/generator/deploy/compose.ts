/**
 * The generated app's Docker Compose project, built as an object and serialized with `yaml`: one
 * definition for the `docker-compose.yml` committed to the app and the `docker-compose.preview.yml`
 * the deployer writes next to a checkout, so images, health checks and wiring cannot drift apart.
 * nginx in the frontend image proxies `/api` and `/health` to the service named `backend`.
 */
import { Document, isMap, isScalar, type Scalar } from 'yaml';

export const POSTGRES_IMAGE = 'postgres:16-alpine';
/** Ports inside the containers (Dockerfile.backend and nginx.conf listen there). */
export const BACKEND_PORT = 3000;
export const FRONTEND_PORT = 8080;

/** node:20-bookworm-slim has no curl or wget; Node 20's fetch is there. */
export const BACKEND_HEALTH_PROBE = `fetch('http://127.0.0.1:${BACKEND_PORT}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;

export interface ComposeOptions {
  /** Compose project name (containers, networks and volumes are prefixed with it). */
  name: string;
  /** Build context of both images: `.` inside the app repository, or the path of a checkout. */
  context: string;
  /** Host ports the backend and the frontend are published on. */
  hostPorts: { backend: number; frontend: number };
  /**
   * `random-when-unset`: the backend makes a secret per start (users are signed out on restart);
   * `required`: compose refuses to start until JWT_SECRET is set (a deployment someone keeps).
   */
  jwtSecret: 'random-when-unset' | 'required';
  /** Host name a Traefik router sends to the frontend; no labels without it. */
  traefikHost?: string;
}

const JWT_COMMENT: Record<ComposeOptions['jwtSecret'], string> = {
  'random-when-unset': ' Unset means a random secret per start; set it to keep users signed in across restarts.',
  required: ' Required: tokens signed with it stay valid across restarts.',
};

export function composeProject(o: ComposeOptions): Record<string, unknown> {
  const healthcheck = (test: string[]) => ({ test, interval: '10s', timeout: '3s', retries: 5 });
  const router = o.name.replace(/[^a-z0-9-]/gi, '-');
  return {
    name: o.name,
    services: {
      postgres: {
        image: POSTGRES_IMAGE,
        environment: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:-app}', POSTGRES_DB: 'app' },
        volumes: ['pgdata:/var/lib/postgresql/data'],
        healthcheck: { test: ['CMD-SHELL', 'pg_isready -U app -d app'], interval: '5s', timeout: '3s', retries: 10 },
      },
      backend: {
        build: { context: o.context, dockerfile: 'Dockerfile.backend' },
        environment: {
          PORT: String(BACKEND_PORT),
          HOST: '0.0.0.0',
          DATABASE_URL: 'postgresql://app:${POSTGRES_PASSWORD:-app}@postgres:5432/app',
          JWT_SECRET: o.jwtSecret === 'required' ? '${JWT_SECRET:?set JWT_SECRET}' : '${JWT_SECRET:-}',
        },
        depends_on: { postgres: { condition: 'service_healthy' } },
        ports: [`${o.hostPorts.backend}:${BACKEND_PORT}`],
        healthcheck: healthcheck(['CMD', 'node', '-e', BACKEND_HEALTH_PROBE]),
      },
      frontend: {
        build: { context: o.context, dockerfile: 'Dockerfile.frontend' },
        depends_on: { backend: { condition: 'service_healthy' } },
        ports: [`${o.hostPorts.frontend}:${FRONTEND_PORT}`],
        healthcheck: healthcheck(['CMD', 'wget', '-qO-', `http://127.0.0.1:${FRONTEND_PORT}/`]),
        ...(o.traefikHost
          ? {
              labels: {
                'traefik.enable': 'true',
                [`traefik.http.routers.${router}.rule`]: `Host(\`${o.traefikHost}\`)`,
                [`traefik.http.services.${router}.loadbalancer.server.port`]: String(FRONTEND_PORT),
              },
            }
          : {}),
      },
    },
    volumes: { pgdata: {} },
  };
}

export function composeFile(o: ComposeOptions): string {
  const doc = new Document(composeProject(o));
  const env = doc.getIn(['services', 'backend', 'environment'], true);
  const jwt = isMap(env) ? env.items.find((p) => isScalar(p.key) && p.key.value === 'JWT_SECRET') : undefined;
  if (jwt) (jwt.key as Scalar).commentBefore = JWT_COMMENT[o.jwtSecret];
  return doc.toString({ lineWidth: 0 });
}
