/**
 * The composition root (ARCHITECTURE.md §2): config → adapters → ports → agents → engine. Adapters
 * are chosen here and nowhere else; tests call the same function with a test config.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFsArtifactStore } from './adapters/fs/artifact-store.ts';
import { createFsWorkspace } from './adapters/fs/workspace.ts';
import { createInProcessBus } from './adapters/bus/in-process/in-process-bus.ts';
import { openRabbitBus } from './adapters/bus/rabbitmq/rabbitmq-bus.ts';
import { createMemoryCache } from './adapters/cache/memory/memory-cache.ts';
import { openRedisCache } from './adapters/cache/redis/redis-cache.ts';
import { openMongoDocumentStore } from './adapters/documents/mongodb/mongo-document-store.ts';
import { openQdrantVectorStore } from './adapters/vectors/qdrant/qdrant-vector-store.ts';
import { createStateVectorStore } from './adapters/vectors/state/state-vector-store.ts';
import { createLocalGitRepos } from './adapters/git/local/local-git-repos.ts';
import { createPinoLogger } from './adapters/logging/pino-logger.ts';
import { createProcessPreviewRuntime } from './adapters/preview/process/process-preview-runtime.ts';
import { choosePreviewMode } from './adapters/preview/docker/docker-engine.ts';
import { createAnalyzers } from './explorer/analyzers.ts';
import { createExplorer, type Analyzers, type Explorer } from './explorer/explorer-service.ts';
import { createDockerPreviewRuntime } from './adapters/preview/docker/docker-preview-runtime.ts';
import { createLocalRunner } from './adapters/runner/local/local-runner.ts';
import { createSandboxedRunner } from './adapters/runner/sandboxed/sandboxed-runner.ts';
import { probeBwrap } from './preview/sandbox.ts';
import { startPreviewServices as startPreviewServicesFor, type PreviewServices } from './preview/preview-services.ts';
import { createPreviewEventRecorder } from './preview/preview-events.ts';
import { stopPreview } from './preview/preview-control.ts';
import { openStateStore } from './adapters/state/index.ts';
import { PIPELINE_AGENTS } from './agents/index.ts';
import type { CatalystConfig } from './config/index.ts';
import { createEvent, type AgentEvent, type AgentId } from './contracts/events.ts';
import { buildRequestSchema, type BuildRequest } from './contracts/messages.ts';
import type { OrchestrationMode, TaskRecord } from './contracts/records.ts';
import type { AgentContext, AgentDefinition, AgentPorts, AgentSettings, LiveFeed } from './core/agent.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { AppError } from './core/errors.ts';
import { slugify, uuid } from './core/ids.ts';
import type { Logger } from './core/logger.ts';
import type { Cache } from './core/ports/cache.ts';
import type { DocumentStore } from './core/ports/document-store.ts';
import type { EventBus } from './core/ports/event-bus.ts';
import type { PreviewRuntime } from './core/ports/preview-runtime.ts';
import type { VectorStore } from './core/ports/vector-store.ts';
import { APP_DEPENDENCIES } from './generator/app/index.ts';
import { analyzeRequest } from './generator/understand/index.ts';
import { applyFindings, findingsOfScan } from './generator/understand/from-findings.ts';
import type { Engine } from './orchestrator/engine.ts';
import { createEventDrivenEngine } from './orchestrator/event-driven-engine.ts';
import { createLiveFeed } from './orchestrator/live-feed.ts';
import { createSequentialEngine } from './orchestrator/sequential-engine.ts';
import type { StepDeps } from './orchestrator/step-runner.ts';

/** Catalyst's install folder: generated apps resolve their packages from its node_modules. */
export const CATALYST_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
export const NODE_MODULES_DIR = join(CATALYST_ROOT, 'node_modules');

/**
 * Starts the preview monitor and (preview.router.enabled) the Host router for a long-running process
 * such as `catalyst serve`; close it before the runtime. Previews stay up when it closes.
 */
