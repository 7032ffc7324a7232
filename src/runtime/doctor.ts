/**
 * `catalyst doctor`: what this machine has (Node, git, bubblewrap, Chromium), what each configured
 * service answers, who holds the data folder, and which preview mode the runtime would pick and why.
 * Nothing is opened for longer than a probe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { choosePreviewMode } from '../adapters/preview/docker/docker-engine.ts';
import { dataDirHolder, describeHolder } from '../adapters/state/data-dir-lock.ts';
import { openStateStore } from '../adapters/state/index.ts';
import { sourceOf, type CatalystConfig } from '../config/index.ts';
import type { DoctorCheck, DoctorReport } from '../contracts/doctor.ts';
import { probeBwrap } from '../preview/sandbox.ts';
import { createPinoLogger } from '../adapters/logging/pino-logger.ts';
import { checkModels } from './models.ts';
import { probeMongo, probePostgres, probeQdrant, probeRabbitMq, probeRedis, type ProbeResult } from './service-probes.ts';

const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
  engines: { node: string };
};

function versionOf(command: string, args: string[], env: Record<string, string>): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', env, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function atLeast(version: string, floor: string): boolean {
  const a = version.split('.').map(Number);
  const b = floor.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

function machineChecks(config: Readonly<CatalystConfig>): DoctorCheck[] {
  const floor = PACKAGE.engines.node.replace(/^>=\s*/, '');
  const node: DoctorCheck = atLeast(process.versions.node, floor)
    ? { name: 'node', status: 'ok', detail: `Node.js ${process.versions.node}` }
    : {
        name: 'node',
        status: 'failed',
        detail: `Node.js ${process.versions.node}; Catalyst needs ${PACKAGE.engines.node}`,
        hint: 'install Node.js 20.19 or newer',
      };
  const gitVersion = versionOf('git', ['--version'], config.childEnv);
  const git: DoctorCheck = gitVersion
    ? { name: 'git', status: 'ok', detail: gitVersion }
    : { name: 'git', status: 'failed', detail: 'git is not on PATH', hint: 'install git: every project is a git repository' };
  const bwrap = probeBwrap(config.childEnv.PATH);
  const sandbox: DoctorCheck =
    config.preview.sandbox === 'none'
      ? { name: 'bubblewrap', status: 'missing', detail: 'off (preview.sandbox: none): previews and tests run unconfined' }
      : bwrap.path
        ? { name: 'bubblewrap', status: 'ok', detail: `${bwrap.path}: previews and tests run sandboxed` }
        : {
            name: 'bubblewrap',
            status: 'missing',
            detail: `${bwrap.reason}: previews and tests run unconfined`,
            hint: 'install bubblewrap (apt-get install bubblewrap) to run generated code in a sandbox',
          };
  const chromiumPath = config.agents.tester.chromium_path;
  const chromiumVersion = chromiumPath && existsSync(chromiumPath) ? versionOf(chromiumPath, ['--version'], config.childEnv) : null;
  const chromium: DoctorCheck = chromiumVersion
    ? { name: 'chromium', status: 'ok', detail: `${chromiumVersion} (${chromiumPath})` }
    : {
        name: 'chromium',
        status: 'missing',
        detail: chromiumPath
          ? `no browser at ${chromiumPath}: browser tests of generated apps are skipped`
          : 'agents.tester.chromium_path is empty',
        hint: 'install Chromium (apt-get install chromium) or point agents.tester.chromium_path at one',
      };
  return [node, git, sandbox, chromium];
}

function serviceCheck(name: string, key: string, config: Readonly<CatalystConfig>, result: ProbeResult): DoctorCheck {
  const from = sourceOf(config, key);
  if (result.ok) return { name, status: 'ok', detail: `${result.version} (${key} from ${from})` };
  return {
    name,
    status: 'failed',
    detail: `configured (${key} from ${from}) but unreachable: ${result.reason}`,
    hint: `start the service, or fix ${key}; leave it empty for the embedded default`,
  };
}

async function serviceChecks(config: Readonly<CatalystConfig>): Promise<DoctorCheck[]> {
  const { state, documents, bus, cache, vectors } = config.adapters;
  const embedded = (name: string, detail: string): DoctorCheck => ({ name, status: 'ok', detail });
  return Promise.all([
    state.kind === 'postgres'
      ? probePostgres(state.url).then((r) => serviceCheck('state: postgres', 'storage.databases.postgres.url', config, r))
      : embedded('state: pglite', `embedded PostgreSQL (PGlite) in ${state.dataDir}`),
    bus.kind === 'rabbitmq'
      ? probeRabbitMq(bus.url).then((r) => serviceCheck('bus: rabbitmq', 'orchestration.event_driven.rabbitmq_url', config, r))
      : embedded('bus: in-process', 'in-process bus with RabbitMQ routing semantics (one process)'),
    cache.kind === 'redis'
      ? probeRedis(cache.url).then((r) => serviceCheck('cache: redis', 'storage.redis.url', config, r))
      : embedded('cache: memory', 'in-process LRU cache'),
    documents.kind === 'mongodb'
      ? probeMongo(documents.url).then((r) => serviceCheck('documents: mongodb', 'storage.databases.mongodb.url', config, r))
      : embedded('documents: state', 'documents as JSONB in the state store'),
    vectors.kind === 'qdrant'
      ? probeQdrant(vectors.url).then((r) => serviceCheck('vectors: qdrant', 'storage.qdrant.url', config, r))
      : embedded('vectors: state', 'vectors in the state store'),
  ]);
}

