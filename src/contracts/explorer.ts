/**
 * The explorer's contracts (spec §4.7, §8): what a scan is asked to do, and what it found. Every
 * producer (the three analyzers, the explorer service) and consumer (API, CLI, planner, UI) uses these.
 * `findings.json` in `explorer/<scan-id>/` is an `ExplorerFindings`.
 */
import { z } from 'zod';
import { FieldType } from './artifacts.ts';

export const SCAN_TYPES = ['github', 'deployment', 'database'] as const;
export const ScanType = z.enum(SCAN_TYPES);
export type ScanType = z.infer<typeof ScanType>;

const Target = z.string().trim().min(1, 'target is empty').max(512, 'target is longer than 512 characters');

/**
 * `github`: any git repository — an https:// or http:// clone URL (GitHub or another host) or a local
 * path to a repository. `deployment`: an http(s) URL of a running app. `database`: a postgres://,
 * postgresql://, mysql://, mariadb:// or mongodb:// URL, always opened read-only.
 */
export const ScanRequest = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('github'),
      target: Target,
      credentials: z
        .object({ github_token: z.string().min(1).max(512).optional() })
        .strict()
        .optional(),
      /** quick: files, stack and manifests; standard: + metrics, secrets, import graph; full: + git history and the dependency audit. */
      analysis_depth: z.enum(['quick', 'standard', 'full']).default('standard'),
    })
    .strict(),
  z
    .object({
      type: z.literal('deployment'),
      target: Target,
      credentials: z
        .object({ api_key: z.string().min(1).max(512).optional() })
        .strict()
        .optional(),
      checks: z
        .array(z.enum(['health', 'performance', 'security', 'apis']))
        .min(1)
        .default(['health', 'performance', 'security', 'apis']),
    })
    .strict(),
  z
    .object({
      type: z.literal('database'),
      target: Target,
      credentials: z
        .object({ username: z.string().max(256).optional(), password: z.string().max(512).optional() })
        .strict()
        .optional(),
      /** Scans never write; the field exists because the spec's request carries it, and only `true` is accepted. */
      read_only: z.literal(true, { error: 'database scans are always read-only; omit read_only or set it to true' }).default(true),
    })
    .strict(),
]);
export type ScanRequest = z.infer<typeof ScanRequest>;
export type ScanRequestInput = z.input<typeof ScanRequest>;

export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
export type Severity = z.infer<typeof Severity>;

export const TechCategory = z.enum(['language', 'frontend', 'backend', 'database', 'testing', 'build', 'infrastructure', 'other']);
export const Technology = z.object({
  name: z.string().min(1),
  version: z.string().nullable(),
  category: TechCategory,
  /** Where it was seen: "package.json dependencies", "x-powered-by header", "information_schema". */
  evidence: z.string().min(1),
});
export type Technology = z.infer<typeof Technology>;

export const SecurityIssue = z.object({
  severity: Severity,
  /** e.g. secret, vulnerable_dependency, missing_header, no_tls, no_primary_key, unindexed_foreign_key */
  kind: z.string().min(1),
  message: z.string().min(1),
  /** A file:line, a URL, a table — whatever lets a person find it. */
  location: z.string().nullable(),
});
export type SecurityIssue = z.infer<typeof SecurityIssue>;

/** A record kind the scan found (a table, a collection, an OpenAPI schema, a model file). */
export const DiscoveredEntity = z.object({
  /** As found: "order_items", "OrderItem". */
  source_name: z.string().min(1),
  fields: z.array(
    z.object({
      name: z.string().min(1),
      /** The closest field type Catalyst generates. */
      type: FieldType,
      /** As found: "character varying(200)", "int(11)", "string". */
      source_type: z.string(),
      required: z.boolean(),
      unique: z.boolean().default(false),
      primary_key: z.boolean().default(false),
    }),
  ),
  /** Foreign keys / references: `field` here points at `target` (a source_name). */
  references: z
    .array(
      z.object({
        field: z.string().min(1),
        target: z.string().min(1),
        on_delete: z.enum(['cascade', 'set null', 'restrict']).default('restrict'),
      }),
    )
    .default([]),
  /** Estimated rows (databases) or null. */
  rows: z.number().int().nonnegative().nullable().default(null),
  evidence: z.string().min(1),
});
export type DiscoveredEntity = z.infer<typeof DiscoveredEntity>;

export const GraphNode = z.object({ id: z.string().min(1), kind: z.string().min(1) });
export const GraphEdge = z.object({ from: z.string().min(1), to: z.string().min(1), kind: z.string().min(1) });
export const DependencyGraph = z.object({ nodes: z.array(GraphNode), edges: z.array(GraphEdge) });
export type DependencyGraph = z.infer<typeof DependencyGraph>;

