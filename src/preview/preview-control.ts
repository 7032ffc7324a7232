/**
 * List, stop and restart previews from the state store (spec §7.2, §11.1). Listing reconciles the
 * record with reality (`reconcilePreviews`): a preview whose process died is shown (and stored) as
 * stopped, not healthy, and one past its TTL is stopped and marked expired. The preview monitor
 * (preview-monitor.ts) runs the same reconciliation on a timer, with restarts allowed.
 */
import type { PreviewDeployment, PreviewStatus } from '../contracts/records.ts';
import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { recordedIdOf, type PreviewRuntime } from '../core/ports/preview-runtime.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import type { PreviewEventRecorder } from '../core/ports/preview-events.ts';

export const LIVE_PREVIEW_STATUSES: readonly PreviewStatus[] = ['starting', 'healthy', 'unhealthy'];
const LIVE = LIVE_PREVIEW_STATUSES;

export interface PreviewControlDeps {
  state: StateStore;
  previews: PreviewRuntime;
  clock: Clock;
  /** Where `preview.*` lifecycle events go (agent_events, live feed, bus); none in bare tests. */
  events?: PreviewEventRecorder | null;
}

function pidOf(p: PreviewDeployment): number | null {
  const pid = Number(p.container_id);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export async function listPreviews(deps: PreviewControlDeps, opts: { all?: boolean } = {}): Promise<PreviewDeployment[]> {
  await reconcilePreviews(deps);
  return deps.state.listPreviews(opts.all ? {} : { statuses: [...LIVE] });
}

/** What restarting a preview needs besides the ports: where its code is and what it is called. */
export interface RestartDeps {
  worktreeOf: (taskId: string) => string;
  projectSlugOf: (taskId: string) => Promise<string>;
  timeoutMs: number;
  detached: boolean;
}

export interface ReconcileOptions {
  /** When set, dead or twice-unhealthy previews are restarted up to `maxRestarts` times; else marked stopped. */
  restart?: (RestartDeps & { maxRestarts: number }) | null;
  /** More live previews than this: the least recently used (or oldest) are stopped. */
  maxConcurrent?: number | null;
  /** Last request per task through the Host router (epoch ms), so idle previews go first. */
  lastActivity?: ReadonlyMap<string, number>;
  /** Remove the working copies of previews that are no longer live. */
  cleanup?: boolean;
}

export type PreviewChange =
  | { kind: 'healthy' | 'unhealthy' | 'stopped' | 'restarted' | 'expired' | 'evicted' | 'cleaned'; taskId: string; previewId: string }
  | { kind: 'failed'; taskId: string; previewId: string; reason: string };

const isoNow = (deps: PreviewControlDeps) => deps.clock.now().toISOString();

/** The least recently used first (router activity when known, else start time); previews still starting last. */
function evictionOrder(rows: PreviewDeployment[], lastActivity?: ReadonlyMap<string, number>): PreviewDeployment[] {
  const lastUsed = (p: PreviewDeployment) => lastActivity?.get(p.task_id) ?? Date.parse(p.created_at);
  const starting = (p: PreviewDeployment) => (p.status === 'starting' ? 1 : 0);
  return [...rows].sort((a, b) => starting(a) - starting(b) || lastUsed(a) - lastUsed(b) || a.created_at.localeCompare(b.created_at));
}

async function evictRow(deps: PreviewControlDeps, row: PreviewDeployment, reason: string): Promise<PreviewDeployment> {
  await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy });
  const stopped = await deps.state.updatePreview(row.id, {
    status: 'stopped',
    last_health_check: isoNow(deps),
    metadata: { stopped_reason: 'max_concurrent', eviction: reason, cleaned: true },
  });
  await deps.events?.record('evicted', stopped, reason);
  return stopped;
}

/**
 * Makes room for a new preview of `taskId` under `preview.max_concurrent`: while the other live
 * previews already fill the limit, the least recently used (else oldest) is stopped, with a
 * `preview.evicted` event saying why. Returns the evicted rows.
 */
export async function evictForNewPreview(
  deps: PreviewControlDeps,
  opts: { taskId: string; maxConcurrent: number; lastActivity?: ReadonlyMap<string, number> },
): Promise<PreviewDeployment[]> {
  // The task's own previous preview is replaced by the start, so it does not count against the limit.
  const others = (await deps.state.listPreviews({ statuses: [...LIVE] })).filter((p) => p.task_id !== opts.taskId);
  const excess = others.length - opts.maxConcurrent + 1;
  if (excess <= 0) return [];
  const reason = `preview.max_concurrent (${opts.maxConcurrent}) reached: stopped the least recently used preview to start task ${opts.taskId}`;
  const evicted: PreviewDeployment[] = [];
  for (const row of evictionOrder(others, opts.lastActivity).slice(0, excess)) evicted.push(await evictRow(deps, row, reason));
  return evicted;
}

