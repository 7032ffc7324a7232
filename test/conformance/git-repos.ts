/**
 * The GitRepos conformance suite (src/core/ports/git-repos.ts). Every adapter runs it with a factory
 * that puts its repositories under the given folder:
 *   describeGitRepos('local', ({ basePath, worktreesPath }) => createLocalGitRepos({ basePath, worktreesPath, author, env }));
 * Each test gets a fresh temporary folder, removed afterwards.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../src/core/errors.ts';
import type { GitRepos } from '../../src/core/ports/git-repos.ts';

export type GitReposFactory = (ctx: { basePath: string; worktreesPath: string }) => GitRepos | Promise<GitRepos>;

export function describeGitRepos(name: string, factory: GitReposFactory): void {
  describe(`GitRepos conformance: ${name}`, () => {
    let dir = '';
    let repos: GitRepos;
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'catalyst-git-'));
      repos = await factory({ basePath: join(dir, 'repos'), worktreesPath: join(dir, 'worktrees') });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test('ensureRepo creates main with one initial commit, and is idempotent', async () => {
      const first = await repos.ensureRepo('todo-app');
      const second = await repos.ensureRepo('todo-app');
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.equal(second.path, first.path);
      assert.equal(repos.repoPath('todo-app'), first.path);
      const log = await repos.log('todo-app', 'main');
      assert.deepEqual(
        log.map((c) => c.message),
        ['chore: initialize repository'],
      );
      assert.deepEqual(await repos.listBranches('todo-app'), ['main']);
      assert.match(await repos.readFile('todo-app', 'main', '.gitignore'), /node_modules/);
    });

    test('commit returns the new sha, and null when the files already match HEAD', async () => {
      const { path } = await repos.ensureRepo('notes');
      const files = [
        { path: 'backend/src/server.ts', content: 'export const port = 3000;\n' },
        { path: 'README.md', content: '# Notes\n' },
      ];
      const sha = await repos.commit({ checkout: path, files, message: 'feat: scaffold backend' });
      assert.match(sha ?? '', /^[0-9a-f]{40}$/);
      assert.equal(await repos.head(path), sha);
      assert.equal(await repos.commit({ checkout: path, files, message: 'feat: scaffold backend again' }), null);
      assert.equal(await repos.head(path), sha);
      assert.equal(await repos.readFile('notes', 'main', 'backend/src/server.ts'), 'export const port = 3000;\n');
    });

    test('trailers are appended to the message and findable, so a redelivery can reuse its commit', async () => {
      const { path } = await repos.ensureRepo('trailers');
      const eventId = '0b7d2a4e-1111-4c3a-9c55-2f1f3c0e9a01';
      const sha = await repos.commit({
        checkout: path,
        files: [{ path: 'planning/plan.yaml', content: 'features: []\n' }],
        message: 'docs: add plan',
        trailers: { 'Catalyst-Event': eventId, 'Catalyst-Task': 'task-1' },
      });
      await repos.commit({ checkout: path, files: [{ path: 'later.txt', content: 'x' }], message: 'chore: later' });
      assert.equal(await repos.findCommitByTrailer(path, 'Catalyst-Event', eventId), sha);
      assert.equal(await repos.findCommitByTrailer(path, 'Catalyst-Event', 'some-other-event'), null);
      const [, planCommit] = await repos.log('trailers', 'main', 5);
      assert.equal(planCommit?.sha, sha);
      assert.equal(planCommit?.message, `docs: add plan\n\nCatalyst-Event: ${eventId}\nCatalyst-Task: task-1`);
    });

    test("worktreePath is the task's own folder under the worktree folder, and refuses ids that are not plain names", () => {
      const id = '0b1c2d3e-0000-4000-8000-000000000001';
      assert.equal(repos.worktreePath(id), join(dir, 'worktrees', id));
      assert.equal(repos.worktreePath(id), repos.worktreePath(id));
      assert.notEqual(repos.worktreePath('task-2'), repos.worktreePath(id));
      for (const bad of ['../escape', '', 'a/b', '.', '..'])
        assert.throws(
          () => repos.worktreePath(bad),
          (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
          bad,
        );
    });

    test('a worktree on a feature branch starts from main and keeps its commits off main', async () => {
      const { path: main } = await repos.ensureRepo('shop');
      await repos.commit({ checkout: main, files: [{ path: 'planning/plan.yaml', content: 'plan\n' }], message: 'docs: plan' });
      const wtPath = repos.worktreePath('task-1');
      const wt = await repos.ensureWorktree('shop', 'feature/task-1', 'main', wtPath);
      assert.equal(readFileSync(join(wt.path, 'planning/plan.yaml'), 'utf8'), 'plan\n');
      const sha = await repos.commit({ checkout: wt.path, files: [{ path: 'backend/app.ts', content: 'app\n' }], message: 'feat: app' });
      assert.equal(await repos.head(wt.path), sha);
      assert.equal(await repos.readFile('shop', 'feature/task-1', 'backend/app.ts'), 'app\n');
      await assert.rejects(repos.readFile('shop', 'main', 'backend/app.ts'));
      assert.notEqual(await repos.head(main), sha);

      const again = await repos.ensureWorktree('shop', 'feature/task-1', 'main', wtPath);
      assert.equal(again.path, wt.path);
      assert.equal(await repos.head(again.path), sha);
      assert.deepEqual(await repos.listBranches('shop'), ['feature/task-1', 'main']);
    });

    test('mergeIntoMain brings the feature branch into main and its checkout; a second call changes nothing', async () => {
      const { path: main } = await repos.ensureRepo('merged');
      await repos.commit({ checkout: main, files: [{ path: 'planning/plan.yaml', content: 'plan\n' }], message: 'docs: plan' });
      const wt = await repos.ensureWorktree('merged', 'feature/task-1', 'main', repos.worktreePath('task-1'));
      const tip = await repos.commit({ checkout: wt.path, files: [{ path: 'backend/app.ts', content: 'app\n' }], message: 'feat: app' });
      // main moved on meanwhile, so this is a real merge rather than a fast-forward.
      await repos.commit({ checkout: main, files: [{ path: 'architecture/design.md', content: 'design\n' }], message: 'docs: design' });

      const head = await repos.mergeIntoMain('merged', 'feature/task-1', 'merge: approved task-1');
      assert.match(head, /^[0-9a-f]{40}$/);
      assert.equal(await repos.head(main), head);
      assert.equal(readFileSync(join(main, 'backend/app.ts'), 'utf8'), 'app\n', 'the checkout of main holds the app');
      assert.equal(await repos.readFile('merged', 'main', 'architecture/design.md'), 'design\n');
      const [merge] = await repos.log('merged', 'main', 1);
      assert.equal(merge?.message, 'merge: approved task-1');
      assert.equal(await repos.head(wt.path), tip, 'the branch is left where it was');

      assert.equal(await repos.mergeIntoMain('merged', 'feature/task-1', 'merge: approved task-1 again'), head);
      assert.equal((await repos.log('merged', 'main', 10)).length, 5);
    });

    test('mergeIntoMain of a branch main already contains returns main as it is', async () => {
      const { path: main } = await repos.ensureRepo('ff');
      const wt = await repos.ensureWorktree('ff', 'feature/task-2', 'main', repos.worktreePath('task-2'));
      const before = await repos.head(main);
      assert.equal(await repos.head(wt.path), before);
      assert.equal(await repos.mergeIntoMain('ff', 'feature/task-2', 'merge: nothing new'), before);
      assert.equal(await repos.head(main), before);
    });

    test('a conflicting merge is refused with the paths named, leaving main and the branch as they were', async () => {
      const { path: main } = await repos.ensureRepo('clash');
      await repos.commit({ checkout: main, files: [{ path: 'app.txt', content: 'base\n' }], message: 'base' });
      const wt = await repos.ensureWorktree('clash', 'feature/task-3', 'main', repos.worktreePath('task-3'));
      const tip = await repos.commit({ checkout: wt.path, files: [{ path: 'app.txt', content: 'branch\n' }], message: 'branch' });
      const mainHead = await repos.commit({ checkout: main, files: [{ path: 'app.txt', content: 'main\n' }], message: 'main' });
      await assert.rejects(
        repos.mergeIntoMain('clash', 'feature/task-3', 'merge: clash'),
        (e: unknown) => AppError.isInstance(e) && e.code === 'merge_conflict' && !e.retryable && /app\.txt/.test(e.message),
      );
      assert.equal(await repos.head(main), mainHead);
      assert.equal(await repos.head(wt.path), tip);
      assert.equal(readFileSync(join(main, 'app.txt'), 'utf8'), 'main\n', 'no conflict markers left in the checkout');
      // The checkout is usable afterwards: the next commit to main lands.
      assert.ok(await repos.commit({ checkout: main, files: [{ path: 'after.txt', content: 'x' }], message: 'after' }));
    });

    test('mergeIntoMain of a branch that does not exist is refused', async () => {
      await repos.ensureRepo('nobranch');
      await assert.rejects(
        repos.mergeIntoMain('nobranch', 'feature/never', 'merge'),
        (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option' && /feature\/never/.test(e.message),
      );
      await assert.rejects(
        repos.mergeIntoMain('nobranch', '--upload-pack=x', 'merge'),
        (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
      );
    });

    test('readFile reads a file as it was at any ref', async () => {
      const { path } = await repos.ensureRepo('history');
      const v1 = await repos.commit({ checkout: path, files: [{ path: 'app.txt', content: 'v1\n' }], message: 'v1' });
      await repos.commit({ checkout: path, files: [{ path: 'app.txt', content: 'v2\n' }], message: 'v2' });
      assert.equal(await repos.readFile('history', v1 as string, 'app.txt'), 'v1\n');
      assert.equal(await repos.readFile('history', 'main', 'app.txt'), 'v2\n');
    });

    test('log lists newest first with author and date; diffStat counts lines and files between refs', async () => {
      const { path: main } = await repos.ensureRepo('stats');
      await repos.commit({ checkout: main, files: [{ path: 'a.txt', content: 'one\ntwo\nthree\n' }], message: 'add a' });
      const wt = await repos.ensureWorktree('stats', 'feature/stats', 'main', join(dir, 'worktrees', 'stats'));
      await repos.commit({
        checkout: wt.path,
        files: [
          { path: 'a.txt', content: 'one\nTWO\nthree\nfour\n' },
          { path: 'b.txt', content: 'new\nfile\n' },
        ],
        message: 'change a, add b',
      });
      assert.deepEqual(await repos.diffStat(wt.path, 'main', 'feature/stats'), { additions: 4, deletions: 1, files_changed: 2 });
      const diff = await repos.diff(wt.path, 'main', 'feature/stats');
      assert.deepEqual(
        diff.map((d) => d.path),
        ['a.txt', 'b.txt'],
      );
      assert.match(diff[0]!.patch, /^diff --git a\/a\.txt b\/a\.txt\n[\s\S]*^-two\n\+TWO\n three\n\+four\n/m);
      assert.match(diff[1]!.patch, /^\+new\n\+file\n/m);
      await repos.commit({ checkout: main, files: [{ path: 'later-on-main.txt', content: 'x\n' }], message: 'main moves on' });
      assert.deepEqual(
        (await repos.diff(wt.path, 'main', 'feature/stats')).map((d) => d.path),
        ['a.txt', 'b.txt'],
        "only the branch's own changes since it forked, not main's later commits",
      );

      const log = await repos.log('stats', 'feature/stats', 2);
      assert.deepEqual(
        log.map((c) => c.message),
        ['change a, add b', 'add a'],
      );
      for (const c of log) {
        assert.match(c.sha, /^[0-9a-f]{40}$/);
        assert.match(c.author, /^.+ <.+@.+>$/);
        assert.ok(!Number.isNaN(Date.parse(c.date)), `date ${c.date} parses`);
      }
      assert.equal(log[0]?.branch, 'feature/stats');
    });

    test('paths that are absolute or escape the checkout are refused and nothing is written', async () => {
      const { path } = await repos.ensureRepo('escape');
      const before = await repos.head(path);
      for (const bad of ['../outside.txt', 'a/../../outside.txt', '/tmp/outside.txt', '.git/config', '']) {
        await assert.rejects(
          repos.commit({
            checkout: path,
            files: [
              { path: 'ok.txt', content: 'ok' },
              { path: bad, content: 'x' },
            ],
            message: 'bad',
          }),
          (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_artifact',
          `path ${JSON.stringify(bad)} is refused`,
        );
      }
      assert.equal(existsSync(join(dir, 'repos', 'outside.txt')), false);
      assert.equal(existsSync(join(path, 'ok.txt')), false);
      assert.equal(await repos.head(path), before);
    });

    test('concurrent commits to one repository all land', async () => {
      const { path } = await repos.ensureRepo('busy');
      const shas = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          repos.commit({ checkout: path, files: [{ path: `part-${i}.txt`, content: `${i}\n` }], message: `part ${i}` }),
        ),
      );
      assert.equal(new Set(shas).size, 5);
      assert.ok(shas.every((s) => s !== null));
      const log = await repos.log('busy', 'main', 10);
      assert.equal(log.length, 6);
      for (let i = 0; i < 5; i++) assert.equal(await repos.readFile('busy', 'main', `part-${i}.txt`), `${i}\n`);
    });
  });
}
