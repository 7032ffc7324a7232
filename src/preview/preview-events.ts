/**
 * Records `preview.*` lifecycle events (src/contracts/events.ts) for changes made outside an agent
 * step — the monitor, `catalyst preview stop|restart`, the API, a deploy evicting another task's
 * preview — on the same path as every other event: an `agent_events` row under the preview's task
 * (so `catalyst events` and GET /api/events show it), the live feed (SSE, this process) and, in
 * event-driven mode, the bus (`catalyst.preview.<kind>`, for other processes' subscribers).
 * Events the deployer emits from its own step go through the step runner instead.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, type PayloadOf } from '../contracts/events.ts';
import type { PreviewDeployment } from '../contracts/records.ts';
import type { LiveFeed } from '../core/agent.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { EventBus } from '../core/ports/event-bus.ts';
import type { PreviewEventRecorder } from '../core/ports/preview-events.ts';
import type { StateStore } from '../core/ports/state-store.ts';

/** The payload of a preview event for a row, as stored and published. */
export function previewEventPayload(row: PreviewDeployment, project: string, reason: string | null): PayloadOf<'preview.started'> {
  return {
    deployment_id: row.id,
    task_id: row.task_id,
    project,
    url: row.url === 'about:blank' ? null : row.url,
    port: row.port,
    reason,
    restart_count: row.restart_count,
  };
}

export function createPreviewEventRecorder(deps: {
  state: StateStore;
  clock: Clock;
  feed?: LiveFeed | null;
  bus?: EventBus | null;
  logger?: Logger;
}): PreviewEventRecorder {
  // A task's trace, project and branch never change once recorded.
  const taskInfo = new Map<string, { trace_id: string; slug: string; branch: string }>();

  async function infoOf(taskId: string): Promise<{ trace_id: string; slug: string; branch: string } | null> {
    const known = taskInfo.get(taskId);
    if (known) return known;
    const task = await deps.state.getTask(taskId);
    const project = task ? await deps.state.getProject(task.project_id) : null;
    if (!task || !project) return null;
    const info = { trace_id: task.trace_id, slug: project.slug, branch: task.branch_name ?? 'main' };
    taskInfo.set(taskId, info);
    return info;
  }

  return {
    async record(kind, row, reason) {
      try {
        const info = await infoOf(row.task_id);
        if (!info) {
          deps.logger?.warn(
            { preview: row.id, task: row.task_id },
            `preview.${kind} not recorded: the preview's task is not in the state store`,
          );
          return;
        }
        const event = createEvent(
          { event_type: `preview.${kind}`, payload: previewEventPayload(row, info.slug, reason) },
          {
            event_id: randomUUID(),
            trace_id: info.trace_id,
            task_id: row.task_id,
            // Previews are the deployer's: whoever notices the change records it in its name.
            actor: 'deployer',
            repo: `catalyst-generated/${info.slug}`,
            branch: info.branch,
            causation_id: null,
            timestamp: deps.clock.now().toISOString(),
          },
        );
        await deps.state.appendEvent(event);
        deps.feed?.emit({ type: 'event', event });
        if (deps.bus) await deps.bus.publish(event);
      } catch (e) {
        deps.logger?.warn({ err: e instanceof Error ? e.message : String(e), preview: row.id }, `preview.${kind} could not be recorded`);
      }
    },
  };
}
