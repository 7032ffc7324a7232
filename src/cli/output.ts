import { ERROR_CODES } from '../contracts/errors.ts';
import type { BuildResult } from '../contracts/messages.ts';
import { AppError } from '../core/errors.ts';

/** Exit codes of the contract: 0 success, 1 the build (or an operation) failed, 2 bad usage or input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function exitCodeFor(error: AppError): number {
  return error.category === 'invalid_input' ? EXIT.usage : EXIT.failed;
}

/**
 * A build that ran and failed exits 1, unless its code is one of the error catalogue's `invalid_input`
 * codes: then the request or the setup must change (needs_model: configure a model), as for any bad input.
 */
export function exitCodeOfFailure(result: Pick<BuildResult, 'error'>): number {
  const code = result.error?.code;
  const category = code !== undefined && Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as keyof typeof ERROR_CODES] : null;
  return category === 'invalid_input' ? EXIT.usage : EXIT.failed;
}

/** With --json, every failure is one object on stdout: `{"error": {code, message, hint, phase}}`. */
export function printJsonError(error: { code: string; message: string; hint: string | null; phase: string }): void {
  process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
}

/** A failure before any task ran (bad input, a store or server that cannot be reached): phase `request`. */
export function printError(error: AppError, json: boolean): void {
  process.stderr.write(`catalyst: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
  if (json) printJsonError({ code: error.code, message: error.message, hint: error.hint, phase: 'request' });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Fixed-width text table for terminals. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