export const RepositorySection = z.object({
  /** The commit scanned. */
  commit: z.string().nullable(),
  default_branch: z.string().nullable(),
  files: z.number().int().nonnegative(),
  lines: z.number().int().nonnegative(),
  languages: z.array(z.object({ name: z.string(), files: z.number().int(), lines: z.number().int() })),
  license: z.string().nullable(),
  has_tests: z.boolean(),
  test_files: z.number().int().nonnegative(),
  has_ci: z.boolean(),
  has_docker: z.boolean(),
  readme_quality: z.enum(['missing', 'minimal', 'good']),
  largest_files: z.array(z.object({ path: z.string(), lines: z.number().int() })),
  /** Mean and worst cyclomatic complexity of JS/TS functions; null when there are none or at quick depth. */
  complexity: z.object({ mean: z.number(), max: z.number(), worst: z.string().nullable() }).nullable(),
  dependencies: z.object({
    manifests: z.array(z.string()),
    runtime: z.array(z.object({ name: z.string(), version: z.string() })),
    dev: z.array(z.object({ name: z.string(), version: z.string() })),
    /** npm audit against the lockfile; `unavailable` with the reason when it could not run. */
    audit: z.union([
      z.object({
        status: z.literal('ok'),
        critical: z.number().int(),
        high: z.number().int(),
        moderate: z.number().int(),
        low: z.number().int(),
      }),
      z.object({ status: z.literal('unavailable'), reason: z.string() }),
      z.object({ status: z.literal('skipped'), reason: z.string() }),
    ]),
  }),
  /** Contributors and commit counts (full depth only; null otherwise). */
  history: z
    .object({
      commits: z.number().int(),
      contributors: z.array(z.object({ name: z.string(), commits: z.number().int() })),
      first_commit: z.string().nullable(),
      last_commit: z.string().nullable(),
    })
    .nullable(),
});
export type RepositorySection = z.infer<typeof RepositorySection>;

export const DeploymentSection = z.object({
  final_url: z.string(),
  status: z.number().int(),
  tls: z.object({ enabled: z.boolean(), valid: z.boolean().nullable(), expires_at: z.string().nullable(), issuer: z.string().nullable() }),
  headers: z.object({ present: z.array(z.string()), missing: z.array(z.string()) }),
  /** Probed paths with their status and median response time. */
  endpoints: z.array(
    z.object({
      method: z.string(),
      path: z.string(),
      status: z.number().int().nullable(),
      median_ms: z.number().nullable(),
      note: z.string().nullable(),
    }),
  ),
  openapi: z.object({ url: z.string(), title: z.string().nullable(), operations: z.number().int() }).nullable(),
  performance: z.object({ samples: z.number().int(), median_ms: z.number(), p95_ms: z.number(), bytes: z.number().int() }).nullable(),
  auth: z.object({ detected: z.boolean(), mechanisms: z.array(z.string()) }),
});
export type DeploymentSection = z.infer<typeof DeploymentSection>;

export const DatabaseSection = z.object({
  engine: z.enum(['postgresql', 'mysql', 'mariadb', 'mongodb']),
  version: z.string().nullable(),
  database: z.string(),
  tables: z.array(
    z.object({
      name: z.string(),
      schema: z.string().nullable(),
      rows: z.number().int().nonnegative().nullable(),
      indexes: z.array(z.object({ name: z.string(), columns: z.array(z.string()), unique: z.boolean() })),
    }),
  ),
  /** Slow query statistics when the server keeps them (pg_stat_statements, performance_schema); else why not. */
  slow_queries: z.union([
    z.object({ status: z.literal('ok'), queries: z.array(z.object({ query: z.string(), calls: z.number(), mean_ms: z.number() })) }),
    z.object({ status: z.literal('unavailable'), reason: z.string() }),
  ]),
  optimizations: z.array(z.string()),
});
export type DatabaseSection = z.infer<typeof DatabaseSection>;

/** What one analyzer returns; the explorer service adds ids, times, scores and the suggestions. */
export const AnalyzerResult = z.object({
  technologies: z.array(Technology),
  security: z.array(SecurityIssue),
  entities: z.array(DiscoveredEntity),
  graph: DependencyGraph,
  /** Inferred architecture in a few plain sentences, and its parts. */
  architecture: z.object({
    style: z.string().min(1),
    components: z.array(z.object({ name: z.string(), kind: z.string(), path: z.string().nullable() })),
    notes: z.array(z.string()),
  }),
  /** Improvements a build from this scan should make, each a short imperative sentence. */
  improvements: z.array(z.string()),
  repository: RepositorySection.optional(),
  deployment: DeploymentSection.optional(),
  database: DatabaseSection.optional(),
});
export type AnalyzerResult = z.infer<typeof AnalyzerResult>;

export const ExplorerFindings = AnalyzerResult.extend({
  scan_id: z.uuid(),
  scan_type: ScanType,
  /** The target without credentials (user:password@ and tokens are removed). */
  target: z.string(),
  started_at: z.string(),
  completed_at: z.string(),
  duration_ms: z.number().int().nonnegative(),
  summary: z.string().min(1),
  /** 0–100: 100 = no security issues found. */
  security_score: z.number().min(0).max(100),
  /** 0–100: 0 = no debt found (complexity, missing tests/CI/docs, outdated or vulnerable packages). */
  tech_debt_score: z.number().min(0).max(100),
  /** How close the scanned stack is to what Catalyst generates (TypeScript, React, Fastify, SQL), 0–1. */
  similarity_score: z.number().min(0).max(1),
  /** True when a build from this scan has something to go on: records to keep, or a stack close to ours. */
  can_replicate: z.boolean(),
  suggested_tasks: z.array(z.string()),
});
export type ExplorerFindings = z.infer<typeof ExplorerFindings>;

export const ScanStatus = z.enum(['running', 'completed', 'failed']);
export const ScanRecord = z.object({
  id: z.uuid(),
  scan_type: ScanType,
  target: z.string(),
  status: ScanStatus,
  error: z.string().nullable(),
  tech_stack: z.array(z.string()),
  security_score: z.number().nullable(),
  tech_debt_score: z.number().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  artifacts_dir: z.string().nullable(),
});
export type ScanRecord = z.infer<typeof ScanRecord>;
