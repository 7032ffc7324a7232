/**
 * The reviewer with a model (issue 14): the model reviews the branch's diff and the request against the
 * plan; its items (file, line, severity, suggestion) and unmet acceptance criteria join the measured ones,
 * block approval, and reach the coder's repair loop; invalid output twice leaves the measured decision alone
 * and says so. One generated app (planner → tester, no model) is reviewed several times.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { openAgentHarness, runChain, type AgentHarness, type ContextOptions } from '../../../test/support/agent-harness.ts';
import { startStandin, type Standin } from '../../../test/support/llm-standins/standin-server.ts';
import { assertStrictJsonSchema, mockModels, standinModels } from '../../../test/support/mock-models.ts';
import { Plan, ReviewDecision } from '../../contracts/artifacts.ts';
import type { AgentEventOf } from '../../contracts/events.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { coderAgent } from '../coder/coder-agent.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { testerAgent } from '../tester/tester-agent.ts';
import { boundedDiff, type ModelReview } from './model-review.ts';
import { reviewerAgent } from './reviewer-agent.ts';

describe('the diff the reviewer model sees', () => {
  test("the app's sources first, then tests, then the rest; lock files left out; what does not fit is named", () => {
    const patch = (path: string, n: number) => ({ path, patch: `diff --git a/${path} b/${path}\n${'+x\n'.repeat(n)}` });
    const d = boundedDiff(
      [patch('README.md', 10), patch('backend/test/a.api.test.ts', 10), patch('package-lock.json', 10), patch('backend/src/app.ts', 10)],
      200,
    );
    assert.deepEqual(d.shown, ['backend/src/app.ts', 'backend/test/a.api.test.ts']);
    assert.deepEqual(d.omitted, ['README.md']);
    assert.ok(!d.text.includes('package-lock.json'));
  });
});

describe('reviewer with a model', () => {
  let h: AgentHarness;
  let results: AgentEventOf<'test.results'>;
  let plan: Plan;
  let settings: ContextOptions['settings'];

  before(async () => {
    h = await openAgentHarness('reviewer-model');
    const steps = await runChain(h, [plannerAgent, architectAgent, coderAgent, testerAgent]);
    results = steps.at(-1)!.events[0] as AgentEventOf<'test.results'>;
    assert.equal(results.payload.status, 'passed', 'the generated app passes its tests (precondition)');
    plan = Plan.parse(parseYaml(h.git('show', `${steps[0]!.events[0]!.commit}:planning/plan.yaml`)));
    // The type check and the app's own lint are measured elsewhere; here they only cost time.
    settings = { ...h.settings, reviewer: { ...h.settings.reviewer, runTypeCheck: false } };
  });
  after(async () => {
    await h?.close();
  });

  const decision = () =>
    ReviewDecision.parse(
      JSON.parse(readFileSync(join(h.runtime.ports.artifacts.location(h.task.id), 'review/review-decision.json'), 'utf8')),
    );
  const summary = () => readFileSync(join(h.runtime.ports.artifacts.location(h.task.id), 'review/review-summary.md'), 'utf8');

  function answer(over: Partial<ModelReview> = {}): ModelReview {
    return {
      summary: 'A todo app with sign-in; every todo is private to its owner.',
      does_what_was_asked: true,
      items: [],
      unmet_acceptance_criteria: [],
      ...over,
    };
  }

  test('unmet criteria and high items block approval, are recorded, and the coder gets them in its repair round', async () => {
    const criterion = plan.features.at(-1)!.acceptance_criteria[0]!;
    const feature = plan.features.at(-1)!.id;
    const m = mockModels({
      reviewer: [
        {
          object: answer({
            does_what_was_asked: false,
            unmet_acceptance_criteria: [{ feature, criterion, why: 'the list ignores it' }],
            items: [
              {
                file: 'backend/src/app.ts',
                line: 3,
                severity: 'high',
                message: 'errors leak stack traces',
                suggestion: 'answer 500 without the stack',
              },
              { file: null, line: null, severity: 'low', message: 'no favicon', suggestion: 'add one' },
            ],
          }),
        },
      ],
    });
    const out = await h.run(reviewerAgent, results, { models: m.llm, settings });
    const review = out.events[0] as AgentEventOf<'review.decision'>;
    assert.equal(review.event_type, 'review.decision');
    assert.equal(review.payload.decision, 'changes_requested');
    const [unmet, high, low] = review.payload.items;
    assert.equal(unmet?.blocking, true);
    assert.match(unmet?.message ?? '', new RegExp(`^acceptance criterion not met \\(${feature}\\): `));
    assert.deepEqual(
      { file: high?.file, line: high?.line, severity: high?.severity, blocking: high?.blocking, suggestion: high?.suggestion },
      { file: 'backend/src/app.ts', line: 3, severity: 'high', blocking: true, suggestion: 'answer 500 without the stack' },
    );
    assert.equal(low?.blocking, false);

    const d = decision();
    assert.equal(d.model_review?.status, 'reviewed');
    assert.equal(d.model_review?.by, 'openai model mock-reviewer');
    assert.equal(d.model_review?.does_what_was_asked, false);
    assert.deepEqual(d.model_review?.unmet_acceptance_criteria, [{ feature, criterion, why: 'the list ignores it' }]);
    assert.match(summary(), /## Model review\n\nBy openai model mock-reviewer: A todo app/);

    // What the model was shown: the request, the criteria and the branch's diff.
    const sent = JSON.stringify(m.prompts.reviewer[0]!.prompt);
    assert.match(sent, /build a todo app with user auth/);
    assert.ok(sent.includes(JSON.stringify(criterion).slice(1, -1)), 'the criteria are in the prompt');
    assert.match(sent, /diff --git a\/backend\/src\/app\.ts b\/backend\/src\/app\.ts/);

    // changes_requested goes back to the coder, whose repair round names the model's blocking items.
    h.logs.length = 0;
    const repaired = await h.run(coderAgent, out.events[0]!);
    assert.equal(repaired.events[0]?.event_type, 'code.pr.opened');
    const lines = h.logs.filter((l) => l.agent_name === 'coder').map((l) => l.message);
    assert.ok(
      lines.some((l) => l.startsWith(`Repair round 1: review: acceptance criterion not met (${feature})`)),
      lines.join(' | '),
    );
    assert.ok(lines.includes('Repair round 1: review: errors leak stack traces (backend/src/app.ts)'), lines.join(' | '));
  });

  test('a model that finds nothing leaves the measured approval standing and says so in the summary', async () => {
    const m = mockModels({ reviewer: [{ object: answer() }] });
    const out = await h.run(reviewerAgent, results, { models: m.llm, settings });
    const review = out.events[0] as AgentEventOf<'review.decision'>;
    assert.equal(review.payload.decision, 'approved', JSON.stringify(review.payload.items));
    assert.equal(decision().model_review?.does_what_was_asked, true);
    assert.match(summary(), /Every acceptance criterion is met\./);
  });

  test('invalid output twice: the measured decision alone, recorded as a fallback in review-decision.json and the log', async () => {
    const m = mockModels({
      reviewer: [
        { text: 'Looks good to me!' },
        { object: answer({ items: [{ file: 'nope.ts', line: 1, severity: 'low', message: 'x', suggestion: 'y' }] }) },
      ],
    });
    const out = await h.run(reviewerAgent, results, { models: m.llm, settings });
    const review = out.events[0] as AgentEventOf<'review.decision'>;
    assert.equal(review.payload.decision, 'approved');
    const d = decision();
    assert.equal(d.model_review?.status, 'fallback');
    assert.match(d.model_review?.note ?? '', /reviewer's openai model mock-reviewer answered with invalid output twice/);
    assert.match(JSON.stringify(m.prompts.reviewer[1]!.prompt.at(-1)), /not valid/, 'the second ask is the repair round');
    assert.match(summary(), /## Model review\n\nNot used: /);
    assert.ok(h.logs.some((l) => l.agent_name === 'reviewer' && l.level === 'warning' && /invalid output twice/.test(l.message)));
  });

  describe('over HTTP (OpenAI stand-in)', () => {
    let s: Standin;
    before(async () => {
      s = await startStandin('openai');
    });
    after(async () => {
      await s?.close();
    });

    test('the review comes from the model through the real provider package', async () => {
      s.script({ reply: { object: answer({ summary: 'Reviewed over HTTP.' }) } });
      await h.run(reviewerAgent, results, { models: standinModels(s, ['reviewer']).llm, settings });
      assert.equal(decision().model_review?.summary, 'Reviewed over HTTP.');
      assert.equal(s.requests.at(-1)!.body.response_format?.json_schema?.name, 'review');
      assertStrictJsonSchema(s.requests.at(-1)!.body.response_format.json_schema.schema);
    });
  });
});
