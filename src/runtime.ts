/**
 * The composition root (ARCHITECTURE.md §2): config → adapters → ports → agents → engine. It only
 * wires: adapters are chosen in runtime/open-ports.ts, the build use case is the orchestrator's
 * build submitter, and every part it opens is closed through one list, in reverse order. Tests call
 * the same function with a test config.
 */
import { createPinoLogger } from './adapters/logging/pino-logger.ts';
import { PIPELINE_AGENTS } from './agents/index.ts';
import { understandBuild } from './agents/planner/understand-build.ts';
import type { CatalystConfig } from './config/index.ts';
import type { OrchestrationMode, TaskRecord } from './contracts/records.ts';
import type { AgentDefinition, LiveFeed } from './core/agent.ts';
import { systemClock, type Clock } from './core/clock.ts';
import type { Logger } from './core/logger.ts';
import type { Analyzers, Explorer } from './explorer/explorer-service.ts';
import { createBuildSubmitter } from './orchestrator/build-submitter.ts';
import type { Engine } from './orchestrator/engine.ts';
import { createLiveFeed } from './orchestrator/live-feed.ts';
import { createPreviewEventRecorder } from './preview/preview-events.ts';
import { agentSettings } from './runtime/agent-settings.ts';
import { startEngine } from './runtime/engine.ts';
import { openModels, type ModelWiringOptions } from './runtime/models.ts';
import { openExplorer } from './runtime/explorer.ts';
import { openPorts, type RuntimePorts, type StoreLockOptions } from './runtime/open-ports.ts';
import { createResources } from './runtime/resources.ts';

export interface RuntimeOptions {
  mode?: OrchestrationMode;
  /** Previews outlive this process (CLI --detach, server). */
  detachedPreviews: boolean;
  logger?: Logger;
  clock?: Clock;
  /** Event-driven only: the agents this process consumes for (default all) and whether it relays the outbox. */
  consumeFor?: readonly AgentDefinition[];
  runRelay?: boolean;
  agents?: readonly AgentDefinition[];
  /** The explorer's scanners (tests may point them elsewhere); default: the real ones. */
  analyzers?: Analyzers;
  /**
   * Take over queued or running tasks whose owner died, on start and every sweep interval (the server and
   * `catalyst build`); default false, so short-lived commands never start running someone's build.
   */
  resumeOwnerless?: boolean;
  /** Embedded store only: what this process is, and how it waits while another holds the data folder. */
  storeLock?: StoreLockOptions;
  /** Replay or record the model calls of this process's builds (`catalyst build --replay / --record`). */
  models?: ModelWiringOptions;
}

export interface Runtime {
  config: Readonly<CatalystConfig>;
  mode: OrchestrationMode;
  ports: RuntimePorts;
  engine: Engine;
  explorer: Explorer;
  feed: LiveFeed;
  logger: Logger;
  clock: Clock;
  agents: readonly AgentDefinition[];
  submitBuild(request: unknown): Promise<TaskRecord>;
  close(): Promise<void>;
}

export async function createRuntime(config: Readonly<CatalystConfig>, opts: RuntimeOptions): Promise<Runtime> {
  const logger = opts.logger ?? createPinoLogger(config.logging.level);
  const clock = opts.clock ?? systemClock;
  const mode = opts.mode ?? config.orchestration.mode;
  const agents = opts.agents ?? PIPELINE_AGENTS;
  const settings = agentSettings(config, opts.detachedPreviews);
  const resources = createResources();
  try {
    const ports = await openPorts(config, { mode, logger, storeLock: opts.storeLock }, resources);
    const feed = createLiveFeed((e) => logger.warn({ err: String(e) }, 'live feed listener failed'));
    const { state, bus } = ports;
    ports.previewEvents = createPreviewEventRecorder({ state, clock, feed, bus, logger: logger.child({ component: 'preview-events' }) });
    const models = openModels(config, { state, cache: ports.cache, feed, logger, clock }, opts.models);
    if (models) ports.models = models;
    const engine = await startEngine(
      {
        config,
        mode,
        ports,
        agents,
        settings,
        feed,
        clock,
        logger,
        consumeFor: opts.consumeFor,
        runRelay: opts.runRelay,
        resumeOwnerless: opts.resumeOwnerless,
      },
      resources,
    );
    const explorer = resources.add(openExplorer(config, ports, { logger, clock, analyzers: opts.analyzers }));
    const submitBuild = createBuildSubmitter({
      state,
      git: ports.git,
      engine,
      clock,
      logger,
      mode,
      maxPromptChars: config.limits.max_prompt_chars,
      understand: (prompt, scanId) => understandBuild(prompt, scanId, state),
    });
    return { config, mode, ports, engine, explorer, feed, logger, clock, agents, submitBuild, close: () => resources.closeAll() };
  } catch (e) {
    await resources.closeAll().catch(() => undefined);
    throw e;
  }
}
