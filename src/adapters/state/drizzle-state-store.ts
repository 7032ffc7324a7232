/**
 * The StateStore port on drizzle's pg-core query builder. Both drivers (PGlite, node-postgres) hand in a
 * migrated database; everything here is plain PostgreSQL, so the two behave the same.
 */
import { and, asc, desc, eq, exists, gt, inArray, isNull, lt, lte, ne, or, sql, count } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { AgentEvent } from '../../contracts/events.ts';
import { routingKeyFor } from '../../contracts/events.ts';
import type { PreviewDeployment, ProjectRecord, StoredEvent, TaskPatch, TaskRecord } from '../../contracts/records.ts';
import { emptyUsageTotals, type CostOverview, type LlmProvider, type LlmUsageTotals, type ModelAgent } from '../../contracts/llm.ts';
import { AppError } from '../../core/errors.ts';
import type {
  AttemptInfo,
  InboxStatus,
  NewProject,
  NewTask,
  OutboxRow,
  OwnerlessTask,
  PreviewPatch,
  PreviewUpsert,
  StateStore,
  StepCommit,
  TaskLease,
} from '../../core/ports/state-store.ts';
import { eventFromRow, llmCallFromRow, llmCallRow, previewFromRow, projectFromRow, scanFromRow, taskFromRow, toDate } from './rows.ts';
import { agentEvents, explorerScans, inbox, llmCalls, outbox, previewDeployments, projects, tasks } from './schema.ts';
import { createMicroBatcher } from './micro-batcher.ts';

export type StateDb = PgDatabase<PgQueryResultHKT, Record<string, never>>;
type Tx = Parameters<Parameters<StateDb['transaction']>[0]>[0];
type Queryable = StateDb | Tx;

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/** drizzle wraps driver errors in DrizzleQueryError; the SQLSTATE lives on the cause. */
function sqlState(e: unknown): string | undefined {
  for (let cur: unknown = e; cur && typeof cur === 'object'; cur = (cur as { cause?: unknown }).cause) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function constraintOf(e: unknown): string {
  for (let cur: unknown = e; cur && typeof cur === 'object'; cur = (cur as { cause?: unknown }).cause) {
    const c = (cur as { constraint?: unknown }).constraint;
    if (typeof c === 'string') return c;
  }
  return '';
}

function mergeJson(column: typeof tasks.metadata | typeof previewDeployments.metadata, patch: Record<string, unknown>) {
  return sql`coalesce(${column}, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb`;
}

/** Sums one group of calls into a total; costs rounded to micro-dollars, as summarizeTaskCost does. */
function addTotals(t: LlmUsageTotals, g: LlmUsageTotals): void {
  t.calls += g.calls;
  t.cache_hits += g.cache_hits;
  t.failed += g.failed;
  t.tokens_in += g.tokens_in;
  t.tokens_cached += g.tokens_cached;
  t.tokens_out += g.tokens_out;
  t.cost_usd = Math.round((t.cost_usd + g.cost_usd) * 1e6) / 1e6;
}

function taskNotFound(id: string): AppError {
  return new AppError('task_not_found', `no task with id ${id}`, { hint: 'List tasks to find a valid id.' });
}

function taskSet(patch: TaskPatch): Record<string, unknown> {
  const set: Record<string, unknown> = { updated_at: sql`now()` };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.current_phase !== undefined) set.current_phase = patch.current_phase;
  if (patch.branch_name !== undefined) set.branch_name = patch.branch_name;
  if (patch.commit_sha !== undefined) set.commit_sha = patch.commit_sha;
  if (patch.preview_url !== undefined) set.preview_url = patch.preview_url;
  if (patch.error !== undefined) set.error = patch.error;
  if (patch.completed_at !== undefined) set.completed_at = toDate(patch.completed_at);
  if (patch.metadata !== undefined) set.metadata = mergeJson(tasks.metadata, patch.metadata);
  return set;
}

