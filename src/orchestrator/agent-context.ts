/**
 * The context an agent step runs in. The engines' `buildContext` and the agent handler tests both
 * build it here, so a handler under test sees the same repo, worktree and artifact paths as in production.
 */
import type { AgentEvent, AgentId } from '../contracts/events.ts';
import { taskLlmOptionsOf } from '../contracts/llm.ts';
import type { TaskRecord } from '../contracts/records.ts';
import type { AgentContext, AgentDefinition, AgentPorts, AgentSettings, TaskModels } from '../core/agent.ts';
import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

/** One line of an agent's activity log, as the live feed and agent_logs store it. */
export interface AgentLogEntry {
  task_id: string;
  agent_name: AgentId;
  message: string;
  level: 'info' | 'warning' | 'error';
  timestamp: string;
}

export interface AgentContextInput {
  ports: AgentPorts;
  settings: AgentSettings;
  clock: Clock;
  logger: Logger;
  agent: AgentDefinition;
  event: AgentEvent;
  task: TaskRecord;
  attempt: number;
  signal: AbortSignal;
  /** Where `ctx.log` lines and `ctx.progress` updates go (the live feed and agent_logs at runtime; arrays in tests). */
  onLog(entry: AgentLogEntry): void;
  onProgress(update: Parameters<AgentContext['progress']>[0]): void;
}

export async function makeAgentContext(input: AgentContextInput): Promise<AgentContext> {
  const { agent, event, task, ports, clock } = input;
  const project = await ports.state.getProject(task.project_id);
  if (!project)
    throw new AppError('project_not_found', `project ${task.project_id} of task ${task.id} does not exist`, { retryable: false });
  const agentLogger = input.logger.child({ agent: agent.id, task_id: task.id, trace_id: task.trace_id });
  return {
    agent: agent.id,
    task,
    project,
    inbound: event,
    attempt: input.attempt,
    ports,
    models: taskModels(ports, task, input.signal),
    settings: input.settings,
    paths: {
      repo: ports.git.repoPath(project.slug),
      worktree: ports.git.worktreePath(task.id),
      artifacts: ports.artifacts.location(task.id),
    },
    clock,
    logger: agentLogger,
    signal: input.signal,
    log(message, level = 'info') {
      agentLogger.debug({ level }, message);
      input.onLog({ task_id: task.id, agent_name: agent.id, message, level, timestamp: clock.now().toISOString() });
    },
    progress(update) {
      input.onProgress(update);
    },
  };
}

/** The task's models: its own budget and cache choice (metadata.llm) over the config's, cancelled with the step. */
function taskModels(ports: AgentPorts, task: TaskRecord, signal: AbortSignal): TaskModels {
  const { budget, no_cache } = taskLlmOptionsOf(task.metadata);
  return {
    for(agent) {
      if (!ports.models) return null;
      return ports.models.forAgent(agent, {
        taskId: task.id,
        signal,
        noCache: no_cache,
        ...(budget ? { budget: { maxTokens: budget.max_tokens, maxUsd: budget.max_usd } } : {}),
      });
    },
  };
}
