/**
 * Coder (spec §4.3): renders the application from architecture/data-models.json onto
 * `feature/task-<id>` as atomic conventional commits. It is also where the repair loop returns:
 * failed tests or `changes_requested` send the task back here, at most `max_repair_rounds` times.
 */
import { DataModels, Plan } from '../../contracts/artifacts.ts';
import type { AgentEventOf, EventDraft } from '../../contracts/events.ts';
import type { AgentContext, AgentDefinition } from '../../core/agent.ts';
import { shortId } from '../../core/ids.ts';
import { renderApp, type AppFile, type CommitGroup } from '../../generator/app/index.ts';
import { parseArtifact } from '../shared/artifact-json.ts';
import { commitOnce } from '../shared/commit-once.ts';
import { expectEvent } from '../shared/expect-event.ts';
import { isFailingModelError, modelFailure } from '../shared/ask-for-object.ts';
import { readSkeleton } from '../../generator/skeleton-files.ts';
import { AppError } from '../../core/errors.ts';
import type { TaskModel } from '../../core/ports/llm.ts';
import { runModelCoder } from './model-coder.ts';

const GROUP_ORDER: readonly CommitGroup[] = ['init', 'models', 'services', 'routes', 'frontend', 'tests', 'deploy'];

function commitMessage(group: CommitGroup, models: DataModels): string {
  const names = models.models.filter((m) => m.name !== 'User').map((m) => m.name);
  const all = models.models.map((m) => m.name).join(' and ');
  const auth = models.auth.enabled;
  switch (group) {
    case 'init':
      return `chore: initialize ${models.app_name} project structure with dependencies`;
    case 'models':
      return `feat(backend): add ${all} models and migrations`;
    case 'services':
      return auth ? 'feat(backend): implement services and authentication with JWT' : 'feat(backend): implement data services';
    case 'routes':
      return `feat(backend): add REST routes for ${names.join(', ') || 'the API'}${auth ? ' with auth middleware' : ''}`;
    case 'frontend':
      return `feat(frontend): add React UI for ${names.join(', ') || 'the app'}${auth ? ' with login and registration' : ''}`;
    case 'tests':
      return 'test: add API, validation and UI helper tests';
    case 'deploy':
      return 'chore(deploy): add Dockerfiles, docker-compose and environment example';
  }
}

/** agents.coder.max_files_per_batch: a commit a reviewer can read, never one of a hundred files. */
function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function branchFor(taskId: string): string {
  return `feature/task-${shortId(taskId)}`;
}

type Inbound = AgentEventOf<'architecture.proposed' | 'test.results' | 'review.decision'>;

function repairReasons(event: Inbound): string[] {
  if (event.event_type === 'test.results') {
    const failures = event.payload.failures.map((f) => `test failed: ${f.suite} › ${f.name}: ${f.message}`);
    return failures.length > 0 ? failures : [`tests failed (${event.payload.failed} of ${event.payload.total_tests})`];
  }
  if (event.event_type === 'review.decision') {
    const items = event.payload.items.filter((i) => i.blocking).map((i) => `review: ${i.message}${i.file ? ` (${i.file})` : ''}`);
    return items.length > 0 ? items : [`review requested changes (score ${event.payload.score})`];
  }
  return [];
}

async function loadModels(ctx: AgentContext, ref: string): Promise<DataModels> {
  const text = await ctx.ports.git.readFile(ctx.project.slug, ref, 'architecture/data-models.json');
  return parseArtifact(DataModels, text, 'architecture/data-models.json');
}

