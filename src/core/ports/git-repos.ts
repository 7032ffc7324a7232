/**
 * Local git repositories under `storage.git.local_path` (spec §6.2), one per project slug.
 *
 * Guarantees:
 * - `ensureRepo` is idempotent; a new repo gets branch `main` with one `chore: initialize repository`
 *   commit so branches can fork from it.
 * - Operations on one repository are serialised across processes (a file lock), so concurrent tasks of
 *   the same project never interleave index writes.
 * - `commit` writes the files into the given checkout, stages exactly those paths and commits with the
 *   trailers appended (`Catalyst-Event: <event id>` makes redelivery detectable through `findCommitByTrailer`).
 *   It returns null when the files are already identical to HEAD (nothing to commit).
 * - Paths are relative, normalised and refused if they escape the checkout.
 * - `worktreePath` is the one place a task's checkout lives: the same folder for the same task id, in
 *   every process, whether or not it exists yet; an id that is not a plain name is refused.
 */
export interface FileToWrite {
  path: string;
  content: string;
}

export interface CommitInfo {
  sha: string;
  message: string;
  author: string;
  date: string;
  branch: string | null;
}

export interface GitRepos {
  ensureRepo(slug: string): Promise<{ path: string; created: boolean }>;
  repoPath(slug: string): string;
  /** Where the checkout of task `taskId`'s feature branch lives (pass it to `ensureWorktree`). */
  worktreePath(taskId: string): string;
  /** Creates (or reuses) a worktree for `branch` forked from `base`. */
  ensureWorktree(slug: string, branch: string, base: string, path: string): Promise<{ path: string }>;
  commit(input: { checkout: string; files: FileToWrite[]; message: string; trailers?: Record<string, string> }): Promise<string | null>;
  findCommitByTrailer(checkout: string, key: string, value: string): Promise<string | null>;
  readFile(slug: string, ref: string, path: string): Promise<string>;
  head(checkout: string): Promise<string>;
  log(slug: string, ref: string, limit?: number): Promise<CommitInfo[]>;
  diffStat(checkout: string, from: string, to: string): Promise<{ additions: number; deletions: number; files_changed: number }>;
  listBranches(slug: string): Promise<string[]>;
}
