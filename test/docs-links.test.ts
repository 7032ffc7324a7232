/**
 * The README and docs/ are read from a clone of this repository, without anything beside it: every relative
 * link must name a file inside the repository, and a `#fragment` on a Markdown file must name one of its
 * headings (as GitHub derives heading anchors).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..');

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) markdownFiles(path, out);
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

/** Link targets outside code: inline `[text](target)` and reference definitions `[id]: target`. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const anchors = new Set<string>();
  for (const [, heading] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

test('every relative link in README.md and docs/ names a file inside the repository', () => {
  const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];
  assert.ok(
    files.some((f) => f.endsWith(join('docs', 'architecture.md'))),
    'docs/architecture.md is there to link to',
  );
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    const markdown = readFileSync(file, 'utf8');
    for (const target of linkTargets(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      checked++;
      const [path, fragment] = target.split('#', 2) as [string, string | undefined];
      const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      const where = `${relative(root, file)}: (${target})`;
      if (resolved !== root && !resolved.startsWith(root + sep)) broken.push(`${where} points outside the repository`);
      else if (!existsSync(resolved)) broken.push(`${where} names no file`);
      else if (fragment && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(fragment))
        broken.push(`${where} names no heading of ${relative(root, resolved)}`);
    }
  }
  assert.ok(checked > 5, `the links were found (${checked})`);
  assert.deepEqual(broken, []);
});
