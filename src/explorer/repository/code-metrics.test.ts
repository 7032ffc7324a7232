import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTypeScript, measureSource } from './code-metrics.ts';
import { buildImportGraph, MAX_GRAPH_NODES, packageName, resolveRelative } from './import-graph.ts';

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

test('relative imports resolve the way Node and TypeScript do', () => {
  const files = new Set(['src/a.ts', 'src/b.tsx', 'src/lib/index.ts', 'src/c.mts', 'src/d.js', 'web/e.jsx']);
  assert.equal(resolveRelative('src/x.ts', './a.js', files), 'src/a.ts');
  assert.equal(resolveRelative('src/x.ts', './a', files), 'src/a.ts');
  assert.equal(resolveRelative('src/x.ts', './b.js', files), 'src/b.tsx');
  assert.equal(resolveRelative('src/x.ts', './lib', files), 'src/lib/index.ts');
  assert.equal(resolveRelative('src/x.ts', './c.mjs', files), 'src/c.mts');
  assert.equal(resolveRelative('src/x.ts', './d.js', files), 'src/d.js');
  assert.equal(resolveRelative('src/x.ts', '../web/e', files), 'web/e.jsx');
  assert.equal(resolveRelative('src/x.ts', './missing', files), null);
  assert.equal(resolveRelative('src/x.ts', '../../outside', files), null);
});

test('bare imports name their package; built-ins and path aliases are not packages', () => {
  assert.equal(packageName('react'), 'react');
  assert.equal(packageName('react-dom/client'), 'react-dom');
  assert.equal(packageName('@fastify/static'), '@fastify/static');
  assert.equal(packageName('@scope/pkg/deep/file.js'), '@scope/pkg');
  assert.equal(packageName('node:fs'), null);
  assert.equal(packageName('fs/promises'), null);
  assert.equal(packageName('#internal/x'), null);
  assert.equal(packageName('@/components/Button'), null);
  assert.equal(packageName('~/utils'), null);
});

test('the graph is capped at its node limit and keeps only edges between kept nodes', () => {
  const files = new Set<string>();
  const imports = new Map<string, string[]>();
  for (let i = 0; i < MAX_GRAPH_NODES + 50; i += 1) {
    files.add(`src/m${i}.ts`);
    imports.set(`src/m${i}.ts`, [`./m${i + 1}.js`, 'lodash']);
  }
  const { graph, truncated } = buildImportGraph(imports, files);
  assert.equal(truncated, true);
  assert.equal(graph.nodes.length, MAX_GRAPH_NODES);
  const ids = new Set(graph.nodes.map((n) => n.id));
  assert.ok(graph.edges.every((e) => ids.has(e.from) && ids.has(e.to)));
  assert.equal(graph.nodes.filter((n) => n.id === 'lodash').length, 1);
});
