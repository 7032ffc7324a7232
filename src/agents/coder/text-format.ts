/**
 * The coder's text format, for models without tool calling: the model answers with files in its text and
 * this module reads them back as the same `FileChange`s a tool call would make. It accepts what models
 * actually write rather than one strict grammar, after the formats peers settled on:
 * - whole files in fences (Aider's "whole" format), the path on the line before the fence, in the info
 *   string (```ts src/game.ts, ```tsx title="src/App.tsx", ```ts path=src/x.ts) or in a first-line comment;
 * - search/replace blocks (Aider's "diff" format: `<<<<<<< SEARCH` / `=======` / `>>>>>>> REPLACE`), several
 *   per file, an empty SEARCH meaning a new file;
 * - tags: `<file path="…">…</file>`, bolt.diy's `<boltAction type="file" filePath="…">`, `<delete path="…"/>`,
 *   and `DELETE path` alone on a line.
 * Paths are never made up (a block without one is counted and ignored) and never judged here: the toolbox's
 * guard refuses a path outside the worktree whichever way the change came.
 */
import type { FileChange } from './tools/file-change.ts';

export interface TextAnswer {
  /** In the order the answer gave them; a later whole file or delete of a path replaces what came before. */
  changes: FileChange[];
  /** Fenced blocks with no path (examples, shell commands), malformed search/replace blocks, shell actions. */
  ignoredBlocks: number;
  /** Paths whose block the answer stopped in the middle of (an output limit): dropped, never written half. */
  truncated: string[];
  /** Paths given a whole file or a delete after an earlier change to them: the last one counts. */
  duplicates: string[];
  /** No change at all: the model answered in prose (the coder tells it once to answer with files). */
  prose: boolean;
}

/** What the coder's system prompt says to a model in text mode; a test parses an answer written to it. */
export const TEXT_FORMAT_INSTRUCTIONS = `You cannot call tools: answer with the files themselves, in this format; nothing written any other way is applied.

To create a file or replace it whole, write its path alone on a line, then its complete content in a fence:

src/game.ts
\`\`\`ts
export const SPEED = 2;
\`\`\`

To change part of an existing file, write its path alone on a line, then a fence holding one or more
search/replace blocks. SEARCH is copied exactly from the file's current text and occurs in it once; REPLACE
is what it becomes. Keep each SEARCH short, but long enough to be unique.

src/game.ts
\`\`\`ts
<<<<<<< SEARCH
export const SPEED = 2;
=======
export const SPEED = 3;
>>>>>>> REPLACE
\`\`\`

To delete a file, write DELETE and its path alone on a line:

DELETE src/old-game.ts

Put a Markdown file that contains fences inside a four-backtick fence (\`\`\`\`). Paths are relative to the project
root. Never write "..." or "rest unchanged" for code you leave out: give the whole file or an exact block.`;

const SEARCH_MARK = /^\s*<{5,9} ?SEARCH\s*$/;
const DIVIDER_MARK = /^\s*={5,9}\s*$/;
const REPLACE_MARK = /^\s*>{5,9} ?REPLACE\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const DELETE_LINE = /^\s*DELETE:?\s+`?([^\s`]+)`?\s*$/;
const TAG_OPEN = /^\s*<(file|boltAction|delete)(?=[\s/>])/i;
const ARTIFACT_LINE = /^\s*<\/?boltArtifact\b[^>]*>\s*$/i;
/** Files that are commonly named without an extension. */
const BARE_NAMES = /(^|\/)(Dockerfile|Makefile|Procfile|LICENSE|\.[\w.-]+)$/;

interface Collected {
  changes: FileChange[];
  ignored: number;
  truncated: string[];
  duplicates: Set<string>;
}

export function parseTextAnswer(answer: string): TextAnswer {
  const c: Collected = { changes: [], ignored: 0, truncated: [], duplicates: new Set() };
  scan(answer.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), c);
  return {
    changes: c.changes,
    ignoredBlocks: c.ignored,
    truncated: c.truncated,
    duplicates: [...c.duplicates],
    prose: c.changes.length === 0,
  };
}

function add(c: Collected, change: FileChange): void {
  // Edits accumulate (several blocks per file are normal); a whole file or a delete supersedes them all.
  if (change.kind !== 'edit') {
    const before = c.changes.length;
    c.changes = c.changes.filter((x) => x.path !== change.path);
    if (c.changes.length < before) c.duplicates.add(change.path);
  }
  c.changes.push(change);
}

/** A single token that names a file: has a directory, an extension or a well-known bare name. */
function isPathLike(s: string): boolean {
  if (s === '' || /[\s`'"<>|*?]/.test(s) || s.includes('://')) return false;
  return s.includes('/') || /\.[A-Za-z][\w-]*$/.test(s) || BARE_NAMES.test(s);
}

