import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../../core/errors.ts';
import { isRefusal, normalizeToolPath, resolveToolPath } from './worktree-paths.ts';

function refusedWith(fn: () => unknown, reason: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(AppError.isInstance(e) && isRefusal(e), `a refusal, got ${String(e)}`);
    assert.match(e.message, /^refused: /);
    assert.match(e.message, reason);
    return true;
  });
}

describe('normalizeToolPath', () => {
  test('keeps plain relative paths and drops a leading ./', () => {
    assert.equal(normalizeToolPath('src/game.ts', 'write'), 'src/game.ts');
    assert.equal(normalizeToolPath('./frontend/src/App.tsx', 'write'), 'frontend/src/App.tsx');
    assert.equal(normalizeToolPath('.gitignore', 'write'), '.gitignore');
    assert.equal(normalizeToolPath('.env.example', 'write'), '.env.example');
    assert.equal(normalizeToolPath('package.json', 'read'), 'package.json');
  });

  test('refuses escapes: .., absolute, home, drive letters, backslashes, NUL and control characters', () => {
    refusedWith(() => normalizeToolPath('../../etc/passwd', 'write'), /path escapes the worktree \(\.\.\/\.\.\/etc\/passwd\)/);
    refusedWith(() => normalizeToolPath('src/../../x', 'read'), /escapes the worktree/);
    refusedWith(() => normalizeToolPath('/etc/passwd', 'read'), /absolute paths/);
    refusedWith(() => normalizeToolPath('//etc/passwd', 'read'), /absolute paths/);
    refusedWith(() => normalizeToolPath('~/.ssh/id_rsa', 'read'), /home-folder/);
    refusedWith(() => normalizeToolPath('C:/Windows/win.ini', 'read'), /absolute paths/);
    refusedWith(() => normalizeToolPath('..\\..\\etc\\passwd', 'write'), /forward slashes/);
    refusedWith(() => normalizeToolPath('src\\..\\..\\x', 'read'), /forward slashes/);
    refusedWith(() => normalizeToolPath('src/a.ts\0.png', 'write'), /control character/);
    refusedWith(() => normalizeToolPath('src/a\nb.ts', 'write'), /control character/);
    refusedWith(() => normalizeToolPath('', 'read'), /empty/);
    refusedWith(() => normalizeToolPath('src//a.ts', 'read'), /empty or "\." segment/);
    refusedWith(() => normalizeToolPath('src/./a.ts', 'read'), /empty or "\." segment/);
    refusedWith(() => normalizeToolPath('src/', 'write'), /empty or "\." segment/);
    refusedWith(() => normalizeToolPath('a'.repeat(1001), 'read'), /longer than 1000/);
  });

  test('refuses .git anywhere, in any case, and node_modules', () => {
    refusedWith(() => normalizeToolPath('.git/hooks/pre-commit', 'write'), /\.git is managed by Catalyst/);
    refusedWith(() => normalizeToolPath('.git', 'read'), /\.git/);
    refusedWith(() => normalizeToolPath('src/.git/config', 'write'), /\.git/);
    refusedWith(() => normalizeToolPath('.GIT/hooks/post-checkout', 'write'), /\.git/);
    refusedWith(() => normalizeToolPath('./.git/config', 'read'), /\.git/);
    refusedWith(() => normalizeToolPath('node_modules/react/index.js', 'write'), /node_modules/);
    refusedWith(() => normalizeToolPath('node_modules/.bin/tsc', 'read'), /node_modules/);
  });

  test('refuses writes and deletes of package.json, lock files, npm settings, env files and check output', () => {
    for (const use of ['write', 'delete'] as const) {
      refusedWith(() => normalizeToolPath('package.json', use), /only through add_dependency/);
      refusedWith(() => normalizeToolPath('backend/package.json', use), /only through add_dependency/);
      refusedWith(() => normalizeToolPath('package-lock.json', use), /managed by Catalyst/);
      refusedWith(() => normalizeToolPath('.npmrc', use), /managed by Catalyst/);
      refusedWith(() => normalizeToolPath('npm-shrinkwrap.json', use), /managed by Catalyst/);
      refusedWith(() => normalizeToolPath('.env', use), /env files/);
      refusedWith(() => normalizeToolPath('backend/.env.local', use), /env files/);
      refusedWith(() => normalizeToolPath('test-results/junit.xml', use), /written by the checks/);
      refusedWith(() => normalizeToolPath('frontend/dist/index.html', use), /written by the checks/);
      refusedWith(() => normalizeToolPath('coverage/coverage-summary.json', use), /written by the checks/);
    }
    assert.equal(normalizeToolPath('package-lock.json', 'read'), 'package-lock.json');
    refusedWith(() => normalizeToolPath('.env', 'read'), /env files may hold secrets/);
    refusedWith(() => normalizeToolPath('backend/.env.production', 'read'), /env files/);
    refusedWith(() => normalizeToolPath('.npmrc', 'read'), /registry tokens/);
    assert.equal(normalizeToolPath('.env.example', 'read'), '.env.example');
  });
});

describe('resolveToolPath on disk', () => {
  let root = '';
  let app = '';
  let outside = '';
  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'catalyst-paths-')));
    app = join(root, 'app');
    outside = join(root, 'outside');
    mkdirSync(join(app, 'src'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    writeFileSync(join(app, 'src', 'a.ts'), 'export const a = 1;\n');
    symlinkSync(outside, join(app, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(app, 'secret-link.txt'));
    symlinkSync(join(outside, 'missing.txt'), join(app, 'dangling.txt'));
    symlinkSync(join(app, 'src'), join(app, 'src-link'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('resolves files, folders and missing paths inside', async () => {
    assert.deepEqual(await resolveToolPath(app, 'src/a.ts', 'read'), {
      rel: 'src/a.ts',
      abs: join(app, 'src/a.ts'),
      kind: 'file',
      size: 20,
    });
    assert.equal((await resolveToolPath(app, 'src', 'read')).kind, 'dir');
    assert.deepEqual(await resolveToolPath(app, 'src/new/b.ts', 'write'), {
      rel: 'src/new/b.ts',
      abs: join(app, 'src/new/b.ts'),
      kind: 'missing',
      size: 0,
    });
  });

  test('refuses a parent or target that is a symbolic link out of the worktree, for reads and writes', async () => {
    for (const use of ['read', 'write', 'delete'] as const) {
      for (const path of ['escape/secret.txt', 'escape/new.txt', 'secret-link.txt', 'dangling.txt']) {
        await assert.rejects(
          resolveToolPath(app, path, use),
          /refused: the path resolves through a symbolic link outside the worktree/,
          `${use} ${path}`,
        );
      }
    }
  });

  test('reads through a link that stays inside, but never writes through one', async () => {
    assert.equal((await resolveToolPath(app, 'src-link/a.ts', 'read')).abs, join(app, 'src/a.ts'));
    await assert.rejects(resolveToolPath(app, 'src-link/a.ts', 'write'), /refused: writes never go through a symbolic link/);
  });

  test('refuses a path under a file', async () => {
    await assert.rejects(resolveToolPath(app, 'src/a.ts/b.ts', 'write'), /refused: src\/a\.ts is a file, not a folder/);
  });
});
