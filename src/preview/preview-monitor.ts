/**
 * The preview monitor (spec §7.2): in a long-running Catalyst process (`catalyst serve`, a worker)
 * it reconciles the recorded previews with reality every `preview.health_check_interval` seconds —
 * health checks, restarts up to `preview.max_restarts`, TTL expiry, the `preview.max_concurrent`
 * limit (least recently used stopped first) and removal of working copies nothing runs from.
 *
 * The first pass runs at once, which is how previews survive a Catalyst restart: rows whose
 * supervisor is still alive are kept as they are (adopted), dead ones are restarted or marked, and
 * every later start reserves the ports of all live rows, so no port is handed out twice.
 */
import type { Logger } from '../core/logger.ts';
import { reconcilePreviews, type PreviewChange, type PreviewControlDeps, type RestartDeps } from './preview-control.ts';

export interface PreviewMonitorDeps extends PreviewControlDeps, RestartDeps {
  intervalMs: number;
  maxRestarts: number;
  maxConcurrent: number;
  /** The Host router's last-request times, when a router runs in this process. */
  lastActivity?: () => ReadonlyMap<string, number>;
  logger?: Logger;
  /** Every change a pass made (restarts, expiries, evictions…), e.g. for the live feed. */
  onChange?: (change: PreviewChange) => void;
}

export interface PreviewMonitor {
  /** Runs one pass now (waiting for a pass already running) and returns what it changed. */
  tick(): Promise<PreviewChange[]>;
  /** Stops the timer and waits for a pass in progress; previews keep running. */
  stop(): Promise<void>;
}

export function startPreviewMonitor(deps: PreviewMonitorDeps): PreviewMonitor {
  let running: Promise<PreviewChange[]> | null = null;
  let stopped = false;

  async function pass(): Promise<PreviewChange[]> {
    const changes = await reconcilePreviews(deps, {
      restart: { ...deps, maxRestarts: deps.maxRestarts },
      maxConcurrent: deps.maxConcurrent,
      ...(deps.lastActivity ? { lastActivity: deps.lastActivity() } : {}),
      cleanup: true,
    });
    for (const change of changes) {
      const level = change.kind === 'failed' || change.kind === 'evicted' || change.kind === 'expired' ? 'warn' : 'info';
      deps.logger?.[level]({ preview: change }, `preview ${change.kind}: task ${change.taskId}`);
      deps.onChange?.(change);
    }
    return changes;
  }

  function tick(): Promise<PreviewChange[]> {
    // Passes never overlap: a slow restart must not be started twice by the next tick.
    running ??= pass().finally(() => (running = null));
    return running;
  }

  const runTick = (): void => {
    if (stopped) return;
    tick().catch((e: unknown) => deps.logger?.error({ err: String(e) }, 'preview monitor pass failed'));
  };
  const timer = setInterval(runTick, deps.intervalMs);
  // The monitor serves a process that is alive for other reasons; it must not keep one alive by itself.
  timer.unref();
  runTick();

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
