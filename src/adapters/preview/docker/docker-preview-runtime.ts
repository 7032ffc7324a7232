/**
 * PreviewRuntime in docker mode (spec §7.1): the generated app's `Dockerfile.backend` (and
 * `Dockerfile.frontend` when there is one) are built by the Docker engine from a copy of the
 * worktree, and run on a network of their own — the frontend's nginx reaches the backend by the
 * name `backend`, as in the app's own docker-compose.yml. The container that serves the app
 * (frontend, else backend) publishes its port on a port of `preview.port_range` and carries the
 * Traefik labels, so a Traefik watching the engine routes `<project>-<short-task>.<domain>` to it.
 *
 * The engine is the record: every container is labelled with its task and deployment, so a
 * redelivered deploy finds and reuses what it started, a restarted Catalyst adopts running
 * previews, and `stop` finds a task's containers even when the row's container id is stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type Docker from 'dockerode';
import type { Clock } from '../../../core/clock.ts';
import { systemClock } from '../../../core/clock.ts';
import { AppError } from '../../../core/errors.ts';
import type {
  PreviewContainer,
  PreviewHandle,
  PreviewInspection,
  PreviewRuntime,
  PreviewStartRequest,
} from '../../../core/ports/preview-runtime.ts';
import { probeHealthOnce, waitForHealthy } from '../../../preview/health-probe.ts';
import { allocatePort, DEFAULT_PORT_RANGE, type PortRange } from '../../../preview/port-allocator.ts';
import { readLogTail } from '../process/log-tail.ts';
import { isCopied } from '../process/working-copy.ts';
import { dockerClient, type DockerEndpoint } from './docker-engine.ts';

export const LABEL = {
  managed: 'dev.catalyst.preview',
  task: 'dev.catalyst.preview.task',
  deployment: 'dev.catalyst.preview.deployment',
  service: 'dev.catalyst.preview.service',
  port: 'dev.catalyst.preview.port',
  project: 'dev.catalyst.preview.project',
  /** On images: the digest of the build context they were built from, so a restart can reuse them. */
  source: 'dev.catalyst.preview.source',
} as const;

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const LOG_TAIL_LINES = 30;
const STOP_GRACE_SECONDS = 5;
const WATCH_INTERVAL_MS = 500;
/** What the generated Dockerfiles EXPOSE; used when a Dockerfile names no port. */
const DEFAULT_PORTS = { backend: 3000, frontend: 8080 } as const;

export interface DockerPreviewRuntimeOptions {
  endpoint: DockerEndpoint;
  /** Each preview gets `<previewsDir>/<taskId>/` with `app/` (the build context) and `preview.log`. */
  previewsDir: string;
  portRange?: PortRange;
  /** Per container: HostConfig.Memory. */
  memoryMb: number;
  /** Per container: HostConfig.NanoCpus = cpus × 10⁹. */
  cpus: number;
  /** Domain of the Traefik Host rule: `<project>-<short-task>.<baseDomain>`. */
  baseDomain?: string;
  /** Upper bound for building both images; the start request's deadline may cut it shorter. */
  buildTimeoutMs?: number;
  clock?: Clock;
}

type Service = 'backend' | 'frontend';

interface ServicePlan {
  service: Service;
  dockerfile: string;
  image: string;
  name: string;
  containerPort: number;
}

/** Recorded state of one labelled container, as the engine reports it. */
export interface DockerPreviewContainer {
  taskId: string;
  deploymentId: string | null;
  service: Service;
  id: string;
  name: string;
  image: string;
  running: boolean;
  hostPort: number | null;
}

function exposedPort(dockerfile: string, fallback: number): number {
  const m = /^\s*EXPOSE\s+(\d{1,5})/im.exec(dockerfile);
  return m ? Number(m[1]) : fallback;
}

/** Docker's multiplexed log stream (Tty: false): 8-byte frame headers, then the payload. */
function demuxLogs(raw: Buffer | string): string {
  if (typeof raw === 'string') return raw;
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length && raw[at]! <= 2 && raw[at + 1] === 0 && raw[at + 2] === 0 && raw[at + 3] === 0) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  // Not framed (a TTY container or an engine that sends plain text): take it as it is.
  return at === 0 ? raw.toString('utf8') : Buffer.concat(parts).toString('utf8');
}

