/**
 * Both engines over the real embedded state store and the real in-process bus, with small agent
 * definitions (agents are plug-ins of the engine; the real ones are exercised end to end in
 * test/e2e). Proves: routing by subscription, audit order, a poisoned task fails after exactly the
 * configured attempts with its reason while a healthy task in flight completes untouched, and the
 * inbox/outbox are left consistent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../config/index.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { createRuntime, type Runtime } from '../runtime.ts';

const attempts = new Map<string, number>();
const statusSeen = new Map<string, string>();

const testPlanner: AgentDefinition = {
  id: 'planner',
  description: 'test planner: fails every time for poisoned requests',
  consumes: [{ routingKey: 'catalyst.task.initiated' }],
  emits: ['plan.created'],
  async handle(event, ctx) {
    if (event.event_type !== 'task.initiated') throw new Error('unexpected');
    attempts.set(ctx.task.id, (attempts.get(ctx.task.id) ?? 0) + 1);
    statusSeen.set(ctx.task.id, `${ctx.task.status}/${ctx.task.current_phase}`);
    if (event.payload.requirements.includes('poison')) throw new Error('the planner choked on this request');
    ctx.log('planned');
    return {
      events: [
        {
          event_type: 'plan.created',
          payload: {
            plan_ref: 'git://main/planning/plan.yaml',
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

const testDeployer: AgentDefinition = {
  id: 'deployer',
  description: 'test deployer: completes the task',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['deploy.complete'],
  async handle() {
    return {
      events: [
        {
          event_type: 'deploy.complete',
          payload: { status: 'completed', preview_url: null, fallback_url: null, artifacts: { code: 'git://x', tests: 'file://x', review: 'file://x', deployment: 'file://x' } },
        },
      ],
    };
  },
};

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function runtimeFor(mode: 'sequential' | 'event_driven'): Promise<Runtime> {
  const dir = mkdtempSync(join(tmpdir(), `catalyst-engine-${mode}-`));
  dirs.push(dir);
  const config = loadConfig({
    env: {},
    cwd: dir,
    overrides: { 'orchestration.mode': mode, 'orchestration.event_driven.retry_delay_ms': 10, 'logging.level': 'silent' },
  });
  return createRuntime(config, { mode, detachedPreviews: false, agents: [testPlanner, testDeployer] });
}

for (const mode of ['sequential', 'event_driven'] as const) {
  describe(`${mode} engine`, () => {
    test('a poisoned task fails after 3 attempts with its reason; a healthy one beside it completes', async () => {
      const rt = await runtimeFor(mode);
      try {
        const good = await rt.submitBuild({ prompt: 'build a todo app' });
        const bad = await rt.submitBuild({ prompt: 'build a poison app' });
        const [goodDone, badDone] = await Promise.all([rt.engine.waitFor(good.id), rt.engine.waitFor(bad.id)]);

        assert.equal(goodDone.status, 'completed');
        assert.equal(goodDone.current_phase, 'done');
        const goodEvents = (await rt.ports.state.listEvents(good.id)).map((e) => e.event_type);
        assert.deepEqual(goodEvents, ['task.initiated', 'plan.created', 'deploy.complete']);
        const traces = new Set((await rt.ports.state.listEvents(good.id)).map((e) => e.trace_id));
        assert.deepEqual([...traces], [good.trace_id], 'one trace id across the task');

        assert.equal(badDone.status, 'failed');
        assert.match(badDone.error ?? '', /planner failed after 3 attempt\(s\): the planner choked on this request/);
        assert.equal(attempts.get(bad.id), 3, 'exactly 3 attempts');
        assert.equal(attempts.get(good.id), 1, 'the healthy task ran once');
        assert.equal(statusSeen.get(good.id), 'running/planning', 'a picked-up task is running, not queued');
        const badEvents = (await rt.ports.state.listEvents(bad.id)).map((e) => e.event_type);
        assert.deepEqual(badEvents, ['task.initiated', 'task.failed']);

        if (mode === 'event_driven') {
          const dead = await rt.ports.bus!.deadLetters();
          assert.equal(dead.length, 1);
          assert.equal(dead[0]!.event.task_id, bad.id);
          assert.match(dead[0]!.reason, /choked/);
          // Let the relay finish its last pass, then nothing may be left unsent.
          for (let i = 0; i < 50 && (await rt.ports.state.countUnsentOutbox()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
          assert.equal(await rt.ports.state.countUnsentOutbox(), 0);
        }
      } finally {
        await rt.close();
      }
    });
  });
}
