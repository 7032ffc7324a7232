/**
 * A `catalyst serve` that kills itself with SIGKILL at one chosen point of one agent's step, for the
 * durability tests and bench:faults. CATALYST_TEST_CRASH_AT=<agent>:<point>, where point is
 *   - `start`: a phase boundary — the previous step is committed and this agent's handler was just
 *     called (its attempt counted), nothing of its work done;
 *   - `during`: CATALYST_TEST_CRASH_DELAY_MS (default 300) into the agent's handler, mid-work;
 *   - `before-commit`: the handler has finished and its outside effects exist (git commits carrying the
 *     event trailer, a running preview) but nothing is committed: the resumed step runs the handler
 *     again, which must find and reuse those effects.
 * The kill is in-process, so each point is hit every run, not by timing luck. Otherwise this is the real
 * server (`startServer` over the real agents) with the config its environment and folder give.
 */
import { PIPELINE_AGENTS } from '../../src/agents/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { AgentDefinition } from '../../src/core/agent.ts';
import { startServer } from '../../src/server/serve.ts';

export const CRASH_POINTS = ['start', 'during', 'before-commit'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

const crashAt = process.env.CATALYST_TEST_CRASH_AT ?? '';
const [victim, point] = crashAt.split(':') as [string, CrashPoint];
if (!PIPELINE_AGENTS.some((a) => a.id === victim) || !CRASH_POINTS.includes(point)) {
  throw new Error(`CATALYST_TEST_CRASH_AT must be <agent>:${CRASH_POINTS.join('|')}, got "${crashAt}"`);
}
const delayMs = Number(process.env.CATALYST_TEST_CRASH_DELAY_MS ?? 300);
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

function crashing(agent: AgentDefinition): AgentDefinition {
  if (agent.id !== victim) return agent;
  return {
    ...agent,
    async handle(event, ctx) {
      if (point === 'start') die();
      if (point === 'during') setTimeout(die, delayMs);
      const output = await agent.handle(event, ctx);
      if (point === 'before-commit') die();
      return output;
    },
  };
}

const config = loadConfig({ env: process.env, cwd: process.cwd() });
const server = await startServer(config, { webDir: null, agents: PIPELINE_AGENTS.map(crashing) });
process.stderr.write(`server ready at ${server.url}: pid ${process.pid}, crashes at ${crashAt}\n`);
