import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanForUnsafePatterns } from './sast.ts';

test('flags code-from-data constructs in app code but not in tests or prose', () => {
  const findings = scanForUnsafePatterns([
    { path: 'backend/src/a.ts', content: 'const x = eval(input);\nconst ok = retrieval(input);\n' },
    { path: 'frontend/src/b.tsx', content: '<div dangerouslySetInnerHTML={{ __html: html }} />' },
    { path: 'backend/src/c.ts', content: 'db.query(`SELECT * FROM t WHERE id = ${id}`)' },
    { path: 'backend/test/a.test.ts', content: 'eval("1")' },
    { path: 'README.md', content: 'never use eval(' },
  ]);
  assert.deepEqual(findings.map((f) => `${f.rule}@${f.file}:${f.line}`), [
    'no-eval@backend/src/a.ts:1',
    'no-inner-html@frontend/src/b.tsx:1',
    'no-sql-concat@backend/src/c.ts:1',
  ]);
});
