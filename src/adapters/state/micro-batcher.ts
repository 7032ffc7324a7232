/**
 * Gathers calls made in the same turn of the event loop into one call of `run`, so concurrent handlers
 * share one database round trip instead of taking one each. A key appears at most once per batch, and a
 * repeat waits until the batch holding its key has settled, so calls for one key run in the order they
 * were made. A failed batch is retried one item at a time so a single bad item fails only its own caller.
 */
export interface MicroBatcher<I, R> {
  submit(item: I): Promise<R>;
  /** Resolves when every submitted item has been answered. */
  idle(): Promise<void>;
}

interface Pending<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export function createMicroBatcher<I, R>(opts: {
  keyOf: (item: I) => string;
  /** Answers a batch: one result per key; a key missing from the map is an error for its caller. */
  run: (items: I[]) => Promise<Map<string, R>>;
  maxBatch?: number;
}): MicroBatcher<I, R> {
  const maxBatch = opts.maxBatch ?? 500;
  let queue: Pending<I, R>[] = [];
  let scheduled = false;
  const inFlight = new Set<Promise<void>>();
  /** Keys of batches still running: their repeats must not overtake them on another connection. */
  const busy = new Set<string>();

  function answer(batch: Pending<I, R>[], results: Map<string, R>): void {
    for (const p of batch) {
      const result = results.get(opts.keyOf(p.item));
      if (result === undefined) p.reject(new Error(`no result for ${opts.keyOf(p.item)}`));
      else p.resolve(result);
    }
  }

  async function flush(batch: Pending<I, R>[]): Promise<void> {
    try {
      answer(batch, await opts.run(batch.map((p) => p.item)));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => opts.run([p.item]).then((r) => answer([p], r), p.reject)));
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const seen = new Set<string>();
      const now: Pending<I, R>[] = [];
      const later: Pending<I, R>[] = [];
      for (const p of queue) {
        const key = opts.keyOf(p.item);
        if (seen.has(key) || busy.has(key) || now.length >= maxBatch) later.push(p);
        else {
          seen.add(key);
          now.push(p);
        }
      }
      queue = later;
      // Items held back only by the batch size go in the next turn; those held back by a busy key are
      // rescheduled when that batch settles.
      if (queue.some((p) => !busy.has(opts.keyOf(p.item)) && !seen.has(opts.keyOf(p.item)))) schedule();
      if (now.length === 0) return;
      for (const key of seen) busy.add(key);
      const running = flush(now).finally(() => {
        inFlight.delete(running);
        for (const key of seen) busy.delete(key);
        if (queue.length > 0) schedule();
      });
      inFlight.add(running);
    });
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        schedule();
      });
    },
    async idle() {
      while (queue.length > 0 || inFlight.size > 0) {
        if (inFlight.size > 0) await Promise.all(inFlight);
        else await new Promise((r) => setImmediate(r));
      }
    },
  };
}
