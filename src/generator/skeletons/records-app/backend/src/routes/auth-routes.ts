import type { FastifyInstance } from 'fastify';
import type { RequestAuth } from '../auth/request-auth.ts';
import type { TokenService } from '../auth/tokens.ts';
import { HttpError, unauthorized } from '../http/http-errors.ts';
import { parseBody } from '../http/request-parsing.ts';
import { userIdOf } from '../services/actor.ts';
import { LoginBody, RegisterBody } from '../services/user-service.ts';
import type { UserService } from '../services/user-service.ts';

export function registerAuthRoutes(app: FastifyInstance, users: UserService, tokens: TokenService, auth: RequestAuth): void {
  app.post('/api/auth/register', async (request, reply) => {
    const user = await users.register(parseBody(RegisterBody, request.body));
    return reply.code(201).send({ id: user.id, token: await tokens.issue(user.id) });
  });

  app.post('/api/auth/login', async (request) => {
    const { email, password } = parseBody(LoginBody, request.body);
    const user = await users.authenticate(email, password);
    if (!user) throw unauthorized('Wrong email or password');
    return { token: await tokens.issue(user.id) };
  });

  app.get('/api/auth/me', async (request) => {
    const userId = userIdOf(await auth.required(request));
    const user = await users.findById(userId);
    if (!user) throw new HttpError(401, 'unauthorized', 'Sign in to continue');
    return user;
  });
}
