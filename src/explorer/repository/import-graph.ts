/**
 * Which JS/TS module imports which: relative imports resolved to files of the repository (with the
 * extension and index-file rules of Node and TypeScript, including `./a.js` naming `a.ts`), bare
 * imports as their package. Node built-ins and path aliases are left out; the graph is capped.
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import type { DependencyGraph } from '../../contracts/explorer.ts';

export const MAX_GRAPH_NODES = 500;

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const BUILTINS = new Set(builtinModules);

export function packageName(specifier: string): string | null {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) return null;
  // Path aliases (#internal, ~/x, @/x) and URLs are not packages.
  if (/^[#~]|^@\/|^[a-z]+:/i.test(specifier)) return null;
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : null;
  return parts[0] || null;
}

export function resolveRelative(from: string, specifier: string, files: ReadonlySet<string>): string | null {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier.replace(/[?#].*$/, '')));
  if (base.startsWith('../') || base === '..') return null;
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => `${base}/index${e}`)];
  const js = /\.([cm]?)jsx?$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    candidates.push(`${stem}.${js[1]}ts`, `${stem}.tsx`);
  }
  return candidates.find((c) => files.has(c)) ?? null;
}

export interface ImportGraphResult {
  graph: DependencyGraph;
  truncated: boolean;
}

export function buildImportGraph(imports: ReadonlyMap<string, readonly string[]>, files: ReadonlySet<string>): ImportGraphResult {
  const edges = new Map<string, { from: string; to: string; kind: string }>();
  const kinds = new Map<string, 'module' | 'package'>();
  for (const [from, specifiers] of [...imports].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    kinds.set(from, 'module');
    for (const specifier of specifiers) {
      let to: string | null;
      if (specifier.startsWith('.')) {
        to = resolveRelative(from, specifier, files);
        if (to) kinds.set(to, 'module');
      } else {
        to = packageName(specifier);
        if (to && !kinds.has(to)) kinds.set(to, 'package');
      }
      if (to && to !== from) edges.set(`${from}\0${to}`, { from, to, kind: 'imports' });
    }
  }
  // Nodes that take part in an edge come first, so a capped graph keeps its structure.
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (id: string) => {
    if (!placed.has(id)) {
      placed.add(id);
      order.push(id);
    }
  };
  for (const e of edges.values()) {
    place(e.from);
    place(e.to);
  }
  for (const id of kinds.keys()) place(id);
  const kept = new Set(order.slice(0, MAX_GRAPH_NODES));
  return {
    graph: {
      nodes: order.filter((id) => kept.has(id)).map((id) => ({ id, kind: kinds.get(id)! })),
      edges: [...edges.values()].filter((e) => kept.has(e.from) && kept.has(e.to)),
    },
    truncated: order.length > MAX_GRAPH_NODES,
  };
}
