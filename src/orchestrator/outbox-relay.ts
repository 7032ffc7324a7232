/**
 * Publishes committed outbox rows to the bus with confirms, then marks them sent. A crash between
 * publish and mark re-publishes on restart; consumers' inboxes make that harmless (at-least-once
 * delivery, exactly-once effects).
 */
import type { EventBus } from '../core/ports/event-bus.ts';
import type { Logger } from '../core/logger.ts';
import type { StateStore } from '../core/ports/state-store.ts';

export interface OutboxRelay {
  start(): void;
  /** Run a pass now (after a commit) instead of waiting for the next poll. */
  kick(): void;
  stop(): Promise<void>;
}

export function createOutboxRelay(opts: {
  state: StateStore;
  bus: EventBus;
  logger: Logger;
  pollMs?: number;
  batchSize?: number;
  staleClaimMs?: number;
}): OutboxRelay {
  const pollMs = opts.pollMs ?? 250;
  const batch = opts.batchSize ?? 100;
  const stale = opts.staleClaimMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let pass: Promise<void> | null = null;
  let again = false;

  async function drain(): Promise<void> {
    for (;;) {
      const rows = await opts.state.claimOutbox(batch, stale);
      if (rows.length === 0) return;
      // Publish the whole batch before awaiting confirms: the bus sends in call order, so ordering is
      // kept while the round trips overlap. Rows whose publish failed stay unsent for the next pass.
      const results = await Promise.allSettled(rows.map((row) => opts.bus.publish(row.event)));
      const sent = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((row) => row.id);
      if (sent.length > 0) await opts.state.markOutboxSent(sent);
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      if (rows.length < batch) return;
    }
  }

  function run(): void {
    if (stopped) return;
    if (pass) {
      again = true;
      return;
    }
    clearTimeout(timer);
    pass = drain()
      .catch((e) => opts.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        pass = null;
        if (stopped) return;
        if (again) {
          again = false;
          run();
        } else {
          timer = setTimeout(run, pollMs);
        }
      });
  }

  return {
    start() {
      stopped = false;
      run();
    },
    kick: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
