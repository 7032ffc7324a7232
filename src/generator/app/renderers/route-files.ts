/**
 * HTTP surface of a generated app: one route module per resource, the auth routes, the Fastify app
 * factory (`buildApp`, used by tests through `inject()`), and the listening server.
 */
import type { DataModel, DataModels } from '../../../contracts/artifacts.ts';
import { needsUser, resourceModels, userModel } from '../model-facts.ts';
import { kebab, lines, lit } from '../naming.ts';
import type { AppFile } from '../app-file.ts';
import { tableVar } from './database-files.ts';

function routeModule(models: DataModels, model: DataModel): string {
  const N = model.name;
  const base = `/api/${model.resource}`;
  const auth = models.auth.enabled;
  const actorFor = (op: 'read' | 'write'): string =>
    !auth ? 'ANONYMOUS' : needsUser(models, model, op) ? 'await auth.required(request)' : 'await auth.optional(request)';
  const label = lit(model.label);
  return lines(
    "import type { FastifyInstance } from 'fastify';",
    !auth ? "import { ANONYMOUS } from '../services/actor.ts';" : "import type { RequestAuth } from '../auth/request-auth.ts';",
    "import { parseBody, parseId, parseListQuery } from '../http/request-parsing.ts';",
    `import { ${N}Create, ${N}ListQuery, ${N}Patch } from '../models/${kebab(N)}.ts';`,
    `import type { ${N}Service } from '../services/${kebab(N)}-service.ts';`,
    '',
    `export function register${N}Routes(app: FastifyInstance, service: ${N}Service${auth ? ', auth: RequestAuth' : ''}): void {`,
    `  app.get(${lit(base)}, async (request) => {
    const actor = ${actorFor('read')};
    return service.list(actor, parseListQuery(${N}ListQuery, request.query));
  });

  app.post(${lit(base)}, async (request, reply) => {
    const actor = ${actorFor('write')};
    const created = await service.create(actor, parseBody(${N}Create, request.body));
    return reply.code(201).send(created);
  });

  app.get(${lit(`${base}/:id`)}, async (request) => {
    const actor = ${actorFor('read')};
    return service.get(actor, parseId(request.params, ${label}));
  });

  app.put(${lit(`${base}/:id`)}, async (request) => {
    const actor = ${actorFor('write')};
    const id = parseId(request.params, ${label});
    return service.replace(actor, id, parseBody(${N}Create, request.body));
  });

  app.patch(${lit(`${base}/:id`)}, async (request) => {
    const actor = ${actorFor('write')};
    const id = parseId(request.params, ${label});
    return service.update(actor, id, parseBody(${N}Patch, request.body));
  });

  app.delete(${lit(`${base}/:id`)}, async (request, reply) => {
    const actor = ${actorFor('write')};
    await service.remove(actor, parseId(request.params, ${label}));
    return reply.code(204).send();
  });
}
`,
  );
}

function userServiceModule(models: DataModels, user: DataModel): string {
  const privateFields = user.fields.filter((f) => f.private === true).map((f) => f.name);
  return `import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { firstRow } from '../db/rows.ts';
import type { ${tableVar(user)} } from '../db/schema.sqlite.ts';
import { conflict } from '../http/http-errors.ts';
import { UserCreate } from '../models/user.ts';

type UserRow = typeof ${tableVar(user)}.$inferSelect;
/** A user as the API shows it: private fields (the password hash) never leave this module. */
export type PublicUser = Omit<UserRow, ${privateFields.length ? privateFields.map((f) => lit(f)).join(' | ') : 'never'}>;

export const RegisterBody = UserCreate.extend({
  email: z.email().max(254).transform((email) => email.toLowerCase()),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
});
export const LoginBody = z.object({
  email: z.string().trim().min(1, 'is required').transform((email) => email.toLowerCase()),
  password: z.string().min(1, 'is required'),
});

const PRIVATE_FIELDS: readonly string[] = ${JSON.stringify(privateFields)};

function toPublic(row: UserRow): PublicUser {
  const copy: Record<string, unknown> = { ...row };
  for (const field of PRIVATE_FIELDS) delete copy[field];
  return copy as PublicUser;
}

export function createUserService({ db, tables }: DatabaseHandle) {
  const table = tables.${tableVar(user)};

  async function byEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await db.select().from(table).where(eq(table.email, email)).limit(1);
    return row;
  }

  return {
    async register(input: z.output<typeof RegisterBody>): Promise<PublicUser> {
      const { password, ...fields } = input;
      if (await byEmail(fields.email)) throw conflict('That email is already registered', { email: 'is already registered' });
      const now = new Date();
      const rows = await db
        .insert(table)
        .values({ ...fields, id: randomUUID(), password_hash: await hashPassword(password), created_at: now, updated_at: now })
        .returning();
      return toPublic(firstRow(rows));
    },

    /** The user for these credentials, or null; the caller cannot tell a wrong email from a wrong password. */
    async authenticate(email: string, password: string): Promise<PublicUser | null> {
      const row = await byEmail(email);
      if (!row || !(await verifyPassword(password, row.password_hash))) return null;
      return toPublic(row);
    },

    async findById(id: string): Promise<PublicUser | null> {
      const [row] = await db.select().from(table).where(eq(table.id, id)).limit(1);
      return row ? toPublic(row) : null;
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
`;
}

