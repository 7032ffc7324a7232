/**
 * Local repositories under `storage.git.local_path` (spec §6.2): one per project slug, feature work in
 * worktrees, commits carrying trailers so a redelivered event finds the commit it already made.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { AppError } from '../../../core/errors.ts';
import type { CommitInfo, FileToWrite, GitRepos } from '../../../core/ports/git-repos.ts';
import { assertRef, assertSlug, assertTrailerKey, assertTrailers, safeRelativePath } from './git-input.ts';
import { withRepoLock } from './repo-lock.ts';

export interface LocalGitReposOptions {
  basePath: string;
  /** One checkout per task: `<worktreesPath>/<task id>`. */
  worktreesPath: string;
  author: { name: string; email: string };
  /**
   * The environment git runs with (PATH, HOME…), from config. Catalyst's own environment is never
   * passed whole: it may hold secrets, and simple-git refuses variables such as EDITOR that npm sets.
   */
  env: Record<string, string>;
}

/** Task ids are UUIDs; any plain name is accepted, nothing that could climb out of the folder. */
const TASK_FOLDER = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const INITIAL_COMMIT = 'chore: initialize repository';
const INITIAL_GITIGNORE = ['node_modules/', 'data/', 'dist/', 'coverage/', ''].join('\n');
const FIELD = '\x00';
const RECORD = '\x1e';
const VALUE = '\x1f';

