/**
 * The model-driven coder on real ports, against an OpenAI stand-in over HTTP playing short sessions: the
 * model starts from the web-app skeleton, its writes land in batches of conventional commits, the app's own
 * checks run in the sandbox and their errors go back to it; a model that only chats, repeats one edit or
 * keeps producing the same errors is stopped with a reason; without a sandbox the coder's model is refused.
 * (The three full apps and the hostile sessions play end to end in test/e2e/coder-sessions.)
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openAgentHarness, runChain, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { startStandin, type Standin, type Step } from '../../../test/support/llm-standins/standin-server.ts';
import { standinModels } from '../../../test/support/mock-models.ts';
import { createLocalRunner } from '../../adapters/runner/local/local-runner.ts';
import type { AgentEventOf } from '../../contracts/events.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { coderAgent } from './coder-agent.ts';

const call = (name: string, args: unknown) => ({ name, args });
const turn = (...toolCalls: { name: string; args: unknown }[]): Step => ({
  reply: { toolCalls, usage: { input: 1800, output: 400 } },
});

const DICE = `export function roll(sides: number, random: () => number = Math.random): number {
  if (!Number.isInteger(sides) || sides < 2) throw new RangeError('a die has at least two sides');
  return 1 + Math.floor(random() * sides);
}
`;
const DICE_BROKEN = DICE.replace('): number {', '): string {');
const DICE_TEST = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roll } from './dice.ts';

test('a roll is between 1 and the number of sides', () => {
  assert.equal(roll(6, () => 0), 1);
  assert.equal(roll(6, () => 0.999), 6);
  assert.throws(() => roll(1), RangeError);
});
`;

// Needs bubblewrap (.ci/run installs it): without it the coder refuses the model, and these tests say so.
describe('the coder with a model', () => {
  let h: AgentHarness;
  let s: Standin;
  let proposed: AgentEventOf<'architecture.proposed'>;

  before(async () => {
    s = await startStandin('openai');
    h = await openAgentHarness('coder-model', { prompt: 'build a dice roller game' });
    const { llm } = standinModels(s, ['coder']);
    const [, design] = await runChain(h, [plannerAgent, architectAgent], { models: llm });
    proposed = design!.events[0] as AgentEventOf<'architecture.proposed'>;
  });
  beforeEach(() => s.reset());
  after(async () => {
    await h?.close();
    await s?.close();
  });

  const coderContext = async (overrides: Partial<AgentHarness['settings']['coder']> = {}) => {
    const { llm } = standinModels(s, ['coder']);
    return { models: llm, settings: { ...h.settings, coder: { ...h.settings.coder, ...overrides } } };
  };

  test('a session on the web-app skeleton: checks drive it, writes land as batches of conventional commits', async () => {
    s.script(
      turn(call('list_files', {})),
      turn(call('read_file', { path: 'frontend/src/App.tsx' })),
      turn(
        call('write_file', { path: 'frontend/src/dice.ts', content: DICE_BROKEN }),
        call('write_file', { path: 'frontend/src/dice.test.ts', content: DICE_TEST }),
        call('write_file', { path: 'README.md', content: '# Dice Roller\n\nRoll a die.\n' }),
      ),
      turn(call('run_check', { check: 'typecheck' })),
      turn(call('edit_file', { path: 'frontend/src/dice.ts', search: '): string {', replace: '): number {' })),
      turn(call('finish', { summary: 'a dice roller with a tested roll()' })),
    );
    const out = await h.run(coderAgent, proposed, await coderContext({ maxFilesPerBatch: 2 }));
    const opened = out.events[0] as AgentEventOf<'code.pr.opened'>;
    assert.equal(opened.event_type, 'code.pr.opened', JSON.stringify(opened.payload));
    const subjects = h.git('log', '--reverse', '--format=%s', `${proposed.commit}..${opened.commit}`).trim().split('\n');
    assert.match(subjects[0]!, /^chore: start from the web-app skeleton/);
    const model = subjects.filter((x) => !x.startsWith('chore: start from'));
    assert.ok(model.length >= 2, `writes of three files at two per batch make at least two commits: ${subjects.join(' | ')}`);
    for (const subject of model) assert.match(subject, /^(feat|fix|test)(\([a-z]+\))?: /, subject);
    assert.equal(readFileSync(join(opened.payload.worktree_path, 'frontend/src/dice.ts'), 'utf8'), DICE);
    // What the model saw: the typecheck error it was fixing, with its file and line.
    const checkResult = JSON.stringify(s.requests[4]!.body.messages.at(-1));
    assert.match(checkResult, /frontend\/src\/dice\.ts/);
    const lines = h.logs.map((l) => l.message);
    assert.ok(
      lines.some((l) => /typecheck: \d+ error/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^All checks pass/.test(l)),
      lines.join('\n'),
    );
    const prompt = JSON.stringify(s.requests[0]!.body.messages);
    assert.match(prompt, /Build this app:/);
    assert.doesNotMatch(prompt, /sk-standin-test-key/, 'the API key never reaches a prompt');
  });

  test('a model that only chats is told once, then the step fails with coder_prose', async () => {
    s.respond(() => ({ reply: { text: 'Sure! A dice roller is a great idea. First you would create a component…' } }));
    const before = h.git('rev-parse', `feature/task-${h.task.id.slice(0, 8)}`).trim();
    const out = await h.run(coderAgent, proposed, await coderContext());
    const failed = out.events[0] as AgentEventOf<'task.failed'>;
    assert.equal(failed.event_type, 'task.failed');
    assert.equal(failed.payload.code, 'coder_prose');
    assert.equal(s.requests.length, 2, 'one nudge, then it gives up');
    assert.match(JSON.stringify(s.requests[1]!.body.messages), /You answered in prose/);
    assert.equal(h.git('rev-parse', `feature/task-${h.task.id.slice(0, 8)}`).trim(), before, 'nothing committed');
  });

  test('the same edit again and again is a loop: stopped with coder_stuck, long before the step limit', async () => {
    s.respond(() => turn(call('edit_file', { path: 'frontend/src/App.tsx', search: 'no such text', replace: 'x' })));
    const out = await h.run(coderAgent, proposed, await coderContext({ maxSteps: 40 }));
    const failed = out.events[0] as AgentEventOf<'task.failed'>;
    assert.equal(failed.payload.code, 'coder_stuck', failed.payload.reason);
    assert.match(failed.payload.reason, /same arguments/);
    assert.ok(s.requests.length < 10, `${s.requests.length} model calls`);
  });

  test('the same errors after a repair round stop the run with coder_stuck and the errors', async () => {
    s.script(
      turn(call('write_file', { path: 'frontend/src/dice.ts', content: DICE_BROKEN })),
      turn(call('finish', { summary: 'done' })),
      // The repair round: the model claims a fix without changing anything.
      turn(call('finish', { summary: 'fixed' })),
    );
    const out = await h.run(coderAgent, proposed, await coderContext());
    const failed = out.events[0] as AgentEventOf<'task.failed'>;
    assert.equal(failed.payload.code, 'coder_stuck', failed.payload.reason);
    assert.match(failed.payload.reason, /same typecheck errors/);
    assert.match(failed.payload.reasons.join('\n'), /dice\.ts/);
    assert.match(JSON.stringify(s.requests[2]!.body.messages), /The `typecheck` check failed/);
  });

  test('at agents.coder.max_repair_rounds the task fails with what was tried and the last errors', async () => {
    s.script(
      turn(call('write_file', { path: 'frontend/src/dice.ts', content: DICE_BROKEN })),
      turn(call('finish', { summary: 'done' })),
      turn(call('write_file', { path: 'frontend/src/dice.ts', content: DICE.replace('sides: number', 'sides: string') })),
      turn(call('finish', { summary: 'fixed' })),
    );
    const out = await h.run(coderAgent, proposed, await coderContext({ maxRepairRounds: 1 }));
    const failed = out.events[0] as AgentEventOf<'task.failed'>;
    assert.equal(failed.payload.code, 'coder_limit', failed.payload.reason);
    assert.match(failed.payload.reason, /after 1 repair round/);
    assert.match(failed.payload.reasons.join('\n'), /tried: /);
  });

  test('edit_format text: files come as fenced blocks, go through the same guard, and the checks judge them', async () => {
    const answer = [
      'Here is the die:',
      '',
      '```ts frontend/src/dice.ts',
      DICE_BROKEN.trimEnd(),
      '```',
      '',
      '```ts ../../outside.ts',
      'export const escaped = true;',
      '```',
    ].join('\n');
    s.script({ reply: { text: answer, usage: { input: 2000, output: 300 } } });
    const out = await h.run(coderAgent, proposed, await coderContext({ editFormat: 'text', maxRepairRounds: 0 }));
    const failed = out.events[0] as AgentEventOf<'task.failed'>;
    assert.equal(failed.payload.code, 'coder_limit', failed.payload.reason);
    assert.match(failed.payload.reason, /typecheck/);
    const body = s.requests[0]!.body;
    assert.equal(body.tools, undefined, 'no tools offered in text mode');
    assert.match(JSON.stringify(body.messages), /You cannot call tools/);
    const branch = `feature/task-${h.task.id.slice(0, 8)}`;
    assert.equal(h.git('show', `${branch}:frontend/src/dice.ts`), DICE_BROKEN, 'the fenced file was committed');
    assert.ok(
      h.logs.some((l) => /refused/.test(l.message) && /outside/.test(l.message)),
      'the path out of the worktree was refused',
    );
    assert.equal(existsSync(join(h.runtime.ports.git.worktreePath(h.task.id), '../../outside.ts')), false);
  });

  test('without a sandbox the coder refuses to run model-written code', async () => {
    const ctx = await h.context(coderAgent, proposed, await coderContext());
    const out = await coderAgent.handle(proposed, { ...ctx, ports: { ...ctx.ports, runner: createLocalRunner() } });
    const failed = out.events[0]!;
    assert.equal(failed.event_type, 'task.failed');
    assert.match(JSON.stringify(failed.payload), /bubblewrap/);
    assert.equal(s.requests.length, 0, 'the model was never asked');
  });
});
