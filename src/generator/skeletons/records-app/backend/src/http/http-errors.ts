import type { ZodError } from 'zod';

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
  return new HttpError(404, 'not_found', `${what} ${id} was not found`);
}

export function validationFailed(fields: FieldErrors): HttpError {
  const names = Object.keys(fields);
  const message = names.length > 0 ? `Invalid value for: ${names.join(', ')}` : 'The request body is invalid';
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
  // drizzle wraps driver errors in a DrizzleQueryError whose `cause` carries the driver's code.
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  const codeOf = (value: unknown): string => (typeof value === 'object' && value !== null && 'code' in value ? String(value.code) : '');
  const code = codeOf(error) || codeOf(cause);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') return conflict('A record with the same unique value already exists');
  // SQLite reports ON DELETE RESTRICT as SQLITE_CONSTRAINT_TRIGGER with a "FOREIGN KEY constraint failed" message.
  const message = [error, cause].map((value) => (value instanceof Error ? value.message : '')).join(' ');
  const sqliteForeignKey = code.startsWith('SQLITE_CONSTRAINT') && message.includes('FOREIGN KEY constraint failed');
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503' || sqliteForeignKey)
    return conflict('Other records still refer to this one');
  return null;
}