export function startPreviewServices(runtime: Runtime, opts: { detached?: boolean } = {}): Promise<PreviewServices> {
  const { config, ports, logger } = runtime;
  const p = config.preview;
  return startPreviewServicesFor({
    state: ports.state,
    previews: ports.previews,
    clock: systemClock,
    events: ports.previewEvents ?? null,
    logger: logger.child({ component: 'preview-monitor' }),
    worktreeOf: (taskId) => join(config.paths.worktrees, taskId),
    projectSlugOf: async (taskId) => {
      const task = await ports.state.getTask(taskId);
      const project = task ? await ports.state.getProject(task.project_id) : null;
      if (!project) throw new AppError('task_not_found', `task ${taskId} has no project`);
      return project.slug;
    },
    timeoutMs: p.health_timeout_seconds * 1000,
    detached: opts.detached ?? true,
    intervalMs: p.health_check_interval * 1000,
    maxRestarts: p.max_restarts,
    maxConcurrent: p.max_concurrent,
    router: p.router.enabled ? { port: p.router.port, host: '127.0.0.1', baseDomain: p.router.base_domain } : null,
  });
}

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
}

export interface Runtime {
  config: Readonly<CatalystConfig>;
  mode: OrchestrationMode;
  ports: AgentPorts & { bus: EventBus | null; cache: Cache; vectors: VectorStore };
  engine: Engine;
  explorer: Explorer;
  feed: LiveFeed;
  logger: Logger;
  agents: readonly AgentDefinition[];
  submitBuild(request: unknown): Promise<TaskRecord>;
  close(): Promise<void>;
}

