/**
 * Deployer (spec §4.6): on an approved review, writes deployment/ (compose, k8s, guide, record) and
 * — in process mode — starts the live preview, waits for /health and records it in
 * preview_deployments. A redelivered event finds the preview it already started and reuses it.
 * With storage.git.merge_on_approval the approved feature branch is first merged into main of the
 * project repository, so the repository's own checkout holds the app (a redelivery finds it merged).
 */
import type { DeploymentRecord } from '../../contracts/artifacts.ts';
import type { EventDraft } from '../../contracts/events.ts';
import type { PreviewDeployment } from '../../contracts/records.ts';
import type { AgentContext, AgentDefinition } from '../../core/agent.ts';
import { AppError } from '../../core/errors.ts';
import { deploymentGuide, previewCompose, previewKubernetes } from '../../generator/deploy/index.ts';
import { shortId } from '../../core/ids.ts';
import { recordedIdOf, type PreviewHandle } from '../../core/ports/preview-runtime.ts';
import { evictForNewPreview } from '../../preview/preview-control.ts';
import { previewEventPayload } from '../../preview/preview-events.ts';
import { PROCESS_CPU_NOT_LIMITED } from '../../preview/sandbox.ts';
import { expectEvent } from '../shared/expect-event.ts';

const LIVE: PreviewDeployment['status'][] = ['starting', 'healthy', 'unhealthy'];

async function reusablePreview(ctx: AgentContext): Promise<PreviewDeployment | null> {
  const existing = await ctx.ports.state.getPreviewByTask(ctx.task.id);
  if (!existing || !LIVE.includes(existing.status)) return null;
  const pid = existing.container_id ? Number(existing.container_id) : null;
  const seen = await ctx.ports.previews.inspect({
    pid: Number.isInteger(pid) ? pid : null,
    port: existing.port,
    logPath: existing.log_path,
    containerId: existing.container_id,
  });
  return seen.alive && seen.healthy ? existing : null;
}

/**
 * `http://<project>-<short-task-id>.<domain>:<port>` when the Host router is enabled (it finds the
 * preview from its row), else null and the direct URL is the preview URL.
 */
export function routerUrlOf(ctx: AgentContext): string | null {
  const router = ctx.settings.preview.router;
  if (!router) return null;
  const port = router.port === 80 ? '' : `:${router.port}`;
  return `http://${ctx.project.slug}-${shortId(ctx.task.id)}.${router.baseDomain}${port}`.toLowerCase();
}

function outcome(
  ctx: AgentContext,
  p: {
    url: string | null;
    fallbackUrl?: string | null;
    mode: string;
    ok: boolean;
    error: string | null;
    pid: number | null;
    containers?: string[];
    mainCommit: string | null;
  },
): EventDraft[] {
  const fallback = p.fallbackUrl ?? p.url;
  const base = ctx.ports.artifacts.location(ctx.task.id);
  return [
    {
      event_type: 'deploy.status',
      payload: {
        status: p.ok ? 'deployed' : 'failed',
        preview_url: p.url,
        fallback_url: fallback,
        backend_url: p.url ? `${p.url}/api` : null,
        container_ids: p.containers ?? (p.pid ? [`process://${p.pid}`] : []),
        health: p.ok && p.url ? 'healthy' : p.ok ? 'unknown' : 'unhealthy',
        deployment_mode: p.mode,
        error: p.error,
      },
    },
    {
      event_type: 'deploy.complete',
      payload: {
        status: p.ok ? 'completed' : 'failed',
        preview_url: p.url,
        fallback_url: fallback,
        artifacts: {
          code: `git://${ctx.paths.repo}#${ctx.task.branch_name ?? ''}`,
          tests: `file://${base}/test-results/`,
          review: `file://${base}/review/`,
          deployment: `file://${base}/deployment/`,
        },
        main_commit: p.mainCommit,
      },
    },
  ];
}

/** Merges the approved branch into main when storage.git.merge_on_approval is on; main's head, or null when off. */
async function mergeApproved(ctx: AgentContext, branch: string): Promise<string | null> {
  if (!ctx.settings.git.mergeOnApproval) {
    ctx.log(`storage.git.merge_on_approval is off: the app stays on ${branch}, main is unchanged`);
    return null;
  }
  const message = [
    `merge: ${branch} approved by review`,
    '',
    `Catalyst-Task: ${ctx.task.id}`,
    `Catalyst-Event: ${ctx.inbound.event_id}`,
  ].join('\n');
  const head = await ctx.ports.git.mergeIntoMain(ctx.project.slug, branch, message);
  ctx.log(`Merged ${branch} into main (${head.slice(0, 7)}): ${ctx.paths.repo} now holds the app`);
  return head;
}

