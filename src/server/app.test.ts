/**
 * The API over a real runtime (PGlite, real planner and architect, real git) through `app.inject()`,
 * plus the WebSocket and SSE streams over a real socket. The pipeline here stops after the architect
 * (the coder is not part of this runtime), which leaves a task running with a plan, an architecture
 * and commits — enough to exercise every route quickly. Full builds are the browser test's job.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import WebSocket from 'ws';
import { architectAgent } from '../agents/architect/architect-agent.ts';
import { plannerAgent } from '../agents/planner/planner-agent.ts';
import { loadConfig } from '../config/index.ts';
import { ServerMessage } from '../contracts/messages.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { buildServer } from './app.ts';

const TASK_ROUTES = ['', '/progress', '/files', '/artifacts', '/commits', '/files/README.md', '/artifacts/planning/plan.yaml'];

async function startRuntime(label: string, overrides: Record<string, unknown> = {}, webDir: string | null = null) {
  const dir = mkdtempSync(join(tmpdir(), `catalyst-api-${label}-`));
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'silent', ...overrides },
  });
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: true, agents: [plannerAgent, architectAgent] });
  const app = await buildServer(runtime, { webDir });
  return {
    dir,
    runtime,
    app,
    async close() {
      await app.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function architectureDone(runtime: Runtime, taskId: () => string | null): Promise<void> {
  return new Promise((resolve) => {
    const off = runtime.feed.on((m) => {
      if (m.type === 'event' && m.event.task_id === taskId() && m.event.event_type === 'architecture.proposed') {
        off();
        resolve();
      }
    });
  });
}

describe('HTTP API', () => {
  let env: Awaited<ReturnType<typeof startRuntime>>;
  let app: FastifyInstance;
  let taskId: string;
  let projectId: string;

  before(async () => {
    env = await startRuntime('main');
    app = env.app;
    let id: string | null = null;
    const done = architectureDone(env.runtime, () => id);
    const res = await app.inject({ method: 'POST', url: '/api/tasks', payload: { prompt: 'build a todo app with user auth' } });
    assert.equal(res.statusCode, 202, res.body);
    id = res.json().task_id;
    taskId = id!;
    projectId = res.json().project_id;
    assert.equal(res.headers.location, `/api/tasks/${taskId}`);
    await done;
  });
  after(async () => env.close());

  test('POST /api/tasks answers 400 naming each bad field', async () => {
    const missing = await app.inject({ method: 'POST', url: '/api/tasks', payload: {} });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error.code, 'invalid_request');
    assert.deepEqual(
      missing.json().error.fields.map((f: { field: string }) => f.field),
      ['body.prompt'],
    );
    const blank = await app.inject({ method: 'POST', url: '/api/tasks', payload: { prompt: '   ', extra: 1 } });
    assert.equal(blank.statusCode, 400);
    const fields = blank.json().error.fields.map((f: { field: string }) => f.field);
    assert.ok(fields.includes('body.prompt') || fields.includes('body'), JSON.stringify(blank.json()));
    const mode = await app.inject({ method: 'POST', url: '/api/tasks', payload: { prompt: 'build a todo app', mode: 'event_driven' } });
    assert.equal(mode.statusCode, 400);
    assert.equal(mode.json().error.fields[0].field, 'body.mode');
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { 'content-type': 'application/json' },
      payload: '{"prompt":',
    });
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.json().error.code, 'invalid_request');
  });

  test('an oversized body is refused with 413', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/tasks', payload: { prompt: 'x'.repeat(100_000) } });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error.code, 'payload_too_large');
  });

  test('tasks: list, read, progress with per-agent status and durations', async () => {
    const list = await app.inject({ url: '/api/tasks' });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().tasks[0].id, taskId);
    assert.equal((await app.inject({ url: `/api/tasks?project_id=${projectId}&limit=1` })).json().tasks.length, 1);
    assert.equal((await app.inject({ url: '/api/tasks?limit=0' })).json().error.fields[0].field, 'query.limit');
    const one = await app.inject({ url: `/api/tasks/${taskId}` });
    assert.equal(one.json().project.slug, 'todo-app');
    const progress = (await app.inject({ url: `/api/tasks/${taskId}/progress` })).json();
    assert.equal(progress.phase, 'coding');
    const byAgent = Object.fromEntries(progress.agents.map((a: { agent: string; status: string }) => [a.agent, a]));
    assert.equal(byAgent.planner.status, 'done');
    assert.equal(byAgent.architect.status, 'done');
    assert.ok(byAgent.planner.duration_ms >= 0 && byAgent.planner.runs === 1);
    assert.equal(byAgent.coder.status, 'running');
    assert.equal(byAgent.deployer.status, 'queued');
    assert.ok(progress.progress > 0.3 && progress.progress < 1);
  });

  test('unknown task ids are 404, malformed ones 400, on every task route', async () => {
    for (const suffix of TASK_ROUTES) {
      const unknown = await app.inject({ url: `/api/tasks/00000000-0000-4000-8000-000000000000${suffix}` });
      assert.equal(unknown.statusCode, 404, suffix);
      assert.equal(unknown.json().error.code, 'task_not_found');
      const bad = await app.inject({ url: `/api/tasks/nope${suffix}` });
      assert.equal(bad.statusCode, 400, suffix);
      assert.equal(bad.json().error.fields[0].field, 'params.task_id');
    }
    assert.equal((await app.inject({ url: '/api/events/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
    const route = await app.inject({ url: '/api/nothing-here' });
    assert.equal(route.statusCode, 404);
    assert.equal(route.json().error.code, 'route_not_found');
  });

  test('artifacts: list and read the plan; traversal is impossible', async () => {
    const list = (await app.inject({ url: `/api/tasks/${taskId}/artifacts` })).json();
    const paths = list.files.map((f: { path: string }) => f.path);
    assert.ok(paths.includes('planning/plan.yaml') && paths.includes('architecture/data-models.json'), paths.join());
    const plan = await app.inject({ url: `/api/tasks/${taskId}/artifacts/planning/plan.yaml` });
    assert.equal(plan.statusCode, 200);
    assert.match(plan.body, /features:/);
    assert.match(String(plan.headers['content-security-policy']), /sandbox/);
    for (const attempt of [
      '../../../../etc/passwd',
      '..%2f..%2f..%2fetc%2fpasswd',
      '%2e%2e/%2e%2e/etc/passwd',
      '%2Fetc%2Fpasswd',
      'planning/..%2f..%2f..%2fdata',
      'planning%5c..%5c..%5cx',
      'a%00b',
    ]) {
      const res = await app.inject({ url: `/api/tasks/${taskId}/artifacts/${attempt}` });
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${attempt}: ${res.statusCode}`);
      assert.doesNotMatch(res.body, /root:/);
    }
  });

  test('files: list and read the worktree; symlinks and dot-dot cannot leave it', async () => {
    const empty = (await app.inject({ url: `/api/tasks/${taskId}/files` })).json();
    assert.deepEqual(empty, { task_id: taskId, source: null, files: [] });
    const worktree = env.runtime.ports.git.worktreePath(taskId);
    const outside = join(env.dir, 'secret.txt');
    writeFileSync(outside, 'top secret');
    mkdirSync(join(worktree, 'backend/src'), { recursive: true });
    writeFileSync(join(worktree, 'backend/src/server.ts'), 'export const ok = true;\n');
    symlinkSync(outside, join(worktree, 'leak.txt'));
    symlinkSync(env.dir, join(worktree, 'backend/up'));
    const list = (await app.inject({ url: `/api/tasks/${taskId}/files` })).json();
    assert.deepEqual(
      list.files.map((f: { path: string }) => f.path),
      ['backend/src/server.ts'],
    );
    const file = await app.inject({ url: `/api/tasks/${taskId}/files/backend/src/server.ts` });
    assert.equal(file.body, 'export const ok = true;\n');
    assert.match(String(file.headers['content-type']), /text\/plain/);
    for (const attempt of [
      'leak.txt',
      'backend/up/secret.txt',
      '../../secret.txt',
      'backend/..%2f..%2f..%2fsecret.txt',
      '..%2F..%2F..%2Fsecret.txt',
      '%2e%2e%2f%2e%2e%2fsecret.txt',
    ]) {
      const res = await app.inject({ url: `/api/tasks/${taskId}/files/${attempt}` });
      assert.ok(res.statusCode === 400 || res.statusCode === 404, `${attempt}: ${res.statusCode}`);
      assert.doesNotMatch(res.body, /top secret/);
    }
    rmSync(worktree, { recursive: true, force: true });
  });

  test('git: repos, one repo, commits of main and of the task; push and PR are 501', async () => {
    const repos = (await app.inject({ url: '/api/git/repos' })).json().repos;
    assert.equal(repos[0].slug, 'todo-app');
    assert.ok(repos[0].branches.includes('main'));
    const repo = (await app.inject({ url: `/api/git/repos/${projectId}` })).json();
    assert.ok(repo.commits.some((c: { message: string }) => c.message.startsWith('feat(architecture)')));
    const commits = (await app.inject({ url: `/api/git/repos/${projectId}/commits?limit=2` })).json();
    assert.equal(commits.commits.length, 2);
    assert.equal((await app.inject({ url: `/api/git/repos/${projectId}/commits?ref=no-such-branch` })).statusCode, 404);
    assert.equal((await app.inject({ url: `/api/git/repos/${projectId}/commits?ref=a;rm` })).statusCode, 400);
    const taskCommits = (await app.inject({ url: `/api/tasks/${taskId}/commits` })).json();
    assert.equal(taskCommits.ref, 'main');
    assert.ok(taskCommits.commits.length >= 3);
    assert.equal((await app.inject({ url: '/api/git/repos/00000000-0000-4000-8000-000000000000' })).statusCode, 404);
    for (const action of ['push', 'pr']) {
      const res = await app.inject({ method: 'POST', url: `/api/git/repos/${projectId}/${action}` });
      assert.equal(res.statusCode, 501);
      assert.equal(res.json().error.code, 'not_implemented');
      assert.match(res.json().error.hint, /GitHub/);
    }
  });

  test('explorer: a database scan over HTTP runs in the background, then serves its findings and graph', async () => {
    const db = await freshDatabase('api_explore');
    try {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(
        'create table authors (id serial primary key, name varchar(80) not null); create table books (id serial primary key, title text not null, author_id int references authors(id))',
      );
      await client.end();
      const started = await app.inject({ method: 'POST', url: '/api/explorer/scan', payload: { type: 'database', target: db.url } });
      assert.equal(started.statusCode, 202, started.body);
      const { scan, links } = started.json() as { scan: { id: string; status: string }; links: { self: string } };
      assert.equal(started.headers.location, links.self);
      let body: { scan: { status: string; error: string | null }; findings: { entities: Array<{ source_name: string }> } | null } = {
        scan: { status: scan.status, error: null },
        findings: null,
      };
      for (let i = 0; i < 100 && body.scan.status === 'running'; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        body = (await app.inject({ url: links.self })).json();
      }
      assert.equal(body.scan.status, 'completed', body.scan.error ?? '');
      assert.deepEqual(body.findings!.entities.map((e) => e.source_name).sort(), ['authors', 'books']);
      const graph = (await app.inject({ url: `${links.self}/graph` })).json() as { mermaid: string; graph: { edges: unknown[] } };
      assert.match(graph.mermaid, /^graph LR/);
      assert.ok(graph.graph.edges.length >= 1);
      const list = (await app.inject({ url: '/api/explorer/scans' })).json() as { scans: Array<{ id: string }> };
      assert.equal(list.scans[0]?.id, scan.id);
      const ranked = (await app.inject({ url: '/api/explorer/scans?similar_to=books%20authors' })).json() as {
        scans: Array<{ id: string; similarity: number }>;
      };
      assert.equal(ranked.scans[0]?.id, scan.id);
    } finally {
      await db.drop();
    }
  });

  test('explorer: bad scan requests get 400 naming the field, unknown scans 404', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/explorer/scan', payload: { type: 'database', target: '' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_request');
    assert.match(JSON.stringify(bad.json().error), /target/);
    assert.equal((await app.inject({ method: 'POST', url: '/api/explorer/scan', payload: { type: 'ftp', target: 'x' } })).statusCode, 400);
    assert.equal(
      (await app.inject({ url: '/api/explorer/scans/00000000-0000-4000-8000-000000000000' })).json().error.code,
      'scan_not_found',
    );
    assert.equal((await app.inject({ url: '/api/explorer/scans/s1' })).statusCode, 400);
  });

  test('previews: empty list, 404 for unknown, 400 for malformed ids', async () => {
    assert.deepEqual((await app.inject({ url: '/api/preview' })).json(), { previews: [] });
    assert.deepEqual((await app.inject({ url: '/api/preview?all=true' })).json(), { previews: [] });
    assert.equal((await app.inject({ url: '/api/preview?all=maybe' })).statusCode, 400);
    assert.equal((await app.inject({ url: `/api/preview/${taskId}` })).json().error.code, 'preview_not_found');
    assert.equal((await app.inject({ method: 'DELETE', url: `/api/preview/${taskId}` })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: `/api/preview/${taskId}/restart` })).statusCode, 404);
    assert.equal((await app.inject({ url: '/api/preview/zz' })).statusCode, 400);
  });

  test('events: the audit trail in order', async () => {
    const res = (await app.inject({ url: `/api/events/${taskId}` })).json();
    assert.deepEqual(
      res.events.map((e: { event_type: string }) => e.event_type),
      ['task.initiated', 'plan.created', 'architecture.proposed'],
    );
  });

  test('OpenAPI document lists every route, generated from the contracts', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json();
    assert.equal(doc.openapi, '3.0.3');
    for (const path of [
      '/api/tasks',
      '/api/tasks/{task_id}/progress',
      '/api/tasks/{task_id}/cancel',
      '/api/preview/{task_id}/restart',
      '/api/git/repos/{project_id}/commits',
      '/api/explorer/scan',
      '/api/events/{task_id}/stream',
    ]) {
      assert.ok(doc.paths[path], path);
    }
    assert.equal(doc.paths['/api/tasks'].post.requestBody.content['application/json'].schema.properties.prompt.type, 'string');
    assert.equal((await app.inject({ url: '/docs' })).statusCode < 400, true);
  });

  test('security headers are set and CORS is off by default', async () => {
    const res = await app.inject({ url: '/api/tasks', headers: { origin: 'https://evil.example' } });
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['content-security-policy']), /frame-src 'self' http:\/\/localhost:\*/);
    assert.ok(res.headers['x-ratelimit-limit']);
  });

  test('WebSocket replays the task so far, streams live messages, and refuses foreign origins', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const wsUrl = `${address.replace('http', 'ws')}/ws/${taskId}`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, { origin: 'https://evil.example' });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(refused, 403);
    const unknown = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${address.replace('http', 'ws')}/ws/00000000-0000-4000-8000-000000000000`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(unknown, 404);

    const ws = new WebSocket(wsUrl, { origin: address });
    const messages: ServerMessage[] = [];
    const ended = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const m = ServerMessage.parse(JSON.parse(String(data)));
        messages.push(m);
        if (m.type === 'task_complete') resolve();
      });
    });
    await new Promise((r) => ws.once('open', r));
    // The replay ends with the progress message; cancel only after it, so the replay shows the coder at work.
    while (!messages.some((m) => m.type === 'progress')) await new Promise((r) => setTimeout(r, 10));
    const cancel = await app.inject({ method: 'POST', url: `/api/tasks/${taskId}/cancel` });
    assert.equal(cancel.statusCode, 200);
    assert.equal(cancel.json().status, 'cancelled');
    await ended;
    ws.close();
    const logs = messages.filter((m) => m.type === 'agent_log');
    assert.ok(
      logs.some((m) => m.agent_name === 'planner'),
      'replayed agent logs',
    );
    const statuses = messages.filter((m) => m.type === 'agent_status');
    assert.deepEqual(
      statuses.slice(0, 3).map((m) => [m.agent_name, m.status]),
      [
        ['planner', 'done'],
        ['architect', 'done'],
        ['coder', 'running'],
      ],
    );
    assert.ok(messages.some((m) => m.type === 'progress'));
    const last = messages.at(-1)!;
    assert.equal(last.type === 'task_complete' && last.status, 'cancelled');
    assert.equal((await app.inject({ method: 'POST', url: `/api/tasks/${taskId}/cancel` })).statusCode, 409);
  });

  test('SSE replays the recorded events and ends for a finished task; Last-Event-ID resumes', async () => {
    const res = await app.inject({ url: `/api/events/${taskId}/stream` });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/event-stream/);
    const types = [...res.body.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(types, ['task.initiated', 'plan.created', 'architecture.proposed']);
    const firstId = /^id: (.+)$/m.exec(res.body)![1]!;
    const resumed = await app.inject({ url: `/api/events/${taskId}/stream`, headers: { 'last-event-id': firstId } });
    assert.deepEqual(
      [...resumed.body.matchAll(/^event: (.+)$/gm)].map((m) => m[1]),
      ['plan.created', 'architecture.proposed'],
    );
    const foreign = await app.inject({
      url: `/api/events/${taskId}/stream`,
      headers: { origin: 'https://evil.example', host: 'localhost:3000' },
    });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().error.code, 'forbidden_origin');
  });
});

describe('HTTP API with a token and a tight rate limit', () => {
  let env: Awaited<ReturnType<typeof startRuntime>>;
  before(async () => {
    env = await startRuntime('auth', { 'auth.token': 's3cret-token', 'server.rate_limit_per_minute': 5 });
  });
  after(async () => env.close());

  test('REST and WebSocket need the token (401 without it); health does not', async () => {
    const app = env.app;
    const none = await app.inject({ url: '/api/tasks' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'unauthorized');
    assert.equal((await app.inject({ url: '/api/tasks', headers: { authorization: 'Bearer wrong' } })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/tasks', headers: { authorization: 'Bearer s3cret-token' } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/api/health' })).statusCode, 200);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${address.replace('http', 'ws')}/ws/00000000-0000-4000-8000-000000000000`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(status, 401);
    const withToken = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${address.replace('http', 'ws')}/ws/00000000-0000-4000-8000-000000000000?token=s3cret-token`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(withToken, 404, 'past the token check, the unknown task is what is refused');
  });

  test('too many requests from one client get 429 with retry-after', async () => {
    let last = 0;
    let body: { error: { code: string } } | null = null;
    let retryAfter: unknown;
    for (let i = 0; i < 8 && last !== 429; i++) {
      const res = await env.app.inject({ url: '/api/tasks', headers: { authorization: 'Bearer s3cret-token' } });
      last = res.statusCode;
      if (last === 429) {
        body = res.json();
        retryAfter = res.headers['retry-after'];
      }
    }
    assert.equal(last, 429);
    assert.equal(body!.error.code, 'rate_limited');
    assert.ok(retryAfter);
  });
});

describe('rate limit with the UI served', () => {
  let env: Awaited<ReturnType<typeof startRuntime>>;
  let webDir: string;
  before(async () => {
    // A built UI in miniature: index.html and a hashed asset, as `vite build` writes them.
    webDir = mkdtempSync(join(tmpdir(), 'catalyst-api-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(
      join(webDir, 'index.html'),
      '<!doctype html><title>Catalyst</title><script type="module" src="/assets/index-abc123.js"></script>',
    );
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log("ui")');
    env = await startRuntime('ui-limit', { 'server.rate_limit_per_minute': 5 }, webDir);
  });
  after(async () => {
    await env.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  test('UI assets do not use up the limit; the API still answers 429 past it', async () => {
    for (let i = 0; i < 20; i++) {
      for (const url of ['/', '/index.html', '/assets/index-abc123.js', `/tasks/00000000-0000-4000-8000-00000000000${i % 10}/files`]) {
        const res = await env.app.inject({ url });
        assert.equal(res.statusCode, 200, `${url} (request ${i + 1}): ${res.body.slice(0, 200)}`);
        assert.equal(res.headers['x-ratelimit-limit'], undefined, `${url} is not counted`);
      }
    }
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await env.app.inject({ url: '/api/tasks' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429], 'the first 5 API requests pass after 80 asset requests; the 6th is limited');
    const limited = await env.app.inject({ url: '/api/tasks?limit=1' });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.equal((await env.app.inject({ url: '/assets/index-abc123.js' })).statusCode, 200, 'the UI still loads while the API is limited');
  });
});
