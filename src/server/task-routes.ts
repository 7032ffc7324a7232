/** Tasks: submit, list, read, progress, cancel, and a task's files, artifacts and commits. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CommitsQuery,
  CreateTaskResponse,
  FileList,
  TaskDetail,
  TaskList,
  TaskListQuery,
  TaskProgress,
  type FileEntry,
} from '../contracts/api.ts';
import { buildRequestSchema } from '../contracts/messages.ts';
import type { TaskRecord } from '../contracts/records.ts';
import { AppError } from '../core/errors.ts';
import type { Runtime } from '../runtime.ts';
import { parseOr400 } from './http-errors.ts';
import type { LiveState } from './live-state.ts';
import { ErrorResponse, TaskIdParams, jsonSchema } from './openapi.ts';
import { contentTypeOf } from './content-type.ts';
import { taskProgress } from './task-view.ts';
import { resolveTask, TASK_REF } from '../orchestrator/id-refs.ts';
import { buildResultOf } from '../orchestrator/build-result.ts';

export const TaskIdSchema = z.object({
  task_id: z.string().regex(TASK_REF, 'task_id must be a task id (a UUID) or its first 8 or more characters'),
});

/** The task a route's `:task_id` names: its full id or a unique short id. */
export async function loadTask(runtime: Runtime, params: unknown): Promise<TaskRecord> {
  const { task_id } = parseOr400(TaskIdSchema, params, 'params');
  return resolveTask(runtime.ports.state, task_id);
}

