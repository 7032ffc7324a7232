/**
 * Seeds the state store with a project, a task and a preview row, as the deployer would, for the
 * preview lifecycle and router tests (src/preview/*.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { createEvent } from '../../src/contracts/events.ts';
import type { PreviewDeployment, TaskRecord } from '../../src/contracts/records.ts';
import type { PreviewUpsert, StateStore } from '../../src/core/ports/state-store.ts';

export async function seedTask(state: StateStore, slug: string): Promise<TaskRecord> {
  const project = { id: randomUUID(), name: slug, slug, description: null, repo_path: null };
  const ids = { id: randomUUID(), trace_id: randomUUID() };
  const event = createEvent(
    {
      event_type: 'task.initiated',
      payload: {
        project_id: project.id,
        project_name: slug,
        project_slug: slug,
        requirements: 'build a todo app',
        mode: 'sequential',
        seed: 0,
        next_agent: 'planner',
      },
    },
    {
      trace_id: ids.trace_id,
      task_id: ids.id,
      actor: 'orchestrator',
      repo: `repos/${slug}`,
      branch: 'main',
      causation_id: null,
      event_id: randomUUID(),
      timestamp: new Date().toISOString(),
    },
  );
  return state.createTask({
    project,
    task: { ...ids, project_id: project.id, user_prompt: 'build a todo app', mode: 'sequential' },
    event,
    publish: false,
  });
}

export async function seedPreview(
  state: StateStore,
  taskId: string,
  row: Partial<PreviewUpsert> & { port: number | null },
): Promise<PreviewDeployment> {
  const url = row.port === null ? 'about:blank' : `http://127.0.0.1:${row.port}`;
  return state.upsertPreview({
    id: randomUUID(),
    task_id: taskId,
    url,
    fallback_url: url,
    container_id: null,
    status: 'healthy',
    health_check_url: `${url}/health`,
    working_copy: null,
    log_path: null,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    ...row,
  });
}