async function restartRow(deps: PreviewControlDeps, restart: RestartDeps, row: PreviewDeployment): Promise<PreviewDeployment> {
  await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy }, { keepBuild: true });
  // Ports of every other live preview stay reserved, whoever started them: never two on one port.
  const others = (await deps.state.listPreviews({ statuses: [...LIVE] })).filter((p) => p.task_id !== row.task_id);
  const handle = await deps.previews.start({
    taskId: row.task_id,
    projectSlug: await restart.projectSlugOf(row.task_id),
    sourceDir: restart.worktreeOf(row.task_id),
    reservedPorts: others.map((p) => p.port).filter((p): p is number => p !== null),
    timeoutMs: restart.timeoutMs,
    detached: restart.detached,
  });
  // A router URL names the task, not the port, so it survives the restart; a direct URL does not.
  const routed = row.fallback_url !== null && row.url !== row.fallback_url && row.url !== 'about:blank';
  return deps.state.updatePreview(row.id, {
    status: 'healthy',
    container_id: recordedIdOf(handle),
    port: handle.port,
    url: routed ? row.url : handle.url,
    fallback_url: handle.url,
    restart_count: row.restart_count + 1,
    last_health_check: isoNow(deps),
    metadata: { sandbox: handle.sandbox, cleaned: false, stopped_reason: null, error: null },
  });
}

/**
 * Brings the recorded previews in line with what is running: expires those past their TTL, marks
 * dead and unhealthy ones (restarting them when allowed), stops the least recently used beyond the
 * limit, and removes working copies nothing runs from. Rows whose process is alive and healthy are
 * simply kept (adopted): a Catalyst restart loses nothing, since the rows are the only record.
 */
export async function reconcilePreviews(deps: PreviewControlDeps, opts: ReconcileOptions = {}): Promise<PreviewChange[]> {
  const changes: PreviewChange[] = [];
  const now = deps.clock.now();
  const rows = (await deps.state.listPreviews({ statuses: [...LIVE] })).sort((a, b) => a.created_at.localeCompare(b.created_at));
  // Only the newest row of a task is live; older ones were replaced by a redeploy.
  const newest = new Map<string, PreviewDeployment>();
  for (const row of rows) newest.set(row.task_id, row);

  for (const row of rows) {
    const ref = { taskId: row.task_id, previewId: row.id };
    if (newest.get(row.task_id) !== row) {
      const stopped = await deps.state.updatePreview(row.id, {
        status: 'stopped',
        last_health_check: isoNow(deps),
        metadata: { stopped_reason: 'replaced' },
      });
      changes.push({ kind: 'stopped', ...ref });
      await deps.events?.record('stopped', stopped, 'replaced by a newer preview of the same task');
      continue;
    }
    if (row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime()) {
      await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy });
      const expired = await deps.state.updatePreview(row.id, {
        status: 'expired',
        last_health_check: isoNow(deps),
        metadata: { stopped_reason: 'ttl', cleaned: true },
      });
      changes.push({ kind: 'expired', ...ref });
      await deps.events?.record(
        'expired',
        expired,
        `its TTL ended at ${row.expires_at} (preview.ttl_hours); \`catalyst preview restart\` starts it again`,
      );
      continue;
    }
    const seen = await deps.previews.inspect({ pid: pidOf(row), port: row.port, logPath: row.log_path });
    if (seen.alive && seen.healthy) {
      const healthy = await deps.state.updatePreview(row.id, { status: 'healthy', last_health_check: isoNow(deps) });
      if (row.status !== 'healthy') {
        changes.push({ kind: 'healthy', ...ref });
        await deps.events?.record('healthy', healthy, null);
      }
      continue;
    }
    const problem = seen.alive ? `GET ${row.health_check_url || '/health'} did not answer 200` : 'its process is not running';
    // One failed probe may be a busy app: a live preview is restarted on its second unhealthy check.
    const needsRestart = !seen.alive || row.status === 'unhealthy';
    if (!needsRestart || !opts.restart) {
      const status: PreviewStatus = seen.alive ? 'unhealthy' : 'stopped';
      const marked = await deps.state.updatePreview(row.id, {
        status,
        last_health_check: isoNow(deps),
        metadata: { log_tail: seen.logTail.slice(-30) },
      });
      changes.push({ kind: status, ...ref });
      if (row.status !== status) await deps.events?.record(status, marked, problem);
      continue;
    }
    // A dead process is found on one check; say so before the restart (a live one said so on its first check).
    if (row.status !== 'unhealthy') await deps.events?.record('unhealthy', { ...row, status: 'unhealthy' }, problem);
    if (row.restart_count >= opts.restart.maxRestarts) {
      await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy });
      const reason = `${seen.alive ? 'unhealthy' : 'not running'} after ${row.restart_count} restarts (preview.max_restarts)`;
      const failed = await deps.state.updatePreview(row.id, {
        status: 'failed',
        last_health_check: isoNow(deps),
        metadata: { error: reason, log_tail: seen.logTail.slice(-30), cleaned: true },
      });
      changes.push({ kind: 'failed', reason, ...ref });
      await deps.events?.record('failed', failed, reason);
      continue;
    }
    try {
      const restarted = await restartRow(deps, opts.restart, row);
      changes.push({ kind: 'restarted', ...ref });
      await deps.events?.record(
        'restarted',
        restarted,
        `${problem}; restart ${restarted.restart_count} of ${opts.restart.maxRestarts} (preview.max_restarts)`,
      );
    } catch (e) {
      const err = AppError.from(e, 'preview_unhealthy');
      const tail = (err.details?.logTail as string[] | undefined) ?? seen.logTail;
      const failed = await deps.state.updatePreview(row.id, {
        status: 'failed',
        restart_count: row.restart_count + 1,
        last_health_check: isoNow(deps),
        metadata: { error: err.message, log_tail: tail.slice(-30) },
      });
      changes.push({ kind: 'failed', reason: err.message, ...ref });
      await deps.events?.record('failed', failed, `restart failed: ${err.message}`);
    }
  }

  if (opts.maxConcurrent) {
    const live = await deps.state.listPreviews({ statuses: [...LIVE] });
    const reason = `more than preview.max_concurrent (${opts.maxConcurrent}) previews were live: stopped the least recently used`;
    for (const row of evictionOrder(live, opts.lastActivity).slice(0, Math.max(0, live.length - opts.maxConcurrent))) {
      await evictRow(deps, row, reason);
      changes.push({ kind: 'evicted', taskId: row.task_id, previewId: row.id });
    }
  }

  if (opts.cleanup) {
    const all = await deps.state.listPreviews();
    const liveTasks = new Set(all.filter((p) => LIVE.includes(p.status)).map((p) => p.task_id));
    for (const row of all) {
      if (LIVE.includes(row.status) || liveTasks.has(row.task_id) || row.working_copy === null || row.metadata.cleaned === true) continue;
      // stop() also ends a supervisor left running for a row that says it is stopped, then removes the copy.
      await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy });
      await deps.state.updatePreview(row.id, { metadata: { cleaned: true } });
      changes.push({ kind: 'cleaned', taskId: row.task_id, previewId: row.id });
    }
    // Previews the runtime runs that no live row accounts for (started just before a crash): swept, never orphaned.
    const swept = new Set<string>();
    for (const found of (await deps.previews.running?.()) ?? []) {
      if (liveTasks.has(found.taskId) || swept.has(found.taskId)) continue;
      swept.add(found.taskId);
      await deps.previews.stop({ pid: null, workingCopy: null, containerId: found.containerId });
      changes.push({ kind: 'cleaned', taskId: found.taskId, previewId: all.find((p) => p.task_id === found.taskId)?.id ?? 'unrecorded' });
    }
  }
  return changes;
}

