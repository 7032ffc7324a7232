/**
 * Config → adapters (ARCHITECTURE.md §2): each port's adapter is chosen here from the validated
 * config and nowhere else, one start-up line per port names the choice, and everything that holds a
 * connection is registered with the runtime's resources so it is closed with the rest.
 */
import { existsSync } from 'node:fs';
import { createPlaywrightBrowser } from '../adapters/browser/playwright/playwright-browser.ts';
import { createFsArtifactStore } from '../adapters/fs/artifact-store.ts';
import { createFsWorkspace } from '../adapters/fs/workspace.ts';
import { createInProcessBus } from '../adapters/bus/in-process/in-process-bus.ts';
import { openRabbitBus } from '../adapters/bus/rabbitmq/rabbitmq-bus.ts';
import { createMemoryCache } from '../adapters/cache/memory/memory-cache.ts';
import { openRedisCache } from '../adapters/cache/redis/redis-cache.ts';
import { openMongoDocumentStore } from '../adapters/documents/mongodb/mongo-document-store.ts';
import { createLocalGitRepos } from '../adapters/git/local/local-git-repos.ts';
import { choosePreviewMode } from '../adapters/preview/docker/docker-engine.ts';
import { createDockerPreviewRuntime } from '../adapters/preview/docker/docker-preview-runtime.ts';
import { createProcessPreviewRuntime } from '../adapters/preview/process/process-preview-runtime.ts';
import { createLocalRunner } from '../adapters/runner/local/local-runner.ts';
import { createSandboxedRunner } from '../adapters/runner/sandboxed/sandboxed-runner.ts';
import { openStateStore } from '../adapters/state/index.ts';
import type { DataDirHolder } from '../adapters/state/data-dir-lock.ts';
import { openQdrantVectorStore } from '../adapters/vectors/qdrant/qdrant-vector-store.ts';
import { createStateVectorStore } from '../adapters/vectors/state/state-vector-store.ts';
import { sourceOf, type CatalystConfig, type SettingSource } from '../config/index.ts';
import type { OrchestrationMode } from '../contracts/records.ts';
import type { AgentPorts } from '../core/agent.ts';
import type { Logger } from '../core/logger.ts';
import type { ArtifactStore } from '../core/ports/artifact-store.ts';
import type { Cache } from '../core/ports/cache.ts';
import type { CommandRunner } from '../core/ports/command-runner.ts';
import type { DocumentStore } from '../core/ports/document-store.ts';
import type { EventBus } from '../core/ports/event-bus.ts';
import type { PreviewRuntime } from '../core/ports/preview-runtime.ts';
import type { VectorStore } from '../core/ports/vector-store.ts';
import { probeBwrap } from '../preview/sandbox.ts';
import type { Resources } from './resources.ts';

/** The agents' ports plus what only the runtime's own parts use; `scans` holds explorer scans (`explorer/<scan-id>/`). */
export type RuntimePorts = AgentPorts & { bus: EventBus | null; cache: Cache; vectors: VectorStore; scans: ArtifactStore };

export async function openPorts(
  config: Readonly<CatalystConfig>,
  opts: { mode: OrchestrationMode; logger: Logger; storeLock?: StoreLockOptions },
  resources: Resources,
): Promise<RuntimePorts> {
  const { logger } = opts;
  const ready = (port: keyof typeof URL_KEYS, adapter: string, embedded: string | null) => {
    const { source, from } = chosenBy(config, URL_KEYS[port], embedded);
    logger.info({ port, adapter, source }, `${port}: ${adapter} (${from})`);
  };
  // First: docker without an engine throws here, before anything is opened.
  const previews = await openPreviewRuntime(config, logger);
  const state = resources.add(await openStateStore(stateChoice(config, opts.storeLock)));
  ready('state', state.kind, config.adapters.state.kind === 'pglite' ? config.adapters.state.dataDir : null);
  const documents = await openDocuments(config, state.documents, resources);
  ready('documents', documents.kind, config.adapters.documents.kind === 'mongodb' ? null : 'as JSONB in the state store');
  const cache = resources.add(await openCache(config));
  ready('cache', cache.kind, config.adapters.cache.kind === 'redis' ? null : 'in this process');
  const vectors = resources.add(await openVectors(config, documents));
  ready('vectors', vectors.kind, config.adapters.vectors.kind === 'qdrant' ? null : 'in the document store');
  const bus = opts.mode === 'event_driven' ? resources.add(await openBus(config, logger)) : null;
  if (bus) ready('bus', bus.kind, config.adapters.bus.kind === 'rabbitmq' ? null : 'in this process');
  const { paths } = config;
  return {
    state,
    documents,
    bus,
    cache,
    vectors,
    git: createLocalGitRepos({
      basePath: paths.repos,
      worktreesPath: paths.worktrees,
      author: { name: config.storage.git.author_name, email: config.storage.git.author_email },
      env: config.childEnv,
    }),
    runner: openRunner(config),
    previews,
    artifacts: createFsArtifactStore(paths.artifacts),
    scans: createFsArtifactStore(paths.explorer),
    workspace: createFsWorkspace(paths.nodeModules),
    ...openBrowser(config),
  };
}

