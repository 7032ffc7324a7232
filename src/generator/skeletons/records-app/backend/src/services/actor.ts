import { unauthorized } from '../http/http-errors.ts';

/** Who a request acts for: a signed-in user, or nobody on public routes and in apps without accounts. */
export interface Actor {
  userId: string | null;
}

export const ANONYMOUS: Actor = Object.freeze({ userId: null });

export function userIdOf(actor: Actor): string {
  if (actor.userId === null) throw unauthorized();
  return actor.userId;
}
