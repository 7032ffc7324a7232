import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../core/errors.ts';
import { cloneRepository, parseCloneTarget } from './clone.ts';
import { startGitHttpServer, type GitHttpServer } from './fixtures/git-http-server.ts';
import { exportBare, git, makeSampleRepo } from './fixtures/sample-repo.ts';

const TOKEN = 'ghp_unitTestToken0123456789abcdefghijklmnop';

function isAppError(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(AppError.isInstance(e), `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    assert.ok(e.hint && e.hint.length > 0, 'the error has a hint');
    return true;
  };
}

describe('which targets are accepted', () => {
  const refused: Array<[string, RegExp]> = [
    ['ssh://git@github.com/owner/repo.git', /ssh/],
    ['git@github.com:owner/repo.git', /ssh/],
    ['--upload-pack=touch /tmp/pwned', /option/],
    ['-c core.sshCommand=evil', /option/],
    ['ext::sh -c touch% /tmp/pwned', /remote-helper/],
    ['file:///etc', /file:\/\//],
    ['git://example.com/repo.git', /git:\/\//],
    ['ftp://example.com/repo.git', /ftp:\/\//],
  ];
  for (const [target, message] of refused) {
    test(`refuses ${target}`, () => {
      assert.throws(() => parseCloneTarget(target), isAppError('invalid_option', message));
    });
  }

  test('refuses credentials in the URL without repeating them', () => {
    for (const target of ['https://alice:hunter2-secret@github.com/o/r.git', 'https://hunter2-secret@github.com/o/r.git']) {
      assert.throws(
        () => parseCloneTarget(target),
        (e: unknown) => {
          assert.ok(AppError.isInstance(e));
          assert.equal(e.code, 'invalid_option');
          assert.doesNotMatch(`${e.message} ${e.hint}`, /hunter2/);
          assert.match(e.hint ?? '', /github_token/);
          return true;
        },
      );
    }
  });

  test('accepts http(s) URLs and local paths', () => {
    assert.deepEqual(parseCloneTarget(' https://github.com/owner/repo '), { kind: 'url', url: new URL('https://github.com/owner/repo') });
    assert.equal(parseCloneTarget('http://127.0.0.1:8080/repo.git').kind, 'url');
    assert.deepEqual(parseCloneTarget('/srv/git/repo.git'), { kind: 'path', path: '/srv/git/repo.git' });
  });
});

describe('cloning a local repository', () => {
  let dir: string;
  let work: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-clone-'));
    work = makeSampleRepo(join(dir, 'work'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a working tree is cloned at its HEAD commit and branch', async () => {
    const head = git(work, ['rev-parse', 'HEAD']).trim();
    const cloned = await cloneRepository({ target: work, into: join(dir, 'from-work'), depth: 'standard' });
    assert.deepEqual(cloned, { dir: join(dir, 'from-work'), commit: head, defaultBranch: 'main' });
    assert.ok(existsSync(join(cloned.dir, 'src', 'util.ts')));
    // quick and standard are shallow: one commit.
    assert.equal(git(cloned.dir, ['rev-list', '--count', 'HEAD']).trim(), '1');
  });

  test('a bare repository is cloned with its whole history at full depth', async () => {
    mkdirSync(join(dir, 'bare-root'), { recursive: true });
    const bare = exportBare(work, join(dir, 'bare-root'), 'shop.git');
    const cloned = await cloneRepository({ target: bare, into: join(dir, 'from-bare'), depth: 'full' });
    assert.equal(git(cloned.dir, ['rev-list', '--count', 'HEAD']).trim(), '2');
  });

  test('a folder that is not a repository, or does not exist, is refused with a hint', async () => {
    mkdirSync(join(dir, 'plain'), { recursive: true });
    await assert.rejects(
      cloneRepository({ target: join(dir, 'plain'), into: join(dir, 'x1'), depth: 'quick' }),
      isAppError('invalid_option', /not a git repository/),
    );
    await assert.rejects(
      cloneRepository({ target: join(dir, 'nowhere'), into: join(dir, 'x2'), depth: 'quick' }),
      isAppError('invalid_option', /does not exist/),
    );
  });

  test('a token is not accepted for a local path', async () => {
    await assert.rejects(
      cloneRepository({ target: work, token: TOKEN, into: join(dir, 'x3'), depth: 'quick' }),
      isAppError('invalid_option', /token/),
    );
  });

  test('an aborted signal stops the clone before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(cloneRepository({ target: work, into: join(dir, 'x4'), depth: 'quick', signal: controller.signal }), {
      name: 'AbortError',
    });
    assert.equal(existsSync(join(dir, 'x4')), false);
  });
});

describe('cloning over git smart HTTP', { timeout: 60_000 }, () => {
  let dir: string;
  let server: GitHttpServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-http-'));
    const work = makeSampleRepo(join(dir, 'work'));
    const root = join(dir, 'served');
    mkdirSync(root);
    exportBare(work, root, 'public.git');
    exportBare(work, root, 'private.git');
    server = await startGitHttpServer(root, { 'private.git': TOKEN }, ['stalled.git']);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a public repository clones without a token and none is sent', async () => {
    const before = server.requests.length;
    const cloned = await cloneRepository({ target: `${server.url}/public.git`, into: join(dir, 'public'), depth: 'quick' });
    assert.match(cloned.commit ?? '', /^[0-9a-f]{40}$/);
    assert.equal(cloned.defaultBranch, 'main');
    const sent = server.requests.slice(before);
    assert.ok(sent.length > 0);
    assert.ok(sent.every((r) => r.authorization === null));
  });

  test('a token reaches the server as a Basic Authorization header and nowhere else', async () => {
    const before = server.requests.length;
    const cloned = await cloneRepository({ target: `${server.url}/private.git`, token: TOKEN, into: join(dir, 'private'), depth: 'quick' });
    const expected = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
    const sent = server.requests.slice(before);
    assert.ok(
      sent.some((r) => r.path === '/private.git/git-upload-pack' && r.authorization === expected),
      'the fetch carried the header',
    );
    // Not in the URL git requested, not in the result, not in the clone's own config.
    assert.ok(sent.every((r) => !r.path.includes(TOKEN)));
    assert.doesNotMatch(JSON.stringify(cloned), new RegExp(TOKEN));
    const config = git(cloned.dir, ['config', '--local', '--list']);
    assert.doesNotMatch(config, new RegExp(`${TOKEN}|${expected.slice(6)}`));
  });

  test('a private repository without a token fails at once, saying it needs authentication', async () => {
    await assert.rejects(
      cloneRepository({ target: `${server.url}/private.git`, into: join(dir, 'no-token'), depth: 'quick' }),
      isAppError('invalid_option', /needs authentication/),
    );
  });

  test('a wrong token is reported as refused, without the token', async () => {
    const wrong = 'ghp_wrongToken9876543210zyxwvutsrqponmlkjih';
    await assert.rejects(
      cloneRepository({ target: `${server.url}/private.git`, token: wrong, into: join(dir, 'wrong'), depth: 'quick' }),
      (e: unknown) => {
        assert.ok(AppError.isInstance(e));
        assert.match(e.message, /refused the token/);
        assert.doesNotMatch(`${e.message} ${e.hint} ${JSON.stringify(e.details ?? {})}`, /wrongToken|d3Jvbmd/);
        return true;
      },
    );
  });

  test('a repository that does not exist gives a clear not-found error', async () => {
    await assert.rejects(
      cloneRepository({ target: `${server.url}/missing.git`, into: join(dir, 'missing'), depth: 'quick' }),
      isAppError('invalid_option', /repository http:\/\/127\.0\.0\.1:\d+\/missing\.git was not found/),
    );
    assert.equal(existsSync(join(dir, 'missing')), false);
  });

  test('a server that never answers is given up on at the timeout', async () => {
    await assert.rejects(
      cloneRepository({ target: `${server.url}/stalled.git`, into: join(dir, 'stalled'), depth: 'quick', timeoutMs: 1_000 }),
      isAppError('service_unavailable', /took longer than the scan allows/),
    );
  });

  test('cancelling the signal stops a clone in flight', async () => {
    const controller = new AbortController();
    const before = server.requests.length;
    const clone = cloneRepository({
      target: `${server.url}/stalled.git`,
      into: join(dir, 'cancelled'),
      depth: 'quick',
      signal: controller.signal,
    });
    // Cancel once git is waiting on the server.
    while (!server.requests.slice(before).some((r) => r.path.startsWith('/stalled.git'))) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await assert.rejects(clone, { name: 'AbortError' });
  });

  test('a host that does not answer is reported unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    await assert.rejects(
      cloneRepository({ target: `http://127.0.0.1:${port}/repo.git`, into: join(dir, 'closed'), depth: 'quick' }),
      isAppError('service_unavailable', new RegExp(`127\\.0\\.0\\.1:${port} is unreachable`)),
    );
  });
});
