/**
 * Catalyst's own browser smoke check, run on every app whoever wrote it (ARCHITECTURE §4): the app is
 * started the way its preview would be (built, sandboxed, on a port of its own, through the preview
 * runtime), `/` is opened in Chromium, and the verdict comes from smoke-verdict.ts. Screenshots before
 * and after the interaction go to `test-results/smoke/`.
 */
import type { SmokeSummary } from '../../contracts/artifacts.ts';
import type { PreviewDeployment } from '../../contracts/records.ts';
import type { AgentContext } from '../../core/agent.ts';
import { AppError } from '../../core/errors.ts';
import type { PageBrowser } from '../../core/ports/page-browser.ts';
import type { PreviewHandle } from '../../core/ports/preview-runtime.ts';
import { chooseMainElement, smokeChecks, smokeVerdict, type InteractionOutcome, type SmokeObservation } from './smoke-verdict.ts';

export const SMOKE_DIR = 'test-results/smoke';
const LIVE: PreviewDeployment['status'][] = ['starting', 'healthy', 'unhealthy'];
/** Loading `/` and acting on it; the build and start have the preview's own deadline. */
const PAGE_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 15;

function skipped(reason: string, browser: string | null = null): SmokeSummary {
  return { status: 'skipped', reason, browser, checks: [], interaction: null, screenshots: [], duration_seconds: 0 };
}

function startErrorOf(e: unknown): string {
  const err = AppError.from(e);
  const tail = err.details?.logTail;
  const lines = Array.isArray(tail) ? tail.filter((l): l is string => typeof l === 'string' && l.trim() !== '').slice(-LOG_TAIL_LINES) : [];
  return lines.length > 0 ? `${err.message}; last log lines: ${lines.join(' | ')}` : err.message;
}

/** Opens the running app at `url` and observes it; the PNGs are written as they are taken. */
class BrowserUnavailable extends Error {}

async function observe(ctx: AgentContext, browser: PageBrowser, url: string, shots: string[]): Promise<SmokeObservation> {
  const page = await browser.open(url, { timeoutMs: PAGE_TIMEOUT_MS, signal: ctx.signal }).catch((e: unknown) => {
    throw new BrowserUnavailable(e instanceof Error ? e.message.split('\n')[0] : String(e));
  });
  try {
    const shoot = async (name: string): Promise<Uint8Array | null> => {
      try {
        const png = await page.screenshot();
        await ctx.ports.artifacts.write(ctx.task.id, `${SMOKE_DIR}/${name}`, png);
        shots.push(`${SMOKE_DIR}/${name}`);
        return png;
      } catch {
        return null;
      }
    };
    if (page.load.error !== null || page.load.status === null || page.load.status >= 400) {
      await shoot('page.png');
      return { startError: null, load: page.load, state: null, problems: page.problems(), interaction: null };
    }
    // A page stuck in a loop answers nothing: that is a verdict (nothing rendered), not a crash of the check.
    const state = await page.state().catch(() => null);
    if (state === null) return { startError: null, load: page.load, state: null, problems: page.problems(), interaction: null };
    const before = await shoot('before.png');
    const element = chooseMainElement(await page.candidates().catch(() => []));
    const atLoad = page.problems();
    let error: string | null = null;
    for (const action of element.actions) {
      error = (await page.act(element.candidate, action)).error;
      if (error !== null) break;
    }
    const after = await page.state().catch(() => null);
    const afterPng = await shoot('after.png');
    const all = page.problems();
    const pixelsChanged = before !== null && afterPng !== null && Buffer.compare(Buffer.from(before), Buffer.from(afterPng)) !== 0;
    const interaction: InteractionOutcome = {
      element,
      error,
      changed: pixelsChanged || (after !== null && after.fingerprint !== state.fingerprint),
      newPageErrors: all.pageErrors.slice(atLoad.pageErrors.length),
      newFailedRequests: all.failedRequests.slice(atLoad.failedRequests.length),
    };
    return { startError: null, load: page.load, state, problems: atLoad, interaction };
  } finally {
    await page.close();
  }
}

export async function runSmokeCheck(ctx: AgentContext, dir: string): Promise<SmokeSummary> {
  const { tester } = ctx.settings;
  if (!tester.runSmokeCheck) return skipped('skipped: disabled in config (agents.tester.run_smoke_check is false)');
  const browser = ctx.ports.browser;
  if (!browser || tester.chromiumPath === null) return skipped('skipped: chromium not found (agents.tester.chromium_path)');

  const started = Date.now();
  const shots: string[] = [];
  const reservedPorts = (await ctx.ports.state.listPreviews({ statuses: LIVE })).map((p) => p.port).filter((p): p is number => p !== null);
  let handle: PreviewHandle;
  let observation: SmokeObservation;
  try {
    // A folder of its own, so the smoke run never replaces the task's live preview.
    handle = await ctx.ports.previews.start({
      taskId: `${ctx.task.id}-smoke`,
      projectSlug: ctx.project.slug,
      sourceDir: dir,
      reservedPorts,
      timeoutMs: ctx.settings.preview.timeoutMs,
      detached: false,
    });
  } catch (e) {
    observation = { startError: startErrorOf(e), load: null, state: null, problems: null, interaction: null };
    return summaryOf(observation, browser, shots, started);
  }
  try {
    if (handle.sandbox.warning) ctx.log(`Smoke check: ${handle.sandbox.warning}`, 'warning');
    observation = await observe(ctx, browser, handle.url, shots);
  } catch (e) {
    // The browser itself would not start: nothing was learnt about the app.
    if (e instanceof BrowserUnavailable) return skipped(`skipped: chromium could not start: ${e.message}`, browser.description);
    throw e;
  } finally {
    const log = await ctx.ports.workspace.readText(handle.logPath);
    if (log !== null) await ctx.ports.artifacts.write(ctx.task.id, `${SMOKE_DIR}/app.log`, log);
    await ctx.ports.previews.stop({ pid: handle.pid, workingCopy: handle.workingCopy, containerId: handle.containers?.[0]?.id ?? null });
  }
  return summaryOf(observation, browser, shots, started);
}

function summaryOf(o: SmokeObservation, browser: PageBrowser, shots: string[], started: number): SmokeSummary {
  const checks = smokeChecks(o);
  const i = o.interaction;
  return {
    ...smokeVerdict(checks),
    browser: browser.description,
    checks,
    interaction: i ? { element: i.element.description, actions: i.element.actions, changed: i.changed, error: i.error } : null,
    screenshots: shots,
    duration_seconds: Math.round((Date.now() - started) / 10) / 100,
  };
}