function appModule(models: DataModels): string {
  const resources = resourceModels(models);
  const auth = models.auth.enabled;
  const imports = resources.flatMap((m) => [
    `import { register${m.name}Routes } from './routes/${kebab(m.name)}-routes.ts';`,
    `import { create${m.name}Service } from './services/${kebab(m.name)}-service.ts';`,
  ]);
  const registrations = resources.map((m) => `    register${m.name}Routes(api, create${m.name}Service(database)${auth ? ', auth' : ''});`);
  return lines(
    auth ? "import { randomBytes } from 'node:crypto';" : null,
    "import { existsSync } from 'node:fs';",
    "import { join } from 'node:path';",
    "import { fileURLToPath } from 'node:url';",
    "import fastifyStatic from '@fastify/static';",
    "import Fastify from 'fastify';",
    "import type { FastifyInstance } from 'fastify';",
    auth ? "import { createRequestAuth } from './auth/request-auth.ts';" : null,
    auth ? "import { createTokenService } from './auth/tokens.ts';" : null,
    "import { openDatabase } from './db/database.ts';",
    "import { constraintConflict, HttpError } from './http/http-errors.ts';",
    auth ? "import { registerAuthRoutes } from './routes/auth-routes.ts';" : null,
    auth ? "import { createUserService } from './services/user-service.ts';" : null,
    ...imports,
    '',
    `export interface BuildAppOptions {
  /** \`sqlite::memory:\`, \`sqlite:<file>\`, empty for \`<dataDir>/app.db\`, or a postgres:// URL. */
  databaseUrl?: string;
  dataDir?: string;
  /** HS256 signing secret; a random one (valid until restart) is generated when absent. */
  jwtSecret?: string | undefined;
  /** Built frontend to serve at /; null serves none. Defaults to frontend/dist. */
  frontendDir?: string | null;
  logger?: boolean;
}

/** Every error body is \`{error: {code, message, fields?}}\`; these name Fastify's own 4xx answers. */
const CLIENT_ERROR_CODES: Record<number, string> = {
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

const DEFAULT_FRONTEND_DIR = fileURLToPath(new URL('../../frontend/dist', import.meta.url));

/** The whole app, ready for \`inject()\` or \`listen()\`; the database opens when the app becomes ready. */
export function buildApp(options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
${
  auth
    ? `  const jwtSecret = options.jwtSecret || randomBytes(32).toString('hex');
  if (!options.jwtSecret) app.log.warn('JWT_SECRET is not set: using a random secret, so sign-ins end when the server restarts');
`
    : ''
}
  app.setErrorHandler((error, request, reply) => {
    const known = error instanceof HttpError ? error : constraintConflict(error);
    if (known) return reply.code(known.statusCode).send(known.toBody());
    // Fastify's own client errors (malformed JSON, oversized body) keep their 4xx status.
    const status = typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    const message = error instanceof Error ? error.message : 'Bad request';
    if (status < 500) return reply.code(status).send({ error: { code: CLIENT_ERROR_CODES[status] ?? 'bad_request', message } });
    request.log.error(error);
    return reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong on the server' } });
  });

  app.get('/health', async () => ({ status: 'ok' }));

  app.register(async (api) => {
    const database = await openDatabase(options.databaseUrl ?? 'sqlite::memory:', options.dataDir ?? './data');
    api.addHook('onClose', () => database.close());
${
  auth
    ? `    const users = createUserService(database);
    const tokens = createTokenService(jwtSecret);
    const auth = createRequestAuth(tokens, users);
    registerAuthRoutes(api, users, tokens, auth);
`
    : ''
}${registrations.join('\n')}
  });

  const frontendDir = options.frontendDir === undefined ? DEFAULT_FRONTEND_DIR : options.frontendDir;
  const serveFrontend = frontendDir !== null && existsSync(join(frontendDir, 'index.html'));
  if (serveFrontend) app.register(fastifyStatic, { root: frontendDir });

  // Client-side routes of the single-page frontend resolve to index.html; unknown API paths stay JSON 404s.
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url === '/api' || request.url.startsWith('/api/');
    if (serveFrontend && request.method === 'GET' && !isApi) return reply.sendFile('index.html');
    return reply.code(404).send({ error: { code: 'not_found', message: \`No route for \${request.method} \${request.url.split('?')[0]}\` } });
  });

  return app;
}
`,
  );
}

export function routeFiles(models: DataModels): AppFile[] {
  const files: AppFile[] = resourceModels(models).map((m) => ({
    path: `backend/src/routes/${kebab(m.name)}-routes.ts`,
    content: routeModule(models, m),
    group: 'routes' as const,
  }));
  const user = userModel(models);
  if (user) {
    files.push({
      path: 'backend/src/services/user-service.ts',
      content: userServiceModule(models, user),
      group: 'services',
    });
  }
  files.push({ path: 'backend/src/app.ts', content: appModule(models), group: 'routes' });
  return files;
}