/** The setting whose URL switches each port from its embedded adapter to a server. */
const URL_KEYS = {
  state: 'storage.databases.postgres.url',
  documents: 'storage.databases.mongodb.url',
  cache: 'storage.redis.url',
  vectors: 'storage.qdrant.url',
  bus: 'orchestration.event_driven.rabbitmq_url',
} as const;

/**
 * Where a port's choice came from, for the start-up line: the variable (`POSTGRES_URL`), the file or the
 * flag that set its URL, or the embedded default when no URL is set (`embedded` says where it lives).
 */
function chosenBy(config: Readonly<CatalystConfig>, key: string, embedded: string | null): { source: SettingSource; from: string } {
  const source = sourceOf(config, key);
  if (embedded !== null) {
    const why = source === 'default' ? 'embedded default' : `embedded: ${describeSource(config, source, key)} is empty`;
    return { source, from: `${why}, ${embedded}` };
  }
  return { source, from: describeSource(config, source, key) };
}

function describeSource(config: Readonly<CatalystConfig>, source: SettingSource, key: string): string {
  if (source.startsWith('env ')) return source.slice('env '.length);
  if (source === 'file') return `${key} in ${config.source.file ?? 'the config file'}`;
  if (source === 'flag') return `${key} from a command-line flag`;
  return `${key} (built-in default)`;
}

/** How this process waits for the embedded data folder when another one holds it. */
export interface StoreLockOptions {
  /** What this process does, shown to others who find the folder taken (`catalyst build`). */
  purpose: string;
  /** Default 30 s; Infinity queues until the folder is free. */
  waitMs?: number;
  onWait?: (holder: DataDirHolder | null) => void;
}

function stateChoice(config: Readonly<CatalystConfig>, lock?: StoreLockOptions): Parameters<typeof openStateStore>[0] {
  const choice = config.adapters.state;
  if (choice.kind === 'postgres') return { kind: 'postgres', url: choice.url, poolSize: choice.poolSize };
  return {
    kind: 'pglite',
    dataDir: choice.dataDir,
    ...(lock ? { purpose: lock.purpose, onLockWait: lock.onWait, ...(lock.waitMs === undefined ? {} : { lockWaitMs: lock.waitMs }) } : {}),
  };
}

async function openDocuments(config: Readonly<CatalystConfig>, jsonb: DocumentStore, resources: Resources): Promise<DocumentStore> {
  const choice = config.adapters.documents;
  if (choice.kind !== 'mongodb') return jsonb;
  return resources.add(await openMongoDocumentStore({ url: choice.url, database: choice.database }));
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
  const ed = config.orchestration.event_driven;
  if (choice.kind === 'rabbitmq') {
    return openRabbitBus({ url: choice.url, maxDeliveries: ed.retry_attempts, retryDelayMs: 100, prefix: ed.topology_prefix, logger });
  }
  return createInProcessBus({ maxDeliveries: ed.retry_attempts, retryDelayMs: 100 });
}

/** Untrusted test commands run under bubblewrap when it works here (preview.sandbox: auto). */
/** The smoke check's browser, when the configured Chromium exists (the same test as agentSettings' chromiumPath). */
function openBrowser(config: Readonly<CatalystConfig>): Pick<AgentPorts, 'browser'> {
  const path = config.agents.tester.chromium_path;
  return path !== '' && existsSync(path) ? { browser: createPlaywrightBrowser({ executablePath: path }) } : {};
}

function openRunner(config: Readonly<CatalystConfig>): CommandRunner {
  const nodeModulesDir = config.paths.nodeModules;
  return config.preview.sandbox === 'auto' && probeBwrap(config.childEnv.PATH).path !== null
    ? createSandboxedRunner({ baseEnv: config.childEnv, readOnly: [nodeModulesDir], nodeModulesDir })
    : createLocalRunner({ baseEnv: config.childEnv });
}

/**
 * process or docker previews (spec §7.1): docker only when `preview.mode` is docker or auto and the
 * engine answers GET /_ping; docker without an engine throws.
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
    nodeModulesDir: config.paths.nodeModules,
    baseEnv: config.childEnv,
    sandbox: p.sandbox,
    cpus: p.cpus,
  });
}