export const deployerAgent: AgentDefinition = {
  id: 'deployer',
  description: 'Writes deployment files and starts the live preview',
  consumes: [{ routingKey: 'catalyst.review.decision', where: { field: 'decision', equals: 'approved' } }],
  emits: ['preview.started', 'deploy.status', 'deploy.complete'],
  async handle(event, ctx) {
    expectEvent(event, 'review.decision');
    const taskId = ctx.task.id;
    const short = shortId(taskId);
    const { artifacts, previews, state } = ctx.ports;
    // auto (and docker) resolve to the runtime chosen at start-up: docker only when its engine answered.
    const configured = ctx.settings.preview.mode;
    const mode = configured === 'compose_only' || configured === 'k8s' ? configured : previews.mode;
    const inputs = { slug: ctx.project.slug, taskShort: short, repoPath: ctx.paths.worktree, ports: { backend: 3000, frontend: 8080 } };
    const startsPreview = mode !== 'compose_only' && mode !== 'k8s';
    // runtime.ts builds the runtime preview.mode asks for (auto: whichever answered), so any other mode here is unknown.
    if (startsPreview && configured !== 'auto' && configured !== previews.mode) {
      throw new AppError(
        'invalid_option',
        `preview.mode "${configured}" is not available here (this Catalyst runs ${previews.mode} previews)`,
        {
          retryable: false,
          hint: 'use preview.mode: process (default), docker (needs a Docker engine), auto, compose_only or k8s',
        },
      );
    }
    const mainCommit = await mergeApproved(ctx, ctx.task.branch_name ?? event.branch);

    ctx.log('Writing deployment files...');
    for (const name of ['Dockerfile.backend', 'Dockerfile.frontend']) {
      const text = await ctx.ports.workspace.readText(`${ctx.paths.worktree}/${name}`);
      if (text !== null) await artifacts.write(taskId, `deployment/${name}`, text);
    }
    await artifacts.write(taskId, 'deployment/docker-compose.preview.yml', previewCompose(inputs));
    for (const [path, text] of Object.entries(previewKubernetes(inputs))) await artifacts.write(taskId, `deployment/${path}`, text);

    if (!startsPreview) {
      ctx.log(`Preview mode ${mode}: files written, nothing started`);
      await artifacts.write(taskId, 'deployment/DEPLOYMENT.md', deploymentGuide({ ...inputs, previewUrl: null, mode }));
      return { events: outcome(ctx, { url: null, mode, ok: true, error: null, pid: null, mainCommit }) };
    }

    const reused = await reusablePreview(ctx);
    if (reused) {
      ctx.log(`Preview already running at ${reused.url} (reusing it)`);
      const containers = mode === 'docker' && reused.container_id ? [`docker://${reused.container_id}`] : undefined;
      return {
        events: outcome(ctx, {
          url: reused.url,
          fallbackUrl: reused.fallback_url,
          mode,
          ok: true,
          error: null,
          pid: Number(reused.container_id),
          containers,
          mainCommit,
        }),
      };
    }

    const limit = ctx.settings.preview.maxConcurrent;
    if (limit) {
      // Room first, so the new preview never runs beside more than the limit (spec §7.2: oldest idle stopped first).
      const evicted = await evictForNewPreview(
        { state, previews, clock: ctx.clock, events: ctx.ports.previewEvents ?? null },
        { taskId, maxConcurrent: limit },
      );
      for (const row of evicted)
        ctx.log(`Stopped the preview of task ${row.task_id} (${row.url}): preview.max_concurrent is ${limit}`, 'warning');
    }

    const reservedPorts = (await state.listPreviews({ statuses: LIVE }))
      .filter((p) => p.task_id !== taskId)
      .map((p) => p.port)
      .filter((p): p is number => p !== null);
    ctx.log(
      mode === 'docker'
        ? 'Building the images and starting the preview containers...'
        : 'Building the frontend and starting the preview process...',
    );
    const deployedAt = ctx.clock.now();
    const routerUrl = routerUrlOf(ctx);
    const expiresAt = new Date(deployedAt.getTime() + ctx.settings.preview.ttlHours * 3600_000).toISOString();
    let handle: PreviewHandle | null = null;
    let error: AppError | null = null;
    try {
      handle = await previews.start({
        taskId,
        projectSlug: ctx.project.slug,
        sourceDir: ctx.paths.worktree,
        reservedPorts,
        timeoutMs: ctx.settings.preview.timeoutMs,
        detached: ctx.settings.preview.detached,
        deploymentId: ctx.inbound.event_id,
      });
    } catch (e) {
      error = AppError.from(e, 'preview_unhealthy');
    }
    const logTail = handle
      ? (
          await previews.inspect({
            pid: handle.pid,
            port: handle.port,
            logPath: handle.logPath,
            containerId: handle.containers?.[0]?.id ?? null,
          })
        ).logTail
      : ((error?.details?.logTail as string[] | undefined) ?? []);

    const record: DeploymentRecord = {
      task_id: taskId,
      deployment_mode: mode,
      processes: [
        {
          name: `preview-${short}`,
          pid: handle?.pid ?? null,
          port: handle?.port ?? null,
          command: handle?.command ?? 'npm run build && node --import tsx backend/src/server.ts',
          status: handle ? 'healthy' : 'failed',
        },
      ],
      sandbox: handle?.sandbox ?? { kind: 'none', warning: null },
      limits: {
        memory_mb: handle?.memoryMb ?? 0,
        ...(handle?.cpus ? { cpus: handle.cpus } : {}),
        cpu: handle?.cpus
          ? { limited: true, reason: null }
          : { limited: false, reason: handle?.cpuLimitReason ? `CPU is not limited: ${handle.cpuLimitReason}` : PROCESS_CPU_NOT_LIMITED },
      },
      ...(handle?.containers ? { containers: handle.containers } : {}),
      urls: { frontend: handle?.url ?? null, backend: handle ? `${handle.url}/api` : null, router: handle ? routerUrl : null },
      working_copy: handle?.workingCopy ?? '',
      log_path: handle?.logPath ?? '',
      deployed_at: deployedAt.toISOString(),
      expires_at: expiresAt,
      health_checks: {
        last_check: handle ? ctx.clock.now().toISOString() : null,
        backend: handle ? 'healthy' : 'unhealthy',
        frontend: handle ? 'healthy' : 'unhealthy',
      },
      log_tail: logTail.slice(-30),
    };
    await artifacts.write(taskId, 'deployment/deployment-record.json', `${JSON.stringify(record, null, 2)}\n`);
    const previewUrl = handle ? (routerUrl ?? handle.url) : null;
    await artifacts.write(taskId, 'deployment/DEPLOYMENT.md', deploymentGuide({ ...inputs, previewUrl, mode }));

    const row = await state.upsertPreview({
      // The inbound event id names the preview row, so a redelivery updates the same row.
      id: ctx.inbound.event_id,
      task_id: taskId,
      url: previewUrl ?? 'about:blank',
      fallback_url: handle?.url ?? null,
      container_id: handle ? recordedIdOf(handle) : null,
      port: handle?.port ?? null,
      status: handle ? 'healthy' : 'failed',
      health_check_url: handle?.healthUrl ?? '',
      working_copy: handle?.workingCopy ?? null,
      log_path: handle?.logPath ?? null,
      expires_at: expiresAt,
      metadata: {
        mode,
        sandbox: record.sandbox,
        detached: ctx.settings.preview.detached,
        log_tail: record.log_tail,
        error: error?.message ?? null,
      },
    });

    if (!handle) {
      ctx.log(`Preview failed: ${error?.message}`, 'error');
      for (const line of logTail.slice(-5)) ctx.log(`  ${line}`, 'error');
      return { events: outcome(ctx, { url: null, mode, ok: false, error: error?.message ?? 'unknown error', pid: null, mainCommit }) };
    }
    if (handle.sandbox.warning) ctx.log(handle.sandbox.warning, 'warning');
    ctx.log(`Health check passed; preview live at ${previewUrl}${routerUrl ? ` (direct: ${handle.url})` : ''}`);
    ctx.log(`Preview expires ${expiresAt}`);
    const started: EventDraft = { event_type: 'preview.started', payload: previewEventPayload(row, ctx.project.slug, null) };
    const containers = handle.containers?.map((c) => `docker://${c.id}`);
    return {
      events: [
        started,
        ...outcome(ctx, { url: previewUrl, fallbackUrl: handle.url, mode, ok: true, error: null, pid: handle.pid, containers, mainCommit }),
      ],
    };
  },
};
