import type { CatalystConfig } from '../config/index.ts';
import { systemClock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { listPreviews, restartPreview, stopPreview } from '../preview/preview-control.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { EXIT, printJson, table } from './output.ts';

async function withControl<T>(config: Readonly<CatalystConfig>, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: true });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

export async function previewListCommand(opts: { json: boolean; all: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  return withControl(config, async (rt) => {
    const rows = await listPreviews(
      { state: rt.ports.state, previews: rt.ports.previews, clock: systemClock, events: rt.ports.previewEvents ?? null },
      { all: opts.all },
    );
    if (opts.json) printJson(rows);
    else if (rows.length === 0)
      process.stdout.write(
        opts.all ? 'No previews recorded.\n' : 'No live previews. (`catalyst preview list --all` shows stopped ones.)\n',
      );
    else
      process.stdout.write(
        `${table(
          ['task', 'status', 'url', 'pid/container', 'expires'],
          rows.map((p) => [p.task_id, p.status, p.url, p.container_id?.slice(0, 12) ?? '-', p.expires_at ?? '-']),
        )}\n`,
      );
    return EXIT.ok;
  });
}

export async function previewStopCommand(taskRef: string, opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  return withControl(config, async (rt) => {
    const row = await stopPreview(
      { state: rt.ports.state, previews: rt.ports.previews, clock: systemClock, events: rt.ports.previewEvents ?? null },
      taskRef,
    );
    if (opts.json) printJson(row);
    else process.stdout.write(`Stopped the preview of task ${row.task_id}.\n`);
    return EXIT.ok;
  });
}

export async function previewRestartCommand(taskRef: string, opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  return withControl(config, async (rt) => {
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
    if (opts.json) printJson(row);
    else process.stdout.write(`Restarted the preview of task ${row.task_id}: ${row.url}\n`);
    return EXIT.ok;
  });
}
