/** storage.artifacts.retention_days on the real embedded store and the real artifact folders. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createFsArtifactStore } from '../adapters/fs/artifact-store.ts';
import { createPinoLogger } from '../adapters/logging/pino-logger.ts';
import { openStateStore } from '../adapters/state/index.ts';
import { createEvent } from '../contracts/events.ts';
import { removeExpiredArtifacts } from './artifact-retention.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalyst-retention-'));
const state = await openStateStore({ kind: 'pglite', memory: true });
after(async () => {
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

async function endedTask(completedAt: string | null): Promise<string> {
  const project = { id: randomUUID(), name: 'Kept', slug: `kept-${randomUUID().slice(0, 8)}`, description: null, repo_path: null };
  const ids = { id: randomUUID(), trace_id: randomUUID() };
  const event = createEvent(
    {
      event_type: 'task.initiated',
      payload: {
        project_id: project.id,
        project_name: 'Kept',
        project_slug: project.slug,
        requirements: 'build a todo app',
        mode: 'sequential',
        seed: 1,
        next_agent: 'planner',
      },
    },
    {
      ...ids,
      task_id: ids.id,
      actor: 'orchestrator',
      repo: 'r',
      branch: 'main',
      causation_id: null,
      event_id: randomUUID(),
      timestamp: completedAt ?? new Date().toISOString(),
    },
  );
  await state.createTask({
    project,
    task: { ...ids, project_id: project.id, user_prompt: 'build a todo app', mode: 'sequential', metadata: {} },
    event,
    publish: false,
  });
  if (completedAt) await state.updateTask(ids.id, { status: 'completed', completed_at: completedAt });
  return ids.id;
}

test('artifacts of tasks that ended more than retention_days ago are removed once, and the task says when', async () => {
  const artifacts = createFsArtifactStore(join(dir, 'artifacts'));
  const now = new Date('2026-06-30T12:00:00.000Z');
  const expired = await endedTask('2026-05-01T00:00:00.000Z');
  const fresh = await endedTask('2026-06-25T00:00:00.000Z');
  const running = await endedTask(null);
  for (const id of [expired, fresh, running]) await artifacts.write(id, 'planning/plan.yaml', 'project: {}\n');
  const ports = { state, artifacts, clock: { now: () => now }, logger: createPinoLogger('silent') };

  assert.deepEqual(await removeExpiredArtifacts(ports, 30), [expired]);
  assert.equal(existsSync(artifacts.location(expired)), false);
  assert.deepEqual(await artifacts.list(fresh), ['planning/plan.yaml'], 'a task that ended 5 days ago keeps its files');
  assert.deepEqual(await artifacts.list(running), ['planning/plan.yaml'], 'a running task keeps its files');
  assert.equal((await state.getTask(expired))?.metadata.artifacts_removed_at, now.toISOString());
  assert.deepEqual(await removeExpiredArtifacts(ports, 30), [], 'a second sweep has nothing left to do');
});
