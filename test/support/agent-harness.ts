/**
 * Drives one agent's handler directly, over the real ports of a runtime in a temp workspace, with
 * the same context the engines build (orchestrator/agent-context.ts `makeAgentContext`). The runtime is created with no
 * agents, so submitting a build only records the task and its task.initiated event; each test then
 * calls the handlers itself and feeds one agent's output to the next.
 */
import { execFileSync } from 'node:child_process';
import { createEvent, parseEvent, type AgentEvent, type EventDraft } from '../../src/contracts/events.ts';
import type { TaskRecord } from '../../src/contracts/records.ts';
import type { AgentContext, AgentDefinition, AgentSettings } from '../../src/core/agent.ts';
import { systemClock } from '../../src/core/clock.ts';
import type { LanguageModels } from '../../src/core/ports/llm.ts';
import { uuid } from '../../src/core/ids.ts';
import { taskPatchFor } from '../../src/orchestrator/task-state.ts';
import { makeAgentContext, type AgentLogEntry } from '../../src/orchestrator/agent-context.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { agentSettings } from '../../src/runtime/agent-settings.ts';
import { tempWorkspace } from '../e2e/helpers.ts';

export type ProgressUpdate = Parameters<AgentContext['progress']>[0];

export interface ContextOptions {
  /** Defaults to `agentSettings(config, false)`; copy and override fields to test a threshold. */
  settings?: AgentSettings;
  attempt?: number;
  signal?: AbortSignal;
  logs?: AgentLogEntry[];
  progress?: ProgressUpdate[];
  /** The language models the step may use (ports.models); absent: the runtime's own. */
  models?: LanguageModels;
}

/** The AgentContext the engine would hand `agent` for `event` of task `taskId`; log lines and progress go into arrays. */
export async function agentContext(
  runtime: Runtime,
  taskId: string,
  agent: AgentDefinition,
  event: AgentEvent,
  opts: ContextOptions = {},
): Promise<AgentContext> {
  const task = await runtime.ports.state.getTask(taskId);
  if (!task) throw new Error(`task ${taskId} does not exist`);
  const logs = opts.logs ?? [];
  const progress = opts.progress ?? [];
  return makeAgentContext({
    ports: opts.models ? { ...runtime.ports, models: opts.models } : runtime.ports,
    settings: opts.settings ?? agentSettings(runtime.config, false),
    clock: systemClock,
    logger: runtime.logger,
    agent,
    event,
    task,
    attempt: opts.attempt ?? 1,
    signal: opts.signal ?? new AbortController().signal,
    onLog: (entry) => logs.push(entry),
    onProgress: (update) => progress.push(update),
  });
}

/** A full event from an agent's draft, with the envelope the step runner gives it. */
export function eventFrom(
  draft: EventDraft,
  from: { task: TaskRecord; actor: AgentDefinition['id']; causation: AgentEvent; slug: string },
): AgentEvent {
  return createEvent(draft, {
    event_id: uuid(),
    trace_id: from.task.trace_id,
    task_id: from.task.id,
    actor: from.actor,
    repo: `catalyst-generated/${from.slug}`,
    branch: 'main',
    causation_id: from.causation.event_id,
    timestamp: new Date().toISOString(),
  });
}

export interface StepOutput {
  drafts: EventDraft[];
  events: AgentEvent[];
  ctx: AgentContext;
  /** 'duplicate' when this inbound event was already handled by this agent (a redelivery): nothing new was recorded. */
  recorded: 'committed' | 'duplicate';
}

export interface AgentHarness {
  dir: string;
  runtime: Runtime;
  task: TaskRecord;
  slug: string;
  /** Path of the project's git repository. */
  repo: string;
  initiated: AgentEvent;
  logs: AgentLogEntry[];
  progress: ProgressUpdate[];
  settings: AgentSettings;
  context(agent: AgentDefinition, event: AgentEvent, opts?: ContextOptions): Promise<AgentContext>;
  /**
   * Calls `agent.handle(event, ctx)`, turns each draft into a full event caused by `event`, and
   * records the step as the engine does (audit events + task patch), so later agents see the task
   * (branch, phase) as they would in a pipeline run.
   */
  run(agent: AgentDefinition, event: AgentEvent, opts?: ContextOptions): Promise<StepOutput>;
  git(...args: string[]): string;
  close(): Promise<void>;
}

export async function openAgentHarness(
  label: string,
  opts: { prompt?: string; overrides?: Record<string, unknown> } = {},
): Promise<AgentHarness> {
  const ws = tempWorkspace(label, opts.overrides);
  let runtime: Runtime | null = null;
  try {
    runtime = await createRuntime(ws.config, { mode: 'sequential', detachedPreviews: false, agents: [] });
    const rt = runtime;
    const submitted = await rt.submitBuild({ prompt: opts.prompt ?? 'build a todo app with user auth' });
    // With no agents the engine only records the task: nothing ever finishes it, so read it back instead of waiting.
    const task = (await rt.ports.state.getTask(submitted.id))!;
    const project = (await rt.ports.state.getProject(task.project_id))!;
    const initiated = parseEvent((await rt.ports.state.listEvents(task.id))[0]!.envelope);
    const logs: AgentLogEntry[] = [];
    const progress: ProgressUpdate[] = [];
    const repo = rt.ports.git.repoPath(project.slug);
    const harness: AgentHarness = {
      dir: ws.dir,
      runtime: rt,
      task,
      slug: project.slug,
      repo,
      initiated,
      logs,
      progress,
      settings: agentSettings(ws.config, false),
      context: (agent, event, o = {}) => agentContext(rt, task.id, agent, event, { logs, progress, ...o }),
      async run(agent, event, o) {
        const ctx = await harness.context(agent, event, o);
        const { events: drafts } = await agent.handle(event, ctx);
        const events = drafts.map((d) => eventFrom(d, { task, actor: agent.id, causation: event, slug: project.slug }));
        const recorded = await rt.ports.state.commitStep({
          consumer: agent.id,
          inbound_event_id: event.event_id,
          task_id: task.id,
          events,
          task_patch: taskPatchFor(events, new Date().toISOString()),
          publish: false,
        });
        return { drafts, events, ctx, recorded };
      },
      git: (...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }),
      async close() {
        try {
          await rt.close();
        } finally {
          ws.cleanup();
        }
      },
    };
    return harness;
  } catch (e) {
    await runtime?.close().catch(() => {});
    ws.cleanup();
    throw e;
  }
}

/**
 * Runs `agents` in turn, each on the single event the previous one emitted (starting from
 * task.initiated), and returns every step's output in order.
 */
export async function runChain(h: AgentHarness, agents: readonly AgentDefinition[], opts?: ContextOptions): Promise<StepOutput[]> {
  const outputs: StepOutput[] = [];
  let event = h.initiated;
  for (const agent of agents) {
    const out = await h.run(agent, event, opts);
    if (out.events.length !== 1)
      throw new Error(
        `${agent.id} emitted ${out.events.map((e) => e.event_type).join(', ') || 'nothing'}; the chain needs exactly one event`,
      );
    outputs.push(out);
    event = out.events[0]!;
  }
  return outputs;
}
