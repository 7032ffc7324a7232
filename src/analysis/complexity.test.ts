import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTypeScript, measureComplexity, measureSource } from './complexity.ts';

test('complexity counts each decision in a function, and nested functions on their own', async () => {
  const ts = await loadTypeScript();
  const { functions } = measureSource(
    ts,
    'src/shop.ts',
    `export function price(items: Item[], coupon?: string) {   // 1
  let total = 0;
  for (let i = 0; i < items.length; i++) {                       // +1
    while (total < 0) total++;                                   // +1
    do { total += 0; } while (false);                            // +1
    for (const k in items[i]) void k;                            // +1
  }
  const rate = coupon === 'HALF' ? 0.5 : 1;                      // +1
  const seen = items.filter((x) => x.qty > 0 || x.free);         // callback: 1 + ||
  if (seen.length === 0 && !coupon) return 0;                    // +2
  try { total = total ?? 0; } catch { total = -1; }              // +2
  total ||= 1;                                                   // +1
  return total * rate;
}
export class Cart {
  constructor(private items: Item[]) {}
  add(item: Item) {
    switch (item.kind) { case 'a': break; case 'b': break; default: break; }   // +2
  }
}
export default function () {}
`,
  );
  assert.deepEqual(
    functions.map((f) => [f.name, f.line, f.complexity]),
    [
      ['price', 1, 11],
      ['(callback of filter)', 9, 2],
      ['Cart.constructor', 16, 1],
      ['Cart.add', 17, 3],
      ['default export', 21, 1],
    ],
  );
});

test('imports, re-exports, require and dynamic import are all read; JSX files parse', async () => {
  const ts = await loadTypeScript();
  const { imports, functions } = measureSource(
    ts,
    'web/App.jsx',
    `import React from 'react';
import './styles.css';
export { helper } from './helper';
const fs = require('node:fs');
const lazy = () => import('./lazy.mjs');
export function App() { return <div>{lazy ? 'a' : 'b'}</div>; }
`,
  );
  assert.deepEqual(imports, ['react', './styles.css', './helper', 'node:fs', './lazy.mjs']);
  assert.deepEqual(
    functions.map((f) => [f.name, f.complexity]),
    [
      ['lazy', 1],
      ['App', 2],
    ],
  );
});

test('optional chaining and default values are decisions too, as ESLint counts them', async () => {
  const ts = await loadTypeScript();
  const { functions } = measureSource(
    ts,
    'src/user.ts',
    `export function label(user?: User, prefix = 'user', { short = false } = {}) {   // 1 + 3 defaults
  return prefix + (user?.name ?? user?.['id'] ?? user?.fallback?.()) + short;    // +4 ?. and +2 ??
}
`,
  );
  assert.deepEqual(
    functions.map((f) => [f.name, f.complexity]),
    [['label', 10]],
  );
});

test('files are measured together, most complex function first, declaration and non-code files skipped', async () => {
  const functions = await measureComplexity([
    { path: 'backend/src/a.ts', content: 'export const a = (x: number) => (x > 0 ? 1 : 0);\n' },
    { path: 'backend/src/b.ts', content: 'export function b(x: number) {\n  if (x) return 1;\n  if (!x) return 2;\n  return 3;\n}\n' },
    { path: 'backend/src/types.d.ts', content: 'export declare function d(): void;\n' },
    { path: 'README.md', content: 'function not() { if (a) {} }\n' },
  ]);
  assert.deepEqual(functions, [
    { file: 'backend/src/b.ts', name: 'b', line: 1, complexity: 3 },
    { file: 'backend/src/a.ts', name: 'a', line: 1, complexity: 2 },
  ]);
  assert.deepEqual(await measureComplexity([]), []);
});