function eventRow(event: AgentEvent): typeof agentEvents.$inferInsert {
  return {
    event_id: event.event_id,
    trace_id: event.trace_id,
    task_id: event.task_id,
    actor: event.actor,
    event_type: event.event_type,
    payload: event,
  };
}

// Explicit, so a caller passing a whole ProjectRecord cannot smuggle in created_at or status.
function projectRow(project: NewProject): typeof projects.$inferInsert {
  return {
    id: project.id,
    name: project.name,
    slug: project.slug,
    description: project.description,
    repo_path: project.repo_path,
    status: 'active',
  };
}

const LIVE_TASK = sql`${tasks.status} in ('queued', 'running')`;
const leaseUntil = (leaseMs: number) => sql`now() + make_interval(secs => ${leaseMs / 1000})`;
/** Nobody holds the task: released, never owned, or its owner stopped renewing. */
const OWNERLESS = sql`(${tasks.owner_id} is null or ${tasks.lease_expires_at} is null or ${tasks.lease_expires_at} < now())`;

function outboxRow(event: AgentEvent): typeof outbox.$inferInsert {
  return { event_id: event.event_id, routing_key: routingKeyFor(event.event_type), event };
}

export function createDrizzleStateStore(db: StateDb, kind: StateStore['kind'], closeDriver: () => Promise<void>): StateStore {
  async function insertProjectIfMissing(q: Queryable, project: NewProject): Promise<void> {
    try {
      await q.insert(projects).values(projectRow(project)).onConflictDoNothing({ target: projects.id });
    } catch (e) {
      throw slugTaken(e, project.slug);
    }
  }

  function slugTaken(e: unknown, slug: string): unknown {
    if (sqlState(e) === UNIQUE_VIOLATION && constraintOf(e).includes('slug')) {
      return new AppError('invalid_option', `project slug "${slug}" already belongs to another project`, {
        hint: 'Choose another project name, or reuse the existing project by its id.',
        // The build submitter recognises a lost race for a free slug by this and picks the next one.
        details: { conflict: 'project_slug', slug },
        cause: e,
      });
    }
    return e;
  }

  /**
   * Attempt counts of handlers that start together are written in one statement (one round trip per batch,
   * not per event). On PostgreSQL each count is committed without waiting for the WAL flush (synchronous_commit off for
   * this statement): a crashed worker cannot lose it (the server already has it); only a crash of the
   * PostgreSQL server itself in the next few hundred ms could, which at worst grants one extra attempt.
   * Effects stay exactly-once: commitStep commits synchronously, flushing these rows with it.
   */
  const attempts = createMicroBatcher<{ consumer: string; event_id: string; task_id: string }, AttemptInfo>({
    keyOf: (a) => `${a.consumer}\u0000${a.event_id}`,
    async run(items) {
      // Embedded, the database dies with this process: a count left in its WAL buffer would be lost with
      // it, and a step that kills its process would then be retried forever. So PGlite commits it durably.
      const commitMode = kind === 'pglite' ? 'on' : 'off';
      const result = (await db.execute(sql`
        with relaxed as (select set_config('synchronous_commit', ${commitMode}, true))
        insert into ${inbox} (consumer, event_id, task_id, status, attempts)
        select r.consumer, r.event_id, r.task_id, 'in_progress', 1
        from relaxed, jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as r(consumer varchar, event_id text, task_id text)
        on conflict (consumer, event_id) do update set attempts = ${inbox.attempts} + 1, updated_at = now()
        returning consumer, event_id, attempts, status`)) as unknown as {
        rows: Array<{ consumer: string; event_id: string; attempts: number; status: string }>;
      };
      return new Map(
        result.rows.map((row) => [`${row.consumer}\u0000${row.event_id}`, { attempt: row.attempts, status: row.status as InboxStatus }]),
      );
    },
  });

  /**
   * Step commits of handlers that finish together share one statement: one round trip and one WAL flush
   * for the batch, each step still all-or-nothing (a failed batch is retried step by step, so a bad step
   * fails only its own caller). A task appears at most once per batch, so its patches apply in order.
   *
   * Within the statement, each step's inbox mark is gated on its task existing, and its events, task patch
   * and outbox rows are gated on the mark, so a duplicate (already processed) step changes nothing. The
   * task rows are locked first, in id order, so two batches touching the same tasks cannot deadlock; a
   * concurrent duplicate waits on that lock and then sees 'processed'.
   */
  const steps = createMicroBatcher<StepCommit, 'committed' | 'duplicate' | 'task_not_found'>({
    keyOf: (s) => s.task_id,
    async run(batch) {
      const items = batch.map((s, k) => ({
        k,
        consumer: s.consumer,
        inbound_event_id: s.inbound_event_id,
        task_id: s.task_id,
        events: s.events.map(eventRow),
        queued: s.publish ? s.events.map(outboxRow) : [],
        patch: s.task_patch,
      }));
      // Both drivers (node-postgres, PGlite) answer execute() with a `rows` array.
      const result = (await db.execute(sql`
        with items as (
          select * from jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
            as i(k int, consumer varchar, inbound_event_id text, task_id uuid, events jsonb, queued jsonb, patch jsonb)
        ), found as (
          select ${tasks.id} as id from ${tasks} where ${tasks.id} in (select task_id from items)
          order by ${tasks.id} for update
        ), marked as (
          insert into ${inbox} (consumer, event_id, task_id, status, attempts)
          select i.consumer, i.inbound_event_id, i.task_id, 'processed', 1
          from items i where i.task_id in (select id from found)
          on conflict (consumer, event_id) do update set status = 'processed', last_error = null, updated_at = now()
          where ${inbox.status} <> 'processed'
          returning consumer, event_id
        ), marked_items as (
          select i.* from items i join marked m on m.consumer = i.consumer and m.event_id = i.inbound_event_id
        ), audit as (
          insert into ${agentEvents} (event_id, trace_id, task_id, actor, event_type, payload)
          select r.event_id, r.trace_id, r.task_id, r.actor, r.event_type, r.payload
          from marked_items i, rows from (jsonb_to_recordset(i.events)
            as (event_id uuid, trace_id uuid, task_id uuid, actor varchar, event_type varchar, payload jsonb))
            with ordinality as r(event_id, trace_id, task_id, actor, event_type, payload, n)
          order by i.k, r.n
        ), patched as (
          update ${tasks} t set
            status = case when i.patch ? 'status' then i.patch->>'status' else t.status end,
            current_phase = case when i.patch ? 'current_phase' then i.patch->>'current_phase' else t.current_phase end,
            branch_name = case when i.patch ? 'branch_name' then i.patch->>'branch_name' else t.branch_name end,
            commit_sha = case when i.patch ? 'commit_sha' then i.patch->>'commit_sha' else t.commit_sha end,
            preview_url = case when i.patch ? 'preview_url' then i.patch->>'preview_url' else t.preview_url end,
            error = case when i.patch ? 'error' then i.patch->>'error' else t.error end,
            completed_at = case when i.patch ? 'completed_at' then (i.patch->>'completed_at')::timestamptz else t.completed_at end,
            metadata = case when i.patch ? 'metadata' then coalesce(t.metadata, '{}'::jsonb) || (i.patch->'metadata') else t.metadata end,
            updated_at = now()
          from marked_items i where t.id = i.task_id
        ), queued as (
          insert into ${outbox} (event_id, routing_key, event)
          select r.event_id, r.routing_key, r.event
          from marked_items i, rows from (jsonb_to_recordset(i.queued)
            as (event_id uuid, routing_key varchar, event jsonb))
            with ordinality as r(event_id, routing_key, event, n)
          order by i.k, r.n
        )
        select i.k, i.task_id in (select id from found) as task_found,
               exists (select 1 from marked_items m where m.k = i.k) as marked
        from items i`)) as unknown as { rows: Array<{ k: number; task_found: boolean; marked: boolean }> };
      return new Map(
        result.rows.map((row) => [
          batch[row.k]!.task_id,
          !row.task_found ? ('task_not_found' as const) : row.marked ? ('committed' as const) : ('duplicate' as const),
        ]),
      );
    },
  });

  async function patchTask(q: Queryable, id: string, patch: TaskPatch): Promise<TaskRecord> {
    const [row] = await q.update(tasks).set(taskSet(patch)).where(eq(tasks.id, id)).returning();
    if (!row) throw taskNotFound(id);
    return taskFromRow(row);
  }

  return {
    kind,

    async upsertProject(project: NewProject): Promise<ProjectRecord> {
      try {
        const [row] = await db
          .insert(projects)
          .values(projectRow(project))
          .onConflictDoUpdate({
            target: projects.id,
            set: {
              name: project.name,
              slug: project.slug,
              description: project.description,
              repo_path: project.repo_path,
            },
          })
          .returning();
        return projectFromRow(row!);
      } catch (e) {
        throw slugTaken(e, project.slug);
      }
    },

    async getProject(id) {
      const [row] = await db.select().from(projects).where(eq(projects.id, id));
      return row ? projectFromRow(row) : null;
    },

    async getProjectBySlug(slug) {
      const [row] = await db.select().from(projects).where(eq(projects.slug, slug));
      return row ? projectFromRow(row) : null;
    },

    async listProjects() {
      const rows = await db.select().from(projects).orderBy(asc(projects.created_at), asc(projects.name));
      return rows.map(projectFromRow);
    },

    async createTask({
      project,
      task,
      event,
      publish,
      owner,
    }: {
      project: NewProject;
      task: NewTask;
      event: AgentEvent;
      publish: boolean;
      owner?: TaskLease;
    }) {
      return db.transaction(async (tx) => {
        await insertProjectIfMissing(tx, project);
        const [row] = await tx
          .insert(tasks)
          .values({
            id: task.id,
            project_id: task.project_id,
            trace_id: task.trace_id,
            user_prompt: task.user_prompt,
            mode: task.mode,
            status: 'queued',
            current_phase: 'queued',
            metadata: task.metadata ?? {},
            ...(owner ? { owner_id: owner.owner, lease_expires_at: leaseUntil(owner.leaseMs) } : {}),
          })
          .returning();
        await tx.insert(agentEvents).values(eventRow(event));
        if (publish) await tx.insert(outbox).values(outboxRow(event));
        return taskFromRow(row!);
      });
    },

    async getTask(id) {
      const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
      return row ? taskFromRow(row) : null;
    },

    async findTaskIds(prefix, limit) {
      // Only hex digits and dashes reach the LIKE pattern, so it holds no wildcard of the caller's.
      if (!/^[0-9a-f-]+$/.test(prefix)) return [];
      const rows = await db
        .select({ id: tasks.id })
        .from(tasks)
        .where(sql`${tasks.id}::text like ${`${prefix}%`}`)
        .limit(limit);
      return rows.map((r) => r.id);
    },

    async listTasks(opts = {}) {
      const rows = await db
        .select()
        .from(tasks)
        .where(
          and(
            opts.projectId === undefined ? undefined : eq(tasks.project_id, opts.projectId),
            opts.finishedBefore === undefined ? undefined : lt(tasks.completed_at, new Date(opts.finishedBefore)),
          ),
        )
        .orderBy(...(opts.finishedBefore === undefined ? [desc(tasks.created_at), desc(tasks.seq)] : [asc(tasks.completed_at)]))
        .limit(opts.limit ?? 100);
      return rows.map(taskFromRow);
    },

    async updateTask(id, patch) {
      return patchTask(db, id, patch);
    },

    async claimTask(taskId, lease) {
      const [row] = await db
        .update(tasks)
        .set({ owner_id: lease.owner, lease_expires_at: leaseUntil(lease.leaseMs) })
        .where(and(eq(tasks.id, taskId), LIVE_TASK, or(OWNERLESS, eq(tasks.owner_id, lease.owner))))
        .returning();
      return row ? taskFromRow(row) : null;
    },

    async claimOwnerlessTasks(lease, opts) {
      // SKIP LOCKED: a task another claimer is taking right now is its, not a reason to wait.
      const claimable = db
        .select({ id: tasks.id })
        .from(tasks)
        // Its own task whose renewal came late is still this process's: not a resume.
        .where(and(LIVE_TASK, eq(tasks.mode, opts.mode), OWNERLESS, sql`${tasks.owner_id} is distinct from ${lease.owner}`))
        .orderBy(asc(tasks.seq))
        .limit(opts.limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(tasks)
        .set({
          owner_id: lease.owner,
          lease_expires_at: leaseUntil(lease.leaseMs),
          metadata: sql`coalesce(${tasks.metadata}, '{}'::jsonb) || jsonb_build_object('resume', jsonb_build_object(
            'count', coalesce((${tasks.metadata}->'resume'->>'count')::int, 0) + 1,
            'at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
            'previous_owner', ${tasks.owner_id}))`,
        })
        .where(and(inArray(tasks.id, claimable), LIVE_TASK, OWNERLESS))
        .returning();
      return rows.sort((a, b) => a.seq - b.seq).map(taskFromRow);
    },

    async renewLeases(owner, leaseMs, taskIds) {
      if (taskIds && taskIds.length === 0) return [];
      const rows = await db
        .update(tasks)
        .set({ lease_expires_at: leaseUntil(leaseMs) })
        .where(and(eq(tasks.owner_id, owner), LIVE_TASK, taskIds ? inArray(tasks.id, taskIds) : undefined))
        .returning({ id: tasks.id });
      return rows.map((r) => r.id);
    },

    async holdTask(taskId, lease) {
      const rows = await db
        .update(tasks)
        .set({ owner_id: lease.owner, lease_expires_at: leaseUntil(lease.leaseMs) })
        .where(and(eq(tasks.id, taskId), LIVE_TASK))
        .returning({ id: tasks.id });
      return rows.length > 0;
    },

    async releaseTasks(owner, taskIds) {
      if (taskIds && taskIds.length === 0) return;
      await db
        .update(tasks)
        .set({ owner_id: null, lease_expires_at: null })
        .where(and(eq(tasks.owner_id, owner), taskIds ? inArray(tasks.id, taskIds) : undefined));
    },

    async listOwnerlessTasks(): Promise<OwnerlessTask[]> {
      const rows = await db.select().from(tasks).where(and(LIVE_TASK, OWNERLESS)).orderBy(asc(tasks.seq));
      return rows.map((row) => ({
        task: taskFromRow(row),
        last_owner: row.owner_id,
        lease_expired_at: row.lease_expires_at ? row.lease_expires_at.toISOString() : null,
      }));
    },

    async listEvents(taskId): Promise<StoredEvent[]> {
      const rows = await db.select().from(agentEvents).where(eq(agentEvents.task_id, taskId)).orderBy(asc(agentEvents.id));
      return rows.map(eventFromRow);
    },

    async listEventsAfter(afterId, limit) {
      const rows = await db.select().from(agentEvents).where(gt(agentEvents.id, afterId)).orderBy(asc(agentEvents.id)).limit(limit);
      return rows.map(eventFromRow);
    },

    async appendEvent(event) {
      // Audit-only events may be re-sent by a retried step; the first copy is the record.
      await db.insert(agentEvents).values(eventRow(event)).onConflictDoNothing({ target: agentEvents.event_id });
    },

    beginAttempt(consumer, eventId, taskId): Promise<AttemptInfo> {
      return attempts.submit({ consumer, event_id: eventId, task_id: taskId });
    },

    async refundAttempt(consumer, eventId) {
      await db
        .update(inbox)
        .set({ attempts: sql`greatest(${inbox.attempts} - 1, 0)`, updated_at: sql`now()` })
        .where(and(eq(inbox.consumer, consumer), eq(inbox.event_id, eventId), eq(inbox.status, 'in_progress')));
    },

    async commitStep(step: StepCommit) {
      const outcome = await steps.submit(step);
      if (outcome === 'task_not_found') throw taskNotFound(step.task_id);
      return outcome;
    },

    async markDeadLettered(consumer, eventId, reason) {
      await db
        .insert(inbox)
        .values({ consumer, event_id: eventId, status: 'dead_lettered', attempts: 0, last_error: reason })
        .onConflictDoUpdate({
          target: [inbox.consumer, inbox.event_id],
          set: { status: 'dead_lettered', last_error: reason, updated_at: sql`now()` },
          // A step that did commit stays committed; dead-lettering it afterwards would lie about the effect.
          setWhere: ne(inbox.status, 'processed'),
        });
    },

    async listInbox(taskId) {
      const rows = await db
        .select({ consumer: inbox.consumer, event_id: inbox.event_id, status: inbox.status, attempts: inbox.attempts })
        .from(inbox)
        .where(eq(inbox.task_id, taskId));
      return rows.map((r) => ({ ...r, status: r.status as InboxStatus }));
    },

    async requeueEvents(events) {
      if (events.length === 0) return;
      await db
        .insert(outbox)
        .values(events.map(outboxRow))
        .onConflictDoUpdate({ target: outbox.event_id, set: { sent_at: null, claimed_at: null } });
    },

    async redoStep(redo) {
      const NOT_TAKEN = new Error('redo not taken');
      try {
        await db.transaction(async (tx) => {
          const reopened = await tx
            .update(inbox)
            .set({ status: 'in_progress', updated_at: sql`now()` })
            .where(and(eq(inbox.consumer, redo.producer), eq(inbox.event_id, redo.producer_event.event_id), eq(inbox.status, 'processed')))
            .returning({ consumer: inbox.consumer });
          if (reopened.length === 0) throw NOT_TAKEN;
          const consumed = await tx
            .update(inbox)
            .set({ status: 'processed', last_error: null, updated_at: sql`now()` })
            .where(and(eq(inbox.consumer, redo.consumer), eq(inbox.event_id, redo.inbound_event_id), eq(inbox.status, 'in_progress')))
            .returning({ consumer: inbox.consumer });
          if (consumed.length === 0) throw NOT_TAKEN;
          await patchTask(tx, redo.task_id, redo.task_patch);
          if (redo.requeue)
            await tx
              .insert(outbox)
              .values(outboxRow(redo.producer_event))
              .onConflictDoUpdate({ target: outbox.event_id, set: { sent_at: null, claimed_at: null } });
        });
        return true;
      } catch (e) {
        if (e === NOT_TAKEN) return false;
        throw e;
      }
    },

    async claimOutbox(limit, staleAfterMs): Promise<OutboxRow[]> {
      const staleBefore = sql`now() - make_interval(secs => ${staleAfterMs / 1000})`;
      const claimable = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(isNull(outbox.sent_at), or(isNull(outbox.claimed_at), lte(outbox.claimed_at, staleBefore))))
        .orderBy(asc(outbox.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await db
        .update(outbox)
        .set({ claimed_at: sql`now()`, attempts: sql`${outbox.attempts} + 1` })
        .where(inArray(outbox.id, claimable))
        .returning({
          id: outbox.id,
          event_id: outbox.event_id,
          routing_key: outbox.routing_key,
          event: outbox.event,
          attempts: outbox.attempts,
        });
      return rows.sort((a, b) => a.id - b.id);
    },

    async markOutboxSent(ids) {
      if (ids.length === 0) return;
      await db
        .update(outbox)
        .set({ sent_at: sql`now()` })
        .where(and(inArray(outbox.id, ids), isNull(outbox.sent_at)));
    },

    async countUnsentOutbox() {
      const [row] = await db.select({ n: count() }).from(outbox).where(isNull(outbox.sent_at));
      return Number(row?.n ?? 0);
    },

    async createScan(scan) {
      const [row] = await db
        .insert(explorerScans)
        .values({ id: scan.id, scan_type: scan.scan_type, target: scan.target, status: 'running' })
        .returning();
      return scanFromRow(row!);
    },

    async finishScan(id, result) {
      const set =
        result.status === 'completed'
          ? {
              status: 'completed',
              error: null,
              findings: result.findings,
              tech_stack: result.tech_stack,
              security_score: result.security_score,
              tech_debt_score: result.tech_debt_score,
              artifacts_dir: result.artifacts_dir,
              completed_at: sql`now()`,
            }
          : { status: 'failed', error: result.error, completed_at: sql`now()` };
      const [row] = await db
        .update(explorerScans)
        .set(set)
        .where(and(eq(explorerScans.id, id), eq(explorerScans.status, 'running')))
        .returning();
      if (!row)
        throw new AppError('scan_not_found', `no running scan with id ${id}`, {
          hint: 'List scans to find a valid id; a finished scan cannot be finished again.',
        });
      return scanFromRow(row);
    },

    async getScan(id) {
      const [row] = await db.select().from(explorerScans).where(eq(explorerScans.id, id));
      return row ? { record: scanFromRow(row), findings: row.findings ?? null } : null;
    },

    async listScans(opts = {}) {
      const rows = await db
        .select()
        .from(explorerScans)
        .orderBy(desc(explorerScans.created_at), desc(explorerScans.id))
        .limit(opts.limit ?? 100);
      return rows.map(scanFromRow);
    },

    async recordLlmCall(call) {
      try {
        await db.transaction(async (tx) => {
          const inserted = await tx
            .insert(llmCalls)
            .values(llmCallRow(call))
            .onConflictDoNothing({ target: llmCalls.call_id })
            .returning({ id: llmCalls.call_id });
          // A call reported twice (a retried write) is counted once.
          if (inserted.length === 0 || call.task_id === null || call.cost_usd === 0) return;
          await tx
            .update(tasks)
            .set({ cost_total: sql`coalesce(${tasks.cost_total}, 0) + ${call.cost_usd}` })
            .where(eq(tasks.id, call.task_id));
        });
      } catch (e) {
        if (sqlState(e) === FOREIGN_KEY_VIOLATION && call.task_id !== null) throw taskNotFound(call.task_id);
        throw e;
      }
    },

    async listLlmCalls(taskId) {
      const rows = await db.select().from(llmCalls).where(eq(llmCalls.task_id, taskId)).orderBy(asc(llmCalls.seq));
      return rows.map(llmCallFromRow);
    },

    async costOverview(opts = {}): Promise<CostOverview> {
      // Sums per (task, agent, model): few rows however many calls, assembled into every view below.
      const groups = await db
        .select({
          task_id: llmCalls.task_id,
          agent: llmCalls.agent,
          provider: llmCalls.provider,
          model: llmCalls.model,
          calls: sql<number>`count(*)::int`,
          cache_hits: sql<number>`count(*) filter (where ${llmCalls.cache_hit})::int`,
          failed: sql<number>`count(*) filter (where ${llmCalls.status} = 'failed')::int`,
          tokens_in: sql<number>`sum(${llmCalls.tokens_in})::float8`,
          tokens_cached: sql<number>`sum(${llmCalls.tokens_cached})::float8`,
          tokens_out: sql<number>`sum(${llmCalls.tokens_out})::float8`,
          cost_usd: sql<number>`sum(${llmCalls.cost_usd})::float8`,
        })
        .from(llmCalls)
        .groupBy(llmCalls.task_id, llmCalls.agent, llmCalls.provider, llmCalls.model);
      const newest = await db
        .select({ task: tasks, project_name: projects.name })
        .from(tasks)
        .innerJoin(projects, eq(projects.id, tasks.project_id))
        .where(
          exists(
            db
              .select({ one: sql`1` })
              .from(llmCalls)
              .where(eq(llmCalls.task_id, tasks.id)),
          ),
        )
        .orderBy(desc(tasks.created_at), desc(tasks.seq))
        .limit(opts.limit ?? 100);
      const total = emptyUsageTotals();
      const perAgent: Partial<Record<ModelAgent, LlmUsageTotals>> = {};
      const perModel = new Map<string, { provider: LlmProvider; model: string; total: LlmUsageTotals }>();
      const perTask = new Map<string, { per_agent: Partial<Record<ModelAgent, LlmUsageTotals>>; total: LlmUsageTotals }>();
      for (const g of groups) {
        const agent = g.agent as ModelAgent;
        const modelKey = `${g.provider}\n${g.model}`;
        if (!perModel.has(modelKey))
          perModel.set(modelKey, { provider: g.provider as LlmProvider, model: g.model, total: emptyUsageTotals() });
        const targets = [total, (perAgent[agent] ??= emptyUsageTotals()), perModel.get(modelKey)!.total];
        if (g.task_id !== null) {
          let t = perTask.get(g.task_id);
          if (!t) perTask.set(g.task_id, (t = { per_agent: {}, total: emptyUsageTotals() }));
          targets.push(t.total, (t.per_agent[agent] ??= emptyUsageTotals()));
        }
        for (const target of targets) addTotals(target, g);
      }
      return {
        tasks: newest.map(({ task, project_name }) => ({
          task_id: task.id,
          project_name,
          user_prompt: task.user_prompt,
          status: task.status,
          created_at: task.created_at.toISOString(),
          per_agent: perTask.get(task.id)?.per_agent ?? {},
          total: perTask.get(task.id)?.total ?? emptyUsageTotals(),
        })),
        per_agent: perAgent,
        per_model: [...perModel.values()].sort((a, b) => b.total.cost_usd - a.total.cost_usd || a.model.localeCompare(b.model)),
        total,
      };
    },

    async upsertPreview(preview: PreviewUpsert): Promise<PreviewDeployment> {
      const values = {
        id: preview.id,
        task_id: preview.task_id,
        url: preview.url,
        fallback_url: preview.fallback_url,
        container_id: preview.container_id,
        port: preview.port,
        status: preview.status,
        health_check_url: preview.health_check_url,
        working_copy: preview.working_copy,
        log_path: preview.log_path,
        expires_at: toDate(preview.expires_at),
        metadata: preview.metadata ?? {},
      };
      const { id: _id, task_id: _task, metadata, ...changes } = values;
      const [row] = await db
        .insert(previewDeployments)
        .values(values)
        .onConflictDoUpdate({
          target: previewDeployments.id,
          set: preview.metadata === undefined ? changes : { ...changes, metadata },
        })
        .returning();
      return previewFromRow(row!);
    },

    async getPreviewByTask(taskId) {
      const [row] = await db
        .select()
        .from(previewDeployments)
        .where(eq(previewDeployments.task_id, taskId))
        .orderBy(desc(previewDeployments.created_at))
        .limit(1);
      return row ? previewFromRow(row) : null;
    },

    async listPreviews(opts = {}) {
      const rows = await db
        .select()
        .from(previewDeployments)
        .where(opts.statuses === undefined ? undefined : inArray(previewDeployments.status, opts.statuses))
        .orderBy(asc(previewDeployments.created_at), asc(previewDeployments.id));
      return rows.map(previewFromRow);
    },

    async updatePreview(id, patch: PreviewPatch) {
      const set: Record<string, unknown> = {};
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.container_id !== undefined) set.container_id = patch.container_id;
      if (patch.port !== undefined) set.port = patch.port;
      if (patch.last_health_check !== undefined) set.last_health_check = toDate(patch.last_health_check);
      if (patch.restart_count !== undefined) set.restart_count = patch.restart_count;
      if (patch.url !== undefined) set.url = patch.url;
      if (patch.fallback_url !== undefined) set.fallback_url = patch.fallback_url;
      if (patch.metadata !== undefined) set.metadata = mergeJson(previewDeployments.metadata, patch.metadata);
      // An empty patch still has to prove the row exists.
      if (Object.keys(set).length === 0) set.id = sql`${previewDeployments.id}`;
      const [row] = await db.update(previewDeployments).set(set).where(eq(previewDeployments.id, id)).returning();
      if (!row) {
        throw new AppError('preview_not_found', `no preview with id ${id}`, { hint: 'List previews to find a valid id.' });
      }
      return previewFromRow(row);
    },

    async close() {
      await Promise.all([attempts.idle(), steps.idle()]);
      await closeDriver();
    },
  };
}
