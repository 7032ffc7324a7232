/**
 * Shapes of the HTTP API (spec §11.1) beyond the records: what the server returns and the web UI
 * reads. The OpenAPI document at /docs is generated from these schemas.
 */
import { z } from 'zod';
import { AgentId } from './events.ts';
import { ConfiguredModelSchema } from './llm.ts';
import { TaskPhase, TaskRecord, TaskStatus } from './records.ts';

export const AgentRunStatus = z.enum(['queued', 'running', 'done', 'failed']);
export type AgentRunStatus = z.infer<typeof AgentRunStatus>;

export const AgentProgress = z.object({
  agent: AgentId,
  status: AgentRunStatus,
  /** Total time spent in this agent's steps (repair rounds add up); null while it never finished a step. */
  duration_ms: z.number().int().min(0).nullable(),
  runs: z.number().int().min(0),
});
export type AgentProgress = z.infer<typeof AgentProgress>;

export const TaskProgress = z.object({
  task_id: z.uuid(),
  status: TaskStatus,
  phase: TaskPhase,
  progress: z.number().min(0).max(1),
  files_created: z.number().int().min(0),
  total_estimated_files: z.number().int().min(0),
  preview_url: z.string().nullable(),
  agents: z.array(AgentProgress),
  event_count: z.number().int().min(0),
  updated_at: z.string(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

export const CreateTaskResponse = z.object({
  task_id: z.uuid(),
  trace_id: z.uuid(),
  project_id: z.uuid(),
  status: TaskStatus,
  mode: z.enum(['sequential', 'event_driven']),
  links: z.object({ self: z.string(), progress: z.string(), websocket: z.string(), events: z.string() }),
});
export type CreateTaskResponse = z.infer<typeof CreateTaskResponse>;

export const TaskList = z.object({ tasks: z.array(TaskRecord) });

export const TaskDetail = TaskRecord.extend({ project: z.object({ id: z.uuid(), name: z.string(), slug: z.string() }).nullable() });
export type TaskDetail = z.infer<typeof TaskDetail>;

export const FileEntry = z.object({ path: z.string(), size: z.number().int().min(0) });
export type FileEntry = z.infer<typeof FileEntry>;
export const FileList = z.object({
  task_id: z.uuid(),
  /** Where the files were read from: the task's worktree on disk, or null before the coder created it. */
  source: z.enum(['worktree', 'artifacts']).nullable(),
  files: z.array(FileEntry),
});
export type FileList = z.infer<typeof FileList>;

export const TaskListQuery = z.object({
  project_id: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const CommitsQuery = z.object({
  ref: z
    .string()
    .regex(/^[A-Za-z0-9._/-]{1,200}$/, 'a branch or commit name (letters, digits, . _ / -)')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const GitRepoSummary = z.object({
  project_id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  repo_path: z.string().nullable(),
  branches: z.array(z.string()),
});
export type GitRepoSummary = z.infer<typeof GitRepoSummary>;

export const CommitRecord = z.object({
  sha: z.string(),
  message: z.string(),
  author: z.string(),
  date: z.string(),
  branch: z.string().nullable(),
});
export type CommitRecord = z.infer<typeof CommitRecord>;

export const HealthResponse = z.object({ status: z.literal('ok'), mode: z.enum(['sequential', 'event_driven']), version: z.string() });

/** GET /api/models: each agent that has a model (an agent absent from the list is deterministic). */
export const ModelList = z.array(ConfiguredModelSchema);
export type ModelList = z.infer<typeof ModelList>;

/** GET /api/cost: how many of the newest tasks that called a model to list (the totals cover every call). */
export const CostQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
