/**
 * `catalyst build "<prompt>"`: runs the whole pipeline — in this process on the embedded default, or
 * through a running `catalyst serve` for the same data folder — shows progress on stderr, and prints
 * the result (one JSON object with --json). It returns once the preview is handed to its supervisor;
 * with --foreground the preview lives in this process until Ctrl-C instead, like `vite dev`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CatalystConfig } from '../config/index.ts';
import { BuildResult, type ServerMessage } from '../contracts/messages.ts';
import type { TaskRecord } from '../contracts/records.ts';
import type { AgentEvent } from '../contracts/events.ts';
import type { LiveFeed } from '../core/agent.ts';
import { systemClock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { untilShutdownSignal } from '../core/shutdown-signal.ts';
import { buildResultOf } from '../orchestrator/build-result.ts';
import { parseBuildRequest } from '../orchestrator/build-submitter.ts';
import { describeHolder } from '../adapters/state/data-dir-lock.ts';
import { stopPreview } from '../preview/preview-control.ts';
import { resolveTask } from '../orchestrator/id-refs.ts';
import type { Runtime } from '../runtime.ts';
import { serverFor } from './connect.ts';
import { EXIT, exitCodeOfFailure, printJson } from './output.ts';
import { showProgress, type ProgressView } from './progress-view.ts';
import type { ServerClient } from './server-client.ts';
import { colorEnabled, painter, type Paint } from './terminal-color.ts';

export type ProgressMode = 'auto' | 'lines' | 'json' | 'none';

export interface BuildOptions {
  json: boolean;
  foreground: boolean;
  progress: ProgressMode;
  name?: string;
  /** Only when the user chose one (--mode); otherwise the runtime's or the server's mode. */
  mode?: 'sequential' | 'event_driven';
  /** An explorer scan id: the scanned records become the app's data model. */
  fromScan?: string;
  /** --budget (USD) and --budget-tokens: this task's model budget over the config's. */
  budget?: number;
  budgetTokens?: number;
  /** false with --no-cache. */
  cache: boolean;
  /** Model answers from / to a JSONL file (this process's adapter only). */
  replay?: string;
  record?: string;
}

/** The request fields that carry the task's own model choices (task.metadata.llm). */
function modelChoices(opts: BuildOptions): { budget?: { max_tokens: number | null; max_usd: number | null }; no_cache?: true } {
  const budget =
    opts.budget !== undefined || opts.budgetTokens !== undefined
      ? { budget: { max_tokens: opts.budgetTokens ?? null, max_usd: opts.budget ?? null } }
      : {};
  return { ...budget, ...(opts.cache === false ? { no_cache: true as const } : {}) };
}

const TERMINAL = new Set<TaskRecord['status']>(['completed', 'failed', 'cancelled']);

function made(path: string): boolean {
  return existsSync(path);
}

function describe(result: BuildResult, paint: Paint): string {
  const lines = [
    '',
    result.status === 'completed'
      ? `${paint('green', '✔')} Built ${result.project_name} in ${(result.duration_ms / 1000).toFixed(1)}s`
      : `${paint('red', '✖')} Build ${result.status} in phase ${result.phase}: ${result.error?.message ?? 'unknown error'}`,
    ...(result.error?.hint ? [`  hint      ${result.error.hint}`] : []),
    `  task      ${result.task_id}`,
    // A build that failed before its first commit (needs_model, request_too_large) made no repository:
    // naming a folder that is not there would send the user looking for it.
    ...(made(result.repo_path)
      ? [
          `  repo      ${result.repo_path}${result.main_commit ? ' (the app is merged into main)' : result.branch ? ` (app on branch ${result.branch})` : ''}`,
        ]
      : []),
    ...(result.worktree_path ? [`  worktree  ${result.worktree_path}`] : []),
    ...(made(result.artifacts_dir) ? [`  artifacts ${result.artifacts_dir}`] : []),
    // What was asked for and left out is part of the result, never only in plan.yaml.
    ...result.not_built.map((line) => `  ${paint('yellow', 'not built')} ${line}`),
  ];
  if (result.preview_url) lines.push(`  preview   ${result.preview_url}`);
  return `${lines.join('\n')}\n`;
}

/** Progress on stderr, never stdout: a spinner on a terminal, a line per phase otherwise, or NDJSON. */
function progressView(feed: LiveFeed, taskId: () => string | null, opts: BuildOptions): ProgressView | null {
  const mode = opts.progress === 'auto' ? (opts.json || !process.stderr.isTTY ? 'lines' : 'tty') : opts.progress;
  if (mode === 'none') return null;
  if (mode === 'json') {
    const off = feed.on((m: ServerMessage | { type: 'event'; event: AgentEvent }) => {
      if (m.type === 'event') return;
      if ('task_id' in m && m.task_id === taskId()) process.stderr.write(`${JSON.stringify(m)}\n`);
    });
    return { stop: off };
  }
  const tty = mode === 'tty';
  return showProgress(feed, taskId, {
    tty,
    color: colorEnabled(process.env, tty),
    write: (l) => process.stderr.write(`${l}\n`),
  });
}

