/**
 * The planner without a model (issue 14, honest offline scope): a request whose core is not keeping
 * records fails before any code with needs_model and says how to configure a model; a mixed one builds
 * its records and its plan lists what was not built.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { openAgentHarness } from '../../../test/support/agent-harness.ts';
import { notBuiltOf } from '../../contracts/app-scope.ts';
import { Plan } from '../../contracts/artifacts.ts';
import { ERROR_CODES } from '../../contracts/errors.ts';
import { plannerAgent } from './planner-agent.ts';

const NEEDS_MODEL = [
  ['build a snake game', /^a snake game is a game: its moves and rules are code a language model writes\./],
  ['a pomodoro timer', /^a pomodoro timer is an interactive tool: its counting and alerts are code a language model writes\./],
  ['build a calculator app', /^a calculator app is an interactive tool: its calculations are code a language model writes\./],
] as const;

describe('planner without a model: requests whose core is not keeping records', () => {
  for (const [prompt, reason] of NEEDS_MODEL) {
    test(`"${prompt}" fails with needs_model before any commit, naming what needs a model and how to configure one`, async () => {
      const h = await openAgentHarness('planner-needs-model', { prompt });
      try {
        const out = await h.run(plannerAgent, h.initiated);
        assert.equal(out.events.length, 1);
        const [failed] = out.events;
        assert.equal(failed?.event_type, 'task.failed');
        assert.equal(failed.payload.code, 'needs_model');
        assert.equal(ERROR_CODES.needs_model, 'invalid_input');
        assert.equal(failed.payload.phase, 'planning');
        assert.match(failed.payload.reason, reason);
        assert.match(failed.payload.reason, /builds only apps that keep records/);
        for (const hint of ['CATALYST_LLM_PROVIDER', 'openai', 'anthropic', 'openai-compatible', 'CATALYST_LLM_MODEL', 'llm.default'])
          assert.ok(failed.payload.hint?.includes(hint), `the hint mentions ${hint}: ${failed.payload.hint}`);
        assert.equal(existsSync(h.repo), false, 'no repository was created: nothing was built');
        assert.ok(
          h.logs.some((l) => l.agent_name === 'planner' && l.level === 'error' && reason.test(l.message)),
          'the activity log says why',
        );
        const task = await h.runtime.ports.state.getTask(h.task.id);
        assert.equal(task?.status, 'failed');
      } finally {
        await h.close();
      }
    });
  }
});

describe('planner without a model: a mixed request', () => {
  test('"a URL shortener" builds the links, and the plan says the redirect was not built and why', async () => {
    const h = await openAgentHarness('planner-mixed', { prompt: 'build a URL shortener' });
    try {
      assert.equal(h.slug, 'url-shortener', 'the project is named after what it is');
      const out = await h.run(plannerAgent, h.initiated);
      const [created] = out.events;
      assert.equal(created?.event_type, 'plan.created');
      const plan = Plan.parse(parseYaml(h.git('show', `${created.commit}:planning/plan.yaml`)));
      assert.deepEqual(
        plan.domain.entities.map((e) => [e.name, e.fields.map((f) => f.name)]),
        [['Link', ['url', 'code', 'title']]],
      );
      assert.equal(plan.scope?.kind, 'mixed');
      assert.equal(plan.scope.decided_by, 'rules');
      assert.deepEqual(notBuiltOf(plan.scope), [
        'redirect a short link to its long URL: needs a language model: sending a visitor from a short link on to its long URL is code a language model writes',
      ]);
      assert.ok(
        plan.assumptions.some((a) =>
          /^Planned by the rules, without a language model: the app keeps links; not built: redirect a short link/.test(a),
        ),
        plan.assumptions.join(' | '),
      );
      assert.ok(
        h.logs.some((l) => l.level === 'warning' && l.message.startsWith('Not built: redirect a short link to its long URL')),
        'the activity log warns what was left out',
      );
    } finally {
      await h.close();
    }
  });

  test('a records app planned without a model carries no scope', async () => {
    const h = await openAgentHarness('planner-records');
    try {
      const out = await h.run(plannerAgent, h.initiated);
      const [created] = out.events;
      assert.equal(created?.event_type, 'plan.created');
      const raw = parseYaml(h.git('show', `${created.commit}:planning/plan.yaml`)) as Record<string, unknown>;
      assert.equal('scope' in raw, false);
    } finally {
      await h.close();
    }
  });
});
