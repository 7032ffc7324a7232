/**
 * Artifacts the agents write and read back (spec §4). Each file on disk parses with one of these
 * schemas; the agent that reads it (architect reads plan.yaml, coder reads data-models.json, …)
 * parses it again, so a hand-edited or corrupted artifact fails with a message naming the field.
 */
import { z } from 'zod';
import { AccessLevel, Domain, FieldType, PascalIdentifier, SnakeIdentifier } from './domain.ts';
import { AppScope } from './app-scope.ts';
import { ReviewDecisionValue, ReviewItem } from './events.ts';

export * from './domain.ts';

// ---------------------------------------------------------------------------------------------
// planning/plan.yaml (spec §4.1)

export const Priority = z.enum(['high', 'medium', 'low']);
export const PlanFeature = z.object({
  id: z.string().regex(/^F\d+$/),
  name: z.string(),
  description: z.string(),
  priority: Priority,
  complexity: z.enum(['low', 'medium', 'high']),
  tasks: z.array(z.string()),
  acceptance_criteria: z.array(z.string()),
});
export const PlanTask = z.object({
  id: z.string().regex(/^T\d+$/),
  feature: z.string(),
  description: z.string(),
  type: z.enum(['backend', 'frontend', 'infra', 'test', 'docs']),
  estimated_hours: z.number().min(0),
  depends_on: z.array(z.string()),
  files_affected: z.array(z.string()),
});
export const PlanEndpoint = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/'),
  description: z.string(),
  input: z.record(z.string(), z.string()).nullable(),
  output: z.record(z.string(), z.string()).nullable(),
});
export const PlanRisk = z.object({
  risk: z.string(),
  severity: z.enum(['low', 'medium', 'high']),
  mitigation: z.string(),
});

export const Plan = z.object({
  project: z.object({ name: z.string(), description: z.string(), target_users: z.string() }),
  features: z.array(PlanFeature).min(1),
  tasks: z.array(PlanTask).min(1),
  api_endpoints: z.array(PlanEndpoint),
  risk_assessment: z.array(PlanRisk),
  assumptions: z.array(z.string()),
  open_questions: z.array(z.string()),
  domain: Domain,
  /** The app's kind and its behaviours beyond CRUD; absent for a records app planned without a model. */
  scope: AppScope.optional(),
});
export type Plan = z.infer<typeof Plan>;

// ---------------------------------------------------------------------------------------------
// architecture/data-models.json (spec §4.2 format, plus what generated code needs)

export const ModelField = z.object({
  name: SnakeIdentifier.or(z.enum(['id', 'user_id', 'created_at', 'updated_at'])),
  type: FieldType,
  required: z.boolean().optional(),
  primary_key: z.boolean().optional(),
  unique: z.boolean().optional(),
  foreign_key: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]*\.id$/)
    .optional(),
  on_delete: z.enum(['cascade', 'set null', 'restrict']).optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  enum_values: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  max_length: z.number().int().positive().optional(),
  label: z.string().optional(),
  /** Server-managed: never accepted from a request body. */
  readonly: z.boolean().optional(),
  /** Never returned in a response (password_hash). */
  private: z.boolean().optional(),
});
export type ModelField = z.infer<typeof ModelField>;

export const DataModel = z.object({
  name: PascalIdentifier,
  collection: SnakeIdentifier,
  /** Plural kebab-case path segment: the resource lives at /api/<resource>. Absent for User. */
  resource: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/)
    .nullable(),
  label: z.string(),
  label_plural: z.string(),
  fields: z.array(ModelField).min(1),
  indexes: z.array(z.object({ fields: z.array(z.string()).min(1), unique: z.boolean().optional() })),
  owned: z.boolean(),
  access: z.object({ read: AccessLevel, write: AccessLevel }),
  searchable: z.array(z.string()).default([]),
  display_field: z.string(),
});
export type DataModel = z.infer<typeof DataModel>;

export const DataModels = z.object({
  app_name: z.string(),
  slug: z.string(),
  auth: z.object({ enabled: z.boolean(), ownership: z.boolean() }),
  models: z.array(DataModel),
});
export type DataModels = z.infer<typeof DataModels>;

// ---------------------------------------------------------------------------------------------
// artifacts/<task>/test-results/test-summary.json (spec §4.4)

export const SuiteSummary = z.object({
  status: z.enum(['passed', 'failed', 'skipped', 'error']),
  total: z.number().int().min(0),
  passed: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
  coverage: z.number().min(0).max(1).nullable(),
  duration_seconds: z.number().min(0),
  /** Why a suite did not run, said plainly (e.g. "skipped: chromium not found"). */
  note: z.string().nullable(),
});
export type SuiteSummary = z.infer<typeof SuiteSummary>;

/**
 * Catalyst's own browser smoke check of the running app (ARCHITECTURE §4), the same for every app:
 * `/` loads and renders something, no uncaught error or failed same-origin request, and the main
 * interactive element responds. `skipped` says why (no Chromium, turned off); anything else is a verdict.
 */
