/**
 * The parts of a generated backend that do not depend on the models: HTTP error shapes, request
 * parsing, configuration, password hashing, tokens and the per-request user. They are the same text
 * for every app, which keeps them reviewable once.
 */
import type { DataModels } from '../../../contracts/artifacts.ts';
import type { AppFile } from '../app-file.ts';

const HTTP_ERRORS = `import type { ZodError } from 'zod';

/** Field name → what is wrong with it, as returned in 400 responses. */
export type FieldErrors = Record<string, string>;

/**
 * An error whose status and body the client is meant to see. Anything else that escapes a route is
 * logged and answered with a generic 500, so internals never leak into responses.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): { error: { code: string; message: string; fields?: FieldErrors } } {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, 'not_found', \`\${what} \${id} was not found\`);
}

export function validationFailed(fields: FieldErrors): HttpError {
  const names = Object.keys(fields);
  const message = names.length > 0 ? \`Invalid value for: \${names.join(', ')}\` : 'The request body is invalid';
  return new HttpError(400, 'validation_failed', message, fields);
}

export function unauthorized(message = 'Sign in to continue'): HttpError {
  return new HttpError(401, 'unauthorized', message);
}

export function conflict(message: string, fields?: FieldErrors): HttpError {
  return new HttpError(409, 'conflict', message, fields);
}

/** The first message per top-level field; a body that is not an object is reported under "body". */
export function fieldErrors(error: ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : 'body';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Unique and foreign-key violations from either driver, reported as a 409 instead of a 500. */
export function constraintConflict(error: unknown): HttpError | null {
  // drizzle wraps driver errors in a DrizzleQueryError whose \`cause\` carries the driver's code.
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  const codeOf = (value: unknown): string => (typeof value === 'object' && value !== null && 'code' in value ? String(value.code) : '');
  const code = codeOf(error) || codeOf(cause);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return conflict('A record with the same unique value already exists');
  // SQLite reports ON DELETE RESTRICT as SQLITE_CONSTRAINT_TRIGGER with a "FOREIGN KEY constraint failed" message.
  const message = [error, cause].map((value) => (value instanceof Error ? value.message : '')).join(' ');
  const sqliteForeignKey = code.startsWith('SQLITE_CONSTRAINT') && message.includes('FOREIGN KEY constraint failed');
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503' || sqliteForeignKey) return conflict('Other records still refer to this one');
  return null;
}
`;

const REQUEST_PARSING = `import { z } from 'zod';
import { fieldErrors, notFound, validationFailed } from './http-errors.ts';

export interface ListPage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Paging and text search, shared by every list; each model extends it with its own filters and sort keys. */
export const ListQueryBase = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
  q: z.string().trim().max(200).optional(),
});

/** \`?done=true\` / \`?done=false\`; anything else is a 400 rather than silently "false". */
export const BooleanParam = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const IdSchema = z.uuid();

/** Parses a body with a model schema, turning zod issues into a 400 that names each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}

/** Parses a list's query string with the model's list schema; a bad filter or sort key is a 400 naming it. */
export function parseListQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {});
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}

/** Ids are UUIDs; anything else cannot name a row, so it is "not found" rather than a database error. */
export function parseId(params: unknown, what: string): string {
  const id = typeof params === 'object' && params !== null && 'id' in params ? String(params.id) : '';
  if (!IdSchema.safeParse(id).success) throw notFound(what, id);
  return id;
}
`;

const ROWS = `/** \`.returning()\` on a write that matched gives exactly one row; an empty result is a bug, not a 404. */
export function firstRow<T>(rows: T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('The database returned no row for a write that should have produced one');
  return row;
}
`;

const ACTOR = `import { unauthorized } from '../http/http-errors.ts';

/** Who a request acts for: a signed-in user, or nobody on public routes and in apps without accounts. */
export interface Actor {
  userId: string | null;
}

export const ANONYMOUS: Actor = Object.freeze({ userId: null });

export function userIdOf(actor: Actor): string {
  if (actor.userId === null) throw unauthorized();
  return actor.userId;
}
`;

const CONFIG = `/** Reads the environment once; everything else receives these values. */
export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  dataDir: string;
  jwtSecret: string | undefined;
  /** A Unix socket to listen on instead of PORT (Catalyst's sandboxed previews have no network). */
  socketPath: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(\`PORT must be a port number, got "\${env.PORT}"\`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || 'sqlite:',
    dataDir: env.DATA_DIR || './data',
    jwtSecret: env.JWT_SECRET || undefined,
    socketPath: env.SOCKET_PATH || undefined,
  };
}
`;

const PASSWORDS = `import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const KEY_LENGTH = 64;

/** Stored as "scrypt$<salt>$<hash>" so the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH);
  return \`scrypt$\${salt.toString('hex')}$\${hash.toString('hex')}\`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scryptAsync(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}
`;

const TOKENS = `import { SignJWT, jwtVerify } from 'jose';

export interface TokenService {
  issue(userId: string): Promise<string>;
  /** The user id a valid, unexpired token was issued for; null for anything else. */
  verify(token: string): Promise<string | null>;
}

export function createTokenService(secret: string): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    issue: (userId) =>
      new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime('24h').sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}
`;

const REQUEST_AUTH = `import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../http/http-errors.ts';
import type { Actor } from '../services/actor.ts';
import type { UserService } from '../services/user-service.ts';
import type { TokenService } from './tokens.ts';

export interface RequestAuth {
  /** The signed-in user, or 401. */
  required(request: FastifyRequest): Promise<Actor>;
  /** The signed-in user when a valid token is sent, otherwise nobody (public routes). */
  optional(request: FastifyRequest): Promise<Actor>;
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\\s+(\\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export function createRequestAuth(tokens: TokenService, users: UserService): RequestAuth {
  async function userFor(request: FastifyRequest): Promise<string | null> {
    const token = bearerToken(request);
    if (!token) return null;
    const userId = await tokens.verify(token);
    // A token for a deleted account is as good as none.
    return userId && (await users.findById(userId)) ? userId : null;
  }
  return {
    async required(request) {
      const userId = await userFor(request);
      if (!userId) throw unauthorized();
      return { userId };
    },
    async optional(request) {
      return { userId: await userFor(request) };
    },
  };
}
`;

export function backendCoreFiles(models: DataModels): AppFile[] {
  const files: AppFile[] = [
    { path: 'backend/src/config.ts', content: CONFIG, group: 'init' },
    { path: 'backend/src/http/http-errors.ts', content: HTTP_ERRORS, group: 'services' },
    { path: 'backend/src/http/request-parsing.ts', content: REQUEST_PARSING, group: 'routes' },
    { path: 'backend/src/db/rows.ts', content: ROWS, group: 'models' },
    { path: 'backend/src/services/actor.ts', content: ACTOR, group: 'services' },
  ];
  if (models.auth.enabled) {
    files.push(
      { path: 'backend/src/auth/passwords.ts', content: PASSWORDS, group: 'services' },
      { path: 'backend/src/auth/tokens.ts', content: TOKENS, group: 'services' },
      { path: 'backend/src/auth/request-auth.ts', content: REQUEST_AUTH, group: 'routes' },
    );
  }
  return files;
}
