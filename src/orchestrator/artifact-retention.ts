/**
 * storage.artifacts.retention_days: the artifacts of a task that ended longer ago than that are
 * deleted (its repository, where the app itself lives, stays). The task records when, so the UI and
 * the API can say why the files are gone instead of showing an empty folder.
 */
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { ArtifactStore } from '../core/ports/artifact-store.ts';
import type { StateStore } from '../core/ports/state-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ended tasks looked at per sweep; a sweep runs at start and every few hours, so a backlog drains over a few. */
const BATCH = 1000;

export interface RetentionPorts {
  state: StateStore;
  artifacts: ArtifactStore;
  clock: Clock;
  logger: Logger;
}

/** Removes what is due and returns the ids of the tasks whose artifacts were removed. */
export async function removeExpiredArtifacts(ports: RetentionPorts, retentionDays: number): Promise<string[]> {
  const cutoff = new Date(ports.clock.now().getTime() - retentionDays * DAY_MS).toISOString();
  const due = (await ports.state.listTasks({ finishedBefore: cutoff, limit: BATCH })).filter(
    (t) => t.metadata.artifacts_removed_at === undefined,
  );
  const removed: string[] = [];
  for (const task of due) {
    await ports.artifacts.remove(task.id);
    await ports.state.updateTask(task.id, {
      metadata: { artifacts_removed_at: ports.clock.now().toISOString(), artifacts_retention_days: retentionDays },
    });
    removed.push(task.id);
  }
  if (removed.length > 0) {
    ports.logger.info(
      { removed: removed.length, retention_days: retentionDays },
      'removed the artifacts of tasks past storage.artifacts.retention_days',
    );
  }
  return removed;
}

/** Sweeps now and then every `everyMs` until closed; a failed sweep is logged and tried again next time. */
export function startArtifactRetention(
  ports: RetentionPorts,
  retentionDays: number,
  everyMs = 6 * 60 * 60 * 1000,
): { close(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = removeExpiredArtifacts(ports, retentionDays).catch((e: unknown) =>
      ports.logger.warn({ err: e }, 'artifact retention sweep failed; it runs again later'),
    );
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
