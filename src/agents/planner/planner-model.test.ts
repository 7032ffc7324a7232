/**
 * The planner with a model (issue 14): the plan comes from the model and is schema-valid; an invalid answer
 * gets one repair round with the validation errors; invalid twice falls back to the rules' plan and says so;
 * a budget or key problem fails the task clearly. Unit tests run the AI SDK's mock model behind the real
 * adapter; one test goes over HTTP to the OpenAI stand-in.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { Plan } from '../../contracts/artifacts.ts';
import type { AgentEventOf } from '../../contracts/events.ts';
import { buildPlan } from '../../generator/plan/index.ts';
import { openAgentHarness, type AgentHarness } from '../../../test/support/agent-harness.ts';
import { startStandin, type Standin } from '../../../test/support/llm-standins/standin-server.ts';
import { assertStrictJsonSchema, mockModels, standinModels } from '../../../test/support/mock-models.ts';
import { modelPlanAnswer } from '../../../test/support/model-answers.ts';
import { NOT_BUILT_BY_CODER } from './model-plan.ts';
import { plannerAgent } from './planner-agent.ts';
import { fromBuildUnderstanding } from './understand-build.ts';

function committedPlan(h: AgentHarness, commit: string): Plan {
  return Plan.parse(parseYaml(h.git('show', `${commit}:planning/plan.yaml`)));
}

function rulesPlan(h: AgentHarness): Plan {
  const initiated = h.initiated as AgentEventOf<'task.initiated'>;
  const u = fromBuildUnderstanding(initiated.payload.understanding!);
  return buildPlan(u.domain, initiated.payload.requirements, u).plan;
}

describe('planner with a model (AI SDK mock model)', () => {
  test('commits the plan the model wrote: its features, criteria, scope (decided by the model) and added field', async () => {
    const h = await openAgentHarness('planner-model');
    try {
      const m = mockModels({ planner: [{ object: modelPlanAnswer() }] });
      const out = await h.run(plannerAgent, h.initiated, { models: m.llm });
      const created = out.events[0]!;
      assert.equal(created.event_type, 'plan.created');
      const plan = committedPlan(h, created.commit);
      assert.deepEqual(
        plan.features.map((f) => f.name),
        ['Accounts', 'Todos with reminders'],
      );
      assert.equal(plan.project.name, 'Todo App', 'the name is the one the project got at submit');
      assert.deepEqual(plan.scope, {
        kind: 'mixed',
        behaviours: [{ name: 'remind the user an hour before a todo is due', built: false, reason: NOT_BUILT_BY_CODER }],
        decided_by: 'model',
      });
      const todo = plan.domain.entities.find((e) => e.name === 'Todo')!;
      assert.ok(
        todo.fields.some((f) => f.name === 'remind_at'),
        'the added field is in the domain',
      );
      const create = plan.api_endpoints.find((e) => e.method === 'POST' && e.path === '/api/todos')!;
      assert.ok(create.input && 'remind_at' in create.input, 'the endpoints are read off the domain with the added field');
      assert.deepEqual(created.payload.assumptions, ['Reminders are shown in the app, not sent by email']);
      assert.match(h.git('show', `${created.commit}:planning/acceptance.md`), /A reminder is shown an hour before a todo is due/);

      // The understanding is the model's context: the request and the entity it must keep.
      const sent = JSON.stringify(m.prompts.planner[0]!.prompt);
      assert.match(sent, /build a todo app with user auth/);
      assert.match(sent, /\\"name\\":\\"Todo\\"/);
      assert.match(sent, /the app's kind[^]*records_app/, "the rules' reading of the app's kind is context too");
      assert.equal(m.calls.length, 1);
      assert.equal(m.calls[0]!.agent, 'planner');
      assert.ok(
        h.logs.some((l) => /^Plan written by openai model mock-planner \(100 tokens in, 20 out\)$/.test(l.message)),
        h.logs.map((l) => l.message).join(' | '),
      );
    } finally {
      await h.close();
    }
  });

  test('an invalid answer gets one repair round with the validation errors, then the repaired plan is used', async () => {
    const h = await openAgentHarness('planner-model-repair');
    try {
      const broken = modelPlanAnswer({
        tasks: modelPlanAnswer().tasks.map((t) => (t.id === 'T3' ? { ...t, feature: 'F9' } : t)),
      });
      const m = mockModels({ planner: [{ object: broken }, { object: modelPlanAnswer() }] });
      const out = await h.run(plannerAgent, h.initiated, { models: m.llm });
      const plan = committedPlan(h, out.events[0]!.commit);
      assert.equal(plan.scope?.decided_by, 'model');
      assert.equal(m.prompts.planner.length, 2);
      const repair = m.prompts.planner[1]!.prompt;
      const assistant = repair.find((p) => p.role === 'assistant');
      assert.ok(assistant, 'the rejected answer goes back as the assistant turn');
      const last = JSON.stringify(repair.at(-1));
      assert.match(last, /task T3 belongs to feature F9, which is not in features/);
      assert.ok(h.logs.some((l) => /after one repair round/.test(l.message)));
    } finally {
      await h.close();
    }
  });

  test('invalid output twice: the rules plan is used, and the plan, plan.created and the log say so', async () => {
    const h = await openAgentHarness('planner-model-fallback');
    try {
      const m = mockModels({ planner: [{ text: 'Sure! Here is your plan: features: [' }, { object: { features: 'none' } }] });
      const out = await h.run(plannerAgent, h.initiated, { models: m.llm });
      const created = out.events[0]!;
      assert.equal(created.event_type, 'plan.created');
      const plan = committedPlan(h, created.commit);
      const rules = rulesPlan(h);
      const note = plan.assumptions.at(-1)!;
      assert.match(note, /planner's openai model mock-planner answered with invalid output twice/);
      assert.match(note, /the deterministic plan made by Catalyst's rules was used instead/);
      assert.deepEqual({ ...plan, assumptions: plan.assumptions.slice(0, -1) }, rules, 'otherwise the rules plan, unchanged');
      assert.ok(created.payload.assumptions.includes(note), 'plan.created carries the note');
      assert.ok(h.logs.some((l) => l.level === 'warning' && l.message.startsWith(note)));
      assert.equal(m.calls.length, 2, 'one answer and one repair round, no more');
      assert.match(h.git('show', `${created.commit}:planning/acceptance.md`), /invalid output twice/);
    } finally {
      await h.close();
    }
  });

  test('a budget the model call would pass fails the task with budget_exceeded, before any commit', async () => {
    const h = await openAgentHarness('planner-model-budget');
    try {
      const m = mockModels({ planner: [{ object: modelPlanAnswer() }] }, { budget: { maxTokens: 10, maxUsd: null } });
      const out = await h.run(plannerAgent, h.initiated, { models: m.llm });
      const failed = out.events[0]!;
      assert.equal(failed.event_type, 'task.failed');
      assert.equal(failed.payload.code, 'budget_exceeded');
      assert.equal(failed.payload.phase, 'planning');
      assert.match(failed.payload.reason, /has spent 0 tokens/);
      assert.match(failed.payload.hint ?? '', /budget/);
      assert.equal(m.prompts.planner.length, 0, 'the call was refused before it was sent');
    } finally {
      await h.close();
    }
  });
});

describe('planner with a model over HTTP (OpenAI stand-in)', () => {
  let s: Standin;
  before(async () => {
    s = await startStandin('openai');
  });
  // One stand-in for the three tests: a step one test scripted and did not use must not answer the next.
  beforeEach(() => s.reset());
  after(async () => {
    await s?.close();
  });

  test('the plan comes from the model through the real provider package, asked with a json_schema', async () => {
    const h = await openAgentHarness('planner-standin');
    try {
      s.script({ reply: { object: modelPlanAnswer(), usage: { input: 1500, output: 400 } } });
      const { llm, calls } = standinModels(s, ['planner']);
      const out = await h.run(plannerAgent, h.initiated, { models: llm });
      const plan = committedPlan(h, out.events[0]!.commit);
      assert.equal(plan.scope?.kind, 'mixed');
      const body = s.requests.at(-1)!.body;
      assert.equal(body.response_format?.type, 'json_schema');
      assert.ok(body.response_format.json_schema.schema.properties.scope, 'the schema asks for the scope');
      assert.equal(body.response_format.json_schema.strict, true);
      assertStrictJsonSchema(body.response_format.json_schema.schema);
      assert.equal(calls[0]?.tokens_in, 1500);
    } finally {
      await h.close();
    }
  });

  test('a provider that stays unavailable (503) is not invalid output: the rules plan, with the reason recorded', async () => {
    const h = await openAgentHarness('planner-standin-503');
    try {
      s.script({ status: 503 });
      const { llm, calls } = standinModels(s, ['planner']);
      const out = await h.run(plannerAgent, h.initiated, { models: llm });
      const created = out.events[0]!;
      assert.equal(created.event_type, 'plan.created');
      const note = committedPlan(h, created.commit).assumptions.at(-1)!;
      assert.match(
        note,
        /^The planner's openai model gpt-4o-mini was unavailable; the deterministic plan made by Catalyst's rules was used instead\.$/,
      );
      assert.equal(calls.length, 1, 'no repair round for an unavailable provider');
      assert.equal(calls[0]!.error_code, 'llm_unavailable');
      // Unavailable for the scripted reason, not because the request never got there (a reset connection).
      assert.equal(s.requests.length, 1, 'the request reached the stand-in');
      assert.ok(
        h.logs.some((l) => /unavailable \(HTTP 503\)/.test(l.message)),
        h.logs.map((l) => l.message).join(' | '),
      );
    } finally {
      await h.close();
    }
  });

  test('a refused API key fails the task with llm_auth_failed naming provider and model, without the key', async () => {
    const h = await openAgentHarness('planner-standin-auth');
    try {
      s.script({ authFail: true });
      const { llm } = standinModels(s, ['planner']);
      const out = await h.run(plannerAgent, h.initiated, { models: llm });
      const failed = out.events[0]!;
      // If this gets a plan instead, the log and what the stand-in got say which answer the planner had.
      const why = `${h.logs.map((l) => l.message).join(' | ')} | stand-in requests: ${s.requests.length}`;
      assert.equal(failed.event_type, 'task.failed', why);
      assert.equal(failed.payload.code, 'llm_auth_failed');
      assert.match(failed.payload.reason, /openai model gpt-4o-mini/);
      assert.doesNotMatch(JSON.stringify(failed.payload), /sk-standin-test-key/);
    } finally {
      await h.close();
    }
  });
});
