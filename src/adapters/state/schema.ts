/**
 * One pg-core schema for both drivers (PGlite and node-postgres): the tables of spec §3.2 plus the outbox
 * and inbox that make effects exactly-once (ARCHITECTURE.md §1). `drizzle-kit generate` turns this file
 * into the SQL under drizzle/.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import type { AgentEvent } from '../../contracts/events.ts';

export { documents } from '../documents/schema.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const emptyObject = sql`'{}'::jsonb`;

export const projects = pgTable('projects', {
  id: uuid('id').primaryKey(),
  name: varchar('name', { length: 255 }).notNull(),
  slug: varchar('slug', { length: 64 }).notNull().unique(),
  description: text('description'),
  repo_url: varchar('repo_url', { length: 512 }),
  repo_path: varchar('repo_path', { length: 512 }),
  status: varchar('status', { length: 50 }),
  created_at: createdAt(),
});

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey(),
    project_id: uuid('project_id')
      .notNull()
      .references(() => projects.id),
    trace_id: uuid('trace_id').notNull(),
    user_prompt: text('user_prompt').notNull(),
    mode: varchar('mode', { length: 20 }).notNull(),
    status: varchar('status', { length: 50 }).notNull(),
    current_phase: varchar('current_phase', { length: 50 }).notNull(),
    branch_name: varchar('branch_name', { length: 255 }),
    commit_sha: varchar('commit_sha', { length: 64 }),
    preview_url: varchar('preview_url', { length: 512 }),
    error: text('error'),
    created_at: createdAt(),
    updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completed_at: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    cost_total: numeric('cost_total', { precision: 10, scale: 6, mode: 'number' }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default(emptyObject),
    // PGlite's clock ticks in milliseconds, so created_at can tie; this keeps "newest first" total.
    seq: serial('seq').notNull(),
    /** The process running the task (null: nobody); it holds the task while lease_expires_at is ahead. */
    owner_id: varchar('owner_id', { length: 160 }),
    lease_expires_at: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('tasks_project_idx').on(t.project_id), index('tasks_seq_idx').on(t.seq), index('tasks_status_idx').on(t.status)],
);

export const agentEvents = pgTable(
  'agent_events',
  {
    id: serial('id').primaryKey(),
    event_id: uuid('event_id').notNull().unique(),
    trace_id: uuid('trace_id').notNull(),
    task_id: uuid('task_id'),
    actor: varchar('actor', { length: 50 }).notNull(),
    event_type: varchar('event_type', { length: 100 }).notNull(),
    /** The whole v1 envelope, as published. */
    payload: jsonb('payload').$type<AgentEvent>().notNull(),
    created_at: createdAt(),
  },
  (t) => [index('idx_trace').on(t.trace_id), index('idx_task').on(t.task_id), index('idx_actor').on(t.actor)],
);

export const previewDeployments = pgTable(
  'preview_deployments',
  {
    id: uuid('id').primaryKey(),
    task_id: uuid('task_id')
      .notNull()
      .references(() => tasks.id),
    url: varchar('url', { length: 512 }).notNull(),
    fallback_url: varchar('fallback_url', { length: 512 }),
    container_id: varchar('container_id', { length: 128 }),
    port: integer('port'),
    status: varchar('status', { length: 50 }).notNull(),
    health_check_url: varchar('health_check_url', { length: 512 }).notNull(),
    working_copy: text('working_copy'),
    log_path: text('log_path'),
    created_at: createdAt(),
    expires_at: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    last_health_check: timestamp('last_health_check', { withTimezone: true, mode: 'date' }),
    restart_count: integer('restart_count').notNull().default(0),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default(emptyObject),
  },
  (t) => [index('preview_deployments_task_idx').on(t.task_id), index('preview_deployments_status_idx').on(t.status)],
);

export const explorerScans = pgTable('explorer_scans', {
  id: uuid('id').primaryKey(),
  scan_type: varchar('scan_type', { length: 50 }).notNull(),
  target: varchar('target', { length: 512 }).notNull(),
  findings: jsonb('findings'),
  tech_stack: jsonb('tech_stack'),
  security_score: numeric('security_score', { precision: 5, scale: 2, mode: 'number' }),
  tech_debt_score: numeric('tech_debt_score', { precision: 5, scale: 2, mode: 'number' }),
  created_at: createdAt(),
  /** running | completed | failed: a scan is recorded when it starts, so a crash leaves a visible trace. */
  status: varchar('status', { length: 20 }).notNull().default('completed'),
  error: text('error'),
  completed_at: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  artifacts_dir: text('artifacts_dir'),
});

/** Events waiting for the relay to publish them (written in the same transaction as the state change). */
export const outbox = pgTable(
  'outbox',
  {
    id: serial('id').primaryKey(),
    event_id: uuid('event_id').notNull().unique(),
    routing_key: varchar('routing_key', { length: 150 }).notNull(),
    event: jsonb('event').$type<AgentEvent>().notNull(),
    created_at: createdAt(),
    claimed_at: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
    sent_at: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    index('outbox_unsent_idx')
      .on(t.id)
      .where(sql`${t.sent_at} is null`),
  ],
);

/**
 * What each consumer has seen. Keys are text, not uuid, so that a malformed delivery can still be counted
 * and dead-lettered under whatever id it carried.
 */
export const inbox = pgTable(
  'inbox',
  {
    consumer: varchar('consumer', { length: 100 }).notNull(),
    event_id: text('event_id').notNull(),
    task_id: text('task_id'),
    status: varchar('status', { length: 20 }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    last_error: text('last_error'),
    updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.event_id] })],
);

/**
 * One language-model call (src/contracts/llm.ts LlmCall): every attempt that reached a provider, the
 * response cache or a replay file, ok or failed. The cost API and the per-task budget across processes
 * read these rows; `tasks.cost_total` is their running sum.
 */
export const llmCalls = pgTable(
  'llm_calls',
  {
    call_id: text('call_id').primaryKey(),
    task_id: uuid('task_id').references(() => tasks.id),
    agent: varchar('agent', { length: 50 }).notNull(),
    provider: varchar('provider', { length: 50 }).notNull(),
    model: varchar('model', { length: 255 }).notNull(),
    started_at: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    duration_ms: doublePrecision('duration_ms').notNull(),
    tokens_in: integer('tokens_in').notNull(),
    tokens_cached: integer('tokens_cached').notNull(),
    tokens_out: integer('tokens_out').notNull(),
    cost_usd: numeric('cost_usd', { precision: 12, scale: 6, mode: 'number' }).notNull(),
    cache_hit: boolean('cache_hit').notNull(),
    status: varchar('status', { length: 20 }).notNull(),
    error_code: varchar('error_code', { length: 64 }),
    created_at: createdAt(),
    // Insertion order, for a task's calls in the order they were made (started_at can tie).
    seq: serial('seq').notNull(),
  },
  (t) => [index('llm_calls_task_idx').on(t.task_id, t.seq)],
);
