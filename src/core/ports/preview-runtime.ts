/**
 * Runs a generated app as a live preview (spec §7).
 *
 * Guarantees: `start` resolves once the app answers `GET /health` with 200, or rejects with
 * AppError('preview_unhealthy') carrying the app's last log lines (never hangs past `timeoutMs`);
 * ports come from the configured range and are never handed to two live previews; `stop` is
 * idempotent and kills the whole process tree; `inspect` reports what is really running (pid alive,
 * health answered), not what was recorded.
 */
export interface PreviewStartRequest {
  taskId: string;
  projectSlug: string;
  /** A checkout of the code to run; the runtime copies it into its own working folder. */
  sourceDir: string;
  /** Ports already taken by other recorded previews. */
  reservedPorts: number[];
  timeoutMs: number;
  /** Keep running after this process exits (CLI --detach, server mode). */
  detached: boolean;
  env?: Record<string, string>;
  /**
   * The deployment (the deployer's inbound event id). Runtimes that keep state outside Catalyst
   * (docker) label what they start with it, so a redelivered event finds and reuses it.
   */
  deploymentId?: string;
}

/** A container a docker preview runs (spec §7.1); `service` is `backend` or `frontend`. */
export interface PreviewContainer {
  service: 'backend' | 'frontend';
  id: string;
  name: string;
  image: string;
}

export interface PreviewHandle {
  taskId: string;
  /** Process mode: the supervisor's pid. Docker mode: the main container's pid on the engine host. */
  pid: number;
  port: number;
  url: string;
  healthUrl: string;
  workingCopy: string;
  logPath: string;
  mode: PreviewRuntimeMode;
  sandbox: { kind: 'none' | 'bwrap' | 'docker'; warning: string | null };
  memoryMb: number;
  /** Docker mode only: CPU limit in cores (HostConfig.NanoCpus / 1e9). */
  cpus?: number;
  /** Why the CPU is not limited, when `cpus` is absent. */
  cpuLimitReason?: string;
  /** Docker mode only: the containers, the one serving `url` first. */
  containers?: PreviewContainer[];
  command: string;
  startedAt: string;
}

export interface PreviewInspection {
  alive: boolean;
  healthy: boolean;
  logTail: string[];
}

export type PreviewRuntimeMode = 'process' | 'docker';

/**
 * What a preview row records as `container_id`: the main container's id in docker mode, the
 * supervisor's pid in process mode.
 */
export function recordedIdOf(handle: PreviewHandle): string {
  return handle.containers?.[0]?.id ?? String(handle.pid);
}

/**
 * `stop` and `inspect` take what a preview row records. Docker runtimes also find their containers
 * by the task id (from `workingCopy` / `logPath`, both under `<previewsDir>/<taskId>/`), so a row
 * whose `container_id` is stale or missing still reaches the containers of its task.
 */
export interface PreviewRuntime {
  readonly mode: PreviewRuntimeMode;
  start(req: PreviewStartRequest): Promise<PreviewHandle>;
  /**
   * `keepBuild`: the preview starts again from the same code right after (a restart), so the runtime
   * may keep what it built for reuse (docker mode keeps the images; the next start checks their source).
   */
  stop(ref: { pid: number | null; workingCopy: string | null; containerId?: string | null }, opts?: { keepBuild?: boolean }): Promise<void>;
  inspect(ref: {
    pid: number | null;
    port: number | null;
    logPath: string | null;
    containerId?: string | null;
  }): Promise<PreviewInspection>;
  /**
   * What the runtime itself has running, found without the state store: a preview started just before a
   * crash, whose row was never written, is found here and swept. Runtimes whose previews die with their
   * supervisor (process mode) need not answer.
   */
  running?(): Promise<Array<{ taskId: string; containerId: string }>>;
}
