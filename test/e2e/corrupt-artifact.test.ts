/**
 * A half-written artifact of a committed step, in a real offline build on the embedded store: the process
 * stops (gracefully) just as the reviewer starts, leaving the tester's test-results/test-summary.json
 * truncated, as a machine crash loses the tail of a file whose step had already committed. The next
 * process resumes the task; the reviewer finds the summary corrupt by its schema, the tester's step is
 * redone, and the build completes with the summary valid again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PIPELINE_AGENTS } from '../../src/agents/index.ts';
import { parseArtifact } from '../../src/agents/shared/artifact-json.ts';
import { loadConfig } from '../../src/config/index.ts';
import { TestSummary } from '../../src/contracts/artifacts.ts';
import { artifactRedosOf, resumeOf } from '../../src/contracts/records.ts';
import type { AgentDefinition } from '../../src/core/agent.ts';
import { systemClock } from '../../src/core/clock.ts';
import { listPreviews, stopPreview } from '../../src/preview/preview-control.ts';
import { createRuntime } from '../../src/runtime.ts';

const SUMMARY = 'test-results/test-summary.json';
const dir = mkdtempSync(join(tmpdir(), 'catalyst-corrupt-artifact-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const config = loadConfig({
  env: { PATH: process.env.PATH, HOME: process.env.HOME },
  cwd: dir,
  overrides: {
    'logging.level': 'silent',
    // The tester's unit tests and summary are what this is about, not what a browser finds in the app.
    'agents.tester.run_e2e_tests': false,
    'agents.tester.run_smoke_check': false,
    'orchestration.recovery.lease_seconds': 2,
  },
});

test('a truncated test summary found on resume: the tester redoes its step and the build completes', { timeout: 600_000 }, async () => {
  let reached: () => void = () => undefined;
  const atReviewer = new Promise<void>((r) => (reached = r));
  /** The reviewer of the first process: tears the summary its step is about to read, then waits to be stopped. */
  const tearing: AgentDefinition[] = PIPELINE_AGENTS.map((agent) =>
    agent.id !== 'reviewer'
      ? agent
      : {
          ...agent,
          async handle(_event, ctx) {
            const path = join(ctx.paths.artifacts, SUMMARY);
            const text = readFileSync(path, 'utf8');
            writeFileSync(path, text.slice(0, Math.floor(text.length / 2)));
            reached();
            return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));
          },
        },
  );
  const first = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, agents: tearing, resumeOwnerless: true });
  let taskId: string;
  try {
    taskId = (await first.submitBuild({ prompt: 'build a notes app' })).id;
    await atReviewer;
  } finally {
    await first.close();
  }

  const second = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, resumeOwnerless: true });
  try {
    const done = await second.engine.waitFor(taskId);
    assert.equal(done.status, 'completed', `${done.current_phase}: ${done.error}`);
    assert.equal(resumeOf(done)?.count, 1);
    const summary = parseArtifact(TestSummary, await second.ports.artifacts.read(taskId, SUMMARY), SUMMARY);
    assert.equal(summary.overall_status, 'passed', 'the rewritten summary is whole');
    const redo = artifactRedosOf(done)[SUMMARY];
    assert.equal(redo?.producer, 'tester');
    assert.equal(redo?.consumer, 'reviewer');
    assert.match(redo?.reason ?? '', /^test-results\/test-summary\.json is not valid JSON/);
    const events = (await second.ports.state.listEvents(taskId)).map((e) => `${e.actor}:${e.event_type}`);
    assert.deepEqual(
      events.filter((e) => e !== 'orchestrator:task.progress' && !e.includes('preview')),
      [
        'orchestrator:task.initiated',
        'planner:plan.created',
        'architect:architecture.proposed',
        'coder:code.pr.opened',
        'tester:test.results',
        'tester:test.results',
        'reviewer:review.decision',
        'deployer:deploy.status',
        'deployer:deploy.complete',
      ],
      'the tester reported twice (the redo), every other step once',
    );
  } finally {
    // The deployer's preview outlives the runtime (its supervisor is its own process).
    const deps = { state: second.ports.state, previews: second.ports.previews, clock: systemClock };
    for (const p of await listPreviews(deps, { all: true })) await stopPreview(deps, p.task_id).catch(() => undefined);
    await second.close();
  }
});
