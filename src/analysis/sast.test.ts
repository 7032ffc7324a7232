import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { runSast } from './sast.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalyst-sast-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

test('ESLint security rules flag code-from-data constructs in app source, whatever the repo says', async () => {
  write(
    'backend/src/a.ts',
    'export function run(input: string): unknown {\n  const ok = retrieval(input);\n  // eslint-disable-next-line\n  return eval(input) ?? ok;\n}\ndeclare function retrieval(s: string): string;\n',
  );
  write('frontend/src/b.tsx', 'export const B = ({ html }: { html: string }) => <div dangerouslySetInnerHTML={{ __html: html }} />;\n');
  write(
    'backend/src/c.ts',
    'declare const db: { query(s: string): void }; declare const sql: (...a: unknown[]) => string;\nexport const f = (id: string) => db.query(`SELECT * FROM t WHERE id = ${id}`);\nexport const g = (id: string) => sql`SELECT * FROM t WHERE id = ${id}`;\n',
  );
  write('backend/test/a.test.ts', 'eval("1");\n');
  // A config file in the untrusted repository that would switch every rule off is never read.
  write('eslint.config.js', 'export default [{ rules: { "no-eval": "off" } }];\n');

  const report = await runSast(dir);
  assert.equal(report.status, 'ran');
  assert.match(report.scanner, /^eslint \d+\.\d+\.\d+ \+ eslint-plugin-security/);
  assert.equal(report.files_scanned, 3);
  assert.deepEqual(report.parse_errors, []);
  const at = report.findings.map((f) => `${f.rule}@${f.file}:${f.line}:${f.severity}`);
  for (const expected of [
    'no-eval@backend/src/a.ts:4:high',
    'security/detect-eval-with-expression@backend/src/a.ts:4:high',
    'catalyst/no-inner-html@frontend/src/b.tsx:1:medium',
    'catalyst/no-sql-interpolation@backend/src/c.ts:2:high',
  ]) {
    assert.ok(at.includes(expected), `${expected} in ${at.join(', ')}`);
  }
  assert.ok(!at.some((f) => f.includes('c.ts:3')), 'a tagged sql`` template binds its values');
  assert.ok(!at.some((f) => f.includes('backend/test/')), 'tests are not scanned');
  assert.ok(!at.some((f) => f.includes('a.ts:2')), 'retrieval( is not eval(');
});

test('a tree without app source is scanned as empty, not as an error', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'catalyst-sast-empty-'));
  try {
    const report = await runSast(empty);
    assert.equal(report.status, 'ran');
    assert.equal(report.files_scanned, 0);
    assert.deepEqual(report.findings, []);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