export const SmokeCheckName = z.enum(['start', 'document', 'rendered', 'page_errors', 'console_errors', 'failed_requests', 'interaction']);
export const SmokeCheck = z.object({
  name: SmokeCheckName,
  status: z.enum(['passed', 'failed', 'skipped']),
  /** What was seen, in a sentence ("412 characters of text, 57 visible elements"). */
  detail: z.string(),
});
export const SmokeSummary = z.object({
  status: z.enum(['passed', 'failed', 'skipped']),
  /** Why it was skipped, or the first failed check's detail; null when it passed. */
  reason: z.string().nullable(),
  /** `chromium /usr/bin/chromium`; null when skipped before a browser was chosen. */
  browser: z.string().nullable(),
  checks: z.array(SmokeCheck),
  /** The element the check acted on; null when it did not get that far. */
  interaction: z
    .object({
      /** `button "Add one"`, `canvas`, or `the page` when nothing on it is interactive. */
      element: z.string(),
      actions: z.array(z.enum(['click', 'fill', 'select', 'keys'])),
      /** DOM, form values, canvas pixels or the screenshot changed. */
      changed: z.boolean(),
      error: z.string().nullable(),
    })
    .nullable(),
  /** Artifact paths (relative to the task's artifacts) of the PNGs before and after the interaction. */
  screenshots: z.array(z.string()),
  duration_seconds: z.number().min(0),
});
export type SmokeSummary = z.infer<typeof SmokeSummary>;
export type SmokeCheck = z.infer<typeof SmokeCheck>;

export const TestSummary = z.object({
  overall_status: z.enum(['passed', 'failed']),
  backend: SuiteSummary,
  frontend: SuiteSummary,
  e2e: SuiteSummary,
  /** Absent in summaries written before the smoke check existed. */
  smoke: SmokeSummary.optional(),
  security: z.object({
    critical: z.number().int().min(0),
    high: z.number().int().min(0),
    medium: z.number().int().min(0),
    low: z.number().int().min(0),
    info: z.number().int().min(0),
    secrets_found: z.number().int().min(0),
    dependency_audit: z.enum(['ran', 'unavailable']),
  }),
  coverage: z.object({ lines: z.number().min(0).max(1).nullable(), source: z.string() }),
  total_duration_seconds: z.number().min(0),
});
export type TestSummary = z.infer<typeof TestSummary>;

// ---------------------------------------------------------------------------------------------
// artifacts/<task>/review/review-decision.json (spec §4.5)

export const ReviewDecision = z.object({
  decision: ReviewDecisionValue,
  overall_score: z.number().min(0).max(100),
  breakdown: z.object({
    code_quality: z.number().min(0).max(100),
    security: z.number().min(0).max(100),
    test_coverage: z.number().min(0).max(100),
    documentation: z.number().min(0).max(100),
    best_practices: z.number().min(0).max(100),
  }),
  metrics: z.object({
    coverage: z.number().min(0).max(1).nullable(),
    pass_rate: z.number().min(0).max(1),
    type_errors: z.number().int().min(0),
    lint_errors: z.number().int().min(0),
    secrets_found: z.number().int().min(0),
    todo_markers: z.number().int().min(0),
    files: z.number().int().min(0),
    lines_of_code: z.number().int().min(0),
    largest_file_lines: z.number().int().min(0),
  }),
  thresholds: z.object({
    min_coverage: z.number(),
    min_pass_rate: z.number(),
    min_approval_score: z.number(),
    max_type_errors: z.number(),
  }),
  issues: z.array(ReviewItem),
  recommendations: z.array(z.string()),
  blocking_issues: z.number().int().min(0),
  approved_by: z.string(),
  approved_at: z.string().nullable(),
  /**
   * The model's review of the diff and of the request against what was built (absent without a model).
   * `fallback`: the model's review could not be used and the decision rests on the measurements alone.
   */
  model_review: z
    .object({
      status: z.enum(['reviewed', 'fallback']),
      /** "openai model gpt-4o" */
      by: z.string(),
      summary: z.string().nullable(),
      does_what_was_asked: z.boolean().nullable(),
      unmet_acceptance_criteria: z.array(z.object({ feature: z.string(), criterion: z.string(), why: z.string() })),
      /** Files of the diff the model was not shown (length), so a reader knows what it did not see. */
      files_not_shown: z.array(z.string()),
      /** Why the model's review was not used (fallback only). */
      note: z.string().nullable(),
    })
    .optional(),
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

// ---------------------------------------------------------------------------------------------
// artifacts/<task>/deployment/deployment-record.json (spec §4.6)

export const DeploymentRecord = z.object({
  task_id: z.uuid(),
  deployment_mode: z.enum(['process', 'docker', 'compose_only', 'k8s']),
  processes: z.array(
    z.object({
      name: z.string(),
      pid: z.number().int().nullable(),
      port: z.number().int().nullable(),
      command: z.string(),
      status: z.enum(['healthy', 'unhealthy', 'starting', 'stopped', 'failed']),
    }),
  ),
  sandbox: z.object({ kind: z.enum(['none', 'bwrap', 'docker']), warning: z.string().nullable() }),
  limits: z.object({
    memory_mb: z.number().int().positive(),
    cpus: z.number().positive().optional(),
    /** Whether the preview's CPU use is capped, and when it is not, why (process mode: see docs/operations.md). */
    cpu: z.object({ limited: z.boolean(), reason: z.string().nullable() }).optional(),
  }),
  /** Docker mode: the containers it runs (spec §7.1 `docker://<id>`). */
  containers: z.array(z.object({ service: z.string(), id: z.string(), name: z.string(), image: z.string() })).optional(),
  urls: z.object({ frontend: z.string().nullable(), backend: z.string().nullable(), router: z.string().nullable() }),
  working_copy: z.string(),
  log_path: z.string(),
  deployed_at: z.string(),
  expires_at: z.string(),
  health_checks: z.object({ last_check: z.string().nullable(), backend: z.string(), frontend: z.string() }),
  log_tail: z.array(z.string()),
});
export type DeploymentRecord = z.infer<typeof DeploymentRecord>;
