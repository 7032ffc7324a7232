/**
 * A headless browser that opens one page of a generated app and reports what happened there, for the
 * tester's smoke check (ARCHITECTURE §4). The port drives the page; what counts as a pass is the
 * agent's business (agents/tester/smoke-verdict.ts).
 *
 * Guarantees: each `open` gets a browser of its own (no cookies, storage or cache shared with another
 * check) and `close` ends it, whatever state the page is in; requests to any origin other than the
 * page's own are blocked and reported in `blockedRequests`, so an untrusted page cannot reach the
 * network through the browser; every call gives up by its deadline. `open` rejects only when the
 * browser itself cannot start; a page that fails to load is reported in `load`.
 */

/** An element the page offers for interaction, as `candidates()` lists it (visible and enabled, document order). */
export interface PageCandidate {
  /** Handle for `act`; valid for the page it came from until `close`. */
  ref: number;
  kind: 'button' | 'input' | 'textarea' | 'select' | 'canvas' | 'focusable';
  tag: string;
  /** `type` of an input (`text`, `checkbox`, …), else null. */
  inputType: string | null;
  /** What a person would call it: its text, aria-label, placeholder, name or id (at most 80 characters). */
  label: string;
}

/** What `act` does: `click` (buttons, checkboxes), `fill` (text fields), `select` (next option), `keys` (focus, then arrow right and space). */
export type PageAction = 'click' | 'fill' | 'select' | 'keys';

export interface PageLoad {
  /** HTTP status of the document; null when no response came. */
  status: number | null;
  /** Why the navigation failed (timeout, connection refused), else null. */
  error: string | null;
  durationMs: number;
}

export interface PageState {
  /** Characters of visible text in the body, whitespace trimmed. */
  visibleText: number;
  /** Visible elements in the body (non-zero size, not hidden). */
  visibleElements: number;
  /** Visible canvas, img, svg and video elements. */
  visibleMedia: number;
  title: string;
  /** Changes when the DOM, form values or canvas pixels change. */
  fingerprint: string;
}

export interface FailedRequest {
  url: string;
  method: string;
  /** The response's status (>= 400), or null when the request failed without one. */
  status: number | null;
  reason: string;
}

export interface PageProblems {
  /** Uncaught exceptions and unhandled rejections, with their messages. */
  pageErrors: string[];
  consoleErrors: string[];
  /** Same-origin requests that failed or answered >= 400. */
  failedRequests: FailedRequest[];
  /** Cross-origin requests the browser refused to make. */
  blockedRequests: string[];
}

export interface BrowserPage {
  readonly url: string;
  readonly load: PageLoad;
  state(): Promise<PageState>;
  candidates(): Promise<PageCandidate[]>;
  /** Acts on a candidate (or on the page itself when null: keys only) and waits for the page to settle. */
  act(candidate: PageCandidate | null, action: PageAction): Promise<{ error: string | null }>;
  /** The visible viewport as PNG. */
  screenshot(): Promise<Uint8Array>;
  /** Everything seen since `open`, in order. */
  problems(): PageProblems;
  close(): Promise<void>;
}

export interface PageBrowser {
  /** Which browser runs the pages, for reports (`chromium /usr/bin/chromium`). */
  readonly description: string;
  open(url: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<BrowserPage>;
}