/** The path a line names when it is only a path, however decorated: `### src/a.ts`, **`src/a.ts`**:, File: a.ts. */
function pathOfLine(line: string): string | null {
  let s = line.trim();
  for (let previous = ''; previous !== s;) {
    previous = s;
    s = s
      .replace(/^#{1,6}\s+/, '')
      .replace(/^(?:[-*+]|\d+[.)])\s+/, '')
      .replace(/^(\*\*|__)(.*)\1$/, '$2')
      .replace(/^(?:\*\*|__)?(?:file(?:name)?|path)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*/i, '')
      .replace(/\s+\((?:new|updated|changed|modified|new file|full file|complete)\)$/i, '')
      .replace(/:$/, '')
      .replace(/^`([^`]*)`$/, '$1')
      .replace(/^"([^"]*)"$/, '$1')
      .replace(/^'([^']*)'$/, '$1')
      .trim();
  }
  return isPathLike(s) ? s : null;
}

/** A path in a fence's info string: ```ts src/a.ts, ```tsx title="src/App.tsx", ```ts path=x.ts, ```ts:src/a.ts. */
function pathOfInfo(info: string): string | null {
  const keyed = /\b(?:title|path|file|filename|filepath)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))/i.exec(info);
  if (keyed) {
    const value = (keyed[1] ?? keyed[2] ?? keyed[3] ?? '').trim();
    return isPathLike(value) ? value : null;
  }
  for (const token of info.trim().split(/\s+/)) {
    const afterLang = /^[\w+#-]+:(.+)$/.exec(token)?.[1];
    if (afterLang && isPathLike(afterLang)) return afterLang;
    if (isPathLike(token)) return token;
  }
  return null;
}

const LABELLED_COMMENT = [
  /^\s*(?:\/\/|#|--|;)\s*(?:file(?:name)?|path)\s*:\s*(\S+)\s*$/i,
  /^\s*\/\*\s*(?:file(?:name)?|path)\s*:\s*(\S+)\s*\*\/\s*$/i,
  /^\s*<!--\s*(?:file(?:name)?|path)\s*:\s*(\S+)\s*-->\s*$/i,
];

/**
 * A path named by a first-line comment: `// file: src/x.ts`, `# path: a.py`, `<!-- file: index.html -->`, or
 * a bare `// src/x.ts` (with a directory, so that a comment like `// main.ts` in prose-ish code is not taken).
 */
function pathOfComment(line: string | undefined): string | null {
  if (line === undefined) return null;
  for (const re of LABELLED_COMMENT) {
    const m = re.exec(line);
    if (m && isPathLike(m[1]!)) return m[1]!;
  }
  const bare = /^\s*\/\/\s*(\S+)\s*$/.exec(line)?.[1];
  return bare && bare.includes('/') && isPathLike(bare) ? bare : null;
}

const isMarkdown = (path: string | null) => path !== null && /\.(md|mdx|markdown)$/i.test(path);

interface Fence {
  content: string[];
  closed: boolean;
  /** The index of the line after the closing fence. */
  next: number;
}

/**
 * Reads a fence opened at `lines[start]`. A closing fence is the same character, at least as long, and
 * nothing after it (CommonMark), so a ```` fence holds ``` ones. Models also nest same-length fences; where
 * `nesting`, an inner fence with an info string opens a level that a bare one closes.
 */
function readFence(lines: string[], start: number, nesting: boolean): Fence {
  const [, indent = '', marks = '```'] = FENCE.exec(lines[start]!)!;
  const content: string[] = [];
  let depth = 0;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const f = FENCE.exec(line);
    if (f && f[2]![0] === marks[0] && f[2]!.length >= marks.length) {
      const info = f[3]!.trim();
      if (info === '' && depth === 0) return { content, closed: true, next: i + 1 };
      if (nesting) depth += info === '' ? -1 : 1;
    }
    content.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
  }
  return { content, closed: false, next: lines.length };
}

