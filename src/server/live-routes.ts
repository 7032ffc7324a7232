/**
 * Live streams: WebSocket `/ws/{task_id}` speaking spec §11.2 and SSE `/api/events/{task_id}/stream`
 * with the raw catalog events. Both replay what already happened before streaming, subscribing first
 * and holding live messages back until the replay is sent, so nothing falls between the two.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AgentEvent } from '../contracts/events.ts';
import type { ServerMessage } from '../contracts/messages.ts';
import { AppError } from '../core/errors.ts';
import type { Runtime } from '../runtime.ts';
import type { LiveState } from './live-state.ts';
import { ErrorResponse, TaskIdParams } from './openapi.ts';
import { loadTask, projectSlugOf } from './task-routes.ts';
import { replayMessages, type StoredLog } from './task-view.ts';

const MAX_REPLAYED_LOGS = 5000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Same-origin pages (Origin host = Host header) and configured origins may open streams. */
export function originAllowed(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // not a browser page: curl, tests, the CLI
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export async function registerLiveRoutes(app: FastifyInstance, runtime: Runtime, live: LiveState): Promise<void> {
  const { state, documents, artifacts, git } = runtime.ports;
  const allowed = runtime.config.server.cors_origins;

  async function checkOrigin(request: FastifyRequest): Promise<void> {
    if (!originAllowed(request, allowed)) {
      throw new AppError('forbidden_origin', `pages from ${request.headers.origin} may not open this stream`, {
        hint: 'open the UI served by this server, or list the origin in server.cors_origins',
        retryable: false,
      });
    }
  }

  app.get(
    '/ws/:task_id',
    {
      websocket: true,
      schema: { hide: true },
      preValidation: async (request) => {
        await checkOrigin(request);
        // A short id in the URL streams the task it names, under its full id.
        (request.params as { task_id: string }).task_id = (await loadTask(runtime, request.params)).id;
      },
    },
    (socket, request) => {
      const taskId = (request.params as { task_id: string }).task_id;
      let held: string[] | null = [];
      const send = (json: string) => {
        if (socket.readyState === socket.OPEN) socket.send(json);
      };
      const off = live.subscribe(taskId, (json) => (held ? held.push(json) : send(json)));
      socket.on('close', off);
      socket.on('error', off);
      // Clients have nothing to say beyond keep-alives; anything else is ignored.
      socket.on('message', () => {});
      void (async () => {
        try {
          const task = await state.getTask(taskId);
          if (!task) throw new AppError('task_not_found', `no task ${taskId}`);
          const [events, logs, slug] = await Promise.all([
            state.listEvents(taskId),
            documents.find('agent_logs', { task_id: taskId }, { sort: 'timestamp', limit: MAX_REPLAYED_LOGS }),
            projectSlugOf(runtime, task),
          ]);
          const replay = replayMessages({
            task,
            events,
            logs: logs.map((l) => ({
              agent_name: String(l.agent_name),
              message: String(l.message),
              level: l.level as StoredLog['level'],
              timestamp: String(l.timestamp),
            })),
            live: live.files(taskId),
            artifactsDir: artifacts.location(taskId),
            repoPath: git.repoPath(slug),
          });
          for (const m of replay) send(JSON.stringify(m));
        } catch (e) {
          const error = AppError.from(e);
          const message: ServerMessage = { type: 'error', task_id: taskId, code: error.code, message: error.message, hint: error.hint };
          send(JSON.stringify(message));
        } finally {
          const pending = held ?? [];
          held = null;
          for (const json of pending) send(json);
        }
      })();
    },
  );

  app.get(
    '/api/events/:task_id/stream',
    {
      schema: {
        tags: ['events'],
        summary: "Server-sent events: the task's recorded events, then new ones until it ends (Last-Event-ID resumes)",
        params: TaskIdParams,
        response: { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
      preValidation: async (request) => checkOrigin(request),
    },
    async (request, reply) => {
      const task = await loadTask(runtime, request.params);
      const lastEventId = typeof request.headers['last-event-id'] === 'string' ? request.headers['last-event-id'] : null;
      let held: AgentEvent[] | null = [];
      let ended = false;
      const raw = reply.raw;
      const write = (event: AgentEvent): void => {
        if (ended) return;
        raw.write(`id: ${event.event_id}\nevent: ${event.event_type}\ndata: ${JSON.stringify(event)}\n\n`);
        if (event.event_type === 'deploy.complete' || event.event_type === 'task.failed') end();
      };
      const off = live.onEvent(task.id, (event) => (held ? held.push(event) : write(event)));
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
      function end(): void {
        if (ended) return;
        ended = true;
        off();
        clearInterval(heartbeat);
        raw.end();
      }
      request.raw.on('close', end);
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      const rows = await state.listEvents(task.id);
      let skipping = lastEventId !== null && rows.some((r) => r.event_id === lastEventId);
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.event_id);
        if (skipping) {
          if (row.event_id === lastEventId) skipping = false;
          continue;
        }
        write(row.envelope as unknown as AgentEvent);
      }
      const pending = held ?? [];
      held = null;
      for (const e of pending) if (!seen.has(e.event_id)) write(e);
      // A task that is over (including cancelled, which records no event) has nothing more to stream.
      const now = await state.getTask(task.id);
      if (now && TERMINAL.has(now.status)) end();
    },
  );
}
