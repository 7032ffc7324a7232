/**
 * Task ids as people type them: the full UUID, or its first 8 (or more) characters as the CLI and
 * the UI show them. One resolver for the CLI and the API, so both accept and refuse the same things.
 */
import { AppError } from '../core/errors.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import type { TaskRecord } from '../contracts/records.ts';

export const TASK_REF = /^[0-9a-f-]{8,36}$/;

/** The id a reference spells, or resolveTask's refusal of it: the CLI checks this before opening a store. */
export function taskRefId(ref: string): string {
  const id = ref.trim().toLowerCase();
  if (!TASK_REF.test(id)) {
    throw new AppError('invalid_option', `"${ref}" is not a task id`, {
      hint: 'use the task_id printed by `catalyst build`, or its first 8 characters',
      retryable: false,
    });
  }
  return id;
}

export async function resolveTask(state: Pick<StateStore, 'getTask' | 'findTaskIds'>, ref: string): Promise<TaskRecord> {
  const id = taskRefId(ref);
  const matches = id.length === 36 ? [id] : await state.findTaskIds(id, 2);
  if (matches.length > 1) {
    throw new AppError('invalid_option', `task id ${ref} matches more than one task`, {
      hint: 'type more characters of the id',
      retryable: false,
    });
  }
  const task = matches[0] ? await state.getTask(matches[0]) : null;
  if (!task) {
    throw new AppError('task_not_found', `no task ${ref}`, {
      hint: 'check the id: `catalyst build` prints it, GET /api/tasks lists tasks',
      retryable: false,
    });
  }
  return task;
}
