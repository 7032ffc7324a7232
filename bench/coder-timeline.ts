/**
 * The arithmetic of `npm run bench:coder` (bench/coder.ts), kept pure so it can be tested: from what was
 * seen outside Catalyst during one build — when the stand-in received each model request and how long it
 * took to answer, when each check ran in the sandbox, when each coder step started and returned — the time
 * Catalyst itself spent per tool-calling step, per tool call and per round. All times are performance.now()
 * milliseconds of the one process the bench, the stand-in and the coder share.
 */

export interface SeenRequest {
  /** When the stand-in had the whole request. */
  at: number;
  /** The stand-in's own time answering it (ReceivedRequest.handledMs). */
  handledMs: number;
  /** No assistant message in it: the first request of a round (each round is a fresh conversation). */
  opensRound: boolean;
  /** Tool calls in the answer it got. */
  toolCalls: number;
}

export interface SeenCheck {
  start: number;
  end: number;
  /** What the toolbox reports as CheckOutcome.durationMs (the runner's RunResult.durationMs). */
  durationMs: number;
}

/** One call of the coder's handler (a build, or a repair the reviewer asked for). */
export interface SeenStep {
  start: number;
  end: number;
}

export interface Timeline {
  wallMs: number;
  checkMs: number;
  modelMs: number;
  /** Per coder step: from its start to its first model request (skeleton commit, dependencies, brief). */
  setupMs: number[];
  /** Per answer with tool calls inside a round: the gap to the next request, minus the checks in it. */
  stepOverheadMs: number[];
  /** The same, divided evenly among that answer's tool calls (one entry per tool call). */
  callOverheadMs: number[];
  /** Per round: its span minus the stand-in's time and the checks in it. */
  roundOverheadMs: number[];
  rounds: number;
  modelCalls: number;
  toolCalls: number;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const sum = (xs: readonly number[]) => xs.reduce((n, x) => n + x, 0);

/** Check time that falls inside [from, to]: a check belongs to the gap or round it ran in. */
function checksWithin(checks: readonly SeenCheck[], from: number, to: number): number {
  return sum(checks.filter((c) => c.start >= from && c.end <= to).map((c) => c.durationMs));
}

export function analyse(steps: readonly SeenStep[], requests: readonly SeenRequest[], checks: readonly SeenCheck[]): Timeline {
  const setupMs: number[] = [];
  const stepOverheadMs: number[] = [];
  const callOverheadMs: number[] = [];
  const roundOverheadMs: number[] = [];
  let rounds = 0;
  for (const step of steps) {
    const mine = requests.filter((r) => r.at >= step.start && r.at <= step.end).sort((a, b) => a.at - b.at);
    if (mine.length === 0) continue;
    setupMs.push(mine[0]!.at - step.start);
    for (let i = 0; i + 1 < mine.length; i++) {
      const [r, next] = [mine[i]!, mine[i + 1]!];
      // Between rounds the gap holds the coder loop's own checks and its next prompt: a round's cost, not a call's.
      if (next.opensRound || r.toolCalls === 0) continue;
      const end = r.at + r.handledMs;
      const overhead = next.at - end - checksWithin(checks, end, next.at);
      stepOverheadMs.push(overhead);
      for (let k = 0; k < r.toolCalls; k++) callOverheadMs.push(overhead / r.toolCalls);
    }
    const starts = mine.flatMap((r, i) => (r.opensRound || i === 0 ? [i] : []));
    for (const [k, first] of starts.entries()) {
      const from = mine[first]!.at;
      const to = k + 1 < starts.length ? mine[starts[k + 1]!]!.at : step.end;
      const inRound = mine.slice(first, k + 1 < starts.length ? starts[k + 1] : mine.length);
      roundOverheadMs.push(to - from - sum(inRound.map((r) => r.handledMs)) - checksWithin(checks, from, to));
      rounds += 1;
    }
  }
  return {
    wallMs: sum(steps.map((s) => s.end - s.start)),
    checkMs: sum(checks.map((c) => c.durationMs)),
    modelMs: sum(requests.map((r) => r.handledMs)),
    setupMs,
    stepOverheadMs,
    callOverheadMs,
    roundOverheadMs,
    rounds,
    modelCalls: requests.length,
    toolCalls: sum(requests.map((r) => r.toolCalls)),
  };
}
