/**
 * The Host router (spec §7, §11.2): one port (preview.router.port, default 8080) in front of every
 * live preview. `http://<project>-<short-task-id>.localhost:8080` reaches that preview; browsers
 * resolve `*.localhost` to loopback, so nothing needs DNS. Proxying (HTTP and WebSocket upgrades) is
 * @fastify/http-proxy's; this module only decides where a Host goes. Routing is per request, never per
 * connection: a client in front of the router (nginx, Traefik, Node's own agent) may send requests for
 * several previews over one keep-alive connection. The table comes from the state
 * store's live preview rows, re-read at most every `cacheMs`, so previews started by other processes
 * (a detached CLI build, a worker) appear without any registration step.
 */
import httpProxy from '@fastify/http-proxy';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { PreviewDeployment, PreviewStatus } from '../contracts/records.ts';
import { shortId } from '../core/ids.ts';
import type { StateStore } from '../core/ports/state-store.ts';

const LIVE: PreviewStatus[] = ['starting', 'healthy', 'unhealthy'];

export interface PreviewRouterOptions {
  state: StateStore;
  /** 0 picks a free port (tests); the configured default is 8080. */
  port: number;
  host?: string;
  baseDomain?: string;
  /** How long a route table read from the state store is reused. */
  cacheMs?: number;
}

export interface PreviewRoute {
  label: string;
  taskId: string;
  port: number;
  routerUrl: string;
  directUrl: string;
  status: PreviewStatus;
  /** Where requests for this preview are proxied. */
  upstream: string;
}

export interface PreviewRouter {
  readonly port: number;
  /** The router URL of a preview, or null when it has no live route right now. */
  urlFor(taskId: string): Promise<string | null>;
  /** When a request last reached each preview through the router (epoch ms), for idle-first eviction. */
  lastActivity(): ReadonlyMap<string, number>;
  /** Drops the cached route table; the next request re-reads it (call on a preview change in this process). */
  invalidate(): void;
  close(): Promise<void>;
}

/** `<project>-<short-task-id>`: the host label of a preview (slugs are [a-z0-9-], short ids hex). */
export function previewHostLabel(projectSlug: string, taskId: string): string {
  return `${projectSlug}-${shortId(taskId)}`.toLowerCase();
}

