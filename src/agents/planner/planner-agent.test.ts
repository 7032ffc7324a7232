/**
 * The planner on real ports: what lands on main, what plan.created says about it, and that a
 * redelivered task.initiated reuses its commit instead of planning twice.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { openAgentHarness, type AgentHarness, type StepOutput } from '../../../test/support/agent-harness.ts';
import { randomUUID } from 'node:crypto';
import { Plan } from '../../contracts/artifacts.ts';
import type { AgentEvent, AgentEventOf } from '../../contracts/events.ts';
import { plannerAgent } from './planner-agent.ts';

const PLANNING_FILES = ['planning/acceptance.md', 'planning/plan.yaml', 'planning/risk.md', 'planning/task-graph.json'];

describe('planner agent', () => {
  let h: AgentHarness;
  let first: StepOutput;

  before(async () => {
    h = await openAgentHarness('planner');
    first = await h.run(plannerAgent, h.initiated);
  });
  after(async () => {
    await h?.close();
  });

  test('commits the four planning files on main, marked with the inbound event id', () => {
    const [created] = first.events;
    assert.equal(created?.event_type, 'plan.created');
    assert.equal(created.commit, h.git('rev-parse', 'main').trim(), 'the event points at the head of main');
    const changed = h.git('show', '--name-only', '--format=', created.commit).trim().split('\n').sort();
    assert.deepEqual(changed, PLANNING_FILES);
    const body = h.git('log', '-1', '--format=%B', created.commit);
    assert.match(body, /^feat\(planning\): add plan for Todo App/);
    assert.match(body, new RegExp(`^Catalyst-Event: ${h.initiated.event_id}$`, 'm'));
    assert.match(body, new RegExp(`^Catalyst-Task: ${h.task.id}$`, 'm'));
  });

  test('plan.created counts agree with the committed plan.yaml', () => {
    const created = first.events[0]!;
    assert.equal(created.event_type, 'plan.created');
    const plan = Plan.parse(parseYaml(h.git('show', `${created.commit}:planning/plan.yaml`)));
    const p = created.payload;
    assert.equal(p.commit, created.commit);
    assert.equal(p.plan_ref, `git://main/planning/plan.yaml@${created.commit}`);
    assert.equal(p.feature_count, plan.features.length);
    assert.equal(p.task_count, plan.tasks.length);
    assert.equal(p.api_endpoint_count, plan.api_endpoints.length);
    assert.equal(p.entity_count, plan.domain.entities.length);
    assert.equal(
      p.estimated_hours,
      plan.tasks.reduce((sum, t) => sum + t.estimated_hours, 0),
    );
    assert.deepEqual(p.assumptions, plan.assumptions);
    assert.deepEqual(
      plan.domain.entities.map((e) => e.name),
      ['Todo'],
    );
    assert.equal(plan.domain.auth.enabled, true, '"with user auth" turns auth on');

    const graph = JSON.parse(h.git('show', `${created.commit}:planning/task-graph.json`)) as { nodes: Array<{ id: string }> };
    assert.deepEqual(
      graph.nodes.map((n) => n.id),
      plan.tasks.map((t) => t.id),
      'the task graph has one node per planned task',
    );
    const acceptance = h.git('show', `${created.commit}:planning/acceptance.md`);
    for (const f of plan.features) assert.ok(acceptance.includes(f.id), `acceptance.md covers ${f.id}`);
    assert.match(h.git('show', `${created.commit}:planning/risk.md`), new RegExp(`${plan.risk_assessment.length} risks`));
  });

  test('writes plan.yaml to the task artifacts and tells the user what it found', async () => {
    const created = first.events[0]!;
    const copy = await h.runtime.ports.artifacts.read(h.task.id, 'planning/plan.yaml');
    assert.ok(copy, 'artifacts/<task>/planning/plan.yaml exists');
    assert.deepEqual(
      Plan.parse(parseYaml(copy)),
      Plan.parse(parseYaml(h.git('show', `${created.commit}:planning/plan.yaml`))),
      'the artifact holds the committed plan',
    );
    const lines = h.logs.filter((l) => l.agent_name === 'planner').map((l) => l.message);
    assert.ok(lines.includes('Analyzing your requirements...'), lines.join(' | '));
    assert.ok(
      lines.some((l) => /^Identified \d+ features and 1 data entities$/.test(l)),
      lines.join(' | '),
    );
    assert.ok(lines.includes('Generated planning/plan.yaml'));
  });

  test('plans the understanding decided at submit, which named the project, without reading the prompt again', async () => {
    const initiated = h.initiated as AgentEventOf<'task.initiated'>;
    const carried = initiated.payload.understanding!;
    assert.equal(carried.domain.app_name, 'Todo App', 'submit named the project from this understanding');
    // Were the prompt read again, the plan would say Todo App, with Todo records and no such assumption.
    const tampered = {
      ...initiated,
      event_id: randomUUID(),
      payload: {
        ...initiated.payload,
        understanding: {
          ...carried,
          domain: { ...carried.domain, app_name: 'Carried Name', entities: carried.domain.entities.map((e) => ({ ...e, label: 'Chore' })) },
          assumptions: ['This assumption was decided at submit'],
        },
      },
    } as AgentEvent;
    const out = await h.run(plannerAgent, tampered);
    const created = out.events[0]!;
    const plan = Plan.parse(parseYaml(h.git('show', `${created.commit}:planning/plan.yaml`)));
    assert.equal(plan.project.name, 'Carried Name');
    assert.equal(plan.domain.entities[0]?.label, 'Chore');
    assert.ok(plan.assumptions.includes('This assumption was decided at submit'), plan.assumptions.join(' | '));
  });

  test('a redelivered task.initiated returns the same commit and creates no second commit', async () => {
    const commitsBefore = Number(h.git('rev-list', '--count', 'main').trim());
    const again = await h.run(plannerAgent, h.initiated, { attempt: 2 });
    assert.equal(again.events[0]?.commit, first.events[0]!.commit);
    assert.equal(Number(h.git('rev-list', '--count', 'main').trim()), commitsBefore);
    assert.equal(h.git('log', '--format=%H', `--grep=Catalyst-Event: ${h.initiated.event_id}`, 'main').trim().split('\n').length, 1);
    assert.equal(again.recorded, 'duplicate', 'the state store also recognises the redelivery');
  });
});

describe('planner agent limits', () => {
  test('a plan with more features than agents.planner.max_features fails the task with request_too_large before any commit', async () => {
    const h = await openAgentHarness('planner-limit');
    try {
      const settings = { ...h.settings, planner: { maxFeatures: 1 } };
      const out = await h.run(plannerAgent, h.initiated, { settings });
      const [failed] = out.events;
      assert.equal(failed?.event_type, 'task.failed');
      assert.equal(failed.payload.code, 'request_too_large');
      assert.equal(failed.payload.phase, 'planning');
      assert.match(
        failed.payload.reason,
        /asks for \d+ features; this installation builds at most 1 at once \(agents\.planner\.max_features\)/,
      );
      assert.match(failed.payload.hint ?? '', /fewer features/);
      assert.equal(existsSync(h.repo), false, 'no repository was created for a request that is refused');
    } finally {
      await h.close();
    }
  });
});