export const coderAgent: AgentDefinition = {
  id: 'coder',
  description: 'Generates backend, frontend, tests and deployment files on a feature branch',
  consumes: [
    { routingKey: 'catalyst.architecture.proposed' },
    { routingKey: 'catalyst.test.results', where: { field: 'status', equals: 'failed' } },
    { routingKey: 'catalyst.review.decision', where: { field: 'decision', equals: 'changes_requested' } },
  ],
  emits: ['code.pr.opened', 'task.failed'],
  async handle(event, ctx) {
    const inbound = expectEvent(event, 'architecture.proposed', 'test.results', 'review.decision');
    const round = inbound.event_type === 'architecture.proposed' ? 0 : inbound.payload.repair_round + 1;
    const branch = branchFor(ctx.task.id);

    if (round > ctx.settings.maxRepairRounds) {
      const reasons = repairReasons(inbound);
      ctx.log(`Giving up after ${ctx.settings.maxRepairRounds} repair round(s)`, 'error');
      const failed: EventDraft<'task.failed'> = {
        event_type: 'task.failed',
        branch,
        payload: {
          phase: inbound.event_type === 'test.results' ? 'testing' : 'review',
          reason: `still failing after ${ctx.settings.maxRepairRounds} repair round(s) (orchestration.max_repair_rounds): ${reasons[0] ?? 'unknown reason'}`,
          reasons,
        },
      };
      return { events: [failed] };
    }

    const base = inbound.event_type === 'architecture.proposed' ? inbound.payload.commit : 'main';
    const { path: worktree } = await ctx.ports.git.ensureWorktree(ctx.project.slug, branch, base, ctx.paths.worktree);
    const models = await loadModels(ctx, inbound.event_type === 'architecture.proposed' ? inbound.payload.commit : branch);
    const startSha = await ctx.ports.git.head(worktree);

    if (round > 0) {
      for (const reason of repairReasons(inbound)) ctx.log(`Repair round ${round}: ${reason}`, 'warning');
    }
    const model = ctx.models.for('coder');
    if (model) return codeWithModel({ ctx, model, inbound, round, branch, base, worktree, models, startSha });
    ctx.log('Setting up project structure...');
    const files = renderApp(models, ctx.settings.dependencyVersions);
    const total = files.length;
    let written = 0;
    let head = startSha;
    if (round === 0) {
      for (const group of GROUP_ORDER) {
        const parts = batchesOf(
          files.filter((f) => f.group === group),
          ctx.settings.coder.maxFilesPerBatch,
        );
        for (const [i, batch] of parts.entries()) {
          const subject =
            parts.length > 1 ? `${commitMessage(group, models)} (part ${i + 1} of ${parts.length})` : commitMessage(group, models);
          head = await commitOnce(ctx, {
            checkout: worktree,
            files: batch,
            message: `${subject}\n\n[coder-agent]`,
            key: parts.length > 1 ? `${group}-${i + 1}` : group,
          });
          written += batch.length;
          for (const f of batch) ctx.log(`Generated ${f.path}`);
          ctx.progress({ progress: written / total, files_created: written, total_estimated_files: total, message: subject });
        }
      }
    } else {
      // The deterministic engine regenerates from the architecture: it restores anything that drifted
      // from the design. When nothing differs there is nothing it can fix, and the loop stays bounded.
      head = await commitOnce(ctx, {
        checkout: worktree,
        files,
        message: `fix: regenerate from the architecture (repair round ${round})\n\n${repairReasons(inbound)
          .map((r) => `- ${r}`)
          .join('\n')}\n\n[coder-agent]`,
        key: `repair-${round}`,
      });
      written = total;
      ctx.progress({ progress: 1, files_created: total, total_estimated_files: total, message: `repair round ${round}` });
    }
    await ctx.ports.workspace.linkDependencies(worktree);

    const diff = await ctx.ports.git.diffStat(worktree, base, head);
    const count = (pred: (f: AppFile) => boolean) => files.filter(pred).length;
    const isTest = (f: AppFile) => /(^|\/)test\/|\.test\.tsx?$/.test(f.path);
    const linesOfCode = files.reduce((sum, f) => sum + f.content.split('\n').length, 0);
    ctx.log(`Code generation complete: ${total} files (${linesOfCode} lines)`);
    ctx.log(`Committed to branch ${branch}`);
    return {
      events: [
        {
          event_type: 'code.pr.opened',
          branch,
          commit: head,
          payload: {
            branch,
            commit: head,
            files_created: total,
            lines_of_code: linesOfCode,
            backend_files: count((f) => f.path.startsWith('backend/')),
            frontend_files: count((f) => f.path.startsWith('frontend/')),
            test_files: count(isTest),
            estimated_coverage: null,
            pr_url: null,
            local_repo: `${ctx.paths.repo}/.git`,
            worktree_path: worktree,
            git_diff_summary: diff,
            repair_round: round,
          },
        },
      ],
    };
  },
};

/**
 * Which skeleton the model extends: the records app when keeping records is the whole job, the web-app
 * skeleton otherwise. A mixed app (a URL shortener: links plus a public redirect that counts clicks) is
 * defined by what CRUD cannot do, and the records app's generated auth and routes stand in its way.
 */
export function skeletonFor(plan: Pick<Plan, 'scope'>): 'records-app' | 'web-app' {
  return (plan.scope?.kind ?? 'records_app') === 'records_app' ? 'records-app' : 'web-app';
}

interface ModelStep {
  ctx: AgentContext;
  model: TaskModel;
  inbound: Inbound;
  round: number;
  branch: string;
  base: string;
  worktree: string;
  models: DataModels;
  startSha: string;
}