function statusCodeOf(e: unknown): number | null {
  const code = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : null;
}

export interface DockerPreviewRuntime extends PreviewRuntime {
  readonly mode: 'docker';
  /** Every preview container on the engine (any task), e.g. to adopt or clean up after a restart. */
  list(): Promise<DockerPreviewContainer[]>;
}

/**
 * sha256 over the build context's files (relative path, then content or link target), in path order:
 * equal digests mean `docker build` would get the same context, so its image can be reused.
 */
export async function sourceDigest(appDir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = await readdir(appDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => ({ path: relative(appDir, join(e.parentPath, e.name)).split(sep).join('/'), link: e.isSymbolicLink() }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of files) {
    const full = join(appDir, f.path);
    hash.update(`${f.link ? 'link' : 'file'}\u0000${f.path}\u0000`);
    hash.update(f.link ? await readlink(full) : await readFile(full));
    hash.update('\u0000');
  }
  return hash.digest('hex');
}

export function createDockerPreviewRuntime(opts: DockerPreviewRuntimeOptions): DockerPreviewRuntime {
  const docker: Docker = dockerClient(opts.endpoint);
  const previewsDir = resolve(opts.previewsDir);
  const range = opts.portRange ?? DEFAULT_PORT_RANGE;
  const clock = opts.clock ?? systemClock;
  const baseDomain = opts.baseDomain ?? 'localhost';
  const buildTimeoutMs = opts.buildTimeoutMs ?? 600_000;
  // A remote engine publishes ports on its own host; a local one on loopback only, so an untrusted
  // app is not reachable from the network.
  const publishHost = opts.endpoint.kind === 'tcp' ? opts.endpoint.host : '127.0.0.1';
  const bindIp = opts.endpoint.kind === 'tcp' ? '' : '127.0.0.1';
  const hostConfigLimits = {
    Memory: opts.memoryMb * 1024 * 1024,
    NanoCpus: Math.round(opts.cpus * 1e9),
  };

  const claimedPorts = new Map<number, string>();
  let allocation: Promise<unknown> = Promise.resolve();

  function claimPort(req: PreviewStartRequest, taken: number[]): Promise<number> {
    const next = allocation.then(async () => {
      const port = await allocatePort({
        taskId: req.taskId,
        range,
        reservedPorts: [...req.reservedPorts, ...taken, ...claimedPorts.keys()],
      });
      claimedPorts.set(port, req.taskId);
      return port;
    });
    allocation = next.catch(() => undefined);
    return next;
  }

  function releaseTaskPorts(taskId: string): void {
    for (const [port, owner] of claimedPorts) if (owner === taskId) claimedPorts.delete(port);
  }

  function checkTaskId(taskId: string): string {
    if (!TASK_ID.test(taskId) || taskId === '.' || taskId === '..') {
      throw new AppError('invalid_option', `task id ${JSON.stringify(taskId)} cannot name a preview`, {
        hint: 'task ids are letters, digits, dot, dash and underscore',
      });
    }
    return taskId;
  }

  /** The task a recorded path belongs to: `<previewsDir>/<taskId>/…`, else null. */
  function taskOfPath(path: string | null): string | null {
    if (path === null) return null;
    const rel = relative(previewsDir, resolve(path));
    if (rel === '' || isAbsolute(rel) || rel.startsWith('..')) return null;
    const first = rel.split(sep)[0] ?? '';
    return TASK_ID.test(first) ? first : null;
  }

  const networkName = (taskId: string) => `catalyst-preview-${taskId}`;

  async function listContainers(filters: string[]): Promise<DockerPreviewContainer[]> {
    const infos = await docker.listContainers({ all: true, filters: JSON.stringify({ label: filters }) });
    return infos.map((c) => {
      const labels = c.Labels ?? {};
      const port = Number(labels[LABEL.port]);
      return {
        taskId: labels[LABEL.task] ?? '',
        deploymentId: labels[LABEL.deployment] || null,
        service: labels[LABEL.service] === 'frontend' ? 'frontend' : 'backend',
        id: c.Id,
        name: (c.Names?.[0] ?? '').replace(/^\//, ''),
        image: c.Image,
        running: c.State === 'running',
        hostPort: Number.isInteger(port) && port > 0 ? port : null,
      };
    });
  }

  const containersOf = (taskId: string) => listContainers([LABEL.managed, `${LABEL.task}=${taskId}`]);

  /** The container the preview URL reaches: the frontend when there is one. */
  function servingOf(containers: DockerPreviewContainer[]): DockerPreviewContainer | null {
    return containers.find((c) => c.service === 'frontend') ?? containers.find((c) => c.service === 'backend') ?? null;
  }

  async function log(logPath: string, line: string): Promise<void> {
    await appendFile(logPath, `${line}\n`).catch(() => undefined);
  }

  async function containerLogs(id: string, lines = LOG_TAIL_LINES): Promise<string[]> {
    try {
      const raw = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as
        Buffer | string;
      return demuxLogs(raw)
        .replace(/\r\n/g, '\n')
        .replace(/\n+$/, '')
        .split('\n')
        .filter((l) => l !== '');
    } catch {
      return [];
    }
  }

  /** Every image built for the task, found by its label (its containers may be gone already). */
  async function imagesOf(taskId: string): Promise<string[]> {
    const list = await docker.listImages({ filters: { label: [`${LABEL.task}=${taskId}`] } }).catch(() => []);
    return list.flatMap((i) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'));
  }

  /**
   * Stops and removes the task's containers and network, and the images given plus those the containers
   * ran unless `keepImages` (a restart from the same code reuses them); tolerant of what is already gone.
   */
  async function removeTask(
    taskId: string,
    containers: DockerPreviewContainer[],
    images: string[] = [],
    keepImages = false,
  ): Promise<void> {
    for (const c of containers) {
      const container = docker.getContainer(c.id);
      if (c.running) await container.stop({ t: STOP_GRACE_SECONDS }).catch(() => undefined);
      try {
        await container.remove({ force: true, v: true });
      } catch (e) {
        if (statusCodeOf(e) !== 404) throw e;
      }
    }
    await docker
      .getNetwork(networkName(taskId))
      .remove()
      .catch(() => undefined);
    for (const image of keepImages ? [] : new Set([...images, ...containers.map((c) => c.image)])) {
      await docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    }
    releaseTaskPorts(taskId);
  }

  /** The image of `plan` when it was built from exactly this source; else it is removed and null. */
  async function builtFromSource(plan: ServicePlan, digest: string): Promise<boolean> {
    const image = await docker
      .getImage(plan.image)
      .inspect()
      .catch(() => null);
    if (image === null) return false;
    if (image.Config?.Labels?.[LABEL.source] === digest) return true;
    await docker
      .getImage(plan.image)
      .remove({ force: true })
      .catch(() => undefined);
    return false;
  }

  async function buildImage(
    plan: ServicePlan,
    appDir: string,
    labels: Record<string, string>,
    logPath: string,
    signal: AbortSignal,
  ): Promise<void> {
    // The context is the working copy's top-level entries; dockerode packs them (and honours .dockerignore).
    const src = await readdir(appDir);
    await log(logPath, `[catalyst] building ${plan.image} from ${plan.dockerfile}`);
    const stream = await docker.buildImage(
      { context: appDir, src },
      { t: plan.image, dockerfile: plan.dockerfile, labels, rm: true, forcerm: true, abortSignal: signal },
    );
    const events = await new Promise<Array<Record<string, unknown>>>((resolveBuild, reject) => {
      const onAbort = () =>
        (stream as NodeJS.ReadableStream & { destroy?: (e?: Error) => void }).destroy?.(new Error('the image build timed out'));
      signal.addEventListener('abort', onAbort, { once: true });
      docker.modem.followProgress(
        stream,
        (err: Error | null, output: Array<Record<string, unknown>>) => {
          signal.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolveBuild(output);
        },
        (event: Record<string, unknown>) => {
          const text = typeof event.stream === 'string' ? event.stream : typeof event.status === 'string' ? event.status : null;
          if (text !== null && text.trim() !== '')
            void appendFile(logPath, text.endsWith('\n') ? text : `${text}\n`).catch(() => undefined);
        },
      );
    });
    const failed = events.find((e) => typeof e.error === 'string');
    if (failed) throw new Error(`${plan.dockerfile}: ${String(failed.error)}`);
  }

  async function handleOf(
    req: PreviewStartRequest,
    paths: { appDir: string; logPath: string },
    port: number,
    containers: PreviewContainer[],
  ): Promise<PreviewHandle> {
    const main = containers[0]!;
    const info = await docker.getContainer(main.id).inspect();
    const url = `http://${publishHost}:${port}`;
    return {
      taskId: req.taskId,
      pid: info.State.Pid,
      port,
      url,
      healthUrl: `${url}/health`,
      workingCopy: paths.appDir,
      logPath: paths.logPath,
      mode: 'docker',
      sandbox: { kind: 'docker', warning: null },
      memoryMb: opts.memoryMb,
      cpus: opts.cpus,
      containers,
      command: containers.map((c) => `docker run ${c.image} (${c.name})`).join(' + '),
      startedAt: clock.now().toISOString(),
    };
  }

  /** The deployment's containers when they still serve: a redelivered deploy reuses them as they are. */
  async function reusable(req: PreviewStartRequest, existing: DockerPreviewContainer[]): Promise<DockerPreviewContainer[] | null> {
    if (!req.deploymentId || existing.length === 0) return null;
    if (!existing.every((c) => c.deploymentId === req.deploymentId && c.running)) return null;
    const serving = servingOf(existing);
    if (!serving?.hostPort) return null;
    return (await probeHealthOnce(`http://${publishHost}:${serving.hostPort}`, 2000)) ? existing : null;
  }

  async function unhealthy(message: string, logPath: string, details: Record<string, unknown>): Promise<AppError> {
    return new AppError('preview_unhealthy', message, {
      hint: `see ${logPath}; the images must build, and the app must answer GET /health with 200 on its EXPOSEd port`,
      details: { ...details, logPath, logTail: await readLogTail(logPath, LOG_TAIL_LINES) },
    });
  }

  async function start(req: PreviewStartRequest): Promise<PreviewHandle> {
    const deadline = Date.now() + req.timeoutMs;
    const taskId = checkTaskId(req.taskId);
    const previewDir = join(previewsDir, taskId);
    const appDir = join(previewDir, 'app');
    const logPath = join(previewDir, 'preview.log');
    const taskShort = taskId.slice(0, 8);
    const routerName = `${req.projectSlug}-${taskShort}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');

    const existing = await containersOf(taskId);
    const reuse = await reusable(req, existing);
    if (reuse) {
      const ordered = [...reuse].sort((a, b) => (a === servingOf(reuse) ? -1 : b === servingOf(reuse) ? 1 : 0));
      claimedPorts.set(ordered[0]!.hostPort!, taskId);
      await log(
        logPath,
        `[catalyst ${clock.now().toISOString()}] deployment ${req.deploymentId} already runs: reusing ${ordered.map((c) => c.name).join(', ')}`,
      );
      return handleOf(
        req,
        { appDir, logPath },
        ordered[0]!.hostPort!,
        ordered.map((c) => ({ service: c.service, id: c.id, name: c.name, image: c.image })),
      );
    }
    // One preview per task: a new deployment replaces what an older one left running. Its images stay
    // until the build step knows whether they were built from this same source.
    if (existing.length > 0) await removeTask(taskId, existing, [], true);

    // Ports the engine already publishes for other previews are as taken as recorded ones.
    const published = (await listContainers([LABEL.managed])).map((c) => c.hostPort).filter((p): p is number => p !== null);
    const port = await claimPort(req, published);
    const labels: Record<string, string> = {
      [LABEL.managed]: 'true',
      [LABEL.task]: taskId,
      [LABEL.deployment]: req.deploymentId ?? '',
      [LABEL.project]: req.projectSlug,
    };
    const started: PreviewContainer[] = [];
    const plans: ServicePlan[] = [];
    try {
      await mkdir(previewDir, { recursive: true });
      await writeFile(
        logPath,
        `[catalyst ${clock.now().toISOString()}] docker preview of task ${taskId} starting (engine ${opts.endpoint.label})\n`,
      );
      await rm(appDir, { recursive: true, force: true });
      await cp(req.sourceDir, appDir, { recursive: true, verbatimSymlinks: true, filter: (src) => isCopied(req.sourceDir, src) });

      for (const service of ['backend', 'frontend'] as const) {
        const dockerfile = `Dockerfile.${service}`;
        const text = await readFile(join(appDir, dockerfile), 'utf8').catch(() => null);
        if (text === null) continue;
        plans.push({
          service,
          dockerfile,
          image: `catalyst-preview/${taskId}-${service}:latest`,
          name: `catalyst-preview-${taskId}-${service}`,
          containerPort: exposedPort(text, DEFAULT_PORTS[service]),
        });
      }
      if (!plans.some((p) => p.service === 'backend')) {
        throw await unhealthy(`the app has no Dockerfile.backend, so docker mode has nothing to build`, logPath, {
          stage: 'build',
          reason: 'no_dockerfile',
        });
      }

      const buildSignal = AbortSignal.timeout(Math.max(1, Math.min(buildTimeoutMs, deadline - Date.now())));
      const digest = await sourceDigest(appDir);
      for (const plan of plans) {
        if (await builtFromSource(plan, digest)) {
          await log(logPath, `[catalyst] reusing ${plan.image}: built from this same source (${digest.slice(0, 12)})`);
          continue;
        }
        try {
          await buildImage(plan, appDir, { ...labels, [LABEL.service]: plan.service, [LABEL.source]: digest }, logPath, buildSignal);
        } catch (e) {
          const timedOut = buildSignal.aborted;
          await log(logPath, `[catalyst] ${plan.image}: ${e instanceof Error ? e.message : String(e)}`);
          throw await unhealthy(timedOut ? `building ${plan.image} timed out` : `building ${plan.image} failed`, logPath, {
            stage: 'build',
            reason: timedOut ? 'timeout' : 'failed',
            dockerfile: plan.dockerfile,
          });
        }
      }

      const network = networkName(taskId);
      await docker.createNetwork({ Name: network, Driver: 'bridge', Labels: labels, CheckDuplicate: true }).catch((e: unknown) => {
        if (statusCodeOf(e) !== 409) throw e;
      });

      const serving = plans.find((p) => p.service === 'frontend') ?? plans[0]!;
      // The backend first, so the frontend's nginx resolves `backend` when it starts.
      for (const plan of plans) {
        const isServing = plan === serving;
        const exposed = `${plan.containerPort}/tcp`;
        const containerLabels: Record<string, string> = {
          ...labels,
          [LABEL.service]: plan.service,
          ...(isServing
            ? {
                [LABEL.port]: String(port),
                'traefik.enable': 'true',
                [`traefik.http.routers.${routerName}.rule`]: `Host(\`${routerName}.${baseDomain}\`)`,
                [`traefik.http.services.${routerName}.loadbalancer.server.port`]: String(plan.containerPort),
                'traefik.docker.network': network,
              }
            : {}),
        };
        const container = await docker.createContainer({
          name: plan.name,
          Image: plan.image,
          // Only the backend signs sessions; the frontend's nginx needs no secret.
          Env: Object.entries({ ...req.env, ...(plan.service === 'backend' ? { JWT_SECRET: randomBytes(32).toString('hex') } : {}) }).map(
            ([k, v]) => `${k}=${v}`,
          ),
          Labels: containerLabels,
          ExposedPorts: { [exposed]: {} },
          HostConfig: {
            ...hostConfigLimits,
            NetworkMode: network,
            PortBindings: isServing ? { [exposed]: [{ HostIp: bindIp, HostPort: String(port) }] } : {},
            RestartPolicy: { Name: 'no' },
            SecurityOpt: ['no-new-privileges'],
            PidsLimit: 512,
          },
          NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [plan.service] } } },
        });
        const entry: PreviewContainer = { service: plan.service, id: container.id, name: plan.name, image: plan.image };
        if (isServing) started.unshift(entry);
        else started.push(entry);
        await container.start();
        await log(
          logPath,
          `[catalyst] started ${plan.name} (${container.id.slice(0, 12)})${isServing ? ` on ${publishHost}:${port} → ${exposed}` : ''}`,
        );
      }

      // Health: GET /health through the published port, cut short when a container stops or
      // Docker's own HEALTHCHECK reports it unhealthy.
      const exited = new AbortController();
      let exitReason: string | null = null;
      const watcher = setInterval(() => {
        void (async () => {
          for (const c of started) {
            const info = await docker
              .getContainer(c.id)
              .inspect()
              .catch(() => null);
            const health = info?.State.Health?.Status;
            if (!info || !info.State.Running || health === 'unhealthy') {
              exitReason = !info
                ? `${c.name} is gone`
                : !info.State.Running
                  ? `${c.name} exited with code ${info.State.ExitCode}`
                  : `${c.name} is unhealthy (Docker HEALTHCHECK)`;
              exited.abort();
              return;
            }
          }
        })();
      }, WATCH_INTERVAL_MS);
      const health = await waitForHealthy({
        baseUrl: `http://${publishHost}:${port}`,
        timeoutMs: deadline - Date.now(),
        exited: exited.signal,
      }).finally(() => clearInterval(watcher));
      if (!health.healthy) {
        for (const c of started) for (const line of await containerLogs(c.id)) await log(logPath, `[${c.service}] ${line}`);
        if (exitReason) await log(logPath, `[catalyst] ${exitReason}`);
        throw await unhealthy(
          health.reason === 'exited'
            ? `the preview stopped before answering GET /health (${exitReason ?? 'container stopped'})`
            : `the preview did not answer GET /health with 200 within ${req.timeoutMs} ms`,
          logPath,
          { stage: 'health', reason: health.reason, lastError: health.lastError, port },
        );
      }
      return await handleOf(req, { appDir, logPath }, port, started);
    } catch (e) {
      const leftovers = await containersOf(taskId).catch(() => []);
      await removeTask(
        taskId,
        leftovers,
        plans.map((p) => p.image),
      ).catch(() => undefined);
      releaseTaskPorts(taskId);
      if (AppError.isInstance(e)) throw e;
      await log(logPath, `[catalyst] ${e instanceof Error ? e.message : String(e)}`);
      throw await unhealthy(`the Docker engine refused the preview: ${e instanceof Error ? e.message : String(e)}`, logPath, {
        stage: 'engine',
        reason: 'failed',
      });
    }
  }

  async function taskOfRef(ref: {
    containerId?: string | null;
    workingCopy?: string | null;
    logPath?: string | null;
  }): Promise<string | null> {
    const fromPath = taskOfPath(ref.workingCopy ?? null) ?? taskOfPath(ref.logPath ?? null);
    if (fromPath) return fromPath;
    if (!ref.containerId) return null;
    const info = await docker
      .getContainer(ref.containerId)
      .inspect()
      .catch(() => null);
    return info?.Config.Labels?.[LABEL.task] ?? null;
  }

  async function stop(
    ref: { pid: number | null; workingCopy: string | null; containerId?: string | null },
    stopOpts: { keepBuild?: boolean } = {},
  ): Promise<void> {
    const taskId = await taskOfRef(ref);
    if (taskId === null) return;
    const keep = stopOpts.keepBuild === true;
    await removeTask(taskId, await containersOf(taskId), keep ? [] : await imagesOf(taskId), keep);
    // Only the folder this runtime made is removed; the log stays for inspection.
    const appDir = join(previewsDir, taskId, 'app');
    if (ref.workingCopy !== null && resolve(ref.workingCopy) === appDir) await rm(appDir, { recursive: true, force: true });
  }

  async function inspect(ref: {
    pid: number | null;
    port: number | null;
    logPath: string | null;
    containerId?: string | null;
  }): Promise<PreviewInspection> {
    const taskId = await taskOfRef(ref);
    const containers = taskId ? await containersOf(taskId) : [];
    const serving = servingOf(containers);
    const alive = containers.length > 0 && containers.every((c) => c.running);
    const port = serving?.hostPort ?? ref.port;
    const healthy = alive && port !== null && (await probeHealthOnce(`http://${publishHost}:${port}`, 1000));
    const fromContainers: string[] = [];
    for (const c of containers) for (const line of await containerLogs(c.id)) fromContainers.push(`[${c.service}] ${line}`);
    const logTail =
      fromContainers.length > 0 ? fromContainers.slice(-LOG_TAIL_LINES) : ref.logPath ? await readLogTail(ref.logPath, LOG_TAIL_LINES) : [];
    return { alive, healthy, logTail };
  }

  const list = () => listContainers([LABEL.managed]);
  const running = async () => (await list()).map((c) => ({ taskId: c.taskId, containerId: c.id }));
  return { mode: 'docker', start, stop, inspect, list, running };
}
