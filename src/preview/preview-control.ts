/**
 * List, stop and restart previews from the state store (spec §7.2, §11.1). Listing reconciles the
 * record with reality: a preview whose process died is shown (and stored) as stopped, not healthy.
 */
import type { PreviewDeployment, PreviewStatus } from '../contracts/records.ts';
import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import type { PreviewRuntime } from '../core/ports/preview-runtime.ts';
import type { StateStore } from '../core/ports/state-store.ts';

const LIVE: readonly PreviewStatus[] = ['starting', 'healthy', 'unhealthy'];

export interface PreviewControlDeps {
  state: StateStore;
  previews: PreviewRuntime;
  clock: Clock;
}

function pidOf(p: PreviewDeployment): number | null {
  const pid = Number(p.container_id);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export async function listPreviews(deps: PreviewControlDeps, opts: { all?: boolean } = {}): Promise<PreviewDeployment[]> {
  const rows = await deps.state.listPreviews(opts.all ? {} : { statuses: [...LIVE] });
  const out: PreviewDeployment[] = [];
  for (const row of rows) {
    if (!LIVE.includes(row.status)) {
      out.push(row);
      continue;
    }
    const seen = await deps.previews.inspect({ pid: pidOf(row), port: row.port, logPath: row.log_path });
    const status: PreviewStatus = !seen.alive ? 'stopped' : seen.healthy ? 'healthy' : 'unhealthy';
    const updated = await deps.state.updatePreview(row.id, { status, last_health_check: deps.clock.now().toISOString() });
    if (opts.all || LIVE.includes(updated.status)) out.push(updated);
  }
  return out;
}

/** Accepts a full task id or a unique prefix of at least 8 characters (the short id in URLs). */
export async function findPreview(state: StateStore, taskRef: string): Promise<PreviewDeployment> {
  const ref = taskRef.trim().toLowerCase();
  if (!/^[0-9a-f-]{8,36}$/.test(ref)) {
    throw new AppError('invalid_option', `"${taskRef}" is not a task id`, { hint: 'use the task_id printed by `catalyst build`, or its first 8 characters' });
  }
  const matches = (await state.listPreviews()).filter((p) => p.task_id.startsWith(ref));
  const tasks = new Set(matches.map((p) => p.task_id));
  if (tasks.size === 0) throw new AppError('preview_not_found', `no preview for task ${taskRef}`, { hint: 'see `catalyst preview list --all`' });
  if (tasks.size > 1) throw new AppError('invalid_option', `task id prefix ${taskRef} matches ${tasks.size} tasks`, { hint: 'give more characters of the id' });
  return matches.sort((a, b) => b.created_at.localeCompare(a.created_at))[0]!;
}

export async function stopPreview(deps: PreviewControlDeps, taskRef: string): Promise<PreviewDeployment> {
  const row = await findPreview(deps.state, taskRef);
  await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy });
  return deps.state.updatePreview(row.id, { status: 'stopped', last_health_check: deps.clock.now().toISOString() });
}

export async function restartPreview(
  deps: PreviewControlDeps & { worktreeOf: (taskId: string) => string; projectSlugOf: (taskId: string) => Promise<string>; timeoutMs: number; detached: boolean },
  taskRef: string,
): Promise<PreviewDeployment> {
  const row = await findPreview(deps.state, taskRef);
  await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy });
  const others = (await deps.state.listPreviews({ statuses: [...LIVE] })).filter((p) => p.task_id !== row.task_id);
  const handle = await deps.previews.start({
    taskId: row.task_id,
    projectSlug: await deps.projectSlugOf(row.task_id),
    sourceDir: deps.worktreeOf(row.task_id),
    reservedPorts: others.map((p) => p.port).filter((p): p is number => p !== null),
    timeoutMs: deps.timeoutMs,
    detached: deps.detached,
  });
  return deps.state.updatePreview(row.id, {
    status: 'healthy',
    container_id: String(handle.pid),
    port: handle.port,
    url: handle.url,
    fallback_url: handle.url,
    restart_count: row.restart_count + 1,
    last_health_check: deps.clock.now().toISOString(),
  });
}
