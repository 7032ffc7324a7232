/**
 * PageBrowser over Debian's Chromium, driven by playwright-core with `executablePath` (Catalyst never
 * downloads browsers). One browser process per `open`, so a page that wedges its renderer takes
 * nothing else down and `close` always has something definite to kill.
 *
 * The in-page code is built with `new Function` from plain source: a function written here would be
 * serialised from what tsx compiled, and esbuild's helpers (`__name`) do not exist in the page.
 */
import { chromium, type Browser, type ElementHandle, type Page, type Request } from 'playwright-core';
import type { BrowserPage, FailedRequest, PageAction, PageBrowser, PageCandidate, PageState } from '../../../core/ports/page-browser.ts';

/** Without these Chromium keeps calling Google's hosts (updates, sync, field trials), which closed networks refuse. */
const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const VIEWPORT = { width: 1280, height: 800 };
/** How long the page may keep fetching after `load` before we read it: enough for an app's first API calls. */
const SETTLE_MS = 3_000;
const ACTION_MS = 3_000;
const MAX_CANDIDATES = 200;

/** A function for the page, made from source text (see the file's note). */
function inPage<A extends unknown[], R>(params: string[], body: string): (...args: A) => R {
  return new Function(...params, body) as (...args: A) => R;
}

const CANDIDATE_SELECTOR = [
  'button',
  '[role="button"]',
  'input:not([type="hidden"])',
  'textarea',
  'select',
  'canvas',
  '[tabindex]:not([tabindex="-1"])',
  '[contenteditable=""]',
  '[contenteditable="true"]',
].join(', ');

const STATE_SCRIPT = inPage<[], PageState>(
  [],
  `
  const body = document.body;
  let hash = 2166136261;
  const mix = (s) => { for (let i = 0; i < s.length; i++) { hash ^= s.charCodeAt(i); hash = Math.imul(hash, 16777619); } };
  let visibleElements = 0, visibleMedia = 0;
  if (body) {
    mix(body.innerHTML);
    const all = body.querySelectorAll('*');
    for (let i = 0; i < all.length && i < 5000; i++) {
      const el = all[i];
      const r = el.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0 || getComputedStyle(el).visibility === 'hidden') continue;
      visibleElements++;
      if (/^(canvas|img|svg|video)$/i.test(el.tagName)) visibleMedia++;
    }
    for (const f of body.querySelectorAll('input, textarea, select')) mix('|' + (f.type === 'checkbox' || f.type === 'radio' ? String(f.checked) : f.value));
    for (const c of body.querySelectorAll('canvas')) { try { mix(c.toDataURL()); } catch (e) { mix('tainted'); } }
  }
  return {
    visibleText: body ? body.innerText.trim().length : 0,
    visibleElements, visibleMedia,
    title: document.title,
    fingerprint: (hash >>> 0).toString(16),
  };`,
);

interface Described {
  tag: string;
  inputType: string | null;
  role: string | null;
  label: string;
}

/** Describes one element, or null when it is hidden or disabled. */
const DESCRIBE = inPage<[Element], Described | null>(
  ['el'],
  `
  const r = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  if (r.width <= 0 || r.height <= 0 || style.visibility === 'hidden' || style.display === 'none' || el.disabled) return null;
  const tag = el.tagName.toLowerCase();
  const label = (el.getAttribute('aria-label') || el.innerText || el.getAttribute('placeholder') || el.getAttribute('name') || el.id || '').trim().replace(/\\s+/g, ' ').slice(0, 80);
  return { tag, inputType: tag === 'input' ? (el.getAttribute('type') || 'text').toLowerCase() : null, role: el.getAttribute('role'), label };`,
);
const OPTION_COUNT = inPage<[Element], number>(['el'], 'return el.options ? el.options.length : 0;');

function kindOf(d: { tag: string; role: string | null }): PageCandidate['kind'] {
  if (d.tag === 'button' || d.role === 'button') return 'button';
  if (d.tag === 'input' || d.tag === 'textarea' || d.tag === 'select' || d.tag === 'canvas') return d.tag;
  return 'focusable';
}