function say(opts: BuildOptions, line: string): void {
  if (opts.progress !== 'none' && opts.progress !== 'json') process.stderr.write(`${line}\n`);
}

function announce(opts: BuildOptions, prompt: string, taskId: string, mode: string, where: string): void {
  say(opts, `Building "${prompt.length > 60 ? `${prompt.slice(0, 57)}...` : prompt}" (task ${taskId}, ${mode} mode, ${where})`);
}

/** What an embedded run works on: a new build, or a task an earlier process left unfinished. */
type Start = (runtime: Runtime) => Promise<{ task: TaskRecord; resumed: boolean }>;

/**
 * A `catalyst build` killed mid-build leaves its task running with nobody on it: the same command run
 * again continues that task (the newest unfinished one with the same request, mode and name) instead of
 * starting over. Embedded, the folder lock already proves its old owner gone.
 */
function newOrUnfinished(prompt: string, opts: BuildOptions): Start {
  return async (runtime) => {
    const { state } = runtime.ports;
    const same = async (t: TaskRecord) =>
      t.user_prompt === prompt &&
      t.mode === runtime.mode &&
      t.metadata.explorer_scan_id === opts.fromScan &&
      (opts.name === undefined || (await state.getProject(t.project_id))?.name === opts.name);
    const candidates = (await state.listOwnerlessTasks()).map((o) => o.task);
    const matches = await Promise.all(candidates.map(same));
    const unfinished = candidates.filter((_, i) => matches[i]).at(-1);
    if (unfinished && runtime.mode === 'sequential') {
      say(opts, `Continuing task ${unfinished.id.slice(0, 8)}, left unfinished in ${unfinished.current_phase} by a build that stopped.`);
      return { task: await runtime.engine.resume(unfinished.id), resumed: true };
    }
    const task = await runtime.submitBuild(buildRequest(prompt, opts, runtime.mode));
    return { task, resumed: false };
  };
}

function buildRequest(prompt: string, opts: BuildOptions, mode: string) {
  return { prompt, project_name: opts.name, mode, explorer_scan_id: opts.fromScan, ...modelChoices(opts) };
}

function unfinishedTask(ref: string): Start {
  return async (runtime) => {
    const task = await resolveTask(runtime.ports.state, ref);
    return { task: await runtime.engine.resume(task.id), resumed: true };
  };
}

async function buildEmbedded(
  start: Start,
  opts: BuildOptions,
  config: Readonly<CatalystConfig>,
): Promise<{ result: BuildResult; foregroundPreview: boolean }> {
  const startedAt = Date.now();
  // Imported here, not at the top: its modules take seconds to load, which a refused request never needs.
  const { createRuntime } = await import('../runtime.ts');
  const runtime = await createRuntime(config, {
    ...(opts.mode ? { mode: opts.mode } : {}),
    detachedPreviews: !opts.foreground,
    models: { replay: opts.replay ? resolve(opts.replay) : null, record: opts.record ? resolve(opts.record) : null },
    // Several CLI builds on one embedded folder queue behind each other instead of failing.
    storeLock: {
      purpose: 'catalyst build',
      waitMs: Number.POSITIVE_INFINITY,
      onWait: (holder) => say(opts, `Waiting: the data folder is in use by ${describeHolder(holder)}; this build starts when it is free.`),
    },
  });
  let taskId: string | null = null;
  const view = progressView(runtime.feed, () => taskId, opts);
  try {
    const { task, resumed } = await start(runtime);
    taskId = task.id;
    announce(opts, task.user_prompt, task.id, runtime.mode, resumed ? 'resumed in this process' : 'in this process');
    const finished = await runtime.engine.waitFor(task.id);
    const result = BuildResult.parse({
      ...(await buildResultOf(runtime.ports, finished)),
      via: 'embedded',
      duration_ms: Date.now() - startedAt,
      preview_supervised: !opts.foreground,
    });
    return { result, foregroundPreview: opts.foreground && result.preview_url !== null };
  } finally {
    view?.stop();
    // Closing releases the embedded database so `catalyst preview …` works from another terminal.
    await runtime.close();
  }
}

