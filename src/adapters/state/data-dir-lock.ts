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
  waitMs: number;
  staleMs?: number;
  /** Called if another process takes the lock over while this one still holds the folder. */
  onLost?: (err: Error) => void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

const RETRY_INTERVAL_MS = 200;
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
  const retries = Math.ceil(Math.max(0, opts.waitMs) / RETRY_INTERVAL_MS);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(folder, {
      lockfilePath: lockPath,
      stale: opts.staleMs ?? 10_000,
      retries: { retries, factor: 1, minTimeout: RETRY_INTERVAL_MS, maxTimeout: RETRY_INTERVAL_MS },
      onCompromised: (err) => opts.onLost?.(err),
    });
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ELOCKED') throw e;
    const holder = await readHolder(lockPath);
    const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.since})` : 'another process';
    throw new AppError('store_locked', `the state folder ${folder} is in use by ${who}`, {
      hint:
        `Stop ${holder ? `pid ${holder.pid}` : 'the other Catalyst process'} or give this one another data folder: ` +
        `PGlite lets one process at a time open ${folder}. To share state between processes, configure PostgreSQL.`,
      details: { dataDir: folder, pid: holder?.pid ?? null },
      cause: e,
    });
  }
  const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
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
