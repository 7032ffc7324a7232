/**
 * Git history of the scanned branch (full depth only: quick and standard clones are shallow and
 * would show one commit).
 */
import type { RepositorySection } from '../../contracts/explorer.ts';
import { runGit, type GitOptions } from './git.ts';

const MAX_CONTRIBUTORS = 100;
const HISTORY_TIMEOUT_MS = 60_000;

export async function readHistory(
  dir: string,
  signal?: AbortSignal,
  baseEnv?: GitOptions['baseEnv'],
): Promise<NonNullable<RepositorySection['history']>> {
  const git = async (args: string[]) =>
    (await runGit(args, { cwd: dir, timeoutMs: HISTORY_TIMEOUT_MS, signal, maxBuffer: 64 * 1024 * 1024, baseEnv })).stdout;
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
  if (head.trim() === '') return { commits: 0, contributors: [], first_commit: null, last_commit: null };
  const commits = Number((await git(['rev-list', '--count', 'HEAD'])).trim()) || 0;
  const contributors = (await git(['shortlog', '--summary', '--numbered', 'HEAD']))
    .split('\n')
    .map((line) => /^\s*(\d+)\t(.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[2]!.trim(), commits: Number(m[1]) }))
    .slice(0, MAX_CONTRIBUTORS);
  const iso = (text: string) => {
    const dates = text
      .split('\n')
      .filter(Boolean)
      .map((d) => new Date(d.trim()))
      .filter((d) => !Number.isNaN(d.getTime()));
    return dates;
  };
  const roots = iso(await git(['log', '--max-parents=0', '--format=%aI', 'HEAD']));
  const last = iso(await git(['log', '-1', '--format=%aI', 'HEAD']));
  const first = roots.sort((a, b) => a.getTime() - b.getTime())[0];
  return { commits, contributors, first_commit: first?.toISOString() ?? null, last_commit: last[0]?.toISOString() ?? null };
}
