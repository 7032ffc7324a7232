/**
 * `npm run bench:coder [-- --runs N --sessions snake,pomodoro,shortener --wires openai,anthropic --json]`:
 * what the model-driven coder costs besides the model and the app's own checks, on the scripted app
 * sessions (test/support/coder-sessions) played by the OpenAI and Anthropic wire stand-ins.
 *
 * Each run is one build: a fresh project through the deterministic planner and architect, then the real
 * coder agent with only its model on the stand-in (checks in the bubblewrap sandbox, as in production);
 * a session the reviewer sends back (pomodoro) gets the coder again with that review.decision. Everything
 * is measured from outside Catalyst: the stand-in's request times and its own answering time (handledMs),
 * the sandbox runner's check durations (the CheckOutcome.durationMs the toolbox reports), the adapter's
 * accounted calls (onCall) and the requests' sizes. The definitions are printed with the table. Medians of
 * N runs; figures only, nothing here asserts timings.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createLanguageModels } from '../src/adapters/llm/index.ts';
import { architectAgent } from '../src/agents/architect/architect-agent.ts';
import { coderAgent } from '../src/agents/coder/coder-agent.ts';
import { plannerAgent } from '../src/agents/planner/planner-agent.ts';
import { BUILT_IN_PRICES } from '../src/config/model-prices.ts';
import type { AgentEvent, AgentEventOf } from '../src/contracts/events.ts';
import type { LlmCall } from '../src/contracts/llm.ts';
import type { CommandRunner } from '../src/core/ports/command-runner.ts';
import { probeBwrap } from '../src/preview/sandbox.ts';
import { eventFrom, openAgentHarness, runChain, type AgentHarness } from '../test/support/agent-harness.ts';
import { APP_SESSIONS, FIXTURE_APPS, playSession, type FixtureApp } from '../test/support/coder-sessions/index.ts';
import { startStandin, type ReceivedRequest, type Standin } from '../test/support/llm-standins/standin-server.ts';
import { quietLogger } from '../test/support/mock-models.ts';
import { analyse, median, type SeenCheck, type SeenRequest, type SeenStep } from './coder-timeline.ts';

type Wire = 'openai' | 'anthropic';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    sessions: { type: 'string', default: FIXTURE_APPS.join(',') },
    wires: { type: 'string', default: 'openai,anthropic' },
    json: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);
const SESSIONS = values.sessions.split(',').filter(Boolean) as FixtureApp[];
const WIRES = values.wires.split(',').filter(Boolean) as Wire[];
for (const s of SESSIONS) if (!FIXTURE_APPS.includes(s)) throw new Error(`no session "${s}" (there are ${FIXTURE_APPS.join(', ')})`);
for (const w of WIRES) if (w !== 'openai' && w !== 'anthropic') throw new Error(`no wire "${w}" (openai, anthropic)`);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a whole number ≥ 1');
if (probeBwrap(process.env.PATH ?? '/usr/bin:/bin').path === null)
  throw new Error("bubblewrap is not installed: the coder's model runs only with its checks in the sandbox");

/** What the model reads: the system prompt, the tool definitions and the messages, as the stand-in got them. */
const promptChars = (req: ReceivedRequest) =>
  JSON.stringify([req.body?.system ?? '', req.body?.tools ?? [], req.body?.messages ?? []]).length;
const hasAssistant = (req: ReceivedRequest) =>
  (Array.isArray(req.body?.messages) ? req.body.messages : []).some((m: { role?: unknown }) => m?.role === 'assistant');

/** The sandbox runner, timing each check it runs for the coder (the only commands it runs). */
function timedRunner(runner: CommandRunner, checks: SeenCheck[]): CommandRunner {
  return {
    sandbox: runner.sandbox,
    async run(req) {
      const start = performance.now();
      const result = await runner.run(req);
      const end = performance.now();
      // The figure the toolbox reports as CheckOutcome.durationMs (run-check.ts).
      checks.push({ start, end, durationMs: Math.round(result.durationMs || end - start) });
      return result;
    },
  };
}

function coderModels(standin: Standin, calls: LlmCall[]) {
  const provider = standin.wire === 'anthropic' ? 'anthropic' : 'openai';
  const primary = {
    provider,
    model: provider === 'anthropic' ? 'claude-sonnet-4-5' : 'gpt-4o-mini',
    baseUrl: standin.baseUrl,
    apiKey: 'sk-bench-key',
    temperature: null,
    maxOutputTokens: null,
  } as const;
  return createLanguageModels({
    // The chain's limit covers each step of a tool loop, the checks its tools run included.
    models: { planner: null, architect: null, reviewer: null, coder: { primary, fallbacks: [], timeoutMs: 600_000, maxRetries: 0 } },
    prices: BUILT_IN_PRICES,
    cacheEnabled: false,
    logger: quietLogger,
    onCall: (call) => void calls.push(call),
  });
}

