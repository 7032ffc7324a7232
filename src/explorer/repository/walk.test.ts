import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFiles } from './fixtures/sample-repo.ts';
import { ciSystem, dockerKind, isTestFile, licenseFromText, readmeQuality } from './repo-facts.ts';
import { walkRepository } from './walk.ts';

test('the walk skips dependency folders, symlinks, binaries and big files, and stops at its limits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-walk-'));
  try {
    writeFiles(dir, {
      'a.ts': 'export const a = 1;\n',
      'b/c.py': 'print(1)\nprint(2)',
      'b/big.txt': 'x'.repeat(2048),
      'b/blob.dat2': Buffer.from([1, 2, 0, 3]),
      'vendor/lib.go': 'package lib\n',
      'dist/app.js': 'console.log(1)\n',
      'web/app.min.js': 'x',
      'z/last.rs': 'fn main() {}\n',
    });
    symlinkSync('/etc', join(dir, 'etc-link'));
    const seen: string[] = [];
    const limits = { maxFiles: 100, maxFileBytes: 1024, maxTotalBytes: 10_000 };
    const walk = await walkRepository(dir, (f) => void seen.push(f.path), undefined, limits);
    assert.deepEqual(
      walk.files.map((f) => [f.path, f.lines, f.language]),
      [
        ['a.ts', 1, 'TypeScript'],
        ['b/c.py', 2, 'Python'],
        ['z/last.rs', 1, 'Rust'],
      ],
    );
    assert.deepEqual(seen, ['a.ts', 'b/c.py', 'z/last.rs']);
    assert.deepEqual(walk.skipped, { binary: 1, large: 1, overBudget: 0 });
    assert.deepEqual(walk.topDirs, ['b', 'web', 'z']);
    assert.equal(walk.truncated, false);

    const capped = await walkRepository(dir, () => {}, undefined, { ...limits, maxFiles: 2 });
    assert.equal(capped.truncated, true);
    assert.equal(capped.files.length, 2);

    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      walkRepository(dir, () => {}, controller.signal),
      { name: 'AbortError' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('licenses are recognised by their text', () => {
  assert.equal(licenseFromText('Apache License\n Version 2.0, January 2004\n http://www.apache.org/licenses/'), 'Apache-2.0');
  assert.equal(licenseFromText('GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007'), 'GPL-3.0');
  assert.equal(licenseFromText('GNU GENERAL PUBLIC LICENSE\n Version 2, June 1991'), 'GPL-2.0');
  assert.equal(licenseFromText('GNU AFFERO GENERAL PUBLIC LICENSE Version 3'), 'AGPL-3.0');
  assert.equal(
    licenseFromText(
      'Redistribution and use in source and binary forms, with or without\nmodification, are permitted... Neither the name of the copyright holder',
    ),
    'BSD-3-Clause',
  );
  assert.equal(licenseFromText('Redistribution and use in source and binary forms, with or without modification'), 'BSD-2-Clause');
  assert.equal(
    licenseFromText(
      'Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted',
    ),
    'ISC',
  );
  assert.equal(licenseFromText('All rights reserved. Do not copy.'), null);
});

test('tests, CI, Docker and README quality are read from names and lines', () => {
  for (const path of [
    'src/a.test.ts',
    'web/b.spec.jsx',
    'tests/test_api.py',
    'pkg/x_test.go',
    'spec/models/user_spec.rb',
    'test/helpers.ts',
    'src/FooTest.java',
  ]) {
    assert.equal(isTestFile(path), true, path);
  }
  for (const path of ['src/testing.ts', 'docs/test/readme.md', 'src/contest.ts']) assert.equal(isTestFile(path), false, path);
  assert.equal(ciSystem('.github/workflows/ci.yaml'), 'GitHub Actions');
  assert.equal(ciSystem('.gitlab-ci.yml'), 'GitLab CI');
  assert.equal(ciSystem('docs/.gitlab-ci.yml'), null);
  assert.equal(dockerKind('Dockerfile.backend'), 'Docker');
  assert.equal(dockerKind('deploy/compose.prod.yaml'), 'Docker Compose');
  assert.equal(dockerKind('docker-compose.yml'), 'Docker Compose');
  assert.equal(readmeQuality(null), 'missing');
  assert.equal(readmeQuality('# x\n\nshort\n'), 'minimal');
  assert.equal(readmeQuality(Array.from({ length: 25 }, (_, i) => `line ${i}`).join('\n')), 'good');
});
