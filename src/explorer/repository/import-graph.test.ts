import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildImportGraph, MAX_GRAPH_NODES, packageName, resolveRelative } from './import-graph.ts';

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