/** Exact installed versions of what generated apps import, so their package.json pins real versions. */
export function installedVersions(names: readonly string[], nodeModulesDir = NODE_MODULES_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      out[name] = (JSON.parse(readFileSync(join(nodeModulesDir, name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      throw new AppError('service_unavailable', `package ${name} is not installed in ${nodeModulesDir}`, {
        hint: 'run `npm ci` in the Catalyst folder; generated apps use its installed packages',
        retryable: false,
      });
    }
  }
  return out;
}

export function agentSettings(config: Readonly<CatalystConfig>, detached: boolean): AgentSettings {
  const a = config.agents;
  return {
    maxRepairRounds: config.orchestration.max_repair_rounds,
    planner: { maxFeatures: a.planner.max_features },
    architect: { generateDiagrams: a.architect.generate_diagrams },
    coder: { maxFilesPerBatch: a.coder.max_files_per_batch },
    tester: {
      timeoutMs: a.tester.timeout_seconds * 1000,
      memoryMb: a.tester.memory_mb,
      minCoverage: a.tester.min_coverage,
      runE2e: a.tester.run_e2e_tests,
      // An empty or missing path means no browser: the tester then reports e2e as skipped, never passed.
      chromiumPath: a.tester.chromium_path !== '' && existsSync(a.tester.chromium_path) ? a.tester.chromium_path : null,
    },
    reviewer: {
      minApprovalScore: a.reviewer.min_approval_score,
      minCoverage: a.reviewer.min_coverage,
      minPassRate: a.reviewer.min_pass_rate,
      maxTypeErrors: a.reviewer.max_type_errors,
      runTypeCheck: a.reviewer.run_type_check,
    },
    preview: {
      timeoutMs: config.preview.health_timeout_seconds * 1000,
      ttlHours: config.preview.ttl_hours,
      detached,
      mode: config.preview.mode,
      maxConcurrent: config.preview.max_concurrent,
      router: config.preview.router.enabled ? { port: config.preview.router.port, baseDomain: config.preview.router.base_domain } : null,
    },
    dependencyVersions: installedVersions(APP_DEPENDENCIES),
    git: { mode: config.storage.git.mode },
  };
}

/** One line of an agent's activity log, as the live feed and agent_logs store it. */
export interface AgentLogEntry {
  task_id: string;
  agent_name: AgentId;
  message: string;
  level: 'info' | 'warning' | 'error';
  timestamp: string;
}

export interface AgentContextInput {
  config: Readonly<CatalystConfig>;
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

/**
 * The context an agent step runs in. Shared by the engines' `buildContext` and the agent handler
 * tests, so a handler under test sees the same repo, worktree and artifact paths as in production.
 */
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
    settings: input.settings,
    paths: {
      repo: ports.git.repoPath(project.slug),
      worktree: join(input.config.paths.worktrees, task.id),
      artifacts: ports.artifacts.dir(task.id),
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

async function openDocuments(
  config: Readonly<CatalystConfig>,
  jsonb: DocumentStore,
  opened: Array<{ close(): Promise<void> }>,
): Promise<DocumentStore> {
  const choice = config.adapters.documents;
  if (choice.kind !== 'mongodb') return jsonb;
  const mongo = await openMongoDocumentStore({ url: choice.url, database: choice.database });
  opened.push(mongo);
  return mongo;
}

async function openCache(config: Readonly<CatalystConfig>): Promise<Cache> {
  const choice = config.adapters.cache;
  const defaultTtlMs = config.storage.redis.ttl_seconds * 1000;
  return choice.kind === 'redis' ? openRedisCache({ url: choice.url, defaultTtlMs }) : createMemoryCache({ defaultTtlMs });
}

async function openVectors(config: Readonly<CatalystConfig>, documents: DocumentStore): Promise<VectorStore> {
  const choice = config.adapters.vectors;
  return choice.kind === 'qdrant' ? openQdrantVectorStore({ url: choice.url }) : createStateVectorStore(documents);
}

async function openBus(config: Readonly<CatalystConfig>, logger: Logger): Promise<EventBus> {
  const choice = config.adapters.bus;
  if (choice.kind === 'rabbitmq') {
    const ed = config.orchestration.event_driven;
    return openRabbitBus({ url: choice.url, maxDeliveries: ed.retry_attempts, retryDelayMs: 100, prefix: ed.topology_prefix, logger });
  }
  return createInProcessBus({ maxDeliveries: config.orchestration.event_driven.retry_attempts, retryDelayMs: 100 });
}

/**
 * process or docker previews (spec §7.1): docker only when `preview.mode` is docker or auto and the
 * engine answers GET /_ping; docker without an engine throws here, before anything is opened.
 */
export async function openPreviewRuntime(config: Readonly<CatalystConfig>, logger: Logger): Promise<PreviewRuntime> {
  const p = config.preview;
  const tls = { verify: p.docker.tls_verify, certPath: p.docker.cert_path };
  const choice = await choosePreviewMode(p.mode, p.docker.host, p.docker.ping_timeout_ms, tls);
  logger.info({ port: 'previews', adapter: choice.mode, configured: p.mode }, `preview runtime: ${choice.mode} (${choice.reason})`);
  const portRange = { from: p.port_range[0], to: p.port_range[1] };
  if (choice.mode === 'docker' && choice.endpoint) {
    return createDockerPreviewRuntime({
      endpoint: choice.endpoint,
      previewsDir: config.paths.previews,
      portRange,
      memoryMb: p.memory_mb,
      cpus: p.docker.cpus,
      baseDomain: p.router.base_domain,
      buildTimeoutMs: p.docker.build_timeout_seconds * 1000,
    });
  }
  return createProcessPreviewRuntime({
    previewsDir: config.paths.previews,
    portRange,
    memoryMb: p.memory_mb,
    nodeModulesDir: NODE_MODULES_DIR,
    baseEnv: config.childEnv,
    sandbox: p.sandbox,
    cpus: p.cpus,
  });
}

export async function createRuntime(config: Readonly<CatalystConfig>, opts: RuntimeOptions): Promise<Runtime> {
  const logger = opts.logger ?? createPinoLogger(config.logging.level);
  const clock = opts.clock ?? systemClock;
  const mode = opts.mode ?? config.orchestration.mode;
  const agents = opts.agents ?? PIPELINE_AGENTS;
  const settings = agentSettings(config, opts.detachedPreviews);
  const previews = await openPreviewRuntime(config, logger);

  const state = await openStateStore(
    config.adapters.state.kind === 'postgres'
      ? { kind: 'postgres', url: config.adapters.state.url, poolSize: config.adapters.state.poolSize }
      : { kind: 'pglite', dataDir: config.adapters.state.dataDir },
  );
  logger.info({ port: 'state', adapter: state.kind }, 'state store ready');
  const opened: Array<{ close(): Promise<void> }> = [];
  const closeOpened = async () => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
  };
  let documents: DocumentStore;
  let cache: Cache;
  let vectors: VectorStore;
  try {
    documents = await openDocuments(config, state.documents, opened);
    logger.info({ port: 'documents', adapter: documents.kind }, 'document store ready');
    cache = await openCache(config);
    opened.push(cache);
    logger.info({ port: 'cache', adapter: cache.kind }, 'cache ready');
    vectors = await openVectors(config, documents);
    opened.push(vectors);
    logger.info({ port: 'vectors', adapter: vectors.kind }, 'vector store ready');
  } catch (e) {
    await closeOpened();
    await state.close();
    throw e;
  }
  let bus: EventBus | null = null;
  try {
    bus = mode === 'event_driven' ? await openBus(config, logger) : null;
  } catch (e) {
    await closeOpened();
    await state.close();
    throw e;
  }
  if (bus) logger.info({ port: 'bus', adapter: bus.kind }, 'event bus ready');

  const ports: AgentPorts & { bus: EventBus | null; cache: Cache; vectors: VectorStore } = {
    state,
    documents,
    bus,
    cache,
    vectors,
    git: createLocalGitRepos({
      basePath: config.paths.repos,
      author: { name: config.storage.git.author_name, email: config.storage.git.author_email },
      env: config.childEnv,
    }),
    // Untrusted test commands run under bubblewrap when it works here (preview.sandbox: auto).
    runner:
      config.preview.sandbox === 'auto' && probeBwrap(config.childEnv.PATH).path !== null
        ? createSandboxedRunner({ baseEnv: config.childEnv, readOnly: [NODE_MODULES_DIR], nodeModulesDir: NODE_MODULES_DIR })
        : createLocalRunner({ baseEnv: config.childEnv }),
    previews,
    artifacts: createFsArtifactStore(config.paths.artifacts),
    workspace: createFsWorkspace(NODE_MODULES_DIR),
  };
  const feed = createLiveFeed((e) => logger.warn({ err: String(e) }, 'live feed listener failed'));
  ports.previewEvents = createPreviewEventRecorder({ state, clock, feed, bus, logger: logger.child({ component: 'preview-events' }) });
  const pendingWrites = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pendingWrites.add(p);
    p.catch((e) => logger.warn({ err: String(e) }, 'agent log write failed')).finally(() => pendingWrites.delete(p));
  };

  const buildContext: StepDeps['buildContext'] = (input) =>
    makeAgentContext({
      ...input,
      config,
      ports,
      settings,
      clock,
      logger,
      onLog(entry) {
        const id = randomUUID();
        feed.emit({ type: 'agent_log', ...entry });
        track(
          documents.put('agent_logs', id, {
            id,
            task_id: entry.task_id,
            trace_id: input.task.trace_id,
            agent_name: entry.agent_name,
            message: entry.message,
            level: entry.level,
            timestamp: entry.timestamp,
          }),
        );
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

  const stepDeps: StepDeps = {
    state,
    agents,
    buildContext,
    feed,
    clock,
    newId: uuid,
    logger,
    maxAttempts: config.orchestration.event_driven.retry_attempts,
    // A cancelled task keeps no preview running, even one its deployer started just before the cancel.
    async onCancelled(taskId) {
      const preview = await state.getPreviewByTask(taskId);
      if (preview && preview.status !== 'stopped') await stopPreview({ state, previews, clock, events: ports.previewEvents }, taskId);
    },
  };
  const engine: Engine =
    mode === 'event_driven'
      ? createEventDrivenEngine({
          ...stepDeps,
          bus: bus!,
          consumeFor: opts.consumeFor ?? agents,
          runRelay: opts.runRelay ?? true,
          prefetch: config.orchestration.event_driven.prefetch,
          retryDelayMs: config.orchestration.event_driven.retry_delay_ms,
          stepTimeoutMs: config.orchestration.sequential.timeout_seconds * 1000,
        })
      : createSequentialEngine({
          ...stepDeps,
          timeoutMs: config.orchestration.sequential.timeout_seconds * 1000,
          retryDelayMs: config.orchestration.event_driven.retry_delay_ms,
        });
  await engine.start();

  const explorer = createExplorer({
    state,
    documents,
    vectors,
    analyzers: opts.analyzers ?? createAnalyzers({ runner: ports.runner, workspace: ports.workspace, childEnv: config.childEnv }),
    logger: logger.child({ component: 'explorer' }),
    explorerDir: config.paths.explorer,
    enabled: config.explorer.enabled,
    maxConcurrent: config.explorer.max_concurrent_scans,
    allowHosts: config.explorer.allow_hosts,
    allowLocalPaths: config.explorer.allow_local_paths,
    timeoutMs: config.explorer.scan_timeout_seconds * 1000,
    clock,
  });

  const requestSchema = buildRequestSchema(config.limits.max_prompt_chars);

  async function submitBuild(input: unknown): Promise<TaskRecord> {
    const parsed = requestSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      if (issue.path[0] === 'explorer_scan_id') {
        throw new AppError('invalid_option', issue.message, {
          retryable: false,
          hint: 'GET /api/explorer/scans (or `catalyst scans`) lists scans with their ids',
        });
      }
      throw new AppError('invalid_prompt', issue.message, {
        retryable: false,
        hint:
          issue.path[0] === 'prompt'
            ? 'pass the request as one quoted argument: catalyst build "build a todo app with user auth"'
            : undefined,
      });
    }
    const request: BuildRequest = parsed.data;
    const scanId = request.explorer_scan_id;
    // A build from a scan is named after what it will really contain: the scanned records, not the prompt's.
    const understood = analyzeRequest(request.prompt);
    const domain =
      scanId === undefined ? understood.domain : applyFindings(understood, findingsOfScan(await state.getScan(scanId), scanId)).domain;
    const name = request.project_name ?? domain.app_name;
    const slug = request.project_name ? slugify(request.project_name) : domain.slug;
    const existing = await state.getProjectBySlug(slug);
    const projectId = existing?.id ?? uuid();
    const taskId = uuid();
    const traceId = uuid();
    const initiated = createEvent(
      {
        event_type: 'task.initiated',
        payload: {
          project_id: projectId,
          project_name: name,
          project_slug: slug,
          requirements: request.prompt,
          mode,
          seed: 0,
          next_agent: 'planner',
          ...(scanId === undefined ? {} : { explorer_scan_id: scanId }),
        },
      },
      {
        event_id: uuid(),
        trace_id: traceId,
        task_id: taskId,
        actor: 'orchestrator',
        repo: `catalyst-generated/${slug}`,
        branch: 'main',
        causation_id: null,
        timestamp: clock.now().toISOString(),
      },
    );
    logger.info({ task_id: taskId, trace_id: traceId, project: slug, mode, explorer_scan_id: scanId }, 'task submitted');
    return engine.submit({
      project: { id: projectId, name, slug, description: domain.summary, repo_path: ports.git.repoPath(slug) },
      task: {
        id: taskId,
        project_id: projectId,
        trace_id: traceId,
        user_prompt: request.prompt,
        mode,
        ...(scanId === undefined ? {} : { metadata: { explorer_scan_id: scanId } }),
      },
      initiated,
    });
  }

  return {
    config,
    mode,
    ports,
    engine,
    explorer,
    feed,
    logger,
    agents,
    submitBuild,
    async close() {
      await explorer.close();
      await engine.stop();
      await Promise.allSettled([...pendingWrites]);
      await bus?.close();
      await closeOpened();
      await state.close();
    },
  };
}
