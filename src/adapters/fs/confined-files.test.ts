import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../core/errors.ts';
import { checkRelative, listInside, MAX_CONFINED_READ_BYTES, readInside } from './confined-files.ts';

const refused = (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_request';

function tree(): { root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'confined-'));
  const root = join(base, 'worktree');
  const outside = join(base, 'secrets');
  mkdirSync(join(root, 'backend/src'), { recursive: true });
  mkdirSync(join(root, 'node_modules/left-pad'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'backend/src/app.ts'), 'export const app = 1;\n');
  writeFileSync(join(root, 'README.md'), '# app\n');
  writeFileSync(join(root, '.git'), 'gitdir: /elsewhere\n');
  writeFileSync(join(root, 'node_modules/left-pad/index.js'), 'x');
  writeFileSync(join(outside, 'token.txt'), 'secret');
  symlinkSync(join(outside, 'token.txt'), join(root, 'token-link.txt'));
  symlinkSync(outside, join(root, 'escape-dir'));
  symlinkSync(join(root, 'README.md'), join(root, 'readme-link.md'));
  return { root, outside };
}

test('reads a file inside the root; a missing file, a folder or a missing root is null', async () => {
  const { root } = tree();
  assert.equal((await readInside(root, 'backend/src/app.ts'))?.toString(), 'export const app = 1;\n');
  assert.equal(await readInside(root, 'backend/src/missing.ts'), null);
  assert.equal(await readInside(root, 'backend'), null);
  assert.equal(await readInside(join(root, 'nope'), 'README.md'), null);
  assert.equal((await readInside(root, 'readme-link.md'))?.toString(), '# app\n', 'a symlink that stays inside is followed');
});

test('refuses absolute paths, `..`, `.`, empty segments, NUL and backslashes, before touching the disk', async () => {
  const { root } = tree();
  for (const bad of [
    '/etc/passwd',
    '../secrets/token.txt',
    'backend/../../secrets/token.txt',
    './README.md',
    'backend//src',
    'a\0b',
    'backend\\src',
    '',
  ])
    await assert.rejects(readInside(root, bad), refused, JSON.stringify(bad));
  assert.throws(() => checkRelative('a/../b'), refused);
  assert.equal(checkRelative('backend/src/app.ts'), 'backend/src/app.ts');
});

test('refuses a symlink that leads out of the root, to a file or through a folder', async () => {
  const { root } = tree();
  await assert.rejects(readInside(root, 'token-link.txt'), refused);
  await assert.rejects(readInside(root, 'escape-dir/token.txt'), refused);
});

test('refuses files over the size limit instead of reading them whole', async () => {
  const { root } = tree();
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(MAX_CONFINED_READ_BYTES + 1));
  await assert.rejects(readInside(root, 'big.bin'), (e: unknown) => AppError.isInstance(e) && e.code === 'payload_too_large');
});

test('lists files with sizes, sorted as people read them (case-insensitive), without symlinks, .git or dependency folders', async () => {
  const { root } = tree();
  assert.deepEqual(await listInside(root), [
    { path: 'backend/src/app.ts', size: 22 },
    { path: 'README.md', size: 6 },
  ]);
  assert.deepEqual(await listInside(join(root, 'nope')), []);
});
