import { TERMINAL_EVENT_TYPES, type EventType } from '../contracts/events.ts';
import type { TaskRecord } from '../contracts/records.ts';
import type { LiveFeed } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import { TERMINAL_STATUSES } from './task-state.ts';

// A rejected review also ends a task (task-state.ts), so it wakes the waiter too.
const WAKE_ON: readonly EventType[] = [...TERMINAL_EVENT_TYPES, 'review.decision'];

/**
 * Resolves when the task reaches a terminal status. Terminal events on the live feed wake it at
 * once; a slow poll of the state store covers tasks finished by workers in other processes.
 */
export function waitForTask(state: StateStore, feed: LiveFeed, taskId: string, signal?: AbortSignal, pollMs = 1000): Promise<TaskRecord> {
  return new Promise((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off();
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const check = async () => {
      try {
        const task = await state.getTask(taskId);
        if (!task) return finish(() => reject(new AppError('task_not_found', `task ${taskId} does not exist`)));
        if (TERMINAL_STATUSES.has(task.status)) return finish(() => resolve(task));
      } catch (e) {
        return finish(() => reject(e));
      }
      if (!done) timer = setTimeout(() => void check(), pollMs);
    };
    const off = feed.on((m) => {
      if (m.type === 'event' && m.event.task_id === taskId && WAKE_ON.includes(m.event.event_type)) {
        clearTimeout(timer);
        void check();
      }
    });
    const onAbort = () => finish(() => reject(signal?.reason ?? new Error('aborted')));
    signal?.addEventListener('abort', onAbort, { once: true });
    void check();
  });
}
