import type { CatalystConfig } from '../config/index.ts';
import { systemClock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { listPreviews, restartPreview, stopPreview } from '../preview/preview-control.ts';
import { taskRefId } from '../orchestrator/id-refs.ts';
import type { Runtime } from '../runtime.ts';
import type { PreviewDeployment } from '../contracts/records.ts';
import { serverFor } from './connect.ts';
import { EXIT, printJson, table } from './output.ts';

/** `taskRef`, when the command names a task, is refused before the runtime's modules and the store start. */
async function withControl<T>(config: Readonly<CatalystConfig>, fn: (rt: Runtime) => Promise<T>, taskRef?: string): Promise<T> {
  if (taskRef !== undefined) taskRefId(taskRef);
  const { createRuntime } = await import('../runtime.ts');
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: true });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

export async function previewListCommand(opts: { json: boolean; all: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const server = await serverFor(config);
  const rows = server
    ? (await server.json<{ previews: PreviewDeployment[] }>('GET', `/api/preview${opts.all ? '?all=true' : ''}`)).previews
    : await withControl(config, (rt) =>
        listPreviews(
          { state: rt.ports.state, previews: rt.ports.previews, clock: systemClock, events: rt.ports.previewEvents ?? null },
          { all: opts.all },
        ),
      );
  if (opts.json) printJson({ previews: rows });
  else if (rows.length === 0)
    process.stdout.write(opts.all ? 'No previews recorded.\n' : 'No live previews. (`catalyst preview list --all` shows stopped ones.)\n');
  else
    process.stdout.write(
      `${table(
        ['task', 'status', 'url', 'pid/container', 'expires'],
        rows.map((p) => [p.task_id, p.status, p.url, p.container_id?.slice(0, 12) ?? '-', p.expires_at ?? '-']),
      )}\n`,
    );
  return EXIT.ok;
}

export async function previewStopCommand(taskRef: string, opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const server = await serverFor(config);
  if (server) return reportStopped(await server.json<PreviewDeployment>('DELETE', `/api/preview/${encodeURIComponent(taskRef)}`), opts);
  return withControl(
    config,
    async (rt) => {
      const row = await stopPreview(
        { state: rt.ports.state, previews: rt.ports.previews, clock: systemClock, events: rt.ports.previewEvents ?? null },
        taskRef,
      );
      return reportStopped(row, opts);
    },
    taskRef,
  );
}

function reportStopped(row: PreviewDeployment, opts: { json: boolean }): number {
  if (opts.json) printJson(row);
  else process.stdout.write(`Stopped the preview of task ${row.task_id}.\n`);
  return EXIT.ok;
}

export async function previewRestartCommand(taskRef: string, opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const server = await serverFor(config);
  if (server)
    return reportRestarted(await server.json<PreviewDeployment>('POST', `/api/preview/${encodeURIComponent(taskRef)}/restart`), opts);
  return withControl(
    config,
    async (rt) => {
      const { state, previews } = rt.ports;
      const row = await restartPreview(
        {
          state,
          previews,
          clock: systemClock,
          events: rt.ports.previewEvents ?? null,
          worktreeOf: (taskId) => rt.ports.git.worktreePath(taskId),
          projectSlugOf: async (taskId) => {
            const task = await state.getTask(taskId);
            const project = task ? await state.getProject(task.project_id) : null;
            if (!project) throw new AppError('task_not_found', `task ${taskId} has no project`);
            return project.slug;
          },
          timeoutMs: config.preview.health_timeout_seconds * 1000,
          detached: true,
        },
        taskRef,
      );
      return reportRestarted(row, opts);
    },
    taskRef,
  );
}

function reportRestarted(row: PreviewDeployment, opts: { json: boolean }): number {
  if (opts.json) printJson(row);
  else process.stdout.write(`Restarted the preview of task ${row.task_id}: ${row.url}\n`);
  return EXIT.ok;
}
