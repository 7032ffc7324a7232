/**
 * Without a model (provider `none`, the default) Catalyst's output for the public prompts must not change
 * when the model layer grows: the plan, the architecture and the app the deterministic agents write are
 * digested per prompt and compared with the digests recorded before the model layer was wired in.
 * A deliberate change to the generator re-records them: `CATALYST_RECORD_DIGESTS=1 node scripts/run-tests.mjs offline-output`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { APP_DEPENDENCIES, renderApp, type DependencyVersions } from '../src/generator/app/index.ts';
import { designArchitecture } from '../src/generator/architecture/index.ts';
import { buildPlan } from '../src/generator/plan/index.ts';
import { analyzeRequest } from '../src/generator/understand/index.ts';

const root = join(import.meta.dirname, '..');
const digestsFile = join(root, 'test/fixtures/offline-output.sha256.json');
// Fixed versions: the digests are about what Catalyst writes, not which package versions are installed.
const versions = Object.fromEntries(APP_DEPENDENCIES.map((pkg) => [pkg, '1.0.0'])) as DependencyVersions;

const prompts = readFileSync(join(root, 'bench/prompts.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { id: string; prompt: string });

function digestOf(prompt: string): string {
  const understood = analyzeRequest(prompt);
  const { plan, files: planFiles } = buildPlan(understood.domain, prompt, understood);
  const design = designArchitecture(plan, { diagrams: true });
  const app = renderApp(design.dataModels, versions);
  const hash = createHash('sha256');
  hash.update(stringify(plan));
  for (const f of [...planFiles, ...design.files, ...app].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`\0${f.path}\0${f.content}`);
  }
  return hash.digest('hex');
}

test('the public prompts build byte for byte what they built before the model layer', () => {
  const actual = Object.fromEntries(prompts.map((p) => [p.id, digestOf(p.prompt)]));
  if (process.env.CATALYST_RECORD_DIGESTS === '1') {
    writeFileSync(digestsFile, `${JSON.stringify(actual, null, 2)}\n`);
    return;
  }
  const expected = JSON.parse(readFileSync(digestsFile, 'utf8')) as Record<string, string>;
  assert.equal(prompts.length, 30);
  const changed = prompts.filter((p) => actual[p.id] !== expected[p.id]).map((p) => `${p.id}: ${p.prompt}`);
  assert.deepEqual(changed, [], 'these prompts now build something different');
});
