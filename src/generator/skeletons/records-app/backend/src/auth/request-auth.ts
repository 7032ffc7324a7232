import type { FastifyRequest } from 'fastify';
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
  const match = /^Bearer\s+(\S+)$/i.exec(header);
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
