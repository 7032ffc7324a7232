/**
 * No placebo settings: every key of config/catalyst.example.yaml is read somewhere in Catalyst's code
 * (found as `<parent>.<key>` outside the schema and the tests) or refused as not supported yet.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { EXAMPLE_CONFIG_FILE } from './load.ts';
import { UNSUPPORTED_KEYS } from './unsupported.ts';

const srcRoot = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'skeletons' ? [] : sources(path);
    const declaresOnly = path.endsWith('config/schema.ts') || path.endsWith('config/unsupported.ts');
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !declaresOnly ? [readFileSync(path, 'utf8')] : [];
  });
}

function leafKeys(node: unknown, path: string[] = []): string[][] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [path];
  return Object.entries(node).flatMap(([k, v]) => leafKeys(v, [...path, k]));
}

test('every key of the example config is read by the code or refused as not supported', () => {
  const code = sources(srcRoot).join('\n');
  const keys = leafKeys(parse(readFileSync(EXAMPLE_CONFIG_FILE, 'utf8')));
  const leafCount = new Map<string, number>();
  for (const path of keys) leafCount.set(path.at(-1)!, (leafCount.get(path.at(-1)!) ?? 0) + 1);
  const unread = keys
    .filter((path) => !UNSUPPORTED_KEYS.includes(path.join('.')))
    .filter((path) => {
      const [parent, leaf] = path.slice(-2);
      // A leaf name used once in the file may be read through any alias (`ed.retry_attempts`); a shared
      // one (`enabled`, `url`) must be read with its parent (or a one-letter alias of it: `p.memory_mb`).
      const access = leafCount.get(leaf!) === 1 ? `\\.${leaf}\\b` : `\\b(${parent}|[a-z])\\??\\.${leaf}\\b`;
      return !new RegExp(access).test(code);
    })
    .map((path) => path.join('.'));
  assert.deepEqual(unread, [], `keys nobody reads (make them work, or refuse them in src/config/unsupported.ts): ${unread.join(', ')}`);
});