interface RunFigures {
  outcome: string;
  deviations: number;
  wallMs: number;
  setupMs: number;
  checkMs: number;
  modelMs: number;
  stepOverheadMs: number | null;
  callOverheadMs: number | null;
  roundOverheadMs: number | null;
  modelCalls: number;
  llmCalls: number;
  toolCalls: number;
  rounds: number;
  repairRounds: number;
  commits: number;
  tokensIn: number;
  tokensCached: number;
  promptChars: number;
}

async function oneBuild(app: FixtureApp, standin: Standin): Promise<RunFigures> {
  const session = APP_SESSIONS[app]();
  const player = playSession(session);
  const seen: { req: ReceivedRequest; at: number; toolCalls: number }[] = [];
  standin.reset();
  standin.respond((req) => {
    const at = performance.now();
    const step = player.respond(req);
    seen.push({ req, at, toolCalls: 'reply' in step ? (step.reply.toolCalls?.length ?? 0) : 0 });
    return step;
  });
  const h: AgentHarness = await openAgentHarness(`bench-coder-${app}`, { prompt: session.prompt });
  try {
    const calls: LlmCall[] = [];
    const models = coderModels(standin, calls);
    // Planner and architect stay deterministic; with a coder model configured they plan a game or a tool too.
    const [, design] = await runChain(h, [plannerAgent, architectAgent], { models });
    const proposed = design!.events[0] as AgentEventOf<'architecture.proposed'>;
    const checks: SeenCheck[] = [];
    const steps: SeenStep[] = [];
    const code = async (event: AgentEvent) => {
      const ctx = await h.context(coderAgent, event, { models });
      const timed = { ...ctx, ports: { ...ctx.ports, runner: timedRunner(ctx.ports.runner, checks) } };
      const start = performance.now();
      const out = await coderAgent.handle(event, timed);
      steps.push({ start, end: performance.now() });
      const draft = out.events[0]!;
      return eventFrom(draft, { task: h.task, actor: 'coder', causation: event, slug: h.slug });
    };

    let last = await code(proposed);
    // The reviewer's "changes requested", as the pipeline would send the finished app back to the coder.
    for (const items of session.reviewRequests ?? []) {
      if (last.event_type !== 'code.pr.opened') break;
      const review = eventFrom(
        {
          event_type: 'review.decision',
          branch: last.branch,
          payload: {
            decision: 'changes_requested',
            score: 60,
            blocking_issues: items.length,
            recommendations: 0,
            items: items.map((message) => ({ severity: 'high', file: null, line: null, message, suggestion: message, blocking: true })),
            artifacts: [],
            repair_round: last.payload.repair_round,
          },
        },
        { task: h.task, actor: 'reviewer', causation: last, slug: h.slug },
      );
      last = await code(review);
    }

    const t = analyse(
      steps,
      seen.map(({ req, at, toolCalls }): SeenRequest => ({ at, handledMs: req.handledMs, opensRound: !hasAssistant(req), toolCalls })),
      checks,
    );
    const head = last.event_type === 'code.pr.opened' ? last.payload.commit : `feature/task-${h.task.id.slice(0, 8)}`;
    const subjects = execFileSync('git', ['-C', h.repo, 'log', '--format=%s', `${proposed.payload.commit}..${head}`], { encoding: 'utf8' })
      .split('\n')
      .filter((s) => s !== '' && !s.startsWith('chore: start from'));
    const outcome =
      last.event_type === 'code.pr.opened'
        ? 'ok'
        : `${last.event_type}: ${String((last.payload as { reason?: unknown }).reason ?? '').slice(0, 160)}`;
    // Where the coder loop and the script parted: the figures after that point are not the session's.
    for (const d of player.deviations) say(`  ${app}/${standin.wire}: ${d.slice(0, 400)}`);
    return {
      outcome,
      deviations: player.deviations.length,
      wallMs: t.wallMs,
      setupMs: t.setupMs.reduce((n, x) => n + x, 0),
      checkMs: t.checkMs,
      modelMs: t.modelMs,
      stepOverheadMs: median(t.stepOverheadMs),
      callOverheadMs: median(t.callOverheadMs),
      roundOverheadMs: median(t.roundOverheadMs),
      modelCalls: t.modelCalls,
      llmCalls: calls.length,
      toolCalls: t.toolCalls,
      rounds: t.rounds,
      repairRounds: t.rounds - 1,
      commits: subjects.length,
      tokensIn: calls.reduce((n, c) => n + c.tokens_in, 0),
      tokensCached: calls.reduce((n, c) => n + c.tokens_cached, 0),
      promptChars: seen.reduce((n, s) => n + promptChars(s.req), 0),
    };
  } finally {
    await h.close();
  }
}

