import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeGitRepos } from '../../../../test/conformance/git-repos.ts';
import { AppError } from '../../../core/errors.ts';
import { createLocalGitRepos } from './local-git-repos.ts';

const author = { name: 'Catalyst Bot', email: 'bot@catalyst.local' };
// What config.childEnv hands the adapter; EDITOR (set by npm) is there to prove it is not passed on.
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', EDITOR: 'vi' };

describeGitRepos('local', ({ basePath, worktreesPath }) => createLocalGitRepos({ basePath, worktreesPath, author, env }));

function withTempRepos(body: (repos: ReturnType<typeof createLocalGitRepos>, dir: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-git-local-'));
    try {
      await body(createLocalGitRepos({ basePath: join(dir, 'repos'), worktreesPath: join(dir, 'worktrees'), author, env }), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('local git repos specifics', () => {
  test(
    'slugs that could leave the folder or act as options are refused',
    withTempRepos(async (repos) => {
      for (const slug of ['../x', '-rf', 'A', '', 'a/b', '.hidden']) {
        await assert.rejects(repos.ensureRepo(slug), (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option', slug);
      }
    }),
  );

  test(
    'commits are authored by the configured author',
    withTempRepos(async (repos) => {
      await repos.ensureRepo('authored');
      const [initial] = await repos.log('authored', 'main', 1);
      assert.equal(initial?.author, 'Catalyst Bot <bot@catalyst.local>');
    }),
  );

  test(
    'a refs that looks like an option is refused; a missing file or repo says what is missing',
    withTempRepos(async (repos) => {
      await repos.ensureRepo('refs');
      await assert.rejects(
        repos.readFile('refs', '--output=/tmp/x', 'a'),
        (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
      );
      await assert.rejects(
        repos.readFile('refs', 'main', 'nope.txt'),
        (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_artifact' && /nope\.txt/.test(e.message),
      );
      await assert.rejects(repos.log('never-created', 'main'), (e: unknown) => AppError.isInstance(e) && e.code === 'project_not_found');
    }),
  );

  test(
    'a symlink in the checkout cannot carry a write outside it',
    withTempRepos(async (repos, dir) => {
      const { path } = await repos.ensureRepo('links');
      symlinkSync(dir, join(path, 'escape-hatch'));
      await assert.rejects(
        repos.commit({ checkout: path, files: [{ path: 'escape-hatch/pwned.txt', content: 'x' }], message: 'sneaky' }),
        (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_artifact',
      );
      assert.equal(existsSync(join(dir, 'pwned.txt')), false);
    }),
  );

  test(
    'file names with glob characters are committed literally',
    withTempRepos(async (repos) => {
      const { path } = await repos.ensureRepo('globs');
      await repos.commit({ checkout: path, files: [{ path: 'a.txt', content: 'a' }], message: 'a' });
      const sha = await repos.commit({ checkout: path, files: [{ path: '*.txt', content: 'star' }], message: 'star' });
      assert.ok(sha);
      assert.equal(await repos.readFile('globs', 'main', '*.txt'), 'star');
      assert.equal(await repos.readFile('globs', 'main', 'a.txt'), 'a');
    }),
  );

  test(
    'a commit can delete files alongside its writes; a path that never existed is ignored',
    withTempRepos(async (repos) => {
      const { path } = await repos.ensureRepo('removals');
      await repos.commit({
        checkout: path,
        files: [
          { path: 'old.txt', content: 'old' },
          { path: 'keep.txt', content: 'k' },
        ],
        message: 'add',
      });
      const sha = await repos.commit({
        checkout: path,
        files: [{ path: 'new.txt', content: 'new' }],
        removed: ['old.txt', 'never-there.txt'],
        message: 'replace old with new',
      });
      assert.ok(sha);
      assert.equal(existsSync(join(path, 'old.txt')), false);
      await assert.rejects(repos.readFile('removals', 'main', 'old.txt'));
      assert.equal(await repos.readFile('removals', 'main', 'new.txt'), 'new');
      assert.equal(await repos.readFile('removals', 'main', 'keep.txt'), 'k');
      assert.equal(await repos.commit({ checkout: path, files: [], removed: ['never-there.txt'], message: 'nothing' }), null);
    }),
  );

  test(
    'commits from separate processes on one repository all land (file lock)',
    withTempRepos(async (repos, dir) => {
      const { path } = await repos.ensureRepo('shared');
      const moduleUrl = new URL('./local-git-repos.ts', import.meta.url).href;
      const script = (worker: string) => `
      const { createLocalGitRepos } = await import(${JSON.stringify(moduleUrl)});
      const repos = createLocalGitRepos({ basePath: ${JSON.stringify(join(dir, 'repos'))}, worktreesPath: ${JSON.stringify(join(dir, 'worktrees'))}, author: ${JSON.stringify(author)}, env: ${JSON.stringify(env)} });
      for (let i = 0; i < 4; i++) {
        await repos.commit({ checkout: ${JSON.stringify(path)}, files: [{ path: '${worker}-' + i + '.txt', content: String(i) }], message: '${worker} ' + i });
      }`;
      const codes = await Promise.all(['w1', 'w2'].map((w) => runNode(script(w))));
      assert.deepEqual(
        codes.map((c) => c.code),
        [0, 0],
        codes.map((c) => c.stderr).join('\n'),
      );
      const log = await repos.log('shared', 'main', 20);
      assert.equal(log.length, 9);
      assert.equal(await repos.readFile('shared', 'main', 'w2-3.txt'), '3');
    }),
  );
});

function runNode(source: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