function scan(text: string, c: Collected): void {
  const lines = text.split('\n');
  const starts: number[] = [];
  for (let i = 0, at = 0; i < lines.length; at += lines[i]!.length + 1, i++) starts.push(at);
  // The path named by the line just before (one blank line allowed), waiting for the fence it introduces.
  let candidate: string | null = null;
  let blanks = 0;
  // Raw search/replace blocks (no fence) back to back share the path named before the first.
  let rawPath: string | null = null;
  for (let i = 0; i < lines.length;) {
    const line = lines[i]!;

    if (TAG_OPEN.test(line)) {
      const end = readTag(text, starts[i]! + line.indexOf('<'), c);
      if (end === null) return;
      // The rest of the line the tag ends on is left out with it.
      while (i < lines.length && starts[i]! < end) i++;
      candidate = rawPath = null;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence && !(fence[2]![0] === '`' && fence[3]!.includes('`'))) {
      const named = pathOfInfo(fence[3]!) ?? candidate;
      // Markdown files and pathless fences (a whole answer wrapped in ```xml) are where models nest fences.
      const block = readFence(lines, i, named === null || isMarkdown(named));
      fencedBlock(block, named, c);
      if (!block.closed) return;
      i = block.next;
      candidate = rawPath = null;
      continue;
    }

    if (SEARCH_MARK.test(line)) {
      const path: string | null = candidate ?? rawPath;
      let end = i;
      while (end < lines.length && !REPLACE_MARK.test(lines[end]!)) end++;
      const closed = end < lines.length;
      editBlocks(lines.slice(i, closed ? end + 1 : end), path, closed, c);
      if (!closed) return;
      i = end + 1;
      rawPath = path;
      candidate = null;
      continue;
    }

    const deleted = DELETE_LINE.exec(line)?.[1];
    if (deleted !== undefined && isPathLike(deleted)) {
      add(c, { kind: 'delete', path: deleted });
      candidate = rawPath = null;
    } else if (line.trim() === '' || ARTIFACT_LINE.test(line)) {
      if (++blanks > 1) candidate = null;
    } else {
      candidate = pathOfLine(line);
      blanks = 0;
      rawPath = null;
    }
    i++;
  }
}

/** A fenced block: search/replace blocks, a whole file, an answer wrapped in one fence, or an example. */
function fencedBlock(block: Fence, named: string | null, c: Collected): void {
  const { content, closed } = block;
  const first = content.findIndex((l) => l.trim() !== '');
  const second = content.findIndex((l, k) => k > first && l.trim() !== '');
  if (
    first >= 0 &&
    (SEARCH_MARK.test(content[first]!) || (second >= 0 && SEARCH_MARK.test(content[second]!) && pathOfLine(content[first]!)))
  ) {
    return editBlocks(content, named, closed, c);
  }
  const commented = pathOfComment(content[0]);
  const path = named ?? commented;
  if (path === null) {
    // A model wrapping its whole answer in one ```xml fence still means the tags inside it.
    if (closed && content.some((l) => TAG_OPEN.test(l))) return scan(content.join('\n'), c);
    c.ignored++;
    return;
  }
  if (!closed) {
    c.truncated.push(path);
    return;
  }
  const body = commented === path ? content.slice(1) : content;
  add(c, { kind: 'write', path, content: body.length === 0 ? '' : `${body.join('\n')}\n` });
}

/**
 * Search/replace blocks, in a fence or bare. A path line between blocks names the file for those after it
 * (Aider's fenced variant puts it inside the fence). A block is complete at its REPLACE marker, so the
 * blocks before a cut are kept; the cut one is reported truncated.
 */
