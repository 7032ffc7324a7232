/**
 * The written benchmark (bench/prompts/) stays a fair measure: every line is valid, the two halves are large
 * and balanced by class and style as the README's split rule makes them, and no rule names a benchmark
 * prompt — neither its text nor any run of four consecutive words of it appears under src/generator/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { PROMPT_CLASSES, PROMPT_LANGUAGES, PROMPT_STYLES, readPromptFile, SetPromptLine, type PromptLine } from '../bench/prompt-set.ts';

const root = resolve(import.meta.dirname, '..');
const tuning = readPromptFile(join(root, 'bench/prompts/tuning.jsonl'), SetPromptLine);
const check = readPromptFile(join(root, 'bench/prompts/check.jsonl'), SetPromptLine);
const publicSet = readPromptFile(join(root, 'bench/prompts.jsonl'));
const halves = { tuning, check };

/** Words as they compare: accents dropped, lower case, anything but letters and digits a separator. */
function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Runs made only of these (and numbers), like "from 1 to 5" or "and there is a", say nothing of any one
 * request; every other four-word run of a prompt is taken as naming it.
 */
const FUNCTION_WORDS = new Set(
  (
    'a an the and or but nor of to in on at for with by from as into onto per via is are be been being was were ' +
    'has have had do does did it its this that these those their there they them he she her his him we our us ' +
    'you your i my me so if not no yes than then which who whom whose what when where how each every any some ' +
    'all both one either neither'
  ).split(' '),
);
const contentless = (run: string[]): boolean => run.every((w) => FUNCTION_WORDS.has(w) || /^\d+$/.test(w));

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) filesUnder(path, out);
    else out.push(path);
  }
  return out;
}

test('every line of both halves is valid and ids are unique across all prompt files', () => {
  const ids = [...publicSet, ...tuning, ...check].map((p) => p.id);
  assert.deepEqual(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
  );
  assert.ok(
    tuning.every((p) => p.id.startsWith('t')),
    'tuning ids start with t',
  );
  assert.ok(
    check.every((p) => p.id.startsWith('c')),
    'check ids start with c',
  );
  const texts = [...publicSet, ...tuning, ...check].map((p) => words(p.prompt).join(' '));
  assert.deepEqual(
    texts.filter((t, i) => texts.indexOf(t) !== i),
    [],
    'no prompt is repeated',
  );
});

test('each half has at least 60 prompts', () => {
  for (const [name, half] of Object.entries(halves)) assert.ok(half.length >= 60, `${name} has ${half.length}`);
});

test('every class, style and language appears in both halves, and the split keeps them balanced', () => {
  const count = (half: PromptLine[], key: 'class' | 'style', value: string): number => half.filter((p) => p[key] === value).length;
  for (const cls of PROMPT_CLASSES) {
    const [t, c] = [count(tuning, 'class', cls), count(check, 'class', cls)];
    assert.ok(t > 0 && c > 0, `class ${cls} in both halves (${t}/${c})`);
    assert.ok(Math.abs(t - c) <= 1, `class ${cls} split ${t}/${c}`);
  }
  for (const style of PROMPT_STYLES) {
    const [t, c] = [count(tuning, 'style', style), count(check, 'style', style)];
    assert.ok(t > 0 && c > 0, `style ${style} in both halves (${t}/${c})`);
    assert.ok(Math.abs(t - c) <= 1, `style ${style} split ${t}/${c}`);
  }
  for (const language of PROMPT_LANGUAGES) {
    const total = count(tuning, 'style', `language:${language}`) + count(check, 'style', `language:${language}`);
    assert.ok(total >= 4, `${language} has ${total} prompts`);
  }
});

test('no rule names a benchmark prompt: no prompt, nor four consecutive words of one, appears under src/generator/', () => {
  const rules = filesUnder(join(root, 'src/generator')).map((file) => ({
    file: relative(root, file),
    words: words(readFileSync(file, 'utf8')),
  }));
  const runs = new Map<string, string>();
  for (const { file, words: w } of rules)
    for (let i = 0; i + 4 <= w.length; i++) {
      const run = w.slice(i, i + 4);
      if (!contentless(run)) runs.set(run.join(' '), file);
    }
  assert.ok(runs.size > 1000, 'the rules were read');
  const found: string[] = [];
  for (const p of [...tuning, ...check]) {
    const w = words(p.prompt);
    if (w.length < 4) {
      // Too short for a run of four: looked for whole.
      const whole = ` ${w.join(' ')} `;
      for (const rule of rules) if (` ${rule.words.join(' ')} `.includes(whole)) found.push(`${p.id} in ${rule.file}`);
      continue;
    }
    for (let i = 0; i + 4 <= w.length; i++) {
      const run = w.slice(i, i + 4).join(' ');
      const file = runs.get(run);
      if (file !== undefined) found.push(`${p.id} "${run}" in ${file}`);
    }
  }
  assert.deepEqual(found, []);
});