/** Accepts a full task id or a unique prefix of at least 8 characters (the short id in URLs). */
export async function findPreview(state: StateStore, taskRef: string): Promise<PreviewDeployment> {
  const ref = taskRef.trim().toLowerCase();
  if (!/^[0-9a-f-]{8,36}$/.test(ref)) {
    throw new AppError('invalid_option', `"${taskRef}" is not a task id`, {
      hint: 'use the task_id printed by `catalyst build`, or its first 8 characters',
    });
  }
  const matches = (await state.listPreviews()).filter((p) => p.task_id.startsWith(ref));
  const tasks = new Set(matches.map((p) => p.task_id));
  if (tasks.size === 0)
    throw new AppError('preview_not_found', `no preview for task ${taskRef}`, { hint: 'see `catalyst preview list --all`' });
  if (tasks.size > 1)
    throw new AppError('invalid_option', `task id prefix ${taskRef} matches ${tasks.size} tasks`, {
      hint: 'give more characters of the id',
    });
  return matches.sort((a, b) => b.created_at.localeCompare(a.created_at))[0]!;
}

export async function stopPreview(deps: PreviewControlDeps, taskRef: string): Promise<PreviewDeployment> {
  const row = await findPreview(deps.state, taskRef);
  await deps.previews.stop({ pid: pidOf(row), workingCopy: row.working_copy });
  const stopped = await deps.state.updatePreview(row.id, { status: 'stopped', last_health_check: deps.clock.now().toISOString() });
  if (row.status !== 'stopped')
    await deps.events?.record('stopped', stopped, 'stopped on request (`catalyst preview stop` or DELETE /api/preview)');
  return stopped;
}

export async function restartPreview(deps: PreviewControlDeps & RestartDeps, taskRef: string): Promise<PreviewDeployment> {
  const row = await findPreview(deps.state, taskRef);
  const restarted = await restartRow(deps, deps, row);
  await deps.events?.record(
    'restarted',
    restarted,
    'restarted on request (`catalyst preview restart` or POST /api/preview/:task_id/restart)',
  );
  return restarted;
}