async function buildThroughServer(prompt: string, opts: BuildOptions, client: ServerClient): Promise<BuildResult> {
  const startedAt = Date.now();
  const created = await client.json<{ task_id: string; mode: string }>('POST', '/api/tasks', {
    prompt,
    ...(opts.name ? { project_name: opts.name } : {}),
    ...(opts.mode ? { mode: opts.mode } : {}),
    ...(opts.fromScan ? { explorer_scan_id: opts.fromScan } : {}),
    ...modelChoices(opts),
  });
  return followThroughServer(created.task_id, prompt, created.mode, opts, client, startedAt);
}

async function followThroughServer(
  taskId: string,
  prompt: string,
  mode: string,
  opts: BuildOptions,
  client: ServerClient,
  startedAt: number,
): Promise<BuildResult> {
  const live = client.follow(taskId);
  const view = progressView(live.feed, () => taskId, opts);
  announce(opts, prompt, taskId, mode, `by the server at ${client.url}`);
  try {
    // Polling decides the end: the stream is only for the view and may drop without harm.
    for (;;) {
      const task = await client.json<TaskRecord>('GET', `/api/tasks/${taskId}`);
      if (TERMINAL.has(task.status)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    view?.stop();
    live.close();
  }
  const result = await client.json<Omit<BuildResult, 'via' | 'duration_ms' | 'preview_supervised'>>('GET', `/api/tasks/${taskId}/result`);
  return BuildResult.parse({ ...result, via: 'server', duration_ms: Date.now() - startedAt, preview_supervised: true });
}

export async function buildCommand(prompt: string, opts: BuildOptions, config: Readonly<CatalystConfig>): Promise<number> {
  const server = await serverFor(config);
  let result: BuildResult;
  let foregroundPreview = false;
  if (server) {
    if (opts.replay || opts.record) {
      // The server's own model adapter answers its builds; a file of this process's cannot reach it.
      throw new AppError(
        'invalid_option',
        `--replay and --record run the build in this process, but the server at ${server.url} holds the data folder`,
        {
          hint: 'stop `catalyst serve` for this data folder (or use another CATALYST_HOME), then build again',
        },
      );
    }
    if (opts.foreground) say(opts, `The server at ${server.url} keeps the preview (--foreground applies to builds in this process).`);
    result = await buildThroughServer(prompt, opts, server);
  } else {
    // The same check submitBuild makes, before the store and the runtime start: refusing a blank prompt
    // should not cost their start-up, nor create a data folder.
    parseBuildRequest(config.limits.max_prompt_chars, buildRequest(prompt, opts, opts.mode ?? config.orchestration.mode));
    ({ result, foregroundPreview } = await buildEmbedded(newOrUnfinished(prompt, opts), opts, config));
  }
  return finish(result, foregroundPreview, opts, config);
}

/**
 * `catalyst resume <task>`: continues a task whose process stopped, from its last committed step. With a
 * server running on the folder, the server has already taken it over (it resumes such tasks on start and
 * every sweep): this follows it there.
 */
export async function resumeCommand(ref: string, opts: BuildOptions, config: Readonly<CatalystConfig>): Promise<number> {
  const server = await serverFor(config);
  if (server) {
    const task = await server.json<TaskRecord>('GET', `/api/tasks/${encodeURIComponent(ref)}`);
    say(opts, `The server at ${server.url} runs task ${task.id.slice(0, 8)}; following it there.`);
    const result = await followThroughServer(task.id, task.user_prompt, task.mode, opts, server, Date.now());
    return finish(result, false, opts, config);
  }
  const { result, foregroundPreview } = await buildEmbedded(unfinishedTask(ref), opts, config);
  return finish(result, foregroundPreview, opts, config);
}

async function finish(
  result: BuildResult,
  foregroundPreview: boolean,
  opts: BuildOptions,
  config: Readonly<CatalystConfig>,
): Promise<number> {
  if (opts.json) printJson(result);
  else process.stdout.write(describe(result, painter(colorEnabled(process.env, Boolean(process.stdout.isTTY)))));
  if (result.status !== 'completed') return exitCodeOfFailure(result);
  if (!opts.json && result.preview_supervised && result.preview_url) {
    say(opts, `The preview keeps running: \`catalyst preview stop ${result.task_id.slice(0, 8)}\` ends it.`);
  }

  if (foregroundPreview) {
    say(opts, 'Preview running. Press Ctrl-C to stop it.');
    await untilShutdownSignal();
    const { createRuntime } = await import('../runtime.ts');
    const control = await createRuntime(config, { mode: 'sequential', detachedPreviews: false });
    try {
      await stopPreview(
        { state: control.ports.state, previews: control.ports.previews, clock: systemClock, events: control.ports.previewEvents ?? null },
        result.task_id,
      );
      say(opts, 'Preview stopped.');
    } finally {
      await control.close();
    }
  }
  return EXIT.ok;
}
