/** Spec §11.1 beyond tasks: previews, git repositories, event history, health (the explorer: explorer-routes.ts). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CommitsQuery, type GitRepoSummary } from '../contracts/api.ts';
import { PreviewDeployment } from '../contracts/records.ts';
import { systemClock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { listPreviews, restartPreview, stopPreview, findPreview } from '../preview/preview-control.ts';
import type { Runtime } from '../runtime.ts';
import { notImplemented, parseOr400 } from './http-errors.ts';
import { ErrorResponse, TaskIdParams, jsonSchema } from './openapi.ts';
import { loadTask, projectSlugOf } from './task-routes.ts';

const PreviewListQuery = z.object({ all: z.enum(['true', 'false']).default('false') });
const PreviewRef = z.object({ task_id: z.string().regex(/^[0-9a-fA-F-]{8,36}$/, 'a task id or its first 8 characters') });
const ProjectParams = z.object({ project_id: z.uuid('project_id must be a project id (a UUID)') });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

export async function registerOpsRoutes(app: FastifyInstance, runtime: Runtime): Promise<void> {
  const { state, previews, git } = runtime.ports;
  const control = { state, previews, clock: systemClock, events: runtime.ports.previewEvents ?? null };
  const previewSchema = { 200: jsonSchema(PreviewDeployment), ...errors };

  app.get('/api/health', { schema: { tags: ['ops'], summary: 'Liveness (no token needed)' }, config: { rateLimit: false } }, async () => ({
    status: 'ok',
    mode: runtime.mode,
    state: state.kind,
  }));

  // ---- previews (spec §7.2)
  app.get(
    '/api/preview',
    {
      schema: {
        tags: ['previews'],
        summary: 'Live previews (checked against reality); ?all=true includes stopped ones',
        querystring: jsonSchema(PreviewListQuery),
      },
    },
    async (request) => {
      const q = parseOr400(PreviewListQuery, request.query, 'query');
      return { previews: await listPreviews(control, { all: q.all === 'true' }) };
    },
  );
  app.get(
    '/api/preview/:task_id',
    { schema: { tags: ['previews'], summary: 'The preview of a task', params: TaskIdParams, response: previewSchema } },
    async (request) => {
      const { task_id } = parseOr400(PreviewRef, request.params, 'params');
      return findPreview(state, task_id);
    },
  );
  app.delete(
    '/api/preview/:task_id',
    { schema: { tags: ['previews'], summary: 'Stop a preview', params: TaskIdParams, response: previewSchema } },
    async (request) => {
      const { task_id } = parseOr400(PreviewRef, request.params, 'params');
      return stopPreview(control, task_id);
    },
  );
  app.post(
    '/api/preview/:task_id/restart',
    { schema: { tags: ['previews'], summary: 'Restart a preview from its task worktree', params: TaskIdParams, response: previewSchema } },
    async (request) => {
      const { task_id } = parseOr400(PreviewRef, request.params, 'params');
      return restartPreview(
        {
          ...control,
          worktreeOf: (id) => git.worktreePath(id),
          projectSlugOf: async (id) => {
            const task = await state.getTask(id);
            if (!task) throw new AppError('task_not_found', `no task ${id}`, { retryable: false });
            return projectSlugOf(runtime, task);
          },
          timeoutMs: runtime.config.preview.health_timeout_seconds * 1000,
          detached: true,
        },
        task_id,
      );
    },
  );

  // ---- git (spec §6.2)
  async function summary(project: { id: string; name: string; slug: string; repo_path: string | null }): Promise<GitRepoSummary> {
    const branches = await git.listBranches(project.slug).catch(() => []);
    return { project_id: project.id, name: project.name, slug: project.slug, repo_path: project.repo_path, branches };
  }
  async function loadProject(params: unknown) {
    const { project_id } = parseOr400(ProjectParams, params, 'params');
    const project = await state.getProject(project_id);
    if (!project)
      throw new AppError('project_not_found', `no project ${project_id}`, {
        hint: 'list repositories with GET /api/git/repos',
        retryable: false,
      });
    return project;
  }
  app.get('/api/git/repos', { schema: { tags: ['git'], summary: 'Local repositories, one per project' } }, async () => ({
    repos: await Promise.all((await state.listProjects()).map(summary)),
  }));
  app.get(
    '/api/git/repos/:project_id',
    { schema: { tags: ['git'], summary: 'One repository: branches and recent commits on main' } },
    async (request) => {
      const project = await loadProject(request.params);
      return { ...(await summary(project)), commits: await git.log(project.slug, 'main', 20).catch(() => []) };
    },
  );
  app.get(
    '/api/git/repos/:project_id/commits',
    { schema: { tags: ['git'], summary: 'Commit history of a branch (?ref=, default main)', querystring: jsonSchema(CommitsQuery) } },
    async (request) => {
      const project = await loadProject(request.params);
      const q = parseOr400(CommitsQuery, request.query, 'query');
      const ref = q.ref ?? 'main';
      const commits = await git.log(project.slug, ref, q.limit).catch((e: unknown) => {
        throw new AppError('project_not_found', `repository ${project.slug} has no branch or commit ${ref}`, {
          cause: e,
          hint: 'GET /api/git/repos/{project_id} lists branches',
          retryable: false,
        });
      });
      return { project_id: project.id, ref, commits };
    },
  );
  const github =
    'GitHub integration (storage.git.mode github|both with a token) arrives with a later release; repositories are local for now';
  app.post(
    '/api/git/repos/:project_id/push',
    { schema: { tags: ['git'], summary: 'Push to GitHub (not available yet: 501)', response: { 501: ErrorResponse } } },
    async (request) => {
      await loadProject(request.params);
      throw notImplemented('pushing to GitHub', github);
    },
  );
  app.post(
    '/api/git/repos/:project_id/pr',
    { schema: { tags: ['git'], summary: 'Open a pull request (not available yet: 501)', response: { 501: ErrorResponse } } },
    async (request) => {
      await loadProject(request.params);
      throw notImplemented('opening pull requests on GitHub', github);
    },
  );

  // ---- events (spec §5): the audit trail of one task
  app.get(
    '/api/events/:task_id',
    { schema: { tags: ['events'], summary: "A task's recorded events, in order", params: TaskIdParams, response: errors } },
    async (request) => {
      const task = await loadTask(runtime, request.params);
      const rows = await state.listEvents(task.id);
      return {
        task_id: task.id,
        trace_id: task.trace_id,
        status: task.status,
        events: rows.map((r) => ({ id: r.id, created_at: r.created_at, ...r.envelope })),
      };
    },
  );
}
