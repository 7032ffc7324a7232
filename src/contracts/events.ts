/**
 * The event catalog: the one definition of every event that crosses the bus, the audit trail
 * (`agent_events`) and the WebSocket/SSE gateway. Producers and consumers both parse with these
 * schemas at the boundary (spec §5.2). Routing keys are `catalyst.<event_type>` (spec §5.1).
 */
import { z } from 'zod';
import { Domain } from './domain.ts';

export const AGENT_IDS = ['planner', 'architect', 'coder', 'tester', 'reviewer', 'deployer', 'explorer'] as const;
export const AgentId = z.enum(AGENT_IDS);
export type AgentId = z.infer<typeof AgentId>;

export const Actor = z.enum([...AGENT_IDS, 'orchestrator']);
export type Actor = z.infer<typeof Actor>;

export const EXCHANGE_NAME = 'catalyst.events';
export const DEAD_LETTER_EXCHANGE = 'catalyst.dlq';
export const DEAD_LETTER_QUEUE = 'failed-events';

export function routingKeyFor(eventType: EventType): string {
  return `catalyst.${eventType}`;
}

const RepairRound = z.number().int().min(0).describe('how many times the coder has been sent back for this task');

/**
 * What a build request was understood to ask for, decided once when the build is submitted (the
 * project is named from it) and handed to the planner, which plans exactly this.
 */
export const BuildUnderstanding = z.object({
  domain: Domain,
  /** What was decided without being asked for, in plain words for the plan. */
  assumptions: z.array(z.string()),
  /** What a person should confirm before the app grows further. */
  open_questions: z.array(z.string()),
  /** A build from a scan: the scan's target, and whether its records replaced the request's. */
  scan: z.object({ id: z.uuid(), target: z.string(), records_copied: z.boolean() }).optional(),
});
export type BuildUnderstanding = z.infer<typeof BuildUnderstanding>;

export const TaskInitiatedPayload = z.object({
  project_id: z.uuid(),
  project_name: z.string().min(1),
  project_slug: z.string().min(1),
  requirements: z.string().min(1),
  mode: z.enum(['sequential', 'event_driven']),
  seed: z.number().int().default(0),
  next_agent: z.literal('planner').default('planner'),
  /** Build from this explorer scan: its records become the app's data model (spec §8.2). */
  explorer_scan_id: z.uuid().optional(),
  /** Absent only in events recorded before it travelled with them; the planner then reads the request itself. */
  understanding: BuildUnderstanding.optional(),
});

export const PlanCreatedPayload = z.object({
  plan_ref: z.string(),
  commit: z.string(),
  feature_count: z.number().int().min(0),
  task_count: z.number().int().min(0),
  api_endpoint_count: z.number().int().min(0),
  entity_count: z.number().int().min(0),
  estimated_hours: z.number().min(0),
  risk_level: z.enum(['low', 'medium', 'high']),
  complexity_score: z.number().min(0).max(1),
  assumptions: z.array(z.string()),
});

export const ArchitectureProposedPayload = z.object({
  architecture_ref: z.string(),
  commit: z.string(),
  tech_stack: z.record(z.string(), z.string()),
  data_model_count: z.number().int().min(0),
  api_endpoint_count: z.number().int().min(0),
  adrs_created: z.number().int().min(0),
  requires_review: z.boolean(),
});

export const CodePrOpenedPayload = z.object({
  branch: z.string(),
  commit: z.string(),
  files_created: z.number().int().min(0),
  lines_of_code: z.number().int().min(0),
  backend_files: z.number().int().min(0),
  frontend_files: z.number().int().min(0),
  test_files: z.number().int().min(0),
  /** Null: the deterministic coder does not guess; the tester measures coverage. */
  estimated_coverage: z.number().min(0).max(1).nullable(),
  pr_url: z.string().nullable(),
  local_repo: z.string(),
  worktree_path: z.string(),
  git_diff_summary: z.object({
    additions: z.number().int().min(0),
    deletions: z.number().int().min(0),
    files_changed: z.number().int().min(0),
  }),
  repair_round: RepairRound,
});

export const TestFailure = z.object({ suite: z.string(), name: z.string(), message: z.string() });
export type TestFailure = z.infer<typeof TestFailure>;

