/**
 * `npm run bench:build [-- --count N --mode sequential|event_driven]`: builds N prompts from
 * bench/prompts.jsonl (in file order, cycling) on the embedded default and prints, per build
 * and in total: time from submit to a healthy preview, per-agent phase times, the generated app's own test
 * time, and the resident memory of each preview process. Figures only; nothing here asserts timings.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.ts';
import { phaseTimingsOf } from '../src/contracts/records.ts';
import { systemClock } from '../src/core/clock.ts';
import { stopPreview } from '../src/preview/preview-control.ts';
import { createRuntime } from '../src/runtime.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '5' },
    mode: { type: 'string', default: 'sequential' },
    prompts: { type: 'string', default: resolve(import.meta.dirname, 'prompts.jsonl') },
  },
});
const count = Number(values.count);
const mode = values.mode === 'event_driven' ? 'event_driven' : 'sequential';
if (!existsSync(values.prompts!)) {
  console.error(`prompts file ${values.prompts} not found (pass --prompts FILE)`);
  process.exit(2);
}
const prompts = readFileSync(values.prompts!, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { id: string; prompt: string });

const AGENTS = ['planner', 'architect', 'coder', 'tester', 'reviewer', 'deployer'] as const;

/** Resident memory of a process and all its descendants (under bwrap the recorded pid is the sandbox's). */
function rssMb(pid: number): number | null {
  const kbOf = (p: number): number => {
    let kb = 0;
    try {
      kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
    for (const tid of readdirSync(`/proc/${p}/task`)) {
      const children = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) kb += kbOf(Number(child));
    }
    return kb;
  };
  const kb = kbOf(pid);
  return kb > 0 ? Math.round(kb / 1024) : null;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  id: string;
  status: string;
  totalMs: number;
  phases: Record<string, number>;
  appTestsS: number | null;
  rssMb: number | null;
}

const dir = mkdtempSync(join(tmpdir(), 'catalyst-bench-'));
const config = loadConfig({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: dir, overrides: { 'logging.level': 'error' } });
const runtime = await createRuntime(config, { mode, detachedPreviews: false });
const rows: Row[] = [];
try {
  for (let i = 0; i < count; i++) {
    const p = prompts[i % prompts.length]!;
    const started = performance.now();
    const submitted = await runtime.submitBuild({ prompt: p.prompt });
    const task = await runtime.engine.waitFor(submitted.id);
    const totalMs = performance.now() - started;
    const recorded = phaseTimingsOf(task);
    const phases = Object.fromEntries(AGENTS.map((a) => [a, recorded[a]?.duration_ms ?? 0]));
    const summaryText = await runtime.ports.artifacts.read(task.id, 'test-results/test-summary.json');
    const appTestsS = summaryText ? (JSON.parse(summaryText) as { total_duration_seconds: number }).total_duration_seconds : null;
    const preview = await runtime.ports.state.getPreviewByTask(task.id);
    let rss: number | null = null;
    if (preview?.status === 'healthy') {
      const state = JSON.parse(readFileSync(join(config.paths.previews, task.id, 'supervisor.json'), 'utf8')) as { appPid: number | null };
      rss = state.appPid ? rssMb(state.appPid) : null;
      await stopPreview({ state: runtime.ports.state, previews: runtime.ports.previews, clock: systemClock }, task.id);
    }
    rows.push({ id: p.id, status: task.status, totalMs, phases, appTestsS, rssMb: rss });
    console.log(
      `${p.id.padEnd(4)} ${task.status.padEnd(9)} ${(totalMs / 1000).toFixed(1).padStart(6)}s  ` +
        AGENTS.map((a) => `${a} ${(phases[a]! / 1000).toFixed(2)}s`).join('  ') +
        `  app-tests ${appTestsS ?? '-'}s  rss ${rss ?? '-'}MB${task.status === 'completed' ? '' : `  (${task.error})`}`,
    );
  }
} finally {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
}

const done = rows.filter((r) => r.status === 'completed');
const totals = done.map((r) => r.totalMs / 1000);
console.log(`\n${mode} mode, ${rows.length} builds, ${done.length} completed`);
console.log(`prompt → healthy preview: median ${median(totals).toFixed(1)}s, p90 ${quantile(totals, 0.9).toFixed(1)}s`);
for (const a of AGENTS) {
  const xs = done.map((r) => r.phases[a]! / 1000);
  console.log(`  ${a.padEnd(9)} median ${median(xs).toFixed(2)}s  p90 ${quantile(xs, 0.9).toFixed(2)}s`);
}
const pac = done.map((r) => (r.phases.planner! + r.phases.architect! + r.phases.coder!) / 1000);
console.log(`planner+architect+coder: median ${median(pac).toFixed(2)}s`);
const tests = done.map((r) => r.appTestsS).filter((x): x is number => x !== null);
console.log(`generated app's own test run: median ${median(tests).toFixed(1)}s`);
const rss = done.map((r) => r.rssMb).filter((x): x is number => x !== null);
console.log(`preview app RSS: median ${median(rss)} MB, max ${Math.max(...rss)} MB`);
