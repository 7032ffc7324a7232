/**
 * The pomodoro timer, as a tool-using model builds it on the web-app skeleton. Its mistakes: `padStart`
 * with a number (the type-check shows it, fixed in the same round); seconds rounded down, so a fresh timer
 * shows 24:59 at once (its own unit test fails; fixed when the coder loop reports the `test` check); and a
 * README promising the time in the tab's title that the page never sets, which the reviewer sends back
 * (`reviewRequests`).
 */
import { fixtureFile, replaceOnce } from './fixture-apps.ts';
import { call, ROUND_OPENINGS, type ScriptedSession } from './session.ts';

const file = (path: string) => fixtureFile('pomodoro', path);

const padString = "padStart(2, '0')";
const padNumber = 'padStart(2, 0)';
const roundedUp = 'Math.ceil(ms / 1000)';
const roundedDown = 'Math.floor(ms / 1000)';
const timeLeft = '  const time = formatTime(remaining(timer, now));\n';
const titleEffect = '  useEffect(() => {\n    document.title = `${time} · ${LABELS[timer.phase]}`;\n  }, [time, timer.phase]);\n';
const pauseClick = "  await page.getByRole('button', { name: 'Pause' }).click();\n";
const titleAssertion = '  assert.match(await page.title(), /^24:5\\d · Focus$/);\n';

/** What the reviewer says the first time it sees the app: the changes the third round makes. */
export const POMODORO_REVIEW_ITEMS = [
  'The README says the time left shows in the tab\'s title, but the page never sets document.title: show it there (e.g. "24:59 · Focus").',
];

export function pomodoroSession(): ScriptedSession {
  const pomodoro = replaceOnce(replaceOnce(file('frontend/src/pomodoro.ts'), padString, padNumber), roundedUp, roundedDown);
  return {
    name: 'pomodoro',
    prompt: 'A pomodoro timer: 25-minute focus sessions and 5-minute breaks, with start, pause and reset buttons.',
    whenDone: 'stop',
    reviewRequests: [POMODORO_REVIEW_ITEMS],
    rounds: [
      {
        opensWith: ROUND_OPENINGS.build,
        turns: [
          {
            toolCalls: [call.listFiles(), call.readFile('frontend/src/App.tsx'), call.readFile('frontend/src/counter.test.ts')],
          },
          {
            text: 'The timer keeps when it started and what was left, and works out the time left from a clock passed in: pure, so the tests move time by hand.',
            toolCalls: [
              call.writeFile('frontend/src/pomodoro.ts', pomodoro),
              call.writeFile('frontend/src/pomodoro.test.ts', file('frontend/src/pomodoro.test.ts')),
              call.writeFile('frontend/src/App.tsx', replaceOnce(file('frontend/src/App.tsx'), titleEffect, '')),
              call.writeFile('frontend/src/styles.css', file('frontend/src/styles.css')),
              call.editFile('frontend/index.html', '<title>Web App</title>', '<title>Pomodoro</title>'),
            ],
          },
          {
            toolCalls: [
              call.writeFile('e2e/pomodoro.e2e.test.ts', replaceOnce(file('e2e/pomodoro.e2e.test.ts'), titleAssertion, '')),
              call.writeFile('README.md', file('README.md')),
              call.deleteFile('e2e/app.e2e.test.ts'),
              call.deleteFile('frontend/src/counter.ts'),
              call.deleteFile('frontend/src/counter.test.ts'),
            ],
          },
          { toolCalls: [call.runCheck('typecheck')] },
          {
            text: '`padStart` takes the fill as a string.',
            expectResults: /TS2345/,
            toolCalls: [call.editFile('frontend/src/pomodoro.ts', padNumber, padString)],
          },
          { toolCalls: [call.runCheck('typecheck')] },
          {
            expectResults: /"ok":\s*true/,
            toolCalls: [
              call.finish(
                'Pomodoro timer: 25:00 focus, 05:00 break, start/pause/reset and a manual switch; the break starts when focus ends and finished sessions are counted. Logic in frontend/src/pomodoro.ts with unit tests on an injected clock; a browser test starts it and watches the time go down.',
              ),
            ],
          },
        ],
      },
      {
        opensWith: ROUND_OPENINGS.check('test'),
        expectMessage: /rounded up/,
        turns: [
          {
            text: 'formatTime rounds the seconds down, so 24:59.6 shows as 24:59; a countdown has to round up.',
            toolCalls: [call.editFile('frontend/src/pomodoro.ts', roundedDown, roundedUp)],
          },
          { toolCalls: [call.runCheck('test')] },
          { expectResults: /"ok":\s*true/, toolCalls: [call.finish('formatTime rounds up now: 25:00 until a full second has passed.')] },
        ],
      },
      {
        opensWith: ROUND_OPENINGS.review,
        expectMessage: /title/,
        turns: [
          {
            text: 'Setting the title from the same formatted time the page shows, and checking it in the browser test.',
            toolCalls: [
              call.editFile('frontend/src/App.tsx', timeLeft, timeLeft + titleEffect),
              call.editFile('e2e/pomodoro.e2e.test.ts', pauseClick, titleAssertion + pauseClick),
            ],
          },
          { toolCalls: [call.runCheck('typecheck')] },
          { expectResults: /"ok":\s*true/, toolCalls: [call.runCheck('e2e')] },
          {
            expectResults: /"ok":\s*true/,
            toolCalls: [call.finish('The tab title shows the time left and the phase ("24:59 · Focus"); the browser test checks it.')],
          },
        ],
      },
    ],
  };
}
