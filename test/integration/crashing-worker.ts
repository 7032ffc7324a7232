/**
 * A `catalyst worker` that kills itself with SIGKILL at one chosen point of one agent's step, for the
 * crash-recovery test. CATALYST_TEST_CRASH_AT=<agent>:<point>, where point is
 *   - `before-commit`: the handler has finished and its outside effects exist (git commits carrying the
 *     event trailer, a running preview) but nothing is committed: the redelivered event runs the
 *     handler again, which must find and reuse those effects;
 *   - `after-commit`: the step (inbox mark, events, outbox rows) is committed but the message is not
 *     acked: the redelivery must be recognised by the inbox and do nothing.
 * The kill is in-process and exact, so each stage boundary is hit every run, not by timing luck.
 */
import { loadConfig } from '../../src/config/index.ts';
import { startWorker } from '../../src/worker/worker.ts';

const crashAt = process.env.CATALYST_TEST_CRASH_AT ?? '';
const [agent, point] = crashAt.split(':');
if (!agent || (point !== 'before-commit' && point !== 'after-commit')) {
  throw new Error(`CATALYST_TEST_CRASH_AT must be <agent>:before-commit or <agent>:after-commit, got "${crashAt}"`);
}

const runtime = await startWorker(loadConfig({ env: process.env, cwd: process.cwd(), overrides: { 'logging.level': 'error' } }));
const state = runtime.ports.state;
const commit = state.commitStep.bind(state);
state.commitStep = async (step) => {
  if (step.consumer !== agent) return commit(step);
  if (point === 'before-commit') process.kill(process.pid, 'SIGKILL');
  const result = await commit(step);
  process.kill(process.pid, 'SIGKILL');
  return result;
};
process.stderr.write(`worker ready: pid ${process.pid}, crashes at ${crashAt}\n`);