export function previewRouterUrl(opts: { projectSlug: string; taskId: string; baseDomain: string; port: number }): string {
  const port = opts.port === 80 ? '' : `:${opts.port}`;
  return `http://${previewHostLabel(opts.projectSlug, opts.taskId)}.${opts.baseDomain}${port}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function notFoundPage(host: string, routes: PreviewRoute[]): string {
  const items =
    routes.length === 0
      ? '<p>No previews are live right now. Start one with <code>catalyst build "…"</code>.</p>'
      : `<ul>${routes
          .map(
            (r) =>
              `<li><a href="${escapeHtml(r.routerUrl)}/">${escapeHtml(r.label)}</a> — ${escapeHtml(r.status)} (direct: <a href="${escapeHtml(r.directUrl)}/">${escapeHtml(r.directUrl)}</a>)</li>`,
          )
          .join('')}</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No preview here</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 48rem; margin: 3rem auto; padding: 0 1rem">
<h1>No preview at ${escapeHtml(host || '(no Host header)')}</h1>
<p>Catalyst's preview router sends <code>&lt;project&gt;-&lt;short-task-id&gt;.&lt;domain&gt;</code> to that task's live preview. Live previews:</p>
${items}
<p>A preview that stopped or expired can be started again with <code>catalyst preview restart &lt;task-id&gt;</code>.</p>
</body></html>
`;
}

declare module 'fastify' {
  interface FastifyRequest {
    previewUpstream: string;
  }
}

export async function startPreviewRouter(opts: PreviewRouterOptions): Promise<PreviewRouter> {
  const baseDomain = (opts.baseDomain ?? 'localhost').toLowerCase();
  const cacheMs = opts.cacheMs ?? 2_000;
  const slugByTask = new Map<string, string>();
  const activity = new Map<string, number>();
  let table: { at: number; routes: Map<string, PreviewRoute> } | null = null;
  let loading: Promise<Map<string, PreviewRoute>> | null = null;
  let boundPort = opts.port;

  async function slugOf(taskId: string): Promise<string | null> {
    const known = slugByTask.get(taskId);
    if (known) return known;
    const task = await opts.state.getTask(taskId);
    const project = task ? await opts.state.getProject(task.project_id) : null;
    if (!project) return null;
    slugByTask.set(taskId, project.slug); // a task never changes project
    return project.slug;
  }

  async function load(): Promise<Map<string, PreviewRoute>> {
    const rows = await opts.state.listPreviews({ statuses: LIVE });
    // Newest row first, so a task's latest preview wins its label.
    rows.sort((a: PreviewDeployment, b: PreviewDeployment) => b.created_at.localeCompare(a.created_at));
    const routes = new Map<string, PreviewRoute>();
    for (const row of rows) {
      if (row.port === null) continue;
      const slug = await slugOf(row.task_id);
      if (slug === null) continue;
      const label = previewHostLabel(slug, row.task_id);
      if (routes.has(label)) continue;
      routes.set(label, {
        label,
        taskId: row.task_id,
        port: row.port,
        routerUrl: previewRouterUrl({ projectSlug: slug, taskId: row.task_id, baseDomain, port: boundPort }),
        directUrl: `http://127.0.0.1:${row.port}`,
        status: row.status,
        upstream: `http://127.0.0.1:${row.port}`,
      });
    }
    table = { at: Date.now(), routes };
    return routes;
  }

  async function routes(): Promise<Map<string, PreviewRoute>> {
    if (table && Date.now() - table.at < cacheMs) return table.routes;
    // Concurrent requests share one read of the state store.
    loading ??= load().finally(() => (loading = null));
    return loading;
  }

  function labelOf(hostHeader: string | undefined): string | null {
    const host = (hostHeader ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    const suffix = `.${baseDomain}`;
    if (!host.endsWith(suffix)) return null;
    const label = host.slice(0, -suffix.length);
    return /^[a-z0-9-]+$/.test(label) ? label : null;
  }

  /** Resolves true when it answered the request itself (the 404 page), so the hook must not continue. */
  async function slowPath(request: FastifyRequest, reply: FastifyReply, label: string | null): Promise<boolean> {
    let route = label ? (await routes()).get(label) : undefined;
    // A preview started a moment ago is not in a cached table yet: one fresh read before a 404.
    if (!route && label && table && Date.now() - table.at > 200) route = (await load()).get(label);
    if (!route) {
      const all = [...(await routes()).values()];
      void reply
        .code(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(notFoundPage(request.headers.host ?? '', all));
      return true;
    }
    activity.set(route.taskId, Date.now());
    request.previewUpstream = route.upstream;
    return false;
  }

  // No logger, and no promise per request: every request pays for this hook, and on a
  // busy pair of cores the proxy's own CPU time is what separates router and direct throughput.
  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });
  app.decorateRequest('previewUpstream', '');
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const label = labelOf(request.headers.host);
    // Hot path: a fresh in-memory table that knows the host, answered synchronously.
    const route = label && table && Date.now() - table.at < cacheMs ? table.routes.get(label) : undefined;
    if (route) {
      activity.set(route.taskId, Date.now());
      request.previewUpstream = route.upstream;
      done();
      return;
    }
    // A callback hook that replied itself does not call done (Fastify "respond to a request from a hook").
    slowPath(request, reply, label).then((answered) => (answered ? undefined : done()), done);
  });
  await app.register(httpProxy, {
    upstream: '',
    websocket: true,
    // The app sees the public Host (as behind Traefik, which passes it on), and x-forwarded-host says so;
    // WebSocket upgrades forward the cookie (the default).
    replyOptions: {
      getUpstream: (request) => (request as FastifyRequest).previewUpstream,
      // `headers` is already reply-from's copy of the request's headers: set the headers in place.
      rewriteRequestHeaders: (request, headers) => {
        headers['x-forwarded-host'] = request.headers.host ?? '';
        if (request.headers.host) headers.host = request.headers.host;
        return headers;
      },
      // reply-from copies an HTTP/1 upstream's hop-by-hop headers; "connection: keep-alive" from the app
      // would override a client's own "Connection: close" and hold its connection open.
      rewriteHeaders: (headers) => {
        const { connection: _connection, 'keep-alive': _keepAlive, ...rest } = headers;
        return rest;
      },
    },
  });
  await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  boundPort = typeof address === 'object' && address ? address.port : opts.port;

  return {
    get port() {
      return boundPort;
    },
    async urlFor(taskId) {
      const slug = await slugOf(taskId);
      if (!slug) return null;
      const route = (await routes()).get(previewHostLabel(slug, taskId));
      return route?.taskId === taskId ? route.routerUrl : null;
    },
    lastActivity: () => activity,
    invalidate() {
      table = null;
    },
    async close() {
      await app.close();
    },
  };
}
