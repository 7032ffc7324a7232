/**
 * This process's hold on the tasks it runs. Each task row names its owner and a lease the owner keeps
 * renewing; a process that dies stops renewing, and once the lease runs out any Catalyst process on the
 * same store may claim the task and resume it (the sweeper). A lease found taken by someone else means
 * this process lost the task (it stalled past its lease): it stops working on it rather than race.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../core/logger.ts';
import type { StateStore, TaskLease } from '../core/ports/state-store.ts';

export interface RecoverySettings {
  /** How long a task stays held without a renewal (orchestration.recovery.lease_seconds). */
  leaseMs: number;
  /** How often ownerless tasks are looked for (orchestration.recovery.sweep_interval_seconds). */
  sweepMs: number;
  /**
   * Whether this process takes over ownerless tasks (on start and every sweepMs). A server, a CLI build
   * and a worker do; a short-lived command (`catalyst events`) must not start running builds.
   */
  resumeOwnerless: boolean;
  /** This process's owner id; default host:pid:random. */
  owner?: string;
}

export interface TaskLeases {
  readonly lease: TaskLease;
  /** Starts renewing; `onLost` hears of every tracked task another owner took. */
  start(onLost: (taskId: string) => void): void;
  track(taskId: string): void;
  untrack(taskId: string): void;
  /** Stops renewing and lets go of every task this process still holds, so the next start resumes them. */
  releaseAll(): Promise<void>;
}

export function ownerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function createTaskLeases(deps: { state: StateStore; logger: Logger; settings: RecoverySettings }): TaskLeases {
  const lease: TaskLease = { owner: deps.settings.owner ?? ownerId(), leaseMs: deps.settings.leaseMs };
  const tracked = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<void> | null = null;

  async function renew(onLost: (taskId: string) => void): Promise<void> {
    try {
      // Only what this process works on now: in event-driven mode a task it no longer tracks keeps its
      // lease until it runs out, which is the next step's worker's time to take it over.
      const held = new Set(await deps.state.renewLeases(lease.owner, lease.leaseMs, [...tracked]));
      for (const id of tracked) {
        if (held.has(id)) continue;
        // Ended tasks drop out of the renewal too; only a live task held by another owner is lost.
        const task = await deps.state.getTask(id);
        if (task && (task.status === 'queued' || task.status === 'running')) {
          deps.logger.warn({ task_id: id, owner: lease.owner }, 'lost the lease of a running task to another process; leaving it to them');
          tracked.delete(id);
          onLost(id);
        }
      }
    } catch (e) {
      // A failed renewal is retried at the next tick; the lease is three ticks long.
      deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'task lease renewal failed');
    }
  }

  return {
    lease,
    start(onLost) {
      const every = Math.max(50, Math.floor(lease.leaseMs / 3));
      const tick = () => {
        renewing = renew(onLost).finally(() => {
          renewing = null;
        });
      };
      timer = setInterval(tick, every);
      timer.unref();
    },
    track(taskId) {
      tracked.add(taskId);
    },
    untrack(taskId) {
      tracked.delete(taskId);
    },
    async releaseAll() {
      clearInterval(timer);
      await renewing;
      tracked.clear();
      await deps.state.releaseTasks(lease.owner);
    },
  };
}
