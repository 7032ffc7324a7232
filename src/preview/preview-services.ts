/**
 * What a long-running Catalyst process runs for previews: the monitor (health, restarts, TTL, limits,
 * re-adoption) and, when enabled, the Host router, with the router's last-request times feeding the
 * monitor's least-recently-used eviction. `startPreviewServices` in runtime/preview-services.ts fills these options
 * from the configuration; `catalyst serve` calls it.
 */
import type { Logger } from '../core/logger.ts';
import type { PreviewChange, PreviewControlDeps, RestartDeps } from './preview-control.ts';
import { startPreviewMonitor, type PreviewMonitor } from './preview-monitor.ts';
import { startPreviewRouter, type PreviewRouter } from './preview-router.ts';

export interface PreviewServicesOptions extends PreviewControlDeps, RestartDeps {
  intervalMs: number;
  maxRestarts: number;
  maxConcurrent: number;
  router: { port: number; host: string; baseDomain: string } | null;
  logger?: Logger;
  onChange?: (change: PreviewChange) => void;
}

export interface PreviewServices {
  monitor: PreviewMonitor;
  router: PreviewRouter | null;
  close(): Promise<void>;
}

export async function startPreviewServices(opts: PreviewServicesOptions): Promise<PreviewServices> {
  const router = opts.router
    ? await startPreviewRouter({ state: opts.state, port: opts.router.port, host: opts.router.host, baseDomain: opts.router.baseDomain })
    : null;
  const monitor = startPreviewMonitor({
    ...opts,
    ...(router ? { lastActivity: () => router.lastActivity() } : {}),
    onChange(change) {
      // A restart moves a preview to a new port: route to it now, not when the cached table ages out.
      router?.invalidate();
      opts.onChange?.(change);
    },
  });
  return {
    monitor,
    router,
    async close() {
      await monitor.stop();
      await router?.close();
    },
  };
}