export function createLocalGitRepos(opts: LocalGitReposOptions): GitRepos {
  const basePath = resolve(opts.basePath);
  const { author } = opts;
  const git = (baseDir: string) => gitIn(baseDir, opts.env);

  function repoPath(slug: string): string {
    assertSlug(slug);
    const path = resolve(basePath, slug);
    if (!path.startsWith(basePath + sep)) throw new AppError('invalid_option', `slug ${slug} leaves the repository folder`);
    return path;
  }

  function existingRepo(slug: string): string {
    const path = repoPath(slug);
    if (!existsSync(join(path, '.git'))) {
      throw new AppError('project_not_found', `no repository for project ${slug}`, {
        hint: 'the repository is created when the project is; check the slug',
      });
    }
    return path;
  }

  const worktreesPath = resolve(opts.worktreesPath);

  return {
    repoPath,

    worktreePath(taskId) {
      if (!TASK_FOLDER.test(taskId))
        throw new AppError('invalid_option', `${JSON.stringify(taskId)} is not a task id`, { retryable: false });
      return join(worktreesPath, taskId);
    },

    async ensureRepo(slug) {
      const path = repoPath(slug);
      await mkdir(basePath, { recursive: true });
      return withRepoLock(path, async () => {
        if (existsSync(join(path, '.git')) && (await hasCommit(git(path), 'refs/heads/main'))) {
          return { path, created: false };
        }
        // Also finishes a repository whose creation was interrupted before its first commit.
        await mkdir(path, { recursive: true });
        const g = git(path);
        await run(g, ['init', '-b', 'main']);
        await run(g, ['config', 'user.name', author.name]);
        await run(g, ['config', 'user.email', author.email]);
        await run(g, ['config', 'commit.gpgsign', 'false']);
        await writeFile(join(path, '.gitignore'), INITIAL_GITIGNORE);
        await run(g, ['add', '--', '.gitignore']);
        await run(g, ['commit', '--no-verify', '-m', INITIAL_COMMIT]);
        return { path, created: true };
      });
    },

    async ensureWorktree(slug, branch, base, path) {
      const repo = existingRepo(slug);
      assertRef(base);
      const g = git(repo);
      await assertBranchName(g, branch);
      const target = resolve(path);
      return withRepoLock(repo, async () => {
        // A worktree whose folder was deleted stays registered and blocks `add`; forget it first.
        await run(g, ['worktree', 'prune']);
        if (await isRegisteredWorktree(g, target)) return { path: target };
        await mkdir(dirname(target), { recursive: true });
        if (await hasCommit(g, `refs/heads/${branch}`)) {
          await run(g, ['worktree', 'add', '--', target, branch]);
        } else {
          await run(g, ['worktree', 'add', '-b', branch, '--', target, base]);
        }
        return { path: target };
      });
    },

    async mergeIntoMain(slug, branch, message) {
      const repo = existingRepo(slug);
      if (message.trim().length === 0) throw new AppError('invalid_option', 'a merge needs a message');
      const g = git(repo);
      await assertBranchName(g, branch);
      return withRepoLock(repo, async () => {
        const tip = await commitOf(g, `refs/heads/${branch}`);
        if (tip === null) {
          throw new AppError('invalid_option', `no branch ${branch} in ${slug} to merge into main`, {
            retryable: false,
            hint: 'the branch is created by the coder; `catalyst events <task id>` shows whether it ran',
          });
        }
        // A redelivered approval finds its merge already done.
        if (await isAncestor(g, tip, 'refs/heads/main')) return (await commitOf(g, 'refs/heads/main'))!;
        const current = (await run(g, ['symbolic-ref', '--quiet', 'HEAD']).catch(() => '')).trim();
        if (current !== 'refs/heads/main') {
          throw new AppError(
            'git_failed',
            `the checkout ${repo} is not on main (${current || 'detached'}), so main cannot be merged into`,
            {
              retryable: false,
              hint: `run \`git -C ${repo} checkout main\` and approve again`,
            },
          );
        }
        // simple-git resolves some failing commands, so the outcome is judged by the refs, not the exit.
        const failure = await run(g, ['merge', '--no-ff', '--no-verify', '--no-edit', '-m', message.trim(), tip]).then(
          () => null,
          (e: unknown) => e,
        );
        if (await hasCommit(g, 'MERGE_HEAD')) {
          const conflicts = (await run(g, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter((l) => l.length > 0);
          await run(g, ['merge', '--abort']);
          throw new AppError(
            'merge_conflict',
            `${branch} does not merge cleanly into main of ${slug}: ${conflicts.join(', ') || 'conflict'}`,
            {
              retryable: false,
              details: { branch, conflicts },
              hint: `main and ${branch} are unchanged; merge by hand in ${repo} (git merge ${branch}), or set storage.git.merge_on_approval: false`,
            },
          );
        }
        if (!(await isAncestor(g, tip, 'refs/heads/main'))) {
          throw failure ?? new AppError('git_failed', `merging ${branch} into main of ${slug} did not take`, { retryable: false });
        }
        return (await commitOf(g, 'refs/heads/main'))!;
      });
    },

    async commit({ checkout, files, removed = [], message, trailers = {} }) {
      if (message.trim().length === 0) throw new AppError('invalid_option', 'a commit needs a message');
      assertTrailers(trailers);
      const paths = files.map((f) => safeRelativePath(f.path));
      const gone = removed.map((p) => safeRelativePath(p));
      if (paths.length === 0 && gone.length === 0) return null;
      const root = resolve(checkout);
      const g = git(root);
      const repo = await commonRepo(g);
      return withRepoLock(repo, async () => {
        await writeInside(root, files, paths);
        const unique = [...new Set(paths)];
        if (unique.length > 0) await run(g, ['add', '--', ...unique]);
        if (gone.length > 0) await run(g, ['rm', '-q', '-r', '--ignore-unmatch', '--', ...gone]);
        const staged = (await run(g, ['diff', '--cached', '--name-only', '--', ...unique, ...gone])).split('\n').filter(Boolean);
        if (staged.length === 0) return null;
        // Naming the paths commits exactly them, even if something else was left staged.
        await run(g, ['commit', '--no-verify', '-m', withTrailers(message, trailers), '--', ...staged]);
        return (await run(g, ['rev-parse', 'HEAD'])).trim();
      });
    },

    async findCommitByTrailer(checkout, key, value) {
      assertTrailerKey(key);
      const out = await run(git(resolve(checkout)), [
        'log',
        `--format=%H%x00%(trailers:key=${key},valueonly,separator=%x1f)%x1e`,
        'HEAD',
        '--',
      ]);
      for (const record of out.split(RECORD)) {
        const [sha, values = ''] = record.replace(/^\n/, '').split(FIELD);
        if (!sha) continue;
        if (values.split(VALUE).some((v) => v.trim() === value)) return sha.trim();
      }
      return null;
    },

    async readFile(slug, ref, path) {
      assertRef(ref);
      const file = safeRelativePath(path);
      const g = git(existingRepo(slug));
      try {
        return await g.raw(['cat-file', 'blob', `${ref}:${file}`]);
      } catch (e) {
        throw new AppError('invalid_artifact', `no file ${file} at ${ref} in ${slug}`, {
          cause: e,
          details: { ref, path: file },
          hint: 'check the branch or commit and the path relative to the repository root',
        });
      }
    },

    async head(checkout) {
      return (await run(git(resolve(checkout)), ['rev-parse', 'HEAD'])).trim();
    },

    async log(slug, ref, limit = 20): Promise<CommitInfo[]> {
      assertRef(ref);
      const g = git(existingRepo(slug));
      const count = Math.max(1, Math.floor(limit));
      const out = await run(g, ['log', `-n${count}`, '--format=%H%x00%an <%ae>%x00%aI%x00%B%x1e', '--end-of-options', ref, '--']);
      const branch = (await hasCommit(g, `refs/heads/${ref}`)) ? ref : null;
      return out
        .split(RECORD)
        .map((r) => r.replace(/^\n/, ''))
        .filter((r) => r.length > 0)
        .map((r) => {
          const [sha = '', who = '', date = '', body = ''] = r.split(FIELD);
          return { sha, author: who, date, message: body.trim(), branch };
        });
    },

    async diffStat(checkout, from, to) {
      assertRef(from);
      assertRef(to);
      const out = await run(git(resolve(checkout)), ['diff', '--numstat', '--end-of-options', from, to, '--']);
      let additions = 0;
      let deletions = 0;
      let filesChanged = 0;
      for (const line of out.split('\n')) {
        if (line.trim().length === 0) continue;
        const [added = '0', deleted = '0'] = line.split('\t');
        filesChanged += 1;
        // Binary files report `-`: they count as changed files without line counts.
        additions += Number.parseInt(added, 10) || 0;
        deletions += Number.parseInt(deleted, 10) || 0;
      }
      return { additions, deletions, files_changed: filesChanged };
    },

    async diff(checkout, from, to) {
      assertRef(from);
      assertRef(to);
      const g = git(resolve(checkout));
      const range = `${from}...${to}`;
      // Paths from -z (no quoting of unusual names); patches in the same (path) order from one diff.
      const names = (await run(g, ['diff', '--no-renames', '--name-only', '-z', '--end-of-options', range, '--']))
        .split('\0')
        .filter((n) => n.length > 0);
      const text = await run(g, ['diff', '--no-renames', '--no-color', '--no-ext-diff', '--end-of-options', range, '--']);
      const patches = text.length === 0 ? [] : text.split(/^(?=diff --git )/m);
      if (patches.length !== names.length)
        throw new AppError('internal', `git diff ${range} listed ${names.length} files but printed ${patches.length} patches`);
      return names.map((path, i) => ({ path, patch: /^Binary files /m.test(patches[i]!) ? '' : patches[i]! }));
    },

    async listBranches(slug) {
      const out = await run(git(existingRepo(slug)), ['for-each-ref', '--format=%(refname:short)', 'refs/heads/']);
      return out
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .sort();
    },
  };
}

/** Variables git needs; editors, pagers, askpass and GIT_* overrides never reach it. */
const GIT_ENV_ALLOWED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER'];

function gitIn(baseDir: string, env: Record<string, string>): SimpleGit {
  const allowed = Object.fromEntries(GIT_ENV_ALLOWED.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!]));
  return simpleGit({ baseDir, trimmed: false }).env({
    ...allowed,
    // Never wait on a credential prompt; treat `*` and `?` in our paths as plain characters.
    GIT_TERMINAL_PROMPT: '0',
    GIT_LITERAL_PATHSPECS: '1',
  });
}