export async function projectSlugOf(runtime: Runtime, task: TaskRecord): Promise<string> {
  const project = await runtime.ports.state.getProject(task.project_id);
  if (!project) throw new AppError('project_not_found', `task ${task.id} has no project`, { retryable: false });
  return project.slug;
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

export async function registerTaskRoutes(app: FastifyInstance, runtime: Runtime, live: LiveState): Promise<void> {
  const { state, artifacts, git, workspace } = runtime.ports;
  const requestSchema = buildRequestSchema(runtime.config.limits.max_prompt_chars);

  app.post(
    '/api/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Start a build from a request',
        body: jsonSchema(requestSchema),
        response: { 202: jsonSchema(CreateTaskResponse), ...errors, 413: ErrorResponse },
      },
    },
    async (request, reply) => {
      const body = parseOr400(requestSchema, request.body, 'body');
      if (body.mode && body.mode !== runtime.mode) {
        throw new AppError('invalid_request', `this server runs in ${runtime.mode} mode; it cannot start a ${body.mode} task`, {
          hint: `omit "mode", or start the server with orchestration.mode: ${body.mode}`,
          retryable: false,
          details: { fields: [{ field: 'body.mode', message: `must be ${runtime.mode} on this server` }] },
        });
      }
      const task = await runtime.submitBuild(body);
      const response: CreateTaskResponse = {
        task_id: task.id,
        trace_id: task.trace_id,
        project_id: task.project_id,
        status: task.status,
        mode: task.mode,
        links: {
          self: `/api/tasks/${task.id}`,
          progress: `/api/tasks/${task.id}/progress`,
          websocket: `/ws/${task.id}`,
          events: `/api/events/${task.id}`,
        },
      };
      return reply.code(202).header('location', response.links.self).send(response);
    },
  );

  app.get(
    '/api/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'List tasks, newest first',
        querystring: jsonSchema(TaskListQuery),
        response: { 200: jsonSchema(TaskList), ...errors },
      },
    },
    async (request) => {
      const q = parseOr400(TaskListQuery, request.query, 'query');
      return { tasks: await state.listTasks({ projectId: q.project_id, limit: q.limit }) };
    },
  );

  app.get(
    '/api/tasks/:task_id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'One task with its project',
        params: TaskIdParams,
        response: { 200: jsonSchema(TaskDetail), ...errors },
      },
    },
    async (request) => {
      const task = await loadTask(runtime, request.params);
      const project = await state.getProject(task.project_id);
      return { ...task, project: project ? { id: project.id, name: project.name, slug: project.slug } : null } satisfies TaskDetail;
    },
  );

  app.get(
    '/api/tasks/:task_id/result',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'What the build amounts to (the object `catalyst build --json` prints): status, failure code and phase, repository, branch, worktree, preview',
        params: TaskIdParams,
        response: errors,
      },
    },
    async (request) => buildResultOf({ state, artifacts, git }, await loadTask(runtime, request.params)),
  );

  app.get(
    '/api/tasks/:task_id/progress',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Phase, progress 0..1, files and per-agent status of a task',
        params: TaskIdParams,
        response: { 200: jsonSchema(TaskProgress), ...errors },
      },
    },
    async (request) => {
      const { id: task_id } = await loadTask(runtime, request.params);
      return live.progress(task_id, async () => {
        const task = (await state.getTask(task_id))!;
        return taskProgress(task, await state.listEvents(task.id), live.files(task.id));
      });
    },
  );

  app.post(
    '/api/tasks/:task_id/cancel',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Cancel a queued or running task: the running step is interrupted and no later step starts',
        params: TaskIdParams,
        response: { ...errors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const task = await loadTask(runtime, request.params);
      if (task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled') {
        throw new AppError('task_finished', `task ${task.id} is already ${task.status}`, {
          hint: 'only queued or running tasks can be cancelled',
          retryable: false,
        });
      }
      // The engine marks it cancelled and interrupts the step in flight (and stops any preview it started).
      const updated = await runtime.engine.cancel(task.id);
      runtime.feed.emit({
        type: 'task_complete',
        task_id: task.id,
        status: 'cancelled',
        artifacts: {
          code: `file://${git.repoPath(await projectSlugOf(runtime, task))}`,
          tests: `file://${artifacts.location(task.id)}/test-results/`,
          preview: null,
        },
        error: 'cancelled by the user',
      });
      return updated;
    },
  );

  app.get(
    '/api/tasks/:task_id/files',
    {
      schema: {
        tags: ['files'],
        summary: "The task's generated files (its worktree)",
        params: TaskIdParams,
        response: { 200: jsonSchema(FileList), ...errors },
      },
    },
    async (request) => {
      const task = await loadTask(runtime, request.params);
      const files: FileEntry[] = await workspace.browse(git.worktreePath(task.id));
      return { task_id: task.id, source: files.length > 0 ? 'worktree' : null, files } satisfies FileList;
    },
  );

  app.get(
    '/api/tasks/:task_id/files/*',
    { schema: { tags: ['files'], summary: 'One generated file as text', response: { ...errors } } },
    async (request, reply) => {
      const task = await loadTask(runtime, request.params);
      const rel = (request.params as Record<string, string>)['*'] ?? '';
      // Refuses a path that leaves the worktree before anything else reads it (the branch below included).
      let content: Buffer | string | null = await workspace.readInside(git.worktreePath(task.id), rel);
      if (content === null && task.branch_name) {
        // The worktree may have been cleaned up; the branch still holds the file.
        content = await git.readFile(await projectSlugOf(runtime, task), task.branch_name, rel).catch(() => null);
      }
      if (content === null)
        throw new AppError('task_not_found', `task ${task.id} has no file ${rel}`, {
          hint: 'list files with GET /api/tasks/{id}/files',
          retryable: false,
        });
      // Generated code is shown, never run, from this origin.
      return reply.type('text/plain; charset=utf-8').header('content-security-policy', "sandbox; default-src 'none'").send(content);
    },
  );

  app.get(
    '/api/tasks/:task_id/artifacts',
    {
      schema: {
        tags: ['files'],
        summary: 'Artifacts of a task (plan, architecture, test results, review, deployment)',
        params: TaskIdParams,
        response: { ...errors },
      },
    },
    async (request) => {
      const task = await loadTask(runtime, request.params);
      return { task_id: task.id, files: await artifacts.browse(task.id) };
    },
  );

  app.get(
    '/api/tasks/:task_id/artifacts/*',
    { schema: { tags: ['files'], summary: 'One artifact file', response: { ...errors } } },
    async (request, reply) => {
      const task = await loadTask(runtime, request.params);
      const rel = (request.params as Record<string, string>)['*'] ?? '';
      const content = await artifacts.readBytes(task.id, rel);
      if (content === null)
        throw new AppError('task_not_found', `task ${task.id} has no artifact ${rel}`, {
          hint: 'list artifacts with GET /api/tasks/{id}/artifacts',
          retryable: false,
        });
      // Coverage HTML and other reports render, but sandboxed: no scripts, no access to this origin.
      return reply
        .type(contentTypeOf(rel))
        .header('content-security-policy', "sandbox; default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
        .send(content);
    },
  );

  app.get(
    '/api/tasks/:task_id/commits',
    {
      schema: {
        tags: ['git'],
        summary: "Commits of the task's branch (main before the coder starts)",
        params: TaskIdParams,
        querystring: jsonSchema(CommitsQuery),
        response: { ...errors },
      },
    },
    async (request) => {
      const task = await loadTask(runtime, request.params);
      const q = parseOr400(CommitsQuery, request.query, 'query');
      const slug = await projectSlugOf(runtime, task);
      const ref = q.ref ?? task.branch_name ?? 'main';
      const commits = await git.log(slug, ref, q.limit).catch(() => []);
      return { task_id: task.id, ref, commits };
    },
  );
}
