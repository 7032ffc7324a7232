/** The page's state and its transitions: pure, so the unit tests cover them without a browser. */
export interface Counter {
  count: number;
  /** Largest count reached so far. */
  best: number;
}

export const START: Counter = { count: 0, best: 0 };

export function increment(counter: Counter): Counter {
  const count = counter.count + 1;
  return { count, best: Math.max(counter.best, count) };
}

export function reset(counter: Counter): Counter {
  return { count: 0, best: counter.best };
}