async function run(g: SimpleGit, args: string[]): Promise<string> {
  try {
    return await g.raw(args);
  } catch (e) {
    const message = e instanceof Error ? e.message.trim() : String(e);
    throw new AppError('git_failed', `git ${args[0]} failed: ${message}`, { cause: e });
  }
}

async function assertBranchName(g: SimpleGit, branch: string): Promise<void> {
  if (branch.startsWith('-')) throw new AppError('invalid_option', `invalid branch name ${JSON.stringify(branch)}`);
  await run(g, ['check-ref-format', '--branch', branch]).catch((e: unknown) => {
    throw new AppError('invalid_option', `invalid branch name ${JSON.stringify(branch)}`, { cause: e });
  });
}

async function commitOf(g: SimpleGit, ref: string): Promise<string | null> {
  const out = await g.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
  const sha = out.trim();
  return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
}

async function isAncestor(g: SimpleGit, commit: string, of: string): Promise<boolean> {
  // merge-base --is-ancestor answers by exit code only, which simple-git may swallow: compare the merge base instead.
  const base = (await g.raw(['merge-base', commit, of]).catch(() => '')).trim();
  return base === commit;
}

async function hasCommit(g: SimpleGit, ref: string): Promise<boolean> {
  // simple-git resolves a failing command that printed nothing to stderr, so judge by the output.
  const out = await g.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
  return /^[0-9a-f]{40}/.test(out.trim());
}