/** The model-driven coder: a skeleton first (round 0), then the model's rounds on top of it. */
async function codeWithModel(step: ModelStep) {
  const { ctx, model, inbound, round, branch, base, worktree, models } = step;
  const failed = (code: string, reason: string, reasons: string[], hint?: string): { events: EventDraft[] } => ({
    events: [
      {
        event_type: 'task.failed',
        branch,
        payload: { phase: 'coding', code, reason, reasons, ...(hint ? { hint } : {}) },
      } satisfies EventDraft<'task.failed'>,
    ],
  });
  if (ctx.ports.runner.sandbox !== 'bwrap') {
    const reason =
      "the coder's model writes code that Catalyst runs (type-check, tests, build), and this host has no bubblewrap sandbox to run it in";
    ctx.log(reason, 'error');
    return failed(
      'invalid_config',
      reason,
      [reason],
      'install bubblewrap (apt-get install bubblewrap), or set agents.coder.llm.provider: none',
    );
  }
  const ref = inbound.event_type === 'architecture.proposed' ? inbound.payload.commit : branch;
  const plan = parseArtifact(Plan, await ctx.ports.git.readFile(ctx.project.slug, ref, 'planning/plan.yaml'), 'planning/plan.yaml');
  const skeleton = skeletonFor(plan);
  if (round === 0) {
    ctx.log(`Starting from the ${skeleton} skeleton; ${model.provider} model ${model.model} builds on it`);
    const files =
      skeleton === 'web-app'
        ? readSkeleton('web-app').map((f) => ({ ...f, group: 'init' as const }))
        : renderApp(models, ctx.settings.dependencyVersions);
    const groups = skeleton === 'web-app' ? (['init'] as const) : GROUP_ORDER;
    for (const group of groups) {
      const parts = batchesOf(
        files.filter((f) => f.group === group),
        ctx.settings.coder.maxFilesPerBatch,
      );
      for (const [i, batch] of parts.entries()) {
        const what = skeleton === 'web-app' ? 'chore: start from the web-app skeleton' : commitMessage(group, models);
        const subject = parts.length > 1 ? `${what} (part ${i + 1} of ${parts.length})` : what;
        await commitOnce(ctx, { checkout: worktree, files: batch, message: `${subject}\n\n[coder-agent]`, key: `${group}-${i + 1}` });
      }
    }
  }
  await ctx.ports.workspace.linkDependencies(worktree);
  let result;
  try {
    result = await runModelCoder({
      ctx,
      model,
      worktree,
      plan,
      models,
      skeleton,
      start:
        round === 0
          ? { kind: 'build' }
          : { kind: 'repair', from: inbound.event_type === 'review.decision' ? 'review' : 'tests', items: repairReasons(inbound), round },
    });
  } catch (e) {
    if (isFailingModelError(e)) {
      ctx.log(e.message, 'error');
      return { events: [{ ...modelFailure(e, 'coding'), branch }] };
    }
    if (AppError.isInstance(e) && e.code.startsWith('llm_')) {
      ctx.log(e.message, 'error');
      return failed(e.code, e.message, [e.message], e.hint ?? undefined);
    }
    throw e;
  }
  if (!result.ok) return failed(result.code, result.reason, result.reasons);

  const head = result.head;
  const all = await ctx.ports.workspace.listFiles(worktree);
  let linesOfCode = 0;
  for (const path of result.changed) {
    const text = await ctx.ports.workspace.readText(`${worktree}/${path}`);
    if (text !== null) linesOfCode += text.split('\n').length;
  }
  const diff = await ctx.ports.git.diffStat(worktree, base, head);
  ctx.log(`Code complete: ${result.summary} (${result.changed.length} files changed by the model)`);
  ctx.log(`Committed to branch ${branch}`);
  ctx.progress({
    progress: 1,
    files_created: result.changed.length,
    total_estimated_files: result.changed.length,
    message: result.summary,
  });
  return {
    events: [
      {
        event_type: 'code.pr.opened',
        branch,
        commit: head,
        payload: {
          branch,
          commit: head,
          files_created: all.length,
          lines_of_code: linesOfCode,
          backend_files: all.filter((f) => f.startsWith('backend/')).length,
          frontend_files: all.filter((f) => f.startsWith('frontend/')).length,
          test_files: all.filter((f) => /(^|\/)(test|e2e)\/|\.test\.tsx?$/.test(f)).length,
          estimated_coverage: null,
          pr_url: null,
          local_repo: `${ctx.paths.repo}/.git`,
          worktree_path: worktree,
          git_diff_summary: diff,
          repair_round: round,
        },
      } satisfies EventDraft<'code.pr.opened'>,
    ],
  };
}
