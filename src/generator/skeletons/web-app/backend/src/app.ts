import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';

export interface BuildAppOptions {
  /** Built frontend to serve at /; null serves none. Defaults to frontend/dist. */
  frontendDir?: string | null;
  logger?: boolean;
}

const DEFAULT_FRONTEND_DIR = fileURLToPath(new URL('../../frontend/dist', import.meta.url));

/** The server, ready for `inject()` or `listen()`: `/health`, the API under `/api`, the built frontend at `/`. */
export function buildApp(options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });

  app.get('/health', async () => ({ status: 'ok' }));

  app.register(
    async (api) => {
      // The server's clock, so the page shows something only the backend knows; add the app's routes here.
      api.get('/time', async () => ({ now: new Date().toISOString() }));
    },
    { prefix: '/api' },
  );

  const frontendDir = options.frontendDir === undefined ? DEFAULT_FRONTEND_DIR : options.frontendDir;
  const serveFrontend = frontendDir !== null && existsSync(join(frontendDir, 'index.html'));
  if (serveFrontend) app.register(fastifyStatic, { root: frontendDir });

  // Client-side routes resolve to index.html; unknown API paths stay JSON 404s.
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url === '/api' || request.url.startsWith('/api/');
    if (serveFrontend && request.method === 'GET' && !isApi) return reply.sendFile('index.html');
    return reply.code(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` } });
  });

  return app;
}