async function dataFolderCheck(config: Readonly<CatalystConfig>): Promise<DoctorCheck> {
  const { state } = config.adapters;
  if (state.kind !== 'pglite')
    return { name: 'data folder', status: 'ok', detail: `${config.paths.dataDir} (state on PostgreSQL: shared freely)` };
  const holder = await dataDirHolder(state.dataDir);
  return {
    name: 'data folder',
    status: 'ok',
    detail: holder ? `${config.paths.dataDir}: in use by ${describeHolder(holder)}` : `${config.paths.dataDir}: free`,
  };
}

async function dataHeld(config: Readonly<CatalystConfig>): Promise<boolean> {
  const { state } = config.adapters;
  return state.kind === 'pglite' && (await dataDirHolder(state.dataDir)) !== null;
}

/**
 * Queued or running tasks with no live owner: their process died or stopped. Embedded, the store is
 * opened only when no process holds the folder (a holder runs or resumes them itself).
 */
async function ownerlessCheck(config: Readonly<CatalystConfig>, dataHeld: boolean): Promise<DoctorCheck> {
  const name = 'tasks without an owner';
  const { state: choice } = config.adapters;
  if (choice.kind === 'pglite') {
    if (dataHeld) return { name, status: 'ok', detail: 'not checked: the process holding the data folder resumes them itself' };
    if (!existsSync(choice.dataDir)) return { name, status: 'ok', detail: 'none (no tasks yet)' };
  }
  let store;
  try {
    store = await openStateStore(
      choice.kind === 'postgres'
        ? { kind: 'postgres', url: choice.url, poolSize: 1 }
        : { kind: 'pglite', dataDir: choice.dataDir, lockWaitMs: 0, purpose: 'catalyst doctor' },
    );
    const ownerless = await store.listOwnerlessTasks();
    if (ownerless.length === 0) return { name, status: 'ok', detail: 'none' };
    const listed = ownerless.map(({ task, last_owner }) => {
      const resumes = (task.metadata.resume as { count?: number } | undefined)?.count ?? 0;
      const why = last_owner ? `its process (${last_owner}) stopped renewing its lease` : 'handed back by a graceful stop';
      return `${task.id.slice(0, 8)} ${task.status}/${task.current_phase} (${why}${resumes ? `; resumed ${resumes}× before` : ''})`;
    });
    return {
      name,
      status: 'missing',
      detail: `${ownerless.length}: ${listed.join(', ')}`,
      hint: '`catalyst serve` resumes them on start, or `catalyst resume <task>` continues one here',
    };
  } catch (e) {
    return { name, status: 'missing', detail: `could not be checked: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    await store?.close().catch(() => undefined);
  }
}

async function previewCheck(config: Readonly<CatalystConfig>): Promise<DoctorCheck> {
  const p = config.preview;
  try {
    const choice = await choosePreviewMode(p.mode, p.docker.host, p.docker.ping_timeout_ms, {
      verify: p.docker.tls_verify,
      certPath: p.docker.cert_path,
    });
    return { name: 'previews', status: 'ok', detail: `${choice.mode} (${choice.reason})` };
  } catch (e) {
    const err = e as { message?: string; hint?: string };
    return { name: 'previews', status: 'failed', detail: err.message ?? String(e), hint: err.hint };
  }
}

/** One check per agent with a model (does its provider answer?), or one line saying none is configured. */
async function modelChecks(config: Readonly<CatalystConfig>): Promise<DoctorCheck[]> {
  const report = await checkModels(config, { logger: createPinoLogger(config.logging.level) });
  if (report.models.length === 0) {
    const from = sourceOf(config, 'llm.default.provider');
    return [{ name: 'models', status: 'ok', detail: `none (llm.default.provider from ${from}): every agent is deterministic` }];
  }
  return report.models.map((m) =>
    m.check.ok
      ? { name: `model: ${m.agent}`, status: 'ok', detail: `${m.provider} ${m.model} answered in ${m.check.latency_ms} ms` }
      : {
          name: `model: ${m.agent}`,
          status: 'failed',
          detail: m.check.error?.message ?? `${m.provider} ${m.model} did not answer`,
          hint: 'check the key (OPENAI_API_KEY, ANTHROPIC_API_KEY or CATALYST_LLM_API_KEY), the model name and the base URL; `catalyst models` checks again',
        },
  );
}

export async function runDoctor(config: Readonly<CatalystConfig>): Promise<DoctorReport> {
  const services = await serviceChecks(config);
  const stateAnswers = services.find((c) => c.name.startsWith('state: '))?.status === 'ok';
  const checks = [
    ...machineChecks(config),
    ...services,
    await dataFolderCheck(config),
    ...(stateAnswers ? [await ownerlessCheck(config, await dataHeld(config))] : []),
    await previewCheck(config),
    ...(await modelChecks(config)),
  ];
  return {
    version: PACKAGE.version,
    config_file: config.source.file,
    data_dir: config.paths.dataDir,
    ok: checks.every((c) => c.status !== 'failed'),
    checks,
  };
}
