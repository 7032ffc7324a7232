/**
 * PGlite runs Postgres inside this process, so two processes opening one data folder would corrupt it.
 * A proper-lockfile lock (a `<folder>.lock` directory whose mtime the holder keeps fresh) makes the
 * second opener wait, then fail with store_locked; a holder that died stops refreshing the mtime, and its
 * lock is taken over once it is `staleMs` old.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { AppError } from '../../core/errors.ts';

export interface DataDirLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for another holder to let go (Infinity: queue until it does). */
  waitMs: number;
  /** What this process does with the folder (`catalyst build`), shown to whoever waits for it. */
  purpose?: string;
  /** Called when the folder is taken, and again every WAIT_REPORT_MS while waiting: the caller says so. */
  onWait?: (holder: DataDirHolder | null) => void;
  staleMs?: number;
  /** Called if another process takes the lock over while this one still holds the folder. */
  onLost?: (err: Error) => void;
}

export interface DataDirHolder {
  pid: number;
  host: string;
  since: string;
  purpose?: string;
}
type Holder = DataDirHolder;

const RETRY_INTERVAL_MS = 200;
const WAIT_REPORT_MS = 10_000;
// The holder's pid lives beside the lock directory, not inside it: a file written inside would change
// the directory's mtime, which proper-lockfile reads as another process having taken the lock over.
const holderPathOf = (lockPath: string) => `${lockPath}.holder.json`;

export function lockPathFor(dataDir: string): string {
  return `${resolve(dataDir)}.lock`;
}

async function readHolder(lockPath: string): Promise<Holder | null> {
  try {
    return JSON.parse(await readFile(holderPathOf(lockPath), 'utf8')) as Holder;
  } catch {
    return null;
  }
}

/** `process 123 (catalyst serve) on host since …`, for messages. */
export function describeHolder(holder: DataDirHolder | null): string {
  if (!holder) return 'another process';
  return `process ${holder.pid}${holder.purpose ? ` (${holder.purpose})` : ''} on ${holder.host} since ${holder.since}`;
}

function lockedError(folder: string, holder: Holder | null, cause: unknown): AppError {
  return new AppError('store_locked', `the state folder ${folder} is in use by ${describeHolder(holder)}`, {
    hint:
      `the embedded store lets one process at a time open it: wait for ${holder ? `pid ${holder.pid}` : 'the other Catalyst process'} to finish, ` +
      `give this one a data folder other than ${folder} (CATALYST_HOME or storage.data_dir), or set POSTGRES_URL so processes share one database`,
    details: { dataDir: folder, pid: holder?.pid ?? null },
    cause,
  });
}

/**
 * Who holds the data folder right now, without taking it: `catalyst doctor` says so. A lock whose mtime
 * went stale belongs to a process that died, so the folder counts as free.
 */
export async function dataDirHolder(dataDir: string, staleMs = 10_000): Promise<Holder | null> {
  const lockPath = lockPathFor(dataDir);
  const held = await lockfile.check(resolve(dataDir), { lockfilePath: lockPath, stale: staleMs }).catch(() => false);
  return held ? ((await readHolder(lockPath)) ?? { pid: 0, host: 'unknown', since: 'unknown' }) : null;
}

export async function lockDataDir(dataDir: string, opts: LockOptions): Promise<DataDirLock> {
  const folder = resolve(dataDir);
  const lockPath = lockPathFor(folder);
  await mkdir(folder, { recursive: true });
  const deadline = Date.now() + Math.max(0, opts.waitMs);
  let reportedAt = 0;
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(folder, {
        lockfilePath: lockPath,
        stale: opts.staleMs ?? 10_000,
        retries: 0,
        onCompromised: (err) => opts.onLost?.(err),
      });
      break;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ELOCKED') throw e;
      const holder = await readHolder(lockPath);
      if (Date.now() >= deadline) throw lockedError(folder, holder, e);
      if (Date.now() - reportedAt >= WAIT_REPORT_MS) {
        reportedAt = Date.now();
        opts.onWait?.(holder);
      }
      await new Promise((r) => setTimeout(r, RETRY_INTERVAL_MS));
    }
  }
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(opts.purpose ? { purpose: opts.purpose } : {}),
  };
  await writeFile(holderPathOf(lockPath), JSON.stringify(holder));
  return {
    async release() {
      // A lock proper-lockfile already gave up (compromised under a starved event loop) is gone:
      // releasing it again is not an error for the caller.
      await release().catch((e: { code?: string }) => {
        if (e.code !== 'ERELEASED') throw e;
      });
    },
  };
}
