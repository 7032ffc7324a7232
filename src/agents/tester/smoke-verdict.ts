/**
 * The smoke check's judgement, apart from the browser that gathers what it judges: which element is
 * the page's main interactive one and how to use it, and which of the observations fail the app.
 * Pure, so each rule is tested on its own (smoke-verdict.test.ts).
 */
import type { SmokeCheck, SmokeSummary } from '../../contracts/artifacts.ts';
import type { FailedRequest, PageAction, PageCandidate, PageLoad, PageProblems, PageState } from '../../core/ports/page-browser.ts';

export interface MainElement {
  /** Null: nothing on the page is interactive, so keys go to the page itself (a keyboard-driven game). */
  candidate: PageCandidate | null;
  actions: PageAction[];
  /** `button "Add one"`. */
  description: string;
}

const BUTTON_INPUTS = new Set(['submit', 'button', 'reset', 'image']);
const TOGGLE_INPUTS = new Set(['checkbox', 'radio']);

function isButtonLike(c: PageCandidate): boolean {
  return c.kind === 'button' || (c.kind === 'input' && BUTTON_INPUTS.has(c.inputType ?? ''));
}

function describe(c: PageCandidate): string {
  const what = c.kind === 'input' ? `input[type=${c.inputType ?? 'text'}]` : c.kind === 'focusable' ? c.tag : c.kind;
  return c.label ? `${what} "${c.label}"` : what;
}

/**
 * First visible button; else the first form field; else a canvas (clicked, then arrow keys and space);
 * else any focusable element (keys); else the page (keys), since a page with nothing to click is most
 * likely driven by the keyboard.
 */
export function chooseMainElement(candidates: readonly PageCandidate[]): MainElement {
  const pick = (candidate: PageCandidate, actions: PageAction[]): MainElement => ({ candidate, actions, description: describe(candidate) });
  const button = candidates.find(isButtonLike);
  if (button) return pick(button, ['click']);
  const field = candidates.find((c) => c.kind === 'input' || c.kind === 'textarea' || c.kind === 'select');
  if (field) {
    if (field.kind === 'select') return pick(field, ['select']);
    return pick(field, [TOGGLE_INPUTS.has(field.inputType ?? '') ? 'click' : 'fill']);
  }
  const canvas = candidates.find((c) => c.kind === 'canvas');
  if (canvas) return pick(canvas, ['click', 'keys']);
  const focusable = candidates.find((c) => c.kind === 'focusable');
  if (focusable) return pick(focusable, ['keys']);
  return { candidate: null, actions: ['keys'], description: 'the page' };
}

export interface InteractionOutcome {
  element: MainElement;
  /** The first action's error, if one failed (the rest are not tried). */
  error: string | null;
  changed: boolean;
  /** Uncaught errors that happened during the interaction. */
  newPageErrors: string[];
  /**
   * Same-origin requests the interaction caused that failed. A 4xx here is the app answering what the
   * check typed or clicked (an empty login form gets 400), so only a 5xx or no response fails it.
   */
  newFailedRequests: FailedRequest[];
}

export interface SmokeObservation {
  /** Why the app did not start (build failed, no /health), else null. */
  startError: string | null;
  load: PageLoad | null;
  state: PageState | null;
  /** What went wrong while `/` loaded, before the check touched anything. */
  problems: PageProblems | null;
  interaction: InteractionOutcome | null;
}

/** Chromium's own line for a response >= 400, already reported (with its URL) by the failed-requests check. */
const RESOURCE_ERROR = /^Failed to load resource: /;
const MAX_LISTED = 3;

