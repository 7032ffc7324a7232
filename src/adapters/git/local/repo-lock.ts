/**
 * Serialises work on one repository. Git's own `index.lock` makes a second writer fail at once instead
 * of waiting, so writers queue here: first behind each other in this process (cheap, no polling), then
 * on a `proper-lockfile` lock next to the repository folder that other processes honour too.
 */
import lockfile from 'proper-lockfile';

const STALE_MS = 10_000;
// Wait well past STALE_MS so a lock left by a crashed process is taken over rather than failing.
const RETRIES = { retries: 120, factor: 1.3, minTimeout: 10, maxTimeout: 250 };

const tails = new Map<string, Promise<void>>();

export async function withRepoLock<T>(repoPath: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(repoPath) ?? Promise.resolve();
  let finish: () => void = () => undefined;
  const mine = new Promise<void>((resolve) => (finish = resolve));
  const tail = previous.then(() => mine);
  tails.set(repoPath, tail);
  await previous;
  try {
    const release = await lockfile.lock(repoPath, {
      realpath: false,
      stale: STALE_MS,
      retries: RETRIES,
      // The default rethrows from a timer and would crash the process; a compromised lock (the folder
      // vanished, the clock jumped) only costs us the cross-process guarantee for this one operation.
      onCompromised: () => undefined,
    });
    try {
      return await work();
    } finally {
      await release().catch(() => undefined);
    }
  } finally {
    finish();
    if (tails.get(repoPath) === tail) tails.delete(repoPath);
  }
}
