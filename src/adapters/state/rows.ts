/** Turns database rows into the record shapes of src/contracts/records.ts (timestamps as ISO strings). */
import type {
  OrchestrationMode,
  PreviewDeployment,
  PreviewStatus,
  ProjectRecord,
  StoredEvent,
  TaskPhase,
  TaskRecord,
  TaskStatus,
} from '../../contracts/records.ts';
import type { ScanRecord } from '../../contracts/explorer.ts';
import type { ErrorCode } from '../../contracts/errors.ts';
import type { LlmCall, LlmProvider, ModelAgent } from '../../contracts/llm.ts';
import type { agentEvents, explorerScans, llmCalls, previewDeployments, projects, tasks } from './schema.ts';

function iso(date: Date): string;
function iso(date: Date | null): string | null;
function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

export function toDate(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

export function projectFromRow(row: typeof projects.$inferSelect): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    repo_url: row.repo_url,
    repo_path: row.repo_path,
    status: row.status,
    created_at: iso(row.created_at),
  };
}

export function taskFromRow(row: typeof tasks.$inferSelect): TaskRecord {
  return {
    id: row.id,
    project_id: row.project_id,
    trace_id: row.trace_id,
    user_prompt: row.user_prompt,
    mode: row.mode as OrchestrationMode,
    status: row.status as TaskStatus,
    current_phase: row.current_phase as TaskPhase,
    branch_name: row.branch_name,
    commit_sha: row.commit_sha,
    preview_url: row.preview_url,
    error: row.error,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    completed_at: iso(row.completed_at),
    cost_total: row.cost_total,
    metadata: row.metadata,
  };
}

export function eventFromRow(row: typeof agentEvents.$inferSelect): StoredEvent {
  return {
    id: row.id,
    event_id: row.event_id,
    trace_id: row.trace_id,
    task_id: row.task_id,
    actor: row.actor,
    event_type: row.event_type,
    envelope: row.payload as unknown as Record<string, unknown>,
    created_at: iso(row.created_at),
  };
}

export function previewFromRow(row: typeof previewDeployments.$inferSelect): PreviewDeployment {
  return {
    id: row.id,
    task_id: row.task_id,
    url: row.url,
    fallback_url: row.fallback_url,
    container_id: row.container_id,
    port: row.port,
    status: row.status as PreviewStatus,
    health_check_url: row.health_check_url,
    working_copy: row.working_copy,
    log_path: row.log_path,
    created_at: iso(row.created_at),
    expires_at: iso(row.expires_at),
    last_health_check: iso(row.last_health_check),
    restart_count: row.restart_count,
    metadata: row.metadata,
  };
}

export function scanFromRow(row: typeof explorerScans.$inferSelect): ScanRecord {
  return {
    id: row.id,
    scan_type: row.scan_type as ScanRecord['scan_type'],
    target: row.target,
    status: row.status as ScanRecord['status'],
    error: row.error,
    tech_stack: Array.isArray(row.tech_stack) ? (row.tech_stack as string[]) : [],
    security_score: row.security_score,
    tech_debt_score: row.tech_debt_score,
    created_at: iso(row.created_at),
    completed_at: iso(row.completed_at),
    artifacts_dir: row.artifacts_dir,
  };
}

export function llmCallRow(call: LlmCall): typeof llmCalls.$inferInsert {
  return { ...call, started_at: new Date(call.started_at) };
}

export function llmCallFromRow(row: typeof llmCalls.$inferSelect): LlmCall {
  return {
    call_id: row.call_id,
    task_id: row.task_id,
    agent: row.agent as ModelAgent,
    provider: row.provider as LlmProvider,
    model: row.model,
    started_at: iso(row.started_at),
    duration_ms: row.duration_ms,
    tokens_in: row.tokens_in,
    tokens_cached: row.tokens_cached,
    tokens_out: row.tokens_out,
    cost_usd: row.cost_usd,
    cache_hit: row.cache_hit,
    status: row.status as LlmCall['status'],
    error_code: row.error_code as ErrorCode | null,
  };
}