function editBlocks(lines: string[], named: string | null, closed: boolean, c: Collected): void {
  let path = named;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!SEARCH_MARK.test(line)) {
      path = pathOfLine(line) ?? path;
      continue;
    }
    const divider = lines.findIndex((l, k) => k > i && DIVIDER_MARK.test(l));
    const end = divider < 0 ? -1 : lines.findIndex((l, k) => k > divider && REPLACE_MARK.test(l));
    const nextSearch = lines.findIndex((l, k) => k > i && SEARCH_MARK.test(l));
    if (end < 0) {
      if (!closed && path !== null) c.truncated.push(path);
      else c.ignored++;
      return;
    }
    if (nextSearch >= 0 && nextSearch < end) {
      c.ignored++; // a SEARCH with no REPLACE of its own: malformed, whatever it meant
      i = nextSearch - 1;
      continue;
    }
    if (path === null) c.ignored++;
    else {
      const section = (from: number, to: number) => {
        const part = lines.slice(from, to);
        return part.every((l) => l.trim() === '') ? '' : `${part.join('\n')}\n`;
      };
      const search = section(i + 1, divider);
      const replace = section(divider + 1, end);
      add(c, search === '' ? { kind: 'write', path, content: replace } : { kind: 'edit', path, search, replace });
    }
    i = end;
  }
}

function attribute(tag: string, ...names: string[]): string | null {
  for (const name of names) {
    const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag);
    if (m) return (m[1] ?? m[2] ?? '').trim();
  }
  return null;
}

/**
 * A tag at `offset`: `<file path>`, `<boltAction>` or `<delete path/>`. Returns where the text after it
 * starts, or null when the answer ends inside it (a truncated file: nothing is written).
 */
function readTag(text: string, offset: number, c: Collected): number | null {
  const openEnd = text.indexOf('>', offset);
  if (openEnd < 0) {
    c.ignored++;
    return null;
  }
  const open = text.slice(offset, openEnd + 1);
  const name = /^<(\w+)/.exec(open)![1]!.toLowerCase();
  const selfClosing = open.endsWith('/>');
  const path = attribute(open, 'path', 'filePath', 'file', 'name');
  if (name === 'delete') {
    if (path !== null && isPathLike(path)) add(c, { kind: 'delete', path });
    else c.ignored++;
    if (selfClosing) return openEnd + 1;
    const close = text.toLowerCase().indexOf('</delete>', openEnd);
    return close < 0 ? openEnd + 1 : close + '</delete>'.length;
  }
  const closeTag = name === 'file' ? '</file>' : '</boltaction>';
  const lower = text.toLowerCase();
  const close = selfClosing ? openEnd : lower.indexOf(closeTag, openEnd);
  const isFile = name === 'file' || attribute(open, 'type') === 'file';
  // A tag the model forgot to close before opening the next one: this one is malformed, the next is read.
  const nextOpen = selfClosing ? -1 : lower.slice(openEnd).search(new RegExp(`\\n\\s*<${name.toLowerCase()}[\\s/>]`));
  if (nextOpen >= 0 && (close < 0 || openEnd + nextOpen < close)) {
    c.ignored++;
    return openEnd + nextOpen + 1;
  }
  if (close < 0) {
    if (isFile && path !== null) c.truncated.push(path);
    else c.ignored++;
    return null;
  }
  const after = selfClosing ? openEnd + 1 : close + closeTag.length;
  if (!isFile || path === null || path === '') {
    c.ignored++;
    return after;
  }
  let content = selfClosing ? '' : text.slice(openEnd + 1, close).replace(/^[ \t]*\n/, '');
  // Models often fence a tag's content too (bolt.diy strips it the same way); a Markdown file keeps its own.
  const fenced = /^\s*(`{3,}|~{3,})[^\n]*\n([^]*?)\n?[ \t]*\1\s*$/.exec(content);
  if (fenced && !isMarkdown(path)) content = `${fenced[2]}\n`;
  content = content.replace(/\n[ \t]*$/, '\n');
  if (content !== '' && !content.endsWith('\n')) content += '\n';
  add(c, { kind: 'write', path, content });
  return after;
}
