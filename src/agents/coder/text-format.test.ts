/**
 * The coder's text format (issue 15): answers as models without tool calling really write them — whole
 * files with the path in any of the usual places, Aider-style search/replace blocks, bolt.diy-style tags,
 * CRLF, a cut-off end, Markdown with fences inside, examples without a path — read as FileChanges.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTextAnswer, TEXT_FORMAT_INSTRUCTIONS } from './text-format.ts';

const fence = '```';

describe('the instructions and an answer written to them', () => {
  test("the instructions' own examples parse to exactly the changes they describe", () => {
    const parsed = parseTextAnswer(TEXT_FORMAT_INSTRUCTIONS);
    assert.deepEqual(parsed.changes, [
      { kind: 'write', path: 'src/game.ts', content: 'export const SPEED = 2;\n' },
      { kind: 'edit', path: 'src/game.ts', search: 'export const SPEED = 2;\n', replace: 'export const SPEED = 3;\n' },
      { kind: 'delete', path: 'src/old-game.ts' },
    ]);
    assert.deepEqual({ ...parsed, changes: [] }, { changes: [], ignoredBlocks: 0, truncated: [], duplicates: [], prose: false });
  });

  test('a snake game answer following the instructions: new files, two edits to one file, a Markdown file with fences, a delete', () => {
    const answer = `I'll add the game loop, wire it into the page and cover the movement with a test.

src/game.ts
${fence}ts
export type Dir = 'up' | 'down' | 'left' | 'right';
export interface Snake { body: { x: number; y: number }[]; dir: Dir }

export function step(s: Snake): Snake {
  const head = { ...s.body[0]! };
  if (s.dir === 'up') head.y -= 1;
  if (s.dir === 'down') head.y += 1;
  if (s.dir === 'left') head.x -= 1;
  if (s.dir === 'right') head.x += 1;
  return { ...s, body: [head, ...s.body.slice(0, -1)] };
}
${fence}

src/game.test.ts
${fence}ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { step } from './game.ts';

test('the snake moves right', () => {
  assert.deepEqual(step({ body: [{ x: 1, y: 1 }], dir: 'right' }).body, [{ x: 2, y: 1 }]);
});
${fence}

src/App.tsx
${fence}tsx
<<<<<<< SEARCH
import { useState } from 'react';
=======
import { useEffect, useState } from 'react';
import { step } from './game.ts';
>>>>>>> REPLACE
<<<<<<< SEARCH
      <h1>Welcome</h1>
=======
      <canvas id="board" width={400} height={400} />
>>>>>>> REPLACE
${fence}

README.md
${fence}${fence.slice(1)}markdown
# Snake

Run it:

${fence}bash
npm run dev
${fence}
${fence}${fence.slice(1)}

DELETE src/Welcome.tsx

Press an arrow key to start.`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(
      parsed.changes.map((c) => `${c.kind} ${c.path}`),
      ['write src/game.ts', 'write src/game.test.ts', 'edit src/App.tsx', 'edit src/App.tsx', 'write README.md', 'delete src/Welcome.tsx'],
    );
    const game = parsed.changes[0]!;
    assert.ok(game.kind === 'write' && game.content.startsWith("export type Dir = 'up'") && game.content.endsWith('}\n'));
    assert.deepEqual(parsed.changes[3], {
      kind: 'edit',
      path: 'src/App.tsx',
      search: '      <h1>Welcome</h1>\n',
      replace: '      <canvas id="board" width={400} height={400} />\n',
    });
    assert.deepEqual(parsed.changes[4], {
      kind: 'write',
      path: 'README.md',
      content: `# Snake\n\nRun it:\n\n${fence}bash\nnpm run dev\n${fence}\n`,
    });
    assert.equal(parsed.ignoredBlocks, 0);
    assert.equal(parsed.prose, false);
  });
});

describe('where the path of a whole file is written', () => {
  const body = 'export const x = 1;';
  const cases: [string, string][] = [
    ['alone on the line before', `src/a.ts\n${fence}ts\n${body}\n${fence}`],
    ['bold', `**src/a.ts**\n${fence}ts\n${body}\n${fence}`],
    ['a heading with backticks', `### \`src/a.ts\`\n\n${fence}ts\n${body}\n${fence}`],
    ['a numbered heading with a note', `### 2. src/a.ts (new file)\n${fence}typescript\n${body}\n${fence}`],
    ['a bold label', `**File:** \`src/a.ts\`\n${fence}ts\n${body}\n${fence}`],
    ['in backticks with a colon', `\`src/a.ts\`:\n${fence}ts\n${body}\n${fence}`],
    ['after the language in the info string', `Here it is:\n${fence}ts src/a.ts\n${body}\n${fence}`],
    ['as title=', `${fence}tsx title="src/a.ts"\n${body}\n${fence}`],
    ['as path=', `${fence}ts path=src/a.ts\n${body}\n${fence}`],
    ['as language:path', `${fence}typescript:src/a.ts\n${body}\n${fence}`],
    ['in a first-line comment (dropped from the file)', `${fence}ts\n// file: src/a.ts\n${body}\n${fence}`],
    ['in a bare first-line comment with a directory', `${fence}ts\n// src/a.ts\n${body}\n${fence}`],
    ['in a tilde fence', `src/a.ts\n~~~ts\n${body}\n~~~`],
  ];
  for (const [where, answer] of cases) {
    test(where, () => {
      assert.deepEqual(parseTextAnswer(answer).changes, [{ kind: 'write', path: 'src/a.ts', content: `${body}\n` }]);
    });
  }

  test('a comment naming the path is dropped even when the path was given before: JSON has no comments', () => {
    const answer = `package.json\n${fence}json\n// file: package.json\n{ "name": "snake" }\n${fence}`;
    assert.deepEqual(parseTextAnswer(answer).changes, [{ kind: 'write', path: 'package.json', content: '{ "name": "snake" }\n' }]);
  });

  test('a fence indented in a list item loses the indentation, not the code', () => {
    const answer = `1. \`src/a.ts\`\n   ${fence}ts\n   if (x) {\n     run();\n   }\n   ${fence}`;
    assert.deepEqual(parseTextAnswer(answer).changes, [{ kind: 'write', path: 'src/a.ts', content: 'if (x) {\n  run();\n}\n' }]);
  });

  test('a path mentioned in a sentence is no path: the snippet after it is an example, not the file', () => {
    const answer = `You can then call it from \`src/main.ts\` like this:\n${fence}ts\nstep(snake);\n${fence}\n\nOr run:\n${fence}bash\nnpm test\n${fence}`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, []);
    assert.equal(parsed.ignoredBlocks, 2, 'both fences are counted');
    assert.equal(parsed.prose, true);
  });

  test('a path two blank lines above a fence no longer names it', () => {
    assert.equal(parseTextAnswer(`src/a.ts\n\n\n${fence}ts\n${body}\n${fence}`).ignoredBlocks, 1);
  });
});

describe('search/replace blocks', () => {
  test('blocks in separate fences for one file, the path repeated (Aider "diff")', () => {
    const block = (s: string, r: string) => `src/timer.ts\n${fence}ts\n<<<<<<< SEARCH\n${s}\n=======\n${r}\n>>>>>>> REPLACE\n${fence}\n`;
    const parsed = parseTextAnswer(
      `${block('const MINUTES = 20;', 'const MINUTES = 25;')}\n${block('  tick();', '  tick();\n  render();')}`,
    );
    assert.deepEqual(parsed.changes, [
      { kind: 'edit', path: 'src/timer.ts', search: 'const MINUTES = 20;\n', replace: 'const MINUTES = 25;\n' },
      { kind: 'edit', path: 'src/timer.ts', search: '  tick();\n', replace: '  tick();\n  render();\n' },
    ]);
    assert.deepEqual(parsed.duplicates, [], 'several edits to one file are no duplicate');
  });

  test('the path inside the fence (Aider "diff-fenced"), for two files in one fence', () => {
    const answer = `${fence}\nsrc/a.ts\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n\nsrc/b.ts\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n${fence}`;
    assert.deepEqual(parseTextAnswer(answer).changes, [
      { kind: 'edit', path: 'src/a.ts', search: 'a\n', replace: 'b\n' },
      { kind: 'edit', path: 'src/b.ts', search: 'c\n', replace: 'd\n' },
    ]);
  });

  test('bare blocks without a fence; the ones right after share the path', () => {
    const answer = `src/a.ts\n<<<<<<< SEARCH\none\n=======\ntwo\n>>>>>>> REPLACE\n\n<<<<<<< SEARCH\nthree\n=======\n>>>>>>> REPLACE\n`;
    assert.deepEqual(parseTextAnswer(answer).changes, [
      { kind: 'edit', path: 'src/a.ts', search: 'one\n', replace: 'two\n' },
      { kind: 'edit', path: 'src/a.ts', search: 'three\n', replace: '' },
    ]);
  });

  test('an empty SEARCH creates the file with the REPLACE part', () => {
    const answer = `src/url.ts\n${fence}ts\n<<<<<<< SEARCH\n=======\nexport const shorten = (u: string) => u.slice(0, 8);\n>>>>>>> REPLACE\n${fence}`;
    assert.deepEqual(parseTextAnswer(answer).changes, [
      { kind: 'write', path: 'src/url.ts', content: 'export const shorten = (u: string) => u.slice(0, 8);\n' },
    ]);
  });

  test('a block without its divider is counted and skipped; the next one still applies', () => {
    const answer = `src/a.ts\n${fence}ts\n<<<<<<< SEARCH\nbroken\n<<<<<<< SEARCH\nok\n=======\nfine\n>>>>>>> REPLACE\n${fence}`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, [{ kind: 'edit', path: 'src/a.ts', search: 'ok\n', replace: 'fine\n' }]);
    assert.equal(parsed.ignoredBlocks, 1);
  });

  test('blocks with no path anywhere are counted, never applied to a guessed file', () => {
    const parsed = parseTextAnswer(`Change this:\n${fence}ts\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n${fence}`);
    assert.deepEqual(parsed.changes, []);
    assert.equal(parsed.ignoredBlocks, 1);
    assert.equal(parsed.prose, true);
  });
});

describe('tags', () => {
  test('<file path> tags, a <delete/> tag and a DELETE line', () => {
    const answer = [
      'Here are the files.',
      '<file path="src/server.ts">',
      "app.get('/:code', (req, res) => res.redirect(302, lookup(req.params.code)));",
      '</file>',
      "<file path='src/store.ts'>export const links = new Map<string, string>();</file>",
      '<delete path="src/placeholder.ts"/>',
      'DELETE `src/old.ts`',
    ].join('\n');
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, [
      { kind: 'write', path: 'src/server.ts', content: "app.get('/:code', (req, res) => res.redirect(302, lookup(req.params.code)));\n" },
      { kind: 'write', path: 'src/store.ts', content: 'export const links = new Map<string, string>();\n' },
      { kind: 'delete', path: 'src/placeholder.ts' },
      { kind: 'delete', path: 'src/old.ts' },
    ]);
  });

  test("bolt.diy's artifact: file actions (a fenced one unwrapped), a shell action counted, the whole answer in an xml fence", () => {
    const answer = `${fence}xml
<boltArtifact id="pomodoro" title="Pomodoro timer">
  <boltAction type="file" filePath="src/timer.ts">
export const WORK_SECONDS = 25 * 60;
  </boltAction>
  <boltAction type="file" filePath="src/format.ts">
${fence}ts
export const mmss = (s: number) => \`\${Math.floor(s / 60)}:\${String(s % 60).padStart(2, '0')}\`;
${fence}
  </boltAction>
  <boltAction type="shell">
npm run dev
  </boltAction>
</boltArtifact>
${fence}`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, [
      { kind: 'write', path: 'src/timer.ts', content: 'export const WORK_SECONDS = 25 * 60;\n' },
      {
        kind: 'write',
        path: 'src/format.ts',
        content: "export const mmss = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;\n",
      },
    ]);
    assert.equal(parsed.ignoredBlocks, 1, 'the shell action is not run, and is counted');
  });

  test('a Markdown file in a tag keeps its own fences', () => {
    const parsed = parseTextAnswer(`<file path="docs/usage.md">\n${fence}sh\nnpm start\n${fence}\n</file>`);
    assert.deepEqual(parsed.changes, [{ kind: 'write', path: 'docs/usage.md', content: `${fence}sh\nnpm start\n${fence}\n` }]);
  });

  test('a tag left open before the next one is skipped (counted); the next one is read', () => {
    const parsed = parseTextAnswer('<file path="src/a.ts">\nconst a = 1;\n<file path="src/b.ts">\nconst b = 2;\n</file>');
    assert.deepEqual(parsed.changes, [{ kind: 'write', path: 'src/b.ts', content: 'const b = 2;\n' }]);
    assert.equal(parsed.ignoredBlocks, 1);
  });
});

describe('messy answers', () => {
  test('CRLF line endings (a Windows-hosted model server) give LF files and exact edits', () => {
    const answer = `src/a.ts\r\n${fence}ts\r\nconst a = 1;\r\nconst b = 2;\r\n${fence}\r\nsrc/b.ts\r\n${fence}ts\r\n<<<<<<< SEARCH\r\nx\r\n=======\r\ny\r\n>>>>>>> REPLACE\r\n${fence}\r\n`;
    assert.deepEqual(parseTextAnswer(answer).changes, [
      { kind: 'write', path: 'src/a.ts', content: 'const a = 1;\nconst b = 2;\n' },
      { kind: 'edit', path: 'src/b.ts', search: 'x\n', replace: 'y\n' },
    ]);
  });

  test('an answer cut off inside its last file: the complete files are kept, the cut one is reported, not written half', () => {
    const answer = `src/a.ts\n${fence}ts\nexport const a = 1;\n${fence}\n\nsrc/b.ts\n${fence}ts\nexport function b() {\n  return [1, 2,`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, [{ kind: 'write', path: 'src/a.ts', content: 'export const a = 1;\n' }]);
    assert.deepEqual(parsed.truncated, ['src/b.ts']);
  });

  test('cut inside a <file> tag, and inside the second of two search/replace blocks', () => {
    const tag = parseTextAnswer('<file path="src/a.ts">\nexport const a =');
    assert.deepEqual(tag.changes, []);
    assert.deepEqual(tag.truncated, ['src/a.ts']);
    assert.equal(tag.prose, true, 'nothing to apply: the loop asks again');

    const edits = parseTextAnswer(`src/a.ts\n${fence}ts\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n<<<<<<< SEARCH\nc\n=======\nd, e`);
    assert.deepEqual(edits.changes, [{ kind: 'edit', path: 'src/a.ts', search: 'a\n', replace: 'b\n' }], 'a block is whole at its REPLACE');
    assert.deepEqual(edits.truncated, ['src/a.ts']);
  });

  test('a README in a plain fence with fenced examples inside it (same-length fences nested)', () => {
    const answer = `README.md\n${fence}markdown\n# Shortener\n\n${fence}bash\ncurl -i localhost:3000/abc\n${fence}\n\nThat is all.\n${fence}\n\nsrc/a.ts\n${fence}ts\nexport {};\n${fence}`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, [
      { kind: 'write', path: 'README.md', content: `# Shortener\n\n${fence}bash\ncurl -i localhost:3000/abc\n${fence}\n\nThat is all.\n` },
      { kind: 'write', path: 'src/a.ts', content: 'export {};\n' },
    ]);
  });

  test('the same path twice: the last whole file wins and the path is reported', () => {
    const answer = `src/a.ts\n${fence}ts\nfirst();\n${fence}\nsrc/b.ts\n${fence}ts\nb();\n${fence}\nActually, a better version:\n\nsrc/a.ts\n${fence}ts\nsecond();\n${fence}`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, [
      { kind: 'write', path: 'src/b.ts', content: 'b();\n' },
      { kind: 'write', path: 'src/a.ts', content: 'second();\n' },
    ]);
    assert.deepEqual(parsed.duplicates, ['src/a.ts']);
  });

  test('a whole file after edits to it supersedes them, reported as a duplicate', () => {
    const answer = `src/a.ts\n${fence}ts\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n${fence}\nsrc/a.ts\n${fence}ts\nall new\n${fence}`;
    const parsed = parseTextAnswer(answer);
    assert.deepEqual(parsed.changes, [{ kind: 'write', path: 'src/a.ts', content: 'all new\n' }]);
    assert.deepEqual(parsed.duplicates, ['src/a.ts']);
  });

  test('prose without files: prose is true and nothing is made up', () => {
    const answer = `To build a snake game you would create a canvas, keep the snake as a list of cells and move it on a timer.
Delete the old welcome page and add keyboard handling. DELETE the placeholder when you are done.
Let me know if you want me to write the code!`;
    assert.deepEqual(parseTextAnswer(answer), { changes: [], ignoredBlocks: 0, truncated: [], duplicates: [], prose: true });
  });
});

describe('hostile answers', () => {
  test('paths outside the worktree are passed through as written, for the toolbox guard to refuse', () => {
    const answer = `../../etc/passwd\n${fence}\nroot::0:0::/root:/bin/sh\n${fence}\n<file path="/home/user/.ssh/authorized_keys">ssh-ed25519 AAAA attacker</file>\nDELETE .git/hooks/pre-commit\n`;
    assert.deepEqual(
      parseTextAnswer(answer).changes.map((c) => [c.kind, c.path]),
      [
        ['write', '../../etc/passwd'],
        ['write', '/home/user/.ssh/authorized_keys'],
        ['delete', '.git/hooks/pre-commit'],
      ],
    );
  });

  test("search/replace markers inside a file's content are content: the file is written whole", () => {
    const parserTest = [
      "import { test } from 'node:test';",
      '',
      'const sample = `',
      '<<<<<<< SEARCH',
      'old',
      '=======',
      'new',
      '>>>>>>> REPLACE',
      '`;',
      "test('reads a block', () => parse(sample));",
    ].join('\n');
    const fenced = parseTextAnswer(`src/parse.test.ts\n${fence}ts\n${parserTest}\n${fence}`);
    assert.deepEqual(fenced.changes, [{ kind: 'write', path: 'src/parse.test.ts', content: `${parserTest}\n` }]);

    const tagged = parseTextAnswer(`<file path="docs/format.md">\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n</file>`);
    assert.deepEqual(tagged.changes, [
      { kind: 'write', path: 'docs/format.md', content: '<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n' },
    ]);
  });

  test('a <file> tag inside a fenced file is part of that file, not a second file', () => {
    const html = '<p>Upload: <file path="x"></file></p>';
    const parsed = parseTextAnswer(`public/index.html\n${fence}html\n${html}\n${fence}`);
    assert.deepEqual(parsed.changes, [{ kind: 'write', path: 'public/index.html', content: `${html}\n` }]);
  });
});
