/**
 * `npm run bench:faults [-- --points coder:during,tester:start]`: fault injection on the embedded
 * default. For each kill point (default: every agent at `start` — a phase boundary — and `during` and
 * `before-commit` — mid-phase) a real `catalyst serve` builds one app and SIGKILLs itself there
 * (test/integration/crashing-server.ts); a plain `catalyst serve` is started on the same folder and the
 * task is followed to its end. One uninterrupted build is the reference. Per kill point it prints:
 * whether the task was resumed and completed, commits made twice (a `Catalyst-Event` trailer seen more
 * than once), pipeline events recorded twice, and the seconds lost against the reference (wall time
 * of the killed build from submission to completion, restart included, minus the reference's).
 * Sequential mode only: event-driven recovery is RabbitMQ's redelivery (test/integration/worker-crash).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIPELINE_AGENTS } from '../src/agents/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { createRuntime } from '../src/runtime.ts';
import { git, runCatalyst } from '../test/e2e/helpers.ts';
import { FAST_RECOVERY_YAML, api, cleanupDir, followTask, startServerProcess, stopServer } from '../test/support/durable-harness.ts';

const PROMPT = 'build a todo app with user auth';
const POINTS = ['start', 'during', 'before-commit'];
const arg = process.argv.indexOf('--points');
const points = arg > 0 ? process.argv[arg + 1]!.split(',') : PIPELINE_AGENTS.flatMap((a) => POINTS.map((p) => `${a.id}:${p}`));

interface Row {
  point: string;
  completed: boolean;
  resumes: number;
  duplicateCommits: number;
  duplicateEvents: number;
  secondsLost: number;
  note: string;
}

function trailers(repo: string): string[] {
  return git(repo, 'log', '--all', '--format=%(trailers:key=Catalyst-Event,valueonly)')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

const duplicates = (xs: string[]) => xs.length - new Set(xs).size;

/** Events beyond the reference build's count of each type (a repair loop repeats some types by design). */
function extraEvents(types: string[], ref: string[]): number {
  const count = (xs: string[], t: string) => xs.filter((x) => x === t).length;
  return [...new Set(types)].reduce((n, t) => n + Math.max(0, count(types, t) - count(ref, t)), 0);
}

async function pipelineEvents(dir: string, taskId: string): Promise<string[]> {
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'silent' },
  });
  const rt = await createRuntime(config, { mode: 'sequential', detachedPreviews: true, agents: [] });
  try {
    return (await rt.ports.state.listEvents(taskId)).map((e) => e.event_type).filter((t) => !t.startsWith('preview.'));
  } finally {
    await rt.close();
  }
}

async function reference(): Promise<{ seconds: number; events: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-faults-ref-'));
  try {
    writeFileSync(join(dir, 'catalyst.yaml'), FAST_RECOVERY_YAML);
    const server = startServerProcess(dir);
    const url = await server.url;
    const started = Date.now();
    const { task_id } = await api<{ task_id: string }>(url, 'POST', '/api/tasks', { prompt: PROMPT, project_name: 'faults' });
    const done = await followTask(url, task_id, { timeoutMs: 900_000 });
    const seconds = (Date.now() - started) / 1000;
    await runCatalyst(dir, ['preview', 'stop', task_id], 60_000, { CATALYST_CONFIG: join(dir, 'catalyst.yaml') }).catch(() => undefined);
    await stopServer(server);
    if (done.status !== 'completed') throw new Error(`the reference build ended ${done.status}: ${done.error}`);
    return { seconds, events: await pipelineEvents(dir, task_id) };
  } finally {
    cleanupDir(dir);
  }
}

async function killAt(point: string, ref: { seconds: number; events: string[] }): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-faults-'));
  const env = { CATALYST_CONFIG: join(dir, 'catalyst.yaml') };
  let taskId = '';
  try {
    writeFileSync(join(dir, 'catalyst.yaml'), FAST_RECOVERY_YAML);
    const crashing = startServerProcess(dir, { crashAt: point });
    const url = await crashing.url;
    const started = Date.now();
    taskId = (await api<{ task_id: string }>(url, 'POST', '/api/tasks', { prompt: PROMPT, project_name: 'faults' })).task_id;
    const how = await crashing.exited;
    if (how !== 'SIGKILL')
      return { point, completed: false, resumes: 0, duplicateCommits: 0, duplicateEvents: 0, secondsLost: 0, note: `exited ${how}` };
    const survivor = startServerProcess(dir);
    const done = await followTask(await survivor.url, taskId, { timeoutMs: 900_000 });
    const seconds = (Date.now() - started) / 1000;
    await stopServer(survivor);
    const types = await pipelineEvents(dir, taskId);
    return {
      point,
      completed: done.status === 'completed',
      resumes: (done.metadata.resume as { count?: number } | undefined)?.count ?? 0,
      duplicateCommits: duplicates(trailers(join(dir, '.catalyst', 'repos', 'faults'))),
      duplicateEvents: extraEvents(types, ref.events),
      secondsLost: seconds - ref.seconds,
      note: done.status === 'completed' ? '' : `${done.status}: ${done.error}`,
    };
  } finally {
    if (taskId) await runCatalyst(dir, ['preview', 'stop', taskId], 60_000, env).catch(() => undefined);
    cleanupDir(dir);
  }
}

const ref = await reference();
process.stdout.write(`reference build (no kill): ${ref.seconds.toFixed(1)} s\n\n`);
process.stdout.write('| kill point | resumed + completed | duplicate commits | duplicate events | seconds lost |\n|---|---|---|---|---|\n');
const rows: Row[] = [];
for (const point of points) {
  const row = await killAt(point, ref);
  rows.push(row);
  const ok = row.completed && row.resumes >= 1 ? 'yes' : `no${row.note ? ` (${row.note})` : ''}`;
  process.stdout.write(`| ${row.point} | ${ok} | ${row.duplicateCommits} | ${row.duplicateEvents} | ${row.secondsLost.toFixed(1)} |\n`);
}
process.exitCode = rows.every((r) => r.completed && r.duplicateCommits === 0 && r.duplicateEvents === 0) ? 0 : 1;
