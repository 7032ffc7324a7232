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
 * - `mergeIntoMain` brings a branch into `main` of the repository checkout (which stays on `main`, so
 *   `repoPath(slug)` then holds the merged files): a fast-forward or a merge commit with the message.
 *   It is idempotent: when main already contains the branch head it changes nothing and returns main's
 *   head. A conflict leaves main and the branch exactly as they were and throws `merge_conflict`
 *   (not retryable: the same merge conflicts again) naming the conflicting paths; an unknown branch throws `invalid_option`.
 * - `diff` lists what `to` changed since it forked from `from` (git's `from...to`), one entry per file in path
 *   order, renames shown as a deletion and an addition; a binary file has an empty patch.
 * - `worktreePath` is the one place a task's checkout lives: the same folder for the same task id, in
 *   every process, whether or not it exists yet; an id that is not a plain name is refused.
 */
export interface FileToWrite {
  path: string;
  content: string;
}

/** One file's change: the unified diff of that file (its `diff --git` header included). */
export interface FileDiff {
  path: string;
  patch: string;
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
  /** Merges `branch` into `main` (see the guarantees above) and returns main's head afterwards. */
  mergeIntoMain(slug: string, branch: string, message: string): Promise<string>;
  /** `removed`: paths deleted in the same commit (from the checkout and the index; absent ones are ignored). */
  commit(input: {
    checkout: string;
    files: FileToWrite[];
    removed?: string[];
    message: string;
    trailers?: Record<string, string>;
  }): Promise<string | null>;
  findCommitByTrailer(checkout: string, key: string, value: string): Promise<string | null>;
  readFile(slug: string, ref: string, path: string): Promise<string>;
  head(checkout: string): Promise<string>;
  log(slug: string, ref: string, limit?: number): Promise<CommitInfo[]>;
  diffStat(checkout: string, from: string, to: string): Promise<{ additions: number; deletions: number; files_changed: number }>;
  diff(checkout: string, from: string, to: string): Promise<FileDiff[]>;
  listBranches(slug: string): Promise<string[]>;
}
