import assert from 'node:assert/strict';
import { AppError } from '../../src/core/errors.ts';

/** The AppError `fn` throws; fails the test when it throws something else or nothing. */
export function thrownAppError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    assert.ok(AppError.isInstance(e), `expected AppError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}