/** The main repository folder of a checkout, worktree or not: the one folder every writer locks. */
async function commonRepo(g: SimpleGit): Promise<string> {
  const commonDir = (await run(g, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  return dirname(commonDir);
}

async function isRegisteredWorktree(g: SimpleGit, target: string): Promise<boolean> {
  const out = await run(g, ['worktree', 'list', '--porcelain']);
  // git records the path as it was given, which can differ from the real path behind a symlinked tmp.
  const wanted = new Set([target, existsSync(target) ? await realpath(target) : target]);
  return out.split('\n').some((line) => line.startsWith('worktree ') && wanted.has(line.slice('worktree '.length)));
}

function withTrailers(message: string, trailers: Record<string, string>): string {
  const lines = Object.entries(trailers).map(([k, v]) => `${k}: ${v}`);
  return lines.length === 0 ? message.trim() : `${message.trim()}\n\n${lines.join('\n')}`;
}

/**
 * Writes files, refusing any whose real location is outside the checkout: a committed symlink could
 * otherwise carry a harmless-looking relative path to anywhere on disk.
 */
async function writeInside(root: string, files: FileToWrite[], paths: string[]): Promise<void> {
  const realRoot = await realpath(root);
  for (let i = 0; i < files.length; i++) {
    const rel = paths[i] as string;
    const target = join(realRoot, rel);
    await assertInside(realRoot, await nearestExisting(dirname(target)), rel);
    await mkdir(dirname(target), { recursive: true });
    await assertInside(realRoot, await realpath(dirname(target)), rel);
    const existing = await lstat(target).catch(() => null);
    if (existing?.isSymbolicLink() || existing?.isDirectory()) {
      throw new AppError('invalid_artifact', `refused path ${JSON.stringify(rel)}: it is a symlink or a directory in the checkout`);
    }
    await writeFile(target, (files[i] as FileToWrite).content);
  }
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  while (!existsSync(current)) current = dirname(current);
  return realpath(current);
}

async function assertInside(root: string, real: string, rel: string): Promise<void> {
  if (real !== root && !real.startsWith(root + sep)) {
    throw new AppError('invalid_artifact', `refused path ${JSON.stringify(rel)}: it resolves outside the checkout`);
  }
}