function listed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join('; ');
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more` : shown;
}

function requestText(r: FailedRequest): string {
  let path = r.url;
  try {
    const u = new URL(r.url);
    path = `${u.pathname}${u.search}`;
  } catch {
    // keep the raw URL
  }
  return `${r.method} ${path} (${r.status === null ? r.reason : `HTTP ${r.status}`})`;
}

/** Every check in order, with what was seen; checks after a failed start or load are skipped. */
export function smokeChecks(o: SmokeObservation): SmokeCheck[] {
  const checks: SmokeCheck[] = [];
  const add = (name: SmokeCheck['name'], failed: boolean, detail: string) =>
    checks.push({ name, status: failed ? 'failed' : 'passed', detail });
  const skipRest = (from: SmokeCheck['name'][], why: string) => {
    for (const name of from) checks.push({ name, status: 'skipped', detail: why });
  };
  const later: SmokeCheck['name'][] = ['rendered', 'page_errors', 'console_errors', 'failed_requests', 'interaction'];

  if (o.startError !== null) {
    add('start', true, o.startError);
    skipRest(['document', ...later], 'the app did not start');
    return checks;
  }
  add('start', false, 'built, started in the sandbox and answered GET /health');
  const load = o.load;
  if (!load || load.error !== null || load.status === null || load.status >= 400) {
    const why = !load
      ? 'the page was not opened'
      : load.error !== null
        ? load.error
        : load.status === null
          ? 'no response'
          : `HTTP ${load.status}`;
    add('document', true, `GET / failed: ${why}`);
    skipRest(later, 'the page did not load');
    return checks;
  }
  add('document', false, `GET / answered HTTP ${load.status} in ${load.durationMs} ms`);

  const s = o.state;
  const empty = !s || (s.visibleText === 0 && s.visibleMedia === 0);
  add(
    'rendered',
    empty,
    !s
      ? 'the page could not be read'
      : empty
        ? `nothing rendered: no visible text, canvas or image (${s.visibleElements} visible element(s))`
        : `${s.visibleText} characters of visible text, ${s.visibleMedia} canvas/image element(s), ${s.visibleElements} visible element(s)`,
  );

  const p = o.problems ?? { pageErrors: [], consoleErrors: [], failedRequests: [], blockedRequests: [] };
  add('page_errors', p.pageErrors.length > 0, p.pageErrors.length > 0 ? `uncaught: ${listed(p.pageErrors)}` : 'no uncaught errors');
  const consoleErrors = p.consoleErrors.filter((m) => !RESOURCE_ERROR.test(m));
  add(
    'console_errors',
    consoleErrors.length > 0,
    consoleErrors.length > 0 ? `console.error: ${listed(consoleErrors)}` : 'no errors in the console',
  );
  const blocked =
    p.blockedRequests.length > 0 ? `; ${p.blockedRequests.length} request(s) to other origins blocked: ${listed(p.blockedRequests)}` : '';
  add(
    'failed_requests',
    p.failedRequests.length > 0,
    p.failedRequests.length > 0
      ? `${p.failedRequests.length} failed: ${listed(p.failedRequests.map(requestText))}${blocked}`
      : `no failed same-origin requests${blocked}`,
  );

  const i = o.interaction;
  if (!i) add('interaction', true, 'the page could not be acted on');
  else {
    const verb = i.element.actions.join(' + ');
    const broken = i.newFailedRequests.filter((r) => r.status === null || r.status >= 500);
    const answered = i.newFailedRequests.filter((r) => !broken.includes(r));
    const failed = i.error !== null || i.newPageErrors.length > 0 || broken.length > 0;
    const what =
      i.error !== null
        ? `${verb} failed: ${i.error}`
        : i.newPageErrors.length > 0
          ? `${verb} threw: ${listed(i.newPageErrors)}`
          : broken.length > 0
            ? `${verb} made requests that failed: ${listed(broken.map(requestText))}`
            : i.changed
              ? `${verb}: the page changed`
              : `${verb}: no visible change, no error`;
    const refused = answered.length > 0 ? ` (the app refused the input: ${listed(answered.map(requestText))})` : '';
    add('interaction', failed, `${i.element.description}: ${what}${refused}`);
  }
  return checks;
}

/** The summary's verdict: failed when any check failed, with the first failure as the reason. */
export function smokeVerdict(checks: readonly SmokeCheck[]): Pick<SmokeSummary, 'status' | 'reason'> {
  const failed = checks.find((c) => c.status === 'failed');
  return failed ? { status: 'failed', reason: `${failed.name}: ${failed.detail}` } : { status: 'passed', reason: null };
}