export const TestResultsPayload = z.object({
  status: z.enum(['passed', 'failed']),
  total_tests: z.number().int().min(0),
  passed: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
  coverage: z.number().min(0).max(1).nullable(),
  security_critical_issues: z.number().int().min(0),
  artifacts_refs: z.array(z.string()),
  test_duration_seconds: z.number().min(0),
  failures: z.array(TestFailure),
  repair_round: RepairRound,
});

export const ReviewItem = z.object({
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  message: z.string(),
  suggestion: z.string(),
  blocking: z.boolean(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

export const ReviewDecisionValue = z.enum(['approved', 'changes_requested', 'rejected']);

export const ReviewDecisionPayload = z.object({
  decision: ReviewDecisionValue,
  score: z.number().min(0).max(100),
  blocking_issues: z.number().int().min(0),
  recommendations: z.number().int().min(0),
  items: z.array(ReviewItem),
  artifacts: z.array(z.string()),
  repair_round: RepairRound,
});

export const DeployStatusPayload = z.object({
  status: z.enum(['deploying', 'deployed', 'failed']),
  preview_url: z.string().nullable(),
  fallback_url: z.string().nullable(),
  backend_url: z.string().nullable(),
  container_ids: z.array(z.string()),
  health: z.enum(['healthy', 'unhealthy', 'unknown']),
  deployment_mode: z.string(),
  error: z.string().nullable(),
});

export const DeployCompletePayload = z.object({
  status: z.enum(['completed', 'failed']),
  preview_url: z.string().nullable(),
  fallback_url: z.string().nullable(),
  artifacts: z.object({ code: z.string(), tests: z.string(), review: z.string(), deployment: z.string() }),
  /** main's head once the approved branch is merged into it (storage.git.merge_on_approval); null when not merged. Absent on older events. */
  main_commit: z.string().nullable().default(null),
});

export const TaskFailedPayload = z.object({
  phase: z.string(),
  reason: z.string(),
  reasons: z.array(z.string()),
  /** A stable error code a script can branch on (e.g. `request_too_large`); absent on older events. */
  code: z.string().optional(),
  /** What the user can do about it. */
  hint: z.string().optional(),
});

export const TaskProgressPayload = z.object({
  phase: z.string(),
  progress: z.number().min(0).max(1),
  files_created: z.number().int().min(0),
  total_estimated_files: z.number().int().min(0),
  message: z.string(),
});

export const ExplorerFindingsPayload = z.object({
  scan_id: z.string(),
  scan_type: z.enum(['github', 'deployment', 'database']),
  target: z.string(),
  can_replicate: z.boolean(),
  tech_stack: z.array(z.string()),
  similarity_score: z.number().min(0).max(1),
  suggested_tasks: z.array(z.string()),
  findings_ref: z.string(),
});

/**
 * One preview's lifecycle step (spec §7.2): started by the deployer; healthy, unhealthy, restarted,
 * expired, evicted, stopped or failed as the monitor, the CLI/API or a later deploy finds it.
 * Recorded under the preview's task; no agent consumes them, they are the audit trail and live feed.
 */
export const PreviewLifecyclePayload = z.object({
  /** The preview_deployments row. */
  deployment_id: z.string().min(1),
  task_id: z.uuid(),
  /** The project slug (the first part of the router host label). */
  project: z.string().min(1),
  /** The preview URL at the time of the event; null when it has none (never started, stopped). */
  url: z.string().nullable(),
  port: z.number().int().min(0).max(65535).nullable(),
  /** Why it happened, in words a person can act on; null for a plain start or recovery. */
  reason: z.string().nullable(),
  restart_count: z.number().int().min(0),
});

/** Every event type and its payload schema: the catalog keyed by type. */
export const EVENT_PAYLOADS = {
  'task.initiated': TaskInitiatedPayload,
  'plan.created': PlanCreatedPayload,
  'architecture.proposed': ArchitectureProposedPayload,
  'code.pr.opened': CodePrOpenedPayload,
  'test.results': TestResultsPayload,
  'review.decision': ReviewDecisionPayload,
  'deploy.status': DeployStatusPayload,
  'deploy.complete': DeployCompletePayload,
  'task.failed': TaskFailedPayload,
  'task.progress': TaskProgressPayload,
  'explorer.findings': ExplorerFindingsPayload,
  'preview.started': PreviewLifecyclePayload,
  'preview.healthy': PreviewLifecyclePayload,
  'preview.unhealthy': PreviewLifecyclePayload,
  'preview.restarted': PreviewLifecyclePayload,
  'preview.expired': PreviewLifecyclePayload,
  'preview.evicted': PreviewLifecyclePayload,
  'preview.stopped': PreviewLifecyclePayload,
  'preview.failed': PreviewLifecyclePayload,
} as const;

export type EventType = keyof typeof EVENT_PAYLOADS;
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];
export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);
export type PayloadOf<T extends EventType> = z.infer<(typeof EVENT_PAYLOADS)[T]>;

/** The order the happy path emits (process previews); used by the CLI, the UI timeline and the end-to-end tests. */
export const PIPELINE_EVENT_ORDER: readonly EventType[] = [
  'task.initiated',
  'plan.created',
  'architecture.proposed',
  'code.pr.opened',
  'test.results',
  'review.decision',
  'preview.started',
  'deploy.status',
  'deploy.complete',
];

/** Terminal events: a task is over once one of these is recorded. */
export const TERMINAL_EVENT_TYPES: readonly EventType[] = ['deploy.complete', 'task.failed'];

const EnvelopeBase = z.object({
  event_id: z.uuid(),
  version: z.literal('v1'),
  trace_id: z.uuid(),
  task_id: z.uuid(),
  actor: Actor,
  repo: z.string(),
  branch: z.string(),
  commit: z.string(),
  timestamp: z.iso.datetime({ offset: true }),
  /** The event this one answers; the audit trail and redelivery checks use it. */
  causation_id: z.uuid().nullable(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

function envelopeOf<T extends EventType>(type: T) {
  return EnvelopeBase.extend({ event_type: z.literal(type), payload: EVENT_PAYLOADS[type] });
}

export const AgentEventSchema = z.discriminatedUnion('event_type', [
  envelopeOf('task.initiated'),
  envelopeOf('plan.created'),
  envelopeOf('architecture.proposed'),
  envelopeOf('code.pr.opened'),
  envelopeOf('test.results'),
  envelopeOf('review.decision'),
  envelopeOf('deploy.status'),
  envelopeOf('deploy.complete'),
  envelopeOf('task.failed'),
  envelopeOf('task.progress'),
  envelopeOf('explorer.findings'),
  envelopeOf('preview.started'),
  envelopeOf('preview.healthy'),
  envelopeOf('preview.unhealthy'),
  envelopeOf('preview.restarted'),
  envelopeOf('preview.expired'),
  envelopeOf('preview.evicted'),
  envelopeOf('preview.stopped'),
  envelopeOf('preview.failed'),
]);
export type AgentEvent = z.infer<typeof AgentEventSchema>;
export type AgentEventOf<T extends EventType> = Extract<AgentEvent, { event_type: T }>;

/** What a producer supplies; the envelope fields are filled by `createEvent`. */
export type EventDraft<T extends EventType = EventType> = {
  event_type: T;
  payload: PayloadOf<T>;
  branch?: string;
  commit?: string;
  metadata?: Record<string, unknown>;
};

export interface EnvelopeContext {
  trace_id: string;
  task_id: string;
  actor: Actor;
  repo: string;
  branch: string;
  causation_id: string | null;
  event_id: string;
  timestamp: string;
}

/** Builds and validates a full event; throws a ZodError if the payload breaks its schema. */
export function createEvent<T extends EventType>(draft: EventDraft<T>, ctx: EnvelopeContext): AgentEventOf<T> {
  const candidate = {
    event_id: ctx.event_id,
    version: 'v1' as const,
    trace_id: ctx.trace_id,
    task_id: ctx.task_id,
    actor: ctx.actor,
    event_type: draft.event_type,
    repo: ctx.repo,
    branch: draft.branch ?? ctx.branch,
    commit: draft.commit ?? '',
    timestamp: ctx.timestamp,
    causation_id: ctx.causation_id,
    payload: draft.payload,
    metadata: draft.metadata ?? {},
  };
  return AgentEventSchema.parse(candidate) as AgentEventOf<T>;
}

/**
 * Parses an event that arrived from outside (bus, database, HTTP). Unknown versions are refused with
 * a message naming the version, rather than being half-read.
 */
export function parseEvent(input: unknown): AgentEvent {
  if (input && typeof input === 'object' && 'version' in input && (input as { version: unknown }).version !== 'v1') {
    throw new Error(`unsupported event version ${JSON.stringify((input as { version: unknown }).version)}; this build reads v1`);
  }
  return AgentEventSchema.parse(input);
}
