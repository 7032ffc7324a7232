/**
 * Starts the preview monitor and (preview.router.enabled) the Host router for a long-running process
 * such as `catalyst serve`; close it before the runtime. Previews stay up when it closes.
 */
import { systemClock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { startPreviewServices as startPreviewServicesFor, type PreviewServices } from '../preview/preview-services.ts';
import type { Runtime } from '../runtime.ts';

export function startPreviewServices(runtime: Runtime, opts: { detached?: boolean } = {}): Promise<PreviewServices> {
  const { config, ports, logger } = runtime;
  const p = config.preview;
  return startPreviewServicesFor({
    state: ports.state,
    previews: ports.previews,
    clock: systemClock,
    events: ports.previewEvents ?? null,
    logger: logger.child({ component: 'preview-monitor' }),
    worktreeOf: (taskId) => ports.git.worktreePath(taskId),
    projectSlugOf: async (taskId) => {
      const task = await ports.state.getTask(taskId);
      const project = task ? await ports.state.getProject(task.project_id) : null;
      if (!project) throw new AppError('task_not_found', `task ${taskId} has no project`);
      return project.slug;
    },
    timeoutMs: p.health_timeout_seconds * 1000,
    detached: opts.detached ?? true,
    intervalMs: p.health_check_interval * 1000,
    maxRestarts: p.max_restarts,
    maxConcurrent: p.max_concurrent,
    router: p.router.enabled ? { port: p.router.port, host: '127.0.0.1', baseDomain: p.router.base_domain } : null,
  });
}