/** Page scripts have no timeout of their own: a page busy in a loop would never answer. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the page did not answer ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();

export function createPlaywrightBrowser(opts: { executablePath: string }): PageBrowser {
  return {
    description: `chromium ${opts.executablePath}`,
    async open(url, { timeoutMs, signal }) {
      const deadline = Date.now() + timeoutMs;
      const left = (cap: number) => Math.max(1, Math.min(cap, deadline - Date.now()));
      // playwright adds --no-sandbox (chromiumSandbox defaults to false), which Chromium needs as root;
      // the page's own confinement is the blocked network below and the app's sandbox behind it.
      const browser: Browser = await chromium.launch({ executablePath: opts.executablePath, args: CHROMIUM_ARGS, timeout: left(30_000) });
      const onAbort = () => void browser.close().catch(() => undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const origin = new URL(url).origin;
        const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
        const pageErrors: string[] = [];
        const consoleErrors: string[] = [];
        const failedRequests: FailedRequest[] = [];
        const blockedRequests: string[] = [];
        const sameOrigin = (u: string) => {
          try {
            return new URL(u).origin === origin;
          } catch {
            return false;
          }
        };
        await context.route('**/*', async (route) => {
          const target = route.request().url();
          if (sameOrigin(target)) return route.continue();
          blockedRequests.push(target);
          return route.abort('blockedbyclient');
        });
        // WebSockets bypass route(); a mocked socket that is closed at once never connects anywhere.
        await context.routeWebSocket(
          (u) => !sameOrigin(u.href),
          (ws) => {
            blockedRequests.push(ws.url());
            return ws.close();
          },
        );
        const page: Page = await context.newPage();
        page.on('pageerror', (e) => pageErrors.push(e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message));
        page.on('console', (m) => {
          if (m.type() === 'error') consoleErrors.push(m.text());
        });
        // A script answered with 404 is also reported as failed to load; count the request once.
        const answered = new WeakSet<Request>();
        page.on('response', (r) => {
          if (r.status() < 400 || !sameOrigin(r.url())) return;
          answered.add(r.request());
          failedRequests.push({ url: r.url(), method: r.request().method(), status: r.status(), reason: `HTTP ${r.status()}` });
        });
        page.on('requestfailed', (r) => {
          if (!sameOrigin(r.url()) || answered.has(r)) return;
          failedRequests.push({ url: r.url(), method: r.method(), status: null, reason: r.failure()?.errorText ?? 'failed' });
        });

        const settle = async (ms: number) => {
          await page.waitForLoadState('networkidle', { timeout: ms }).catch(() => undefined);
        };
        const started = Date.now();
        let status: number | null = null;
        let error: string | null = null;
        try {
          const response = await page.goto(url, { waitUntil: 'load', timeout: left(timeoutMs) });
          status = response?.status() ?? null;
          await settle(left(SETTLE_MS));
          // A client-rendered page may paint a moment after its last request.
          await page
            .waitForFunction(
              'document.body && (document.body.innerText.trim().length > 0 || document.querySelector("canvas, img, svg, video"))',
              undefined,
              {
                timeout: left(1_000),
              },
            )
            .catch(() => undefined);
        } catch (e) {
          error = firstLine(e);
        }
        const load = { status, error, durationMs: Date.now() - started };
        let handles: ElementHandle[] = [];

        const result: BrowserPage = {
          url,
          load,
          state: () => within(ACTION_MS, 'a read of its state', page.evaluate(STATE_SCRIPT)),
          async candidates() {
            handles = (await within(ACTION_MS, 'a query for its elements', page.$$(CANDIDATE_SELECTOR))).slice(0, MAX_CANDIDATES);
            const out: PageCandidate[] = [];
            for (const [ref, handle] of handles.entries()) {
              const d = await within(ACTION_MS, 'a description of an element', handle.evaluate(DESCRIBE)).catch(() => null);
              if (d) out.push({ ref, kind: kindOf(d), tag: d.tag, inputType: d.inputType, label: d.label });
            }
            return out;
          },
          async act(candidate, action: PageAction) {
            const handle = candidate === null ? null : handles[candidate.ref];
            if (candidate !== null && !handle) return { error: `no element ${candidate.ref}: list candidates first` };
            try {
              if (action === 'click') await handle!.click({ timeout: ACTION_MS });
              else if (action === 'fill') {
                await within(ACTION_MS, 'focus', handle!.focus());
                await within(ACTION_MS, 'typing', page.keyboard.type('1'));
              } else if (action === 'select') {
                const count = await within(ACTION_MS, 'a count of options', handle!.evaluate(OPTION_COUNT));
                await handle!.selectOption({ index: count > 1 ? 1 : 0 }, { timeout: ACTION_MS });
              } else {
                if (handle) await within(ACTION_MS, 'focus', handle.focus());
                for (const key of ['ArrowRight', 'ArrowUp', 'Space']) await within(ACTION_MS, `the ${key} key`, page.keyboard.press(key));
              }
              await page.waitForTimeout(300);
              await settle(2_000);
              return { error: null };
            } catch (e) {
              return { error: firstLine(e) };
            }
          },
          screenshot: () => page.screenshot({ type: 'png', timeout: 10_000 }),
          problems: () => ({
            pageErrors: [...pageErrors],
            consoleErrors: [...consoleErrors],
            failedRequests: [...failedRequests],
            blockedRequests: [...blockedRequests],
          }),
          async close() {
            signal?.removeEventListener('abort', onAbort);
            await browser.close().catch(() => undefined);
          },
        };
        return result;
      } catch (e) {
        signal?.removeEventListener('abort', onAbort);
        await browser.close().catch(() => undefined);
        throw e;
      }
    },
  };
}
