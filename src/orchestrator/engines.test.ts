/**
 * Both engines over the real embedded state store and the real in-process bus, with small agent
 * definitions (agents are plug-ins of the engine; the real ones are exercised end to end in
 * test/e2e). Proves: routing by subscription, audit order, a poisoned task fails after exactly the
 * configured attempts with its reason while a healthy task in flight completes untouched, and the
 * inbox/outbox are left consistent.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../config/index.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { planCreatedDraft } from '../../test/support/stub-events.ts';

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
      events: [planCreatedDraft()],
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

/**
 * A tester whose test run never ends on its own: a child that starts a grandchild `sleep` and writes
 * the grandchild's pid where the test can see it. Only a cancel (the step's signal) ends it.
 */
const runs = new Map<string, { exitCode: number | null; signal: string | null }>();
const testTester: AgentDefinition = {
  id: 'tester',
  description: 'test tester: a test run that hangs until the step is aborted',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['deploy.complete'],
  async handle(event, ctx) {
    if (event.event_type !== 'plan.created') throw new Error('unexpected');
    if (ctx.task.user_prompt.includes('hang')) {
      const pidFile = join(ctx.paths.artifacts, 'sleeper.pid');
      const script = `const c = require('node:child_process').spawn('sleep', ['600'], { stdio: 'ignore' }); require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000);`;
      await ctx.ports.artifacts.write(ctx.task.id, 'sleeper.log', 'started\n');
      const run = await ctx.ports.runner.run({
        command: process.execPath,
        args: ['-e', script],
        cwd: ctx.paths.artifacts,
        timeoutMs: 600_000,
        memoryMb: 256,
        signal: ctx.signal,
      });
      runs.set(ctx.task.id, { exitCode: run.exitCode, signal: run.signal });
    }
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

/** Running, as opposed to gone or a zombie waiting for whoever inherited it to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function runtimeFor(mode: 'sequential' | 'event_driven', agents: AgentDefinition[] = [testPlanner, testDeployer]): Promise<Runtime> {
  const dir = mkdtempSync(join(tmpdir(), `catalyst-engine-${mode}-`));
  dirs.push(dir);
  const config = loadConfig({
    env: {},
    cwd: dir,
    // No sandbox: the test checks the grandchild by its pid, which a PID namespace would hide.
    overrides: {
      'orchestration.mode': mode,
      'orchestration.event_driven.retry_delay_ms': 10,
      'logging.level': 'silent',
      'preview.sandbox': 'none',
    },
  });
  return createRuntime(config, { mode, detachedPreviews: false, agents });
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

    test(
      'cancel interrupts the tester in flight: its process group is killed, the task ends cancelled, no preview, the other task completes',
      { timeout: 120_000 },
      async () => {
        const rt = await runtimeFor(mode, [testPlanner, testTester]);
        try {
          const hanging = await rt.submitBuild({ prompt: 'build a hang app' });
          const other = await rt.submitBuild({ prompt: 'build a todo app' });
          const pidFile = join(rt.ports.artifacts.location(hanging.id), 'sleeper.pid');
          while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') await new Promise((r) => setTimeout(r, 20));
          const sleeper = Number(readFileSync(pidFile, 'utf8'));
          assert.ok(alive(sleeper), 'the test run is in flight');

          // The test run would sleep 600 s: cancel returning (within the 120 s test timeout) shows it was interrupted.
          const cancelled = await rt.engine.cancel(hanging.id);
          assert.equal(cancelled.status, 'cancelled');
          const done = await rt.engine.waitFor(hanging.id);
          assert.equal(done.status, 'cancelled', `ended ${done.status}: ${done.error}`);
          assert.equal(done.error, 'cancelled by the user');
          while (!runs.has(hanging.id)) await new Promise((r) => setTimeout(r, 20));
          assert.equal(runs.get(hanging.id)!.signal, 'SIGKILL', 'the test run was killed, not finished');
          // SIGKILL is delivered asynchronously: give the kernel a moment before judging.
          for (let i = 0; i < 100 && alive(sleeper); i++) await new Promise((r) => setTimeout(r, 20));
          assert.equal(alive(sleeper), false, "the test run's own child was killed with its process group");

          const types = (await rt.ports.state.listEvents(hanging.id)).map((e) => e.event_type);
          assert.deepEqual(types, ['task.initiated', 'plan.created'], 'the interrupted step recorded nothing');
          const previews = (await rt.ports.state.listPreviews()).filter((p) => p.task_id === hanging.id && p.status !== 'stopped');
          assert.deepEqual(previews, [], 'no preview runs for the cancelled task');
          await assert.rejects(rt.engine.cancel(hanging.id), /already cancelled/);

          const otherDone = await rt.engine.waitFor(other.id);
          assert.equal(otherDone.status, 'completed', 'the other task is untouched');
        } finally {
          await rt.close();
        }
      },
    );
  });
}
