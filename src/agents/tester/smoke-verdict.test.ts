/** The smoke check's rules on their own: which element it uses, and what fails an app. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PageCandidate, PageProblems } from '../../core/ports/page-browser.ts';
import { chooseMainElement, smokeChecks, smokeVerdict, type SmokeObservation } from './smoke-verdict.ts';

let nextRef = 0;
function el(kind: PageCandidate['kind'], label = '', inputType: string | null = null): PageCandidate {
  const tag = kind === 'button' || kind === 'focusable' ? (kind === 'button' ? 'button' : 'div') : kind;
  return { ref: nextRef++, kind, tag, inputType: kind === 'input' ? (inputType ?? 'text') : null, label };
}

const NO_PROBLEMS: PageProblems = { pageErrors: [], consoleErrors: [], failedRequests: [], blockedRequests: [] };

function healthy(overrides: Partial<SmokeObservation> = {}): SmokeObservation {
  const button = el('button', 'Add one');
  return {
    startError: null,
    load: { status: 200, error: null, durationMs: 120 },
    state: { visibleText: 40, visibleElements: 12, visibleMedia: 0, title: 'App', fingerprint: 'a1' },
    problems: NO_PROBLEMS,
    interaction: {
      element: chooseMainElement([button]),
      error: null,
      changed: true,
      newPageErrors: [],
      newFailedRequests: [],
    },
    ...overrides,
  };
}

const statusOf = (o: SmokeObservation) => Object.fromEntries(smokeChecks(o).map((c) => [c.name, c.status]));

describe('chooseMainElement', () => {
  test('the first visible button wins over fields, canvases and anything focusable', () => {
    const field = el('input', 'Title');
    const first = el('button', 'Save');
    const choice = chooseMainElement([el('canvas'), field, first, el('button', 'Cancel')]);
    assert.equal(choice.candidate, first);
    assert.deepEqual(choice.actions, ['click']);
    assert.equal(choice.description, 'button "Save"');
  });

  test('an input of type submit counts as a button', () => {
    const submit = el('input', 'Go', 'submit');
    const choice = chooseMainElement([el('textarea', 'Notes'), submit]);
    assert.equal(choice.candidate, submit);
    assert.deepEqual(choice.actions, ['click']);
  });

  test('without a button: the first field, typed into, toggled or given its next option', () => {
    assert.deepEqual(chooseMainElement([el('canvas'), el('input', 'Name')]).actions, ['fill']);
    assert.deepEqual(chooseMainElement([el('textarea')]).actions, ['fill']);
    assert.deepEqual(chooseMainElement([el('input', 'Done', 'checkbox')]).actions, ['click']);
    assert.deepEqual(chooseMainElement([el('select', 'Size')]).actions, ['select']);
    assert.equal(chooseMainElement([el('input', 'Name')]).description, 'input[type=text] "Name"');
  });

  test('a canvas is clicked then given arrow keys and space; a focusable element gets keys', () => {
    const canvas = el('canvas');
    assert.deepEqual(chooseMainElement([el('focusable', 'Board'), canvas]), {
      candidate: canvas,
      actions: ['click', 'keys'],
      description: 'canvas',
    });
    assert.deepEqual(chooseMainElement([el('focusable', 'Board')]).actions, ['keys']);
  });

  test('a page with nothing interactive is driven by the keyboard', () => {
    assert.deepEqual(chooseMainElement([]), { candidate: null, actions: ['keys'], description: 'the page' });
  });
});

describe('smokeChecks and smokeVerdict', () => {
  test('a page that renders, loads cleanly and responds passes every check', () => {
    const checks = smokeChecks(healthy());
    assert.deepEqual(
      checks.map((c) => [c.name, c.status]),
      [
        ['start', 'passed'],
        ['document', 'passed'],
        ['rendered', 'passed'],
        ['page_errors', 'passed'],
        ['console_errors', 'passed'],
        ['failed_requests', 'passed'],
        ['interaction', 'passed'],
      ],
    );
    assert.deepEqual(smokeVerdict(checks), { status: 'passed', reason: null });
    assert.equal(checks.at(-1)!.detail, 'button "Add one": click: the page changed');
  });

  test('an app that does not start fails with why, and nothing after it is judged', () => {
    const checks = smokeChecks(healthy({ startError: 'the app build failed (exit code 1)', load: null, state: null, interaction: null }));
    assert.deepEqual(smokeVerdict(checks), { status: 'failed', reason: 'start: the app build failed (exit code 1)' });
    assert.ok(checks.slice(1).every((c) => c.status === 'skipped'));
  });

  test('a document answering 500 or not loading at all fails', () => {
    assert.equal(statusOf(healthy({ load: { status: 500, error: null, durationMs: 5 } })).document, 'failed');
    const timedOut = smokeChecks(healthy({ load: { status: null, error: 'Timeout 30000ms exceeded', durationMs: 30000 } }));
    assert.match(smokeVerdict(timedOut).reason ?? '', /^document: GET \/ failed: Timeout 30000ms exceeded$/);
  });

  test('a blank page fails, while a canvas with no text counts as rendered', () => {
    const blank = smokeChecks(healthy({ state: { visibleText: 0, visibleElements: 1, visibleMedia: 0, title: '', fingerprint: 'x' } }));
    assert.match(smokeVerdict(blank).reason ?? '', /^rendered: nothing rendered/);
    const game = healthy({ state: { visibleText: 0, visibleElements: 2, visibleMedia: 1, title: 'Snake', fingerprint: 'x' } });
    assert.equal(statusOf(game).rendered, 'passed');
  });

  test('an uncaught error fails with its message', () => {
    const checks = smokeChecks(healthy({ problems: { ...NO_PROBLEMS, pageErrors: ['TypeError: x is undefined'] } }));
    assert.deepEqual(smokeVerdict(checks), { status: 'failed', reason: 'page_errors: uncaught: TypeError: x is undefined' });
  });

  test("console errors fail, except Chromium's own line for a failed resource (the failed-requests check names it)", () => {
    const resource = { ...NO_PROBLEMS, consoleErrors: ['Failed to load resource: the server responded with a status of 404 (Not Found)'] };
    assert.equal(statusOf(healthy({ problems: resource })).console_errors, 'passed');
    assert.equal(statusOf(healthy({ problems: { ...NO_PROBLEMS, consoleErrors: ['could not load todos'] } })).console_errors, 'failed');
  });

  test('a failed same-origin request during load fails, with its path; blocked cross-origin requests are only reported', () => {
    const problems: PageProblems = {
      ...NO_PROBLEMS,
      failedRequests: [{ url: 'http://127.0.0.1:9000/assets/app.js?v=1', method: 'GET', status: 404, reason: 'HTTP 404' }],
      blockedRequests: ['https://fonts.example.com/a.css'],
    };
    const check = smokeChecks(healthy({ problems })).find((c) => c.name === 'failed_requests')!;
    assert.equal(check.status, 'failed');
    assert.equal(
      check.detail,
      '1 failed: GET /assets/app.js?v=1 (HTTP 404); 1 request(s) to other origins blocked: https://fonts.example.com/a.css',
    );
    const onlyBlocked = smokeChecks(healthy({ problems: { ...NO_PROBLEMS, blockedRequests: ['https://cdn.example.com/x.js'] } }));
    assert.equal(onlyBlocked.find((c) => c.name === 'failed_requests')!.status, 'passed');
  });

  test('the interaction fails when the element throws, errors, or its requests get a 5xx; a 4xx is the app refusing the input', () => {
    const base = healthy().interaction!;
    assert.equal(statusOf(healthy({ interaction: { ...base, error: 'element is not visible' } })).interaction, 'failed');
    const threw = smokeChecks(healthy({ interaction: { ...base, newPageErrors: ['boom'] } })).at(-1)!;
    assert.deepEqual([threw.status, threw.detail], ['failed', 'button "Add one": click threw: boom']);
    const post = (status: number | null) => ({ url: 'http://127.0.0.1:9000/api/auth/login', method: 'POST', status, reason: 'x' });
    assert.equal(statusOf(healthy({ interaction: { ...base, newFailedRequests: [post(500)] } })).interaction, 'failed');
    assert.equal(statusOf(healthy({ interaction: { ...base, newFailedRequests: [post(null)] } })).interaction, 'failed');
    const refused = smokeChecks(healthy({ interaction: { ...base, newFailedRequests: [post(400)] } })).at(-1)!;
    assert.deepEqual(
      [refused.status, refused.detail],
      ['passed', 'button "Add one": click: the page changed (the app refused the input: POST /api/auth/login (HTTP 400))'],
    );
  });

  test('no visible change without an error passes, and says so', () => {
    const still = smokeChecks(healthy({ interaction: { ...healthy().interaction!, changed: false } })).at(-1)!;
    assert.deepEqual([still.status, still.detail], ['passed', 'button "Add one": click: no visible change, no error']);
  });
});
