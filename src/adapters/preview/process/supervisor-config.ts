/**
 * What the runtime tells a supervisor (passed in one environment variable, so the app's secret never
 * lands on disk or in `ps` output) and what the supervisor records in `supervisor.json`. Both ends
 * parse with these schemas.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const SUPERVISOR_CONFIG_ENV = 'CATALYST_PREVIEW_SUPERVISOR';

export const SupervisorConfig = z.object({
  appDir: z.string().min(1),
  logPath: z.string().min(1),
  statePath: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  command: z.string().min(1),
  args: z.array(z.string()),
  /** The app's whole environment: the supervisor does not pass its own through. */
  env: z.record(z.string(), z.string()),
  maxRestarts: z.number().int().min(0).default(3),
  restartWindowMs: z.number().int().positive().default(60_000),
  restartDelayMs: z.number().int().min(0).default(250),
  stopGraceMs: z.number().int().positive().default(5_000),
  /** When set, the preview stops once this process is gone (previews that are not detached). */
  parentPid: z.number().int().positive().nullable().default(null),
  /**
   * Sandboxed apps live in their own network namespace and listen on a Unix socket in their
   * workspace; the supervisor (on the host) forwards 127.0.0.1:`port` to it byte for byte.
   */
  socketPath: z.string().min(1).nullable().default(null),
  /** The cgroup (cpu-cgroup.ts) the supervisor joins before starting the app, for a CPU quota; null: none. */
  cpuCgroup: z.string().min(1).nullable().default(null),
});
export type SupervisorConfig = z.infer<typeof SupervisorConfig>;
export type SupervisorConfigInput = z.input<typeof SupervisorConfig>;

export const SupervisorState = z.object({
  pid: z.number().int(),
  appPid: z.number().int().nullable(),
  port: z.number().int(),
  restarts: z.number().int(),
  status: z.enum(['starting', 'running', 'restarting', 'stopping', 'stopped', 'gave_up']),
  updatedAt: z.string(),
});
export type SupervisorState = z.infer<typeof SupervisorState>;

/** The recorded state, or null when there is none or it cannot be read. */
export function readSupervisorState(statePath: string): SupervisorState | null {
  try {
    const parsed = SupervisorState.safeParse(JSON.parse(readFileSync(statePath, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