const NUMERIC = [
  'wallMs',
  'setupMs',
  'checkMs',
  'modelMs',
  'stepOverheadMs',
  'callOverheadMs',
  'roundOverheadMs',
  'modelCalls',
  'llmCalls',
  'toolCalls',
  'rounds',
  'repairRounds',
  'commits',
  'tokensIn',
  'tokensCached',
  'promptChars',
] as const satisfies readonly (keyof RunFigures)[];

function medianRow(runs: RunFigures[]): Record<(typeof NUMERIC)[number], number | null> {
  const row = {} as Record<(typeof NUMERIC)[number], number | null>;
  for (const key of NUMERIC) {
    const m = median(runs.map((r) => r[key]).filter((x): x is number => x !== null));
    row[key] = m === null ? null : Math.round(m * 10) / 10;
  }
  return row;
}

const say = (line: string) => {
  if (!values.json) console.log(line);
};
const [load1, load5] = os.loadavg();
say(
  `bench:coder — ${RUNS} run(s) per row, medians across runs (node ${process.version}, ${os.cpus().length} cores, load ${load1!.toFixed(2)} / ${load5!.toFixed(2)})`,
);
say(`  wall       the coder agent's handler, summed over its steps (the build, and a review round where the session has one)
  setup      from the handler's start to its first model request (skeleton commit, dependencies linked, brief)
  checks     sandboxed check time (RunResult.durationMs = CheckOutcome.durationMs), the model's run_check and the loop's own
  model      the stand-in's own answering time (handledMs), summed
  step ovh   median over the model's answers with tool calls, inside a round: from the stand-in finishing that answer to it
             receiving the next request, minus the checks run in between (AI SDK parsing, the tools, commits, adapter, next request)
  call ovh   the same gap divided evenly among that answer's tool calls, median over tool calls
  round ovh  median over rounds: from a round's first request to the next round's first one (the last: the handler's return),
             minus the stand-in's time and the checks in it (the loop's checks after finish, commits, prompts)
  tokens     input tokens the adapter accounted (LlmCall.tokens_in; cached in parentheses), prompt chars = system + tools +
             messages as the stand-in received them, summed over the build's model calls`);
say('');
say(
  `${'session'.padEnd(10)}${'wire'.padEnd(10)}${'wall s'.padStart(8)}${'setup ms'.padStart(10)}${'checks s'.padStart(10)}${'model ms'.padStart(10)}${'step ovh'.padStart(10)}${'call ovh'.padStart(10)}${'round ovh'.padStart(11)}${'calls'.padStart(7)}${'tools'.padStart(7)}${'repairs'.padStart(9)}${'commits'.padStart(9)}${'tokens in (cached)'.padStart(21)}${'chars'.padStart(10)}  outcome`,
);

const ms = (x: number | null) => (x === null ? '—' : x.toFixed(1));
for (const wire of WIRES) {
  const standin = await startStandin(wire);
  try {
    for (const app of SESSIONS) {
      const runs: RunFigures[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await oneBuild(app, standin));
      const m = medianRow(runs);
      const outcomes = [...new Set(runs.map((r) => r.outcome))].join(' | ');
      const deviations = Math.max(...runs.map((r) => r.deviations));
      say(
        `${app.padEnd(10)}${wire.padEnd(10)}${((m.wallMs ?? 0) / 1000).toFixed(1).padStart(8)}${ms(m.setupMs).padStart(10)}${((m.checkMs ?? 0) / 1000).toFixed(1).padStart(10)}${ms(m.modelMs).padStart(10)}${ms(m.stepOverheadMs).padStart(10)}${ms(m.callOverheadMs).padStart(10)}${ms(m.roundOverheadMs).padStart(11)}${String(m.modelCalls).padStart(7)}${String(m.toolCalls).padStart(7)}${String(m.repairRounds).padStart(9)}${String(m.commits).padStart(9)}${`${m.tokensIn} (${m.tokensCached})`.padStart(21)}${String(m.promptChars).padStart(10)}  ${outcomes}${deviations > 0 ? ` (${deviations} script deviation(s))` : ''}`,
      );
      console.log(JSON.stringify({ bench: 'coder', session: app, wire, runs: RUNS, ...m, outcomes, deviations }));
    }
  } finally {
    await standin.close();
  }
}
