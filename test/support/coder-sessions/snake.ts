/**
 * The snake game, as a tool-using model builds it on the web-app skeleton. Its mistakes: a key map typed
 * too loosely to index with `event.key` (the type-check shows it, the model fixes it in the same round), and
 * a collision check that counts the cell the tail is leaving (its own unit test fails; fixed only when the
 * coder loop reports the failing `test` check).
 */
import { fixtureFile, replaceOnce } from './fixture-apps.ts';
import { call, ROUND_OPENINGS, type ScriptedSession } from './session.ts';

const file = (path: string) => fixtureFile('snake', path);

const keysTyped = 'const KEYS: Partial<Record<string, Direction>> = {';
const keysLoose = 'const KEYS = {';
const tailLeaves = 'body.some((part) => samePoint(part, head))';
const tailStays = 'game.snake.some((part) => samePoint(part, head))';

export function snakeSession(): ScriptedSession {
  return {
    name: 'snake',
    prompt:
      'A snake game in the browser: the snake moves on its own and turns with the arrow keys, eats food to grow and score, and the game is over when it hits a wall or itself.',
    whenDone: 'stop',
    rounds: [
      {
        opensWith: ROUND_OPENINGS.build,
        turns: [
          {
            text: 'Let me look at the skeleton first.',
            toolCalls: [call.listFiles(), call.readFile('frontend/src/App.tsx'), call.readFile('e2e/app.e2e.test.ts')],
          },
          {
            text: 'The rules go in a pure module with unit tests; the page draws the board as a CSS grid and drives it with a timer.',
            expectResults: /frontend\/src\/counter\.ts/,
            toolCalls: [
              call.writeFile('frontend/src/snake.ts', replaceOnce(file('frontend/src/snake.ts'), tailLeaves, tailStays)),
              call.writeFile('frontend/src/snake.test.ts', file('frontend/src/snake.test.ts')),
              call.writeFile('frontend/src/App.tsx', replaceOnce(file('frontend/src/App.tsx'), keysTyped, keysLoose)),
              call.writeFile('frontend/src/styles.css', file('frontend/src/styles.css')),
              call.editFile('frontend/index.html', '<title>Web App</title>', '<title>Snake</title>'),
            ],
          },
          {
            text: 'Now the browser test, the README, and the counter example the game replaces.',
            toolCalls: [
              call.writeFile('e2e/snake.e2e.test.ts', file('e2e/snake.e2e.test.ts')),
              call.writeFile('README.md', file('README.md')),
              call.deleteFile('e2e/app.e2e.test.ts'),
              call.deleteFile('frontend/src/counter.ts'),
              call.deleteFile('frontend/src/counter.test.ts'),
            ],
          },
          { toolCalls: [call.runCheck('typecheck')] },
          {
            text: 'KEYS is inferred with fixed keys, so indexing it with `event.key` fails. A partial record of directions fixes that and the call to `turn`.',
            expectResults: /TS7053/,
            toolCalls: [call.editFile('frontend/src/App.tsx', keysLoose, keysTyped)],
          },
          { toolCalls: [call.runCheck('typecheck')] },
          { expectResults: /"ok":\s*true/, toolCalls: [call.runCheck('lint')] },
          {
            expectResults: /"ok":\s*true/,
            toolCalls: [
              call.finish(
                'Snake on a 15×15 board: moves every 150 ms, arrow keys turn (no reversing onto itself), food grows the snake and scores, walls and its own body end the game, "Play again" restarts. Rules in frontend/src/snake.ts with unit tests; a browser test presses a key and watches it move.',
              ),
            ],
          },
        ],
      },
      {
        opensWith: ROUND_OPENINGS.check('test'),
        expectMessage: /follows its own tail/,
        turns: [
          {
            text: 'The tail test fails: the collision check looks at the whole snake, including the tail cell that is emptied in the same tick.',
            toolCalls: [call.readFile('frontend/src/snake.ts')],
          },
          { toolCalls: [call.editFile('frontend/src/snake.ts', tailStays, tailLeaves)] },
          { toolCalls: [call.runCheck('test')] },
          {
            expectResults: /"ok":\s*true/,
            toolCalls: [call.finish('Fixed the self-collision check: the head may move into the cell the tail leaves in the same tick.')],
          },
        ],
      },
    ],
  };
}
