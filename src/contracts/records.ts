/**
 * Rows of the state store (spec §3.2) as the rest of the system sees them. The API returns these
 * shapes, so they live with the other contracts.
 */
import { z } from 'zod';

export const TASK_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const TASK_PHASES = ['queued', 'planning', 'architecture', 'coding', 'testing', 'review', 'deployment', 'done'] as const;
export const TaskPhase = z.enum(TASK_PHASES);
export type TaskPhase = z.infer<typeof TaskPhase>;

export const OrchestrationMode = z.enum(['sequential', 'event_driven']);
export type OrchestrationMode = z.infer<typeof OrchestrationMode>;

export const ProjectRecord = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  repo_url: z.string().nullable(),
  repo_path: z.string().nullable(),
  status: z.string().nullable(),
  created_at: z.string(),
});
export type ProjectRecord = z.infer<typeof ProjectRecord>;

export const TaskRecord = z.object({
  id: z.uuid(),
  project_id: z.uuid(),
  trace_id: z.uuid(),
  user_prompt: z.string(),
  mode: OrchestrationMode,
  status: TaskStatus,
  current_phase: TaskPhase,
  branch_name: z.string().nullable(),
  commit_sha: z.string().nullable(),
  preview_url: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  completed_at: z.string().nullable(),
  cost_total: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
export type TaskRecord = z.infer<typeof TaskRecord>;

/** Fields an engine may change on a task; everything else is fixed at creation. */
export const TaskPatch = TaskRecord.pick({
  status: true,
  current_phase: true,
  branch_name: true,
  commit_sha: true,
  preview_url: true,
  error: true,
  completed_at: true,
})
  .partial()
  .extend({ metadata: z.record(z.string(), z.unknown()).optional() });
export type TaskPatch = z.infer<typeof TaskPatch>;

export const StoredEvent = z.object({
  id: z.number().int(),
  event_id: z.uuid(),
  trace_id: z.uuid(),
  task_id: z.uuid().nullable(),
  actor: z.string(),
  event_type: z.string(),
  /** The whole v1 envelope, as published. */
  envelope: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
export type StoredEvent = z.infer<typeof StoredEvent>;

export const PREVIEW_STATUSES = ['starting', 'healthy', 'unhealthy', 'stopped', 'failed', 'expired'] as const;
export const PreviewStatus = z.enum(PREVIEW_STATUSES);
export type PreviewStatus = z.infer<typeof PreviewStatus>;

export const PreviewDeployment = z.object({
  id: z.uuid(),
  task_id: z.uuid(),
  url: z.string(),
  fallback_url: z.string().nullable(),
  /** For process previews: the supervisor's pid as a string; for docker: the container id. */
  container_id: z.string().nullable(),
  port: z.number().int().nullable(),
  status: PreviewStatus,
  health_check_url: z.string(),
  working_copy: z.string().nullable(),
  log_path: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_health_check: z.string().nullable(),
  restart_count: z.number().int().min(0),
  metadata: z.record(z.string(), z.unknown()),
});
export type PreviewDeployment = z.infer<typeof PreviewDeployment>;

export const AgentLogLevel = z.enum(['debug', 'info', 'warning', 'error']);
export const AgentLog = z.object({
  id: z.uuid(),
  task_id: z.uuid(),
  trace_id: z.uuid(),
  agent_name: z.string(),
  message: z.string(),
  level: AgentLogLevel,
  timestamp: z.string(),
});
export type AgentLog = z.infer<typeof AgentLog>;

/** Per-agent timings the engines keep in `task.metadata.phases` (summed over repair rounds). */
export const AgentPhaseTiming = z.object({
  status: z.enum(['done', 'failed']),
  duration_ms: z.number().min(0),
  runs: z.number().int().min(0),
});
export type AgentPhaseTiming = z.infer<typeof AgentPhaseTiming>;

const AgentPhaseTimings = z.record(z.string(), AgentPhaseTiming);

export function phaseTimingsOf(task: Pick<TaskRecord, 'metadata'>): Record<string, AgentPhaseTiming> {
  const parsed = AgentPhaseTimings.safeParse(task.metadata.phases ?? {});
  return parsed.success ? parsed.data : {};
}

/**
 * What the sweep records in `task.metadata.resume` each time it takes over a task whose owner stopped or
 * died: how many times, when last, and who held it before (null when it was handed back by a graceful stop).
 */
export const TaskResume = z.object({
  count: z.number().int().min(1),
  at: z.string(),
  previous_owner: z.string().nullable(),
});
export type TaskResume = z.infer<typeof TaskResume>;

/** The task's resume record, or null for a task that ran in one go. */
export function resumeOf(task: Pick<TaskRecord, 'metadata'>): TaskResume | null {
  const parsed = TaskResume.safeParse(task.metadata.resume);
  return parsed.success ? parsed.data : null;
}

/**
 * Which step wrote each of a task's artifacts (`task.metadata.artifact_writers`, path → agent and the event
 * its step handled), recorded with the step's commit, so a corrupt artifact found later can be redone by it.
 */
export const ArtifactWriters = z.record(z.string(), z.object({ agent: z.string(), event_id: z.string() }));
export type ArtifactWriters = z.infer<typeof ArtifactWriters>;

export function artifactWritersOf(task: Pick<TaskRecord, 'metadata'>): ArtifactWriters {
  const parsed = ArtifactWriters.safeParse(task.metadata.artifact_writers ?? {});
  return parsed.success ? parsed.data : {};
}

/** Artifacts found corrupt and redone by their producer (`task.metadata.artifact_redos`, by path): once each. */
export const ArtifactRedos = z.record(
  z.string(),
  z.object({ producer: z.string(), consumer: z.string(), reason: z.string(), at: z.string() }),
);
export type ArtifactRedos = z.infer<typeof ArtifactRedos>;

export function artifactRedosOf(task: Pick<TaskRecord, 'metadata'>): ArtifactRedos {
  const parsed = ArtifactRedos.safeParse(task.metadata.artifact_redos ?? {});
  return parsed.success ? parsed.data : {};
}
