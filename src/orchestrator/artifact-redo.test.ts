/**
 * A corrupt artifact of an earlier step is redone by that step, over the real embedded store with small
 * agents: the planner writes planning/plan.json, the deployer reads it back with parseArtifact. Corrupted
 * once, the planner's step runs again (a second attempt) and the task completes; corrupted again after
 * the redo, the task fails with the reason instead of looping. (A real build: test/e2e/corrupt-artifact.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { z } from 'zod';
import { parseArtifact } from '../agents/shared/artifact-json.ts';
import { loadConfig } from '../config/index.ts';
import { artifactRedosOf } from '../contracts/records.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { createRuntime } from '../runtime.ts';

const Plan = z.object({ features: z.array(z.string()).min(1) });
const calls = { planner: 0, deployer: 0 };
/** The attempt number each planner run was given. */
let plannerAttempts: number[] = [];
/** How many of the deployer's reads find the file torn (a truncated write). */
let corruptReads = 0;

const planner: AgentDefinition = {
  id: 'planner',
  description: 'writes planning/plan.json',
  consumes: [{ routingKey: 'catalyst.task.initiated' }],
  emits: ['plan.created'],
  async handle(_event, ctx) {
    calls.planner++;
    plannerAttempts.push(ctx.attempt);
    await ctx.ports.artifacts.write(ctx.task.id, 'planning/plan.json', JSON.stringify({ features: ['todos'] }));
    return {
      events: [
        {
          event_type: 'plan.created',
          payload: {
            plan_ref: 'file://planning/plan.json',
            commit: 'abc',
            feature_count: 1,
            task_count: 1,
            api_endpoint_count: 0,
            entity_count: 1,
            estimated_hours: 1,
            risk_level: 'low',
            complexity_score: 0.1,
            assumptions: [],
          },
        },
      ],
    };
  },
};

const deployer: AgentDefinition = {
  id: 'deployer',
  description: 'reads planning/plan.json back',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['deploy.complete'],
  async handle(_event, ctx) {
    calls.deployer++;
    if (corruptReads > 0) {
      corruptReads--;
      writeFileSync(join(ctx.paths.artifacts, 'planning/plan.json'), '{"features": ["to');
    }
    parseArtifact(Plan, await ctx.ports.artifacts.read(ctx.task.id, 'planning/plan.json'), 'planning/plan.json');
    return {
      events: [
        {
          event_type: 'deploy.complete',
          payload: {
            status: 'completed',
            preview_url: null,
            fallback_url: null,
            artifacts: { code: 'git://x', tests: 'file://x', review: 'file://x', deployment: 'file://x' },
            main_commit: null,
          },
        },
      ],
    };
  },
};

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function build(corrupt: number) {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-artifact-redo-'));
  dirs.push(dir);
  calls.planner = calls.deployer = 0;
  plannerAttempts = [];
  corruptReads = corrupt;
  const config = loadConfig({ env: {}, cwd: dir, overrides: { 'logging.level': 'silent' } });
  const rt = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, agents: [planner, deployer] });
  try {
    const task = await rt.engine.waitFor((await rt.submitBuild({ prompt: 'build a todo app' })).id);
    const events = (await rt.ports.state.listEvents(task.id)).map((e) => `${e.actor}:${e.event_type}`);
    return { task, events, text: await rt.ports.artifacts.read(task.id, 'planning/plan.json') };
  } finally {
    await rt.close();
  }
}

test('an artifact found torn by the next step is written again by the step that produced it, and the task completes', async () => {
  const { task, events, text } = await build(1);
  assert.equal(task.status, 'completed', `${task.status}: ${task.error}`);
  assert.deepEqual(calls, { planner: 2, deployer: 2 });
  assert.deepEqual(JSON.parse(text!), { features: ['todos'] }, 'valid again');
  assert.deepEqual(events, ['orchestrator:task.initiated', 'planner:plan.created', 'planner:plan.created', 'deployer:deploy.complete']);
  assert.deepEqual(plannerAttempts, [1, 2], 'the redo is the planner step’s second attempt');
  const redo = artifactRedosOf(task)['planning/plan.json'];
  assert.equal(redo?.producer, 'planner');
  assert.equal(redo?.consumer, 'deployer');
  assert.match(redo?.reason ?? '', /^planning\/plan\.json is not valid JSON/);
});

test('the same artifact corrupt again after its redo fails the task with the reason, without a third run', async () => {
  const { task } = await build(2);
  assert.equal(task.status, 'failed');
  assert.match(task.error ?? '', /^deployer failed after 1 attempt\(s\): planning\/plan\.json is not valid JSON/);
  assert.deepEqual(calls, { planner: 2, deployer: 2 });
});
