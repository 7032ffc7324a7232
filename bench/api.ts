/**
 * `npm run bench:api [-- --duration 10 --connections 50 --clients 200 --messages 50]`: figures for the
 * HTTP/WebSocket API on this machine (no assertions).
 * 1. autocannon against `GET /api/tasks/{id}/progress` of a real task (planner and architect have run):
 *    requests/s and latency percentiles. The rate limit is raised for the run; the token check is on.
 * 2. WebSocket fan-out: N clients on `/ws/{id}`; live `agent_log` messages go through the runtime's live
 *    feed (the path agents' logs take) and each client records the delay from emit to receipt; p50/p99.
 * Load generator and server share the process and the machine's cores, so figures are conservative.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { architectAgent } from '../src/agents/architect/architect-agent.ts';
import { plannerAgent } from '../src/agents/planner/planner-agent.ts';
import { loadConfig } from '../src/config/index.ts';
import { createRuntime } from '../src/runtime.ts';
import { buildServer } from '../src/server/app.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    clients: { type: 'string', default: '200' },
    messages: { type: 'string', default: '50' },
  },
});
const TOKEN = 'bench-token';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const dir = mkdtempSync(join(tmpdir(), 'catalyst-bench-api-'));
const config = loadConfig({
  env: { PATH: process.env.PATH, HOME: process.env.HOME },
  cwd: dir,
  overrides: { 'logging.level': 'silent', 'server.rate_limit_per_minute': 100_000_000, 'auth.token': TOKEN },
});
const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: true, agents: [plannerAgent, architectAgent] });
const app = await buildServer(runtime, { webDir: null });
try {
  let taskId = '';
  const designed = new Promise<void>((resolve) => {
    const off = runtime.feed.on((m) => {
      if (m.type === 'event' && m.event.event_type === 'architecture.proposed' && m.event.task_id === taskId) {
        off();
        resolve();
      }
    });
  });
  taskId = (await runtime.submitBuild({ prompt: 'build a todo app with user auth' })).id;
  await designed;
  const base = await app.listen({ host: '127.0.0.1', port: 0 });

  // ---- 1. REST throughput
  const result = await autocannon({
    url: `${base}/api/tasks/${taskId}/progress`,
    connections: Number(values.connections),
    duration: Number(values.duration),
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  console.log(`GET /api/tasks/{id}/progress  ${values.connections} connections, ${values.duration} s`);
  console.log(
    `  requests/s  avg ${Math.round(result.requests.average)}  (total ${result.requests.total}, non-2xx ${result.non2xx}, errors ${result.errors})`,
  );
  console.log(`  latency ms  p50 ${result.latency.p50}  p99 ${result.latency.p99}  max ${result.latency.max}`);

  // ---- 2. WebSocket fan-out
  const clients = Number(values.clients);
  const messages = Number(values.messages);
  const delays: number[] = [];
  const sockets: WebSocket[] = [];
  await Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/${taskId}?token=${TOKEN}`);
          sockets.push(ws);
          let replayed = false;
          ws.on('message', (data) => {
            const m = JSON.parse(String(data)) as { type: string; message?: string };
            if (!replayed && m.type === 'progress') {
              replayed = true;
              resolve();
            }
            if (m.type === 'agent_log' && m.message?.startsWith('bench ')) delays.push(performance.now() - Number(m.message.slice(6)));
          });
          ws.on('error', reject);
        }),
    ),
  );
  for (let i = 0; i < messages; i++) {
    runtime.feed.emit({
      type: 'agent_log',
      task_id: taskId,
      agent_name: 'coder',
      message: `bench ${performance.now()}`,
      level: 'info',
      timestamp: new Date().toISOString(),
    });
    await new Promise((r) => setTimeout(r, 20));
  }
  const deadline = Date.now() + 10_000;
  while (delays.length < clients * messages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  delays.sort((a, b) => a - b);
  console.log(`WebSocket fan-out  ${clients} clients × ${messages} messages (one every 20 ms)`);
  console.log(`  delivered ${delays.length}/${clients * messages}`);
  console.log(
    `  delivery ms  p50 ${percentile(delays, 50).toFixed(2)}  p99 ${percentile(delays, 99).toFixed(2)}  max ${delays.at(-1)?.toFixed(2)}`,
  );
  for (const ws of sockets) ws.close();
} finally {
  await app.close();
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
}
