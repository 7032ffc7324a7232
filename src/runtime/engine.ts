/**
 * The engine for the chosen mode over the opened ports: each step's agent context, agent log lines
 * to the live feed and agent_logs, and a cancelled task's preview stopped.
 */
import { randomUUID } from 'node:crypto';
import type { CatalystConfig } from '../config/index.ts';
import type { OrchestrationMode } from '../contracts/records.ts';
import type { AgentDefinition, AgentSettings, LiveFeed } from '../core/agent.ts';
import type { Clock } from '../core/clock.ts';
import { uuid } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import { makeAgentContext } from '../orchestrator/agent-context.ts';
import type { Engine } from '../orchestrator/engine.ts';
import { createEventDrivenEngine } from '../orchestrator/event-driven-engine.ts';
import { createSequentialEngine } from '../orchestrator/sequential-engine.ts';
import type { StepDeps } from '../orchestrator/step-runner.ts';
import { stopPreview } from '../preview/preview-control.ts';
import type { RuntimePorts } from './open-ports.ts';
import type { Resources } from './resources.ts';

export interface EngineWiring {
  config: Readonly<CatalystConfig>;
  mode: OrchestrationMode;
  ports: RuntimePorts;
  agents: readonly AgentDefinition[];
  settings: AgentSettings;
  feed: LiveFeed;
  clock: Clock;
  logger: Logger;
  consumeFor?: readonly AgentDefinition[];
  runRelay?: boolean;
  /** Take over tasks whose owner died (server, CLI build, worker); not for short-lived commands. */
  resumeOwnerless?: boolean;
}

/** Starts the engine; it stops with the resources, after which the agent log writes still in flight are awaited. */
export async function startEngine(w: EngineWiring, resources: Resources): Promise<Engine> {
  const { config, ports, feed, logger } = w;
  const pendingWrites = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pendingWrites.add(p);
    p.catch((e) => logger.warn({ err: String(e) }, 'agent log write failed')).finally(() => pendingWrites.delete(p));
  };
  resources.add({ close: () => Promise.allSettled([...pendingWrites]) });

  const buildContext: StepDeps['buildContext'] = (input) =>
    makeAgentContext({
      ...input,
      ports,
      settings: w.settings,
      clock: w.clock,
      logger,
      onLog(entry) {
        const id = randomUUID();
        feed.emit({ type: 'agent_log', ...entry });
        track(ports.documents.put('agent_logs', id, { id, ...entry, trace_id: input.task.trace_id }));
      },
      onProgress(update) {
        feed.emit({
          type: 'progress',
          task_id: input.task.id,
          phase: input.task.current_phase,
          progress: update.progress,
          files_created: update.files_created ?? 0,
          total_estimated_files: update.total_estimated_files ?? 0,
        });
      },
    });

  const { state, previews } = ports;
  const stepDeps: StepDeps = {
    state,
    agents: w.agents,
    buildContext,
    feed,
    clock: w.clock,
    newId: uuid,
    logger,
    maxAttempts: config.orchestration.event_driven.retry_attempts,
    // A cancelled task keeps no preview running, even one its deployer started just before the cancel.
    async onCancelled(taskId) {
      const preview = await state.getPreviewByTask(taskId);
      if (preview && preview.status !== 'stopped')
        await stopPreview({ state, previews, clock: w.clock, events: ports.previewEvents }, taskId);
    },
  };
  const ed = config.orchestration.event_driven;
  const stepTimeoutMs = config.orchestration.sequential.timeout_seconds * 1000;
  const engine: Engine =
    w.mode === 'event_driven'
      ? createEventDrivenEngine({
          ...stepDeps,
          bus: ports.bus!,
          consumeFor: w.consumeFor ?? w.agents,
          runRelay: w.runRelay ?? true,
          prefetch: ed.prefetch,
          retryDelayMs: ed.retry_delay_ms,
          stepTimeoutMs,
          recovery: {
            leaseMs: config.orchestration.recovery.lease_seconds * 1000,
            sweepMs: config.orchestration.recovery.sweep_interval_seconds * 1000,
            resumeOwnerless: w.resumeOwnerless ?? false,
          },
        })
      : createSequentialEngine({
          ...stepDeps,
          timeoutMs: stepTimeoutMs,
          retryDelayMs: ed.retry_delay_ms,
          recovery: {
            leaseMs: config.orchestration.recovery.lease_seconds * 1000,
            sweepMs: config.orchestration.recovery.sweep_interval_seconds * 1000,
            resumeOwnerless: w.resumeOwnerless ?? false,
          },
        });
  await engine.start();
  resources.add({ close: () => engine.stop() });
  return engine;
}
