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
}

export interface PreviewHandle {
  taskId: string;
  pid: number;
  port: number;
  url: string;
  healthUrl: string;
  workingCopy: string;
  logPath: string;
  mode: 'process';
  sandbox: { kind: 'none' | 'bwrap'; warning: string | null };
  memoryMb: number;
  command: string;
  startedAt: string;
}

export interface PreviewInspection {
  alive: boolean;
  healthy: boolean;
  logTail: string[];
}

export interface PreviewRuntime {
  readonly mode: 'process';
  start(req: PreviewStartRequest): Promise<PreviewHandle>;
  stop(ref: { pid: number | null; workingCopy: string | null }): Promise<void>;
  inspect(ref: { pid: number | null; port: number | null; logPath: string | null }): Promise<PreviewInspection>;
}
