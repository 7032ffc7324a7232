/** Does the request ask for sign-in, decline it, or say nothing? */
import { AUTH_NEGATIONS, AUTH_TRIGGERS, OWNERSHIP_PHRASES, PRIVATE_DATA_SIGNALS, PUBLIC_FACING, SHARED_PHRASES } from './vocabulary.ts';

export interface AuthReading {
  enabled: boolean;
  /** The request said sign-in is not wanted ("no login needed"). */
  declined: boolean;
  /** The phrase that switched sign-in on, for the assumptions. */
  trigger: string | null;
  /** Where in the text an ownership phrase ("their own") ends, to see which records it is about. */
  ownershipAt: number[];
  shared: boolean;
}

export function readAuth(lower: string): AuthReading {
  let rest = lower;
  let declined = false;
  for (const negation of AUTH_NEGATIONS) {
    rest = rest.replace(negation, () => {
      declined = true;
      return ' ';
    });
  }
  let trigger: string | null = null;
  for (const pattern of AUTH_TRIGGERS) {
    const m = pattern.exec(rest);
    if (m) {
      // Quote the whole word ("benutzeranmeldung"), not the stem that matched.
      const start = rest.slice(0, m.index).search(/[\p{L}\p{N}]*$/u);
      const end = m.index + m[0].length + (/^[\p{L}\p{N}]*/u.exec(rest.slice(m.index + m[0].length))?.[0].length ?? 0);
      trigger = rest.slice(start, end);
      break;
    }
  }
  const ownershipAt: number[] = [];
  for (const pattern of OWNERSHIP_PHRASES) {
    const m = pattern.exec(lower);
    if (m) ownershipAt.push(m.index + m[0].length);
  }
  ownershipAt.sort((a, b) => a - b);
  return {
    enabled: trigger !== null,
    declined,
    trigger,
    ownershipAt,
    shared: SHARED_PHRASES.some((p) => p.test(lower)),
  };
}

/**
 * Why a request that never mentions accounts still keeps data that is somebody's own: one person's records
 * ("my runs", health, money), a business's or team's internal records ("our clients", staff who log), or acts
 * that must be told apart per person ("members reserve a court"). Null when the app is meant for the public
 * (visitors, a directory, a menu, a form or a poll), which keeps its records open.
 */
export interface PrivateDataReading {
  /** Plain words for the plan's assumption. */
  why: string;
  /** One person's own data: each user sees only their own records. Otherwise the records are shared by the team. */
  personal: boolean;
}

export function readPrivateData(lower: string): PrivateDataReading | null {
  if (PUBLIC_FACING.some((p) => p.test(lower))) return null;
  for (const [pattern, why, personal] of PRIVATE_DATA_SIGNALS) if (pattern.test(lower)) return { why, personal };
  return null;
}
