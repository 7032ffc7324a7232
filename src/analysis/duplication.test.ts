import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDuplication } from './duplication.ts';

const block = (name: string) => `export function ${name}(items: Array<{ price: number; qty: number }>) {
  let total = 0;
  for (const item of items) {
    if (item.qty > 0) total += item.price * item.qty;
    else total -= item.price;
  }
  return Math.round(total * 100) / 100;
}
`;

test('the same block in two files is one clone, with both places and the share of duplicated lines', () => {
  const report = findDuplication(
    [
      { path: 'backend/src/a.ts', content: `// pricing\n${block('sum')}` },
      { path: 'backend/src/b.ts', content: `${block('sum')}\nexport const unrelated = 1;\n` },
    ],
    20,
  );
  assert.deepEqual(report.clones, [
    {
      a: { file: 'backend/src/b.ts', start_line: 1, end_line: 8 },
      b: { file: 'backend/src/a.ts', start_line: 2, end_line: 9 },
      tokens: 72,
    },
  ]);
  // 8 lines in each file are duplicated, of 18 non-blank lines (the comment and the extra export are not).
  assert.deepEqual([report.duplicated_lines, report.total_lines, report.ratio], [16, 18, 0.8889]);
});

test('comments, whitespace and distinct code do not count as duplication', () => {
  const report = findDuplication(
    [
      { path: 'a.ts', content: block('first') },
      {
        path: 'b.ts',
        content: 'export const add = (a: number, b: number) => a + b;\n// same words, different code: let total for item of items\n',
      },
    ],
    20,
  );
  assert.deepEqual([report.clones.length, report.duplicated_lines, report.ratio], [0, 0, 0]);
});
