/**
 * The architect with a model (issue 14): design.md keeps its Mermaid diagrams and gets the model's prose,
 * the model's ADRs follow the rules' own, data-models.json and openapi.yaml stay the generated (schema-valid)
 * ones; invalid output twice falls back to the rules' design and design.md says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { DataModels, Plan } from '../../contracts/artifacts.ts';
import type { AgentEvent } from '../../contracts/events.ts';
import { designArchitecture } from '../../generator/architecture/index.ts';
import { openAgentHarness, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { startStandin, type Standin } from '../../../test/support/llm-standins/standin-server.ts';
import { assertStrictJsonSchema, mockModels, standinModels, type MockAnswer } from '../../../test/support/mock-models.ts';
import { modelDesignAnswer, modelPlanAnswer } from '../../../test/support/model-answers.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { architectAgent } from './architect-agent.ts';

const BEHAVIOUR = modelPlanAnswer().scope.behaviours[0]!.name;

/** The planner (with its own mock model, so plan.scope lists the behaviour) and the plan it committed. */
async function planned(h: AgentHarness): Promise<{ event: AgentEvent; plan: Plan }> {
  const out = await h.run(plannerAgent, h.initiated, { models: mockModels({ planner: [{ object: modelPlanAnswer() }] }).llm });
  const event = out.events[0]!;
  return { event, plan: Plan.parse(parseYaml(h.git('show', `${event.commit}:planning/plan.yaml`))) };
}

const show = (h: AgentHarness, commit: string, path: string) => h.git('show', `${commit}:${path}`);

async function design(h: AgentHarness, answers: MockAnswer[]) {
  const { event, plan } = await planned(h);
  const m = mockModels({ architect: answers });
  const out = await h.run(architectAgent, event, { models: m.llm });
  return { out, plan, m, proposed: out.events[0]! };
}

describe('architect with a model (AI SDK mock model)', () => {
  test("design.md carries the model's prose and the generated Mermaid diagrams; its ADRs follow the rules'; the contracts stay generated", async () => {
    const h = await openAgentHarness('architect-model');
    try {
      const { plan, m, proposed } = await design(h, [{ object: modelDesignAnswer() }]);
      assert.equal(proposed.event_type, 'architecture.proposed');
      const rules = designArchitecture(plan, { diagrams: true });
      const md = show(h, proposed.commit, 'architecture/design.md');
      assert.match(md, /## How it works\n\nTodos live in the database with an optional reminder time\.\n\nA reminder check/);
      assert.match(md, /\| Reminder banner \| Shows todos whose remind\\_at has passed \|/);
      assert.match(md, new RegExp(`- \\*\\*${BEHAVIOUR}\\*\\*: The page polls`));
      assert.match(md, /written by openai model mock-architect/);
      assert.equal((md.match(/```mermaid/g) ?? []).length, 2, 'the component and ER diagrams are still there');

      const files = h.git('show', '--name-only', '--format=', proposed.commit).trim().split('\n');
      const adrs = files.filter((f) => f.startsWith('architecture/adr/')).sort();
      const ruleAdrs = rules.files.filter((f) => f.path.startsWith('architecture/adr/')).map((f) => f.path);
      assert.equal(adrs.length, ruleAdrs.length + 1);
      const last = adrs.at(-1)!;
      assert.match(last, new RegExp(`/${String(adrs.length).padStart(3, '0')}-reminders-computed-in-the-browser\\.md$`));
      assert.match(show(h, proposed.commit, last), /^# ADR \d{3}: Reminders computed in the browser\n\nStatus: Accepted/);
      assert.equal(proposed.payload.adrs_created, adrs.length);

      const dataModels = show(h, proposed.commit, 'architecture/data-models.json');
      DataModels.parse(JSON.parse(dataModels));
      assert.equal(dataModels, rules.files.find((f) => f.path === 'architecture/data-models.json')!.content);
      assert.equal(
        show(h, proposed.commit, 'architecture/api-contracts/openapi.yaml'),
        rules.files.find((f) => f.path === 'architecture/api-contracts/openapi.yaml')!.content,
      );
      const sent = JSON.stringify(m.prompts.architect[0]!.prompt);
      assert.match(sent, /remind_at: DateTime\?/, "the data models are the model's context");
    } finally {
      await h.close();
    }
  });

  test("a behaviour of the plan's scope left out gets a repair round naming it", async () => {
    const h = await openAgentHarness('architect-model-repair');
    try {
      const { m, proposed } = await design(h, [{ object: modelDesignAnswer({ behaviours: [] }) }, { object: modelDesignAnswer() }]);
      assert.equal(m.prompts.architect.length, 2);
      assert.match(JSON.stringify(m.prompts.architect[1]!.prompt.at(-1)), /behaviours has no entry for/);
      assert.match(show(h, proposed.commit, 'architecture/design.md'), /## How it works/);
    } finally {
      await h.close();
    }
  });

  test("invalid output twice: the rules' design, with a note at the top of design.md and a warning in the log", async () => {
    const h = await openAgentHarness('architect-model-fallback');
    try {
      const { plan, proposed } = await design(h, [{ text: 'I think the design should be' }, { object: { overview: '' } }]);
      assert.equal(proposed.event_type, 'architecture.proposed');
      const rules = designArchitecture(plan, { diagrams: true });
      const md = show(h, proposed.commit, 'architecture/design.md');
      const note = /^> (.*)$/m.exec(md)?.[1] ?? '';
      assert.match(note, /architect's openai model mock-architect answered with invalid output twice/);
      assert.match(note, /deterministic design made by Catalyst's rules was used instead/);
      assert.equal(md.replace(`> ${note}\n\n`, ''), rules.files.find((f) => f.path === 'architecture/design.md')!.content);
      assert.equal(proposed.payload.adrs_created, rules.adrCount);
      assert.ok(h.logs.some((l) => l.agent_name === 'architect' && l.level === 'warning' && /invalid output twice/.test(l.message)));
    } finally {
      await h.close();
    }
  });
});

describe('architect with a model over HTTP (OpenAI stand-in)', () => {
  let s: Standin;
  before(async () => {
    s = await startStandin('openai');
  });
  after(async () => {
    await s?.close();
  });

  test('the design notes come from the model through the real provider package', async () => {
    const h = await openAgentHarness('architect-standin');
    try {
      const { event } = await planned(h);
      s.script({ reply: { object: modelDesignAnswer() } });
      const out = await h.run(architectAgent, event, { models: standinModels(s, ['architect']).llm });
      const proposed = out.events[0]!;
      assert.match(show(h, proposed.commit, 'architecture/design.md'), /written by openai model gpt-4o-mini/);
      assert.equal(s.requests.at(-1)!.body.response_format?.json_schema?.name, 'design');
      assertStrictJsonSchema(s.requests.at(-1)!.body.response_format.json_schema.schema);
    } finally {
      await h.close();
    }
  });
});
