/**
 * `catalyst build "<prompt>"`: runs the whole pipeline, prints progress (or one JSON object with
 * --json), and then either keeps the preview up until Ctrl-C (like `vite dev`) or, with --detach,
 * leaves it running as a supervised background process recorded in the state store.
 */
import { AGENT_IDS } from '../contracts/events.ts';
import { BuildResult, type PhaseTiming } from '../contracts/messages.ts';
import { phaseTimingsOf, type TaskRecord } from '../contracts/records.ts';
import type { CatalystConfig } from '../config/index.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { stopPreview } from '../preview/preview-control.ts';
import { systemClock } from '../core/clock.ts';
import { untilShutdownSignal } from '../core/shutdown-signal.ts';
import { EXIT, printJson } from './output.ts';
import { showProgress } from './progress-view.ts';
import { colorEnabled, painter, type Paint } from './terminal-color.ts';

export interface BuildOptions {
  json: boolean;
  detach: boolean;
  name?: string;
  mode: 'sequential' | 'event_driven';
  /** An explorer scan id: the scanned records become the app's data model. */
  fromScan?: string;
}

const PIPELINE = AGENT_IDS.filter((a) => a !== 'explorer');

function phasesOf(task: TaskRecord): PhaseTiming[] {
  const recorded = phaseTimingsOf(task);
  return PIPELINE.map((agent) => {
    const p = recorded[agent];
    return p
      ? { agent, status: p.status, duration_ms: Math.round(p.duration_ms), runs: p.runs }
      : { agent, status: 'skipped' as const, duration_ms: 0, runs: 0 };
  });
}

async function resultOf(runtime: Runtime, task: TaskRecord, startedAt: number, detached: boolean): Promise<BuildResult> {
  const { state, artifacts } = runtime.ports;
  const project = await state.getProject(task.project_id);
  const preview = await state.getPreviewByTask(task.id);
  const live = preview && preview.status === 'healthy';
  return BuildResult.parse({
    task_id: task.id,
    trace_id: task.trace_id,
    project_id: task.project_id,
    project_slug: project?.slug ?? '',
    mode: task.mode,
    status: task.status === 'completed' ? 'completed' : 'failed',
    phase: task.current_phase,
    error: task.error,
    repo_path: project?.repo_path ?? '',
    branch: task.branch_name,
    commit: task.commit_sha,
    preview_url: live ? preview.url : null,
    fallback_url: live ? preview.fallback_url : null,
    artifacts_dir: artifacts.location(task.id),
    duration_ms: Date.now() - startedAt,
    phases: phasesOf(task),
    detached,
  });
}

function describe(result: BuildResult, paint: Paint): string {
  const lines = [
    '',
    result.status === 'completed'
      ? `${paint('green', '✔')} Built ${result.project_slug} in ${(result.duration_ms / 1000).toFixed(1)}s`
      : `${paint('red', '✖')} Build failed in phase ${result.phase}: ${result.error ?? 'unknown error'}`,
    `  task      ${result.task_id}`,
    `  repo      ${result.repo_path}${result.branch ? ` (branch ${result.branch})` : ''}`,
    `  artifacts ${result.artifacts_dir}`,
  ];
  if (result.preview_url) lines.push(`  preview   ${result.preview_url}`);
  return `${lines.join('\n')}\n`;
}

export async function buildCommand(prompt: string, opts: BuildOptions, config: Readonly<CatalystConfig>): Promise<number> {
  const startedAt = Date.now();
  const runtime = await createRuntime(config, { mode: opts.mode, detachedPreviews: opts.detach });
  let taskId: string | null = null;
  const view = opts.json
    ? null
    : showProgress(runtime.feed, () => taskId, {
        tty: Boolean(process.stderr.isTTY),
        color: colorEnabled(process.env, Boolean(process.stderr.isTTY)),
        write: (l) => process.stderr.write(`${l}\n`),
      });
  let result: BuildResult;
  try {
    const task = await runtime.submitBuild({ prompt, project_name: opts.name, mode: opts.mode, explorer_scan_id: opts.fromScan });
    taskId = task.id;
    if (!opts.json)
      process.stderr.write(
        `Building "${prompt.length > 60 ? `${prompt.slice(0, 57)}...` : prompt}" (task ${task.id}, ${runtime.mode} mode)\n`,
      );
    const finished = await runtime.engine.waitFor(task.id);
    result = await resultOf(runtime, finished, startedAt, opts.detach);
  } finally {
    view?.stop();
    // Closing releases the embedded database so `catalyst preview …` works from another terminal.
    await runtime.close();
  }

  if (opts.json) printJson(result);
  else process.stdout.write(describe(result, painter(colorEnabled(process.env, Boolean(process.stdout.isTTY)))));
  if (result.status !== 'completed') return EXIT.failed;

  if (!opts.detach && result.preview_url) {
    if (!opts.json) process.stderr.write('Preview running. Press Ctrl-C to stop it.\n');
    await untilShutdownSignal();
    const control = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, logger: runtime.logger });
    try {
      await stopPreview(
        { state: control.ports.state, previews: control.ports.previews, clock: systemClock, events: control.ports.previewEvents ?? null },
        result.task_id,
      );
      if (!opts.json) process.stderr.write('Preview stopped.\n');
    } finally {
      await control.close();
    }
  }
  return EXIT.ok;
}
