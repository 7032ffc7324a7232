/**
 * The HTTP/WebSocket/SSE API (spec §11) as a Fastify app built over a Runtime. `buildServer` returns
 * the app without listening, so tests drive it with `app.inject()` and `catalyst serve` listens.
 * Security from the start: optional bearer token, Origin check on streams, body limit, per-client
 * rate limit, security headers, CORS only for configured origins, and one error shape.
 */
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.ts';
import type { Runtime } from '../runtime.ts';
import { errorBody, errorHandler } from './http-errors.ts';
import { createLiveState } from './live-state.ts';
import { registerCostRoutes } from './cost-routes.ts';
import { registerLiveRoutes } from './live-routes.ts';
import { registerExplorerRoutes } from './explorer-routes.ts';
import { registerOpsRoutes } from './ops-routes.ts';
import { registerTaskRoutes } from './task-routes.ts';

export interface ServerOptions {
  /** The built UI (web/dist); null serves the API only. */
  webDir?: string | null;
}

function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  // Browsers cannot set headers on WebSocket or EventSource requests: those may pass ?token=.
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

function isApiPath(path: string): boolean {
  return path.startsWith('/api/') || path.startsWith('/ws/');
}

export async function buildServer(runtime: Runtime, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const config = runtime.config;
  const app = Fastify({
    logger: false,
    bodyLimit: config.server.body_limit_bytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    trustProxy: false,
  });
  // Bodies, queries and params are parsed with the zod contracts in the handlers (field errors in our
  // shape); the JSON schemas on routes exist for the OpenAPI document only.
  app.setValidatorCompiler(() => (value) => ({ value }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler(runtime.logger));

  await app.register(fastifyHelmet, {
    hsts: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // Previews run on their own localhost ports (or *.localhost behind the router).
        frameSrc: ["'self'", 'http://localhost:*', 'http://127.0.0.1:*', 'http://*.localhost:*'],
        upgradeInsecureRequests: null,
      },
    },
  });
  if (config.server.cors_origins.length > 0) {
    await app.register(fastifyCors, { origin: [...config.server.cors_origins], credentials: false });
  }
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.server.rate_limit_per_minute,
    timeWindow: '1 minute',
    // Only the API and its streams count: one page load fetches index.html and a dozen lazily loaded
    // chunks (shiki grammars, mermaid), which must not eat a person's API budget.
    allowList: (request) => !isApiPath(request.url.split('?')[0]!),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(
        new AppError('rate_limited', `rate limit of ${ctx.max} requests per minute exceeded; retry in ${ctx.after}`, {
          hint: 'wait and retry (server.rate_limit_per_minute)',
        }),
        { statusCode: 429 },
      ),
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Catalyst API',
        version: config.version,
        description: 'Tasks, live progress, files, artifacts, previews, git and events (spec §11).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(config.auth.token ? { security: [{ bearer: [] }] } : {}),
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  const token = config.auth.token;
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (!isApiPath(path)) return;
    if (token && path !== '/api/health' && !tokenMatches(token, presentedToken(request))) {
      throw new AppError('unauthorized', 'this server requires an API token', {
        hint: 'send Authorization: Bearer <auth.token> (or ?token= on WebSocket and SSE URLs)',
        retryable: false,
      });
    }
  });

  const live = createLiveState(runtime);
  app.addHook('onClose', async () => live.close());
  await registerTaskRoutes(app, runtime, live);
  await registerCostRoutes(app, runtime);
  await registerOpsRoutes(app, runtime);
  await registerExplorerRoutes(app, runtime);
  await registerLiveRoutes(app, runtime, live);

  const webDir = opts.webDir ?? null;
  if (webDir && existsSync(join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // Client-side routes (/tasks/<id>) are the UI's: reloads and shared links get index.html.
    if (request.method === 'GET' && webDir && !isApiPath(path) && existsSync(join(webDir, 'index.html'))) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html', webDir);
    }
    const error = new AppError('route_not_found', `no route ${request.method} ${path}`, {
      hint: 'the API is documented at /docs',
      retryable: false,
    });
    return reply.code(404).send(errorBody(error));
  });
  return app;
}
