import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { skeletonFiles } from './app/renderers/skeleton-files.ts';
import { bookReviewApp, todoApp } from './app/test-fixtures.ts';
import { readSkeleton, SKELETON_NAMES, skeletonLayers } from './skeleton-files.ts';
import { RECORDS_APP_MANIFEST } from './skeleton-manifest.ts';

const generatorDir = fileURLToPath(new URL('.', import.meta.url));

function sourcesOf(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'skeletons') sourcesOf(path, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

describe('skeletons on disk', () => {
  test('each skeleton is its base layer plus its own folder, sorted, with .gitignore restored from its stored name', () => {
    for (const name of SKELETON_NAMES) {
      const files = readSkeleton(name);
      assert.ok(files.length > 5, `${name} has files`);
      assert.deepEqual(
        files.map((f) => f.path),
        files.map((f) => f.path).sort(),
      );
      assert.ok(
        files.some((f) => f.path === '.gitignore'),
        `${name} carries a .gitignore`,
      );
      assert.ok(!files.some((f) => f.path.endsWith('/gitignore') || f.path === 'gitignore'));
      const server = files.find((f) => f.path === 'backend/src/server.ts');
      assert.equal(server?.content, readFileSync(join(skeletonLayers(name)[1]!, 'backend/src/server.ts'), 'utf8'), 'copied verbatim');
      const runner = files.find((f) => f.path === 'scripts/run-tests.ts');
      assert.equal(
        runner?.content,
        readFileSync(join(skeletonLayers(name)[0]!, 'scripts/run-tests.ts'), 'utf8'),
        'the base layer is part of it',
      );
    }
  });

  test('the records app takes every skeleton file its manifest lists, account files only with accounts', () => {
    const withAccounts = skeletonFiles(todoApp).map((f) => f.path);
    assert.deepEqual(withAccounts.sort(), Object.keys(RECORDS_APP_MANIFEST).sort());
    const without = skeletonFiles(bookReviewApp).map((f) => f.path);
    assert.ok(
      !without.some((p) => p.includes('/auth/') || p.startsWith('backend/test/auth') || p.endsWith('passwords.test.ts')),
      'no account files',
    );
    assert.ok(without.includes('frontend/src/components/ResourcePage.tsx'));
    for (const file of skeletonFiles(todoApp)) assert.equal(file.group, RECORDS_APP_MANIFEST[file.path]?.group, file.path);
  });

  test('no generator module holds an app source as a multi-line string constant', () => {
    // Deployment files move to one place in another change (issue 12, part 3) and keep their constants until then.
    const pending = new Set(['app/templates/deploy-files.ts']);
    const offenders: string[] = [];
    for (const path of sourcesOf(generatorDir)) {
      const name = relative(generatorDir, path);
      if (pending.has(name)) continue;
      const text = readFileSync(path, 'utf8');
      // A top-level constant initialised with a template literal spanning more than five lines.
      for (const match of text.matchAll(/^(?:export )?const (\w+)\s*(?::[^=]+)?=\s*`([^`]*)`/gm)) {
        if (match[2]!.split('\n').length > 5) offenders.push(`${name}: ${match[1]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
