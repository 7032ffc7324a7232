/**
 * Runs an untrusted command (a generated app's tests, build or type check) with limits.
 *
 * Guarantees: the child runs in its own process group and the whole group is killed on timeout or
 * abort; memory is capped (Node heap via NODE_OPTIONS, and the sandbox's limit where one exists);
 * output is captured up to `maxOutputBytes` per stream (tail kept); `run` never rejects for a
 * non-zero exit: it reports it.
 */
export interface RunRequest {
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  readonly sandbox: 'none' | 'bwrap';
  run(req: RunRequest): Promise<RunResult>;
}
