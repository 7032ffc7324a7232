/**
 * The StateStore conformance suite: every guarantee in src/core/ports/state-store.ts, run by every
 * adapter's test file. Tests share one store (as a running server would) and use fresh ids, so they never
 * depend on each other's rows; outbox tests first drain what earlier tests published.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createEvent, type AgentEvent } from '../../src/contracts/events.ts';
import type { LlmCall } from '../../src/contracts/llm.ts';
import { summarizeTaskCost } from '../../src/contracts/llm.ts';
import type { TaskRecord } from '../../src/contracts/records.ts';
import { AppError } from '../../src/core/errors.ts';
import type { NewProject, PreviewUpsert, StateStore } from '../../src/core/ports/state-store.ts';

export interface StateStoreHarness {
  /** Opens a store; every call reaches the same database when `sharedAcrossOpens` is true. */
  open(): Promise<StateStore>;
  /** Whether two opens share data (PostgreSQL) or each is its own database (PGlite in memory). */
  sharedAcrossOpens: boolean;
}

function newProject(): NewProject {
  const short = randomUUID().slice(0, 8);
  return { id: randomUUID(), name: `Todo ${short}`, slug: `todo-${short}`, description: 'a todo app with auth', repo_path: null };
}

function ctx(task: { id: string; trace_id: string }, actor: 'orchestrator' | 'planner', causation: string | null = null) {
  return {
    trace_id: task.trace_id,
    task_id: task.id,
    actor,
    repo: 'repos/todo',
    branch: 'main',
    causation_id: causation,
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
  } as const;
}

function initiated(project: NewProject, task: { id: string; trace_id: string }): AgentEvent {
  return createEvent(
    {
      event_type: 'task.initiated',
      payload: {
        project_id: project.id,
        project_name: project.name,
        project_slug: project.slug,
        requirements: 'build a todo app with user auth',
        mode: 'event_driven',
        seed: 0,
        next_agent: 'planner',
      },
    },
    ctx(task, 'orchestrator'),
  );
}

function progress(task: { id: string; trace_id: string }, message: string): AgentEvent {
  return createEvent(
    {
      event_type: 'task.progress',
      payload: { phase: 'coding', progress: 0.5, files_created: 3, total_estimated_files: 6, message },
    },
    ctx(task, 'orchestrator'),
  );
}

function planCreated(task: { id: string; trace_id: string }, causation: string): AgentEvent {
  return createEvent(
    {
      event_type: 'plan.created',
      payload: {
        plan_ref: 'planning/plan.yaml',
        commit: 'a1b2c3d',
        feature_count: 3,
        task_count: 7,
        api_endpoint_count: 5,
        entity_count: 2,
        estimated_hours: 12,
        risk_level: 'low',
        complexity_score: 0.3,
        assumptions: ['single tenant'],
      },
    },
    ctx(task, 'planner', causation),
  );
}

interface Seeded {
  project: NewProject;
  task: TaskRecord;
  first: AgentEvent;
}

async function seedTask(
  store: StateStore,
  opts: { publish?: boolean; project?: NewProject; metadata?: Record<string, unknown> } = {},
): Promise<Seeded> {
  const project = opts.project ?? newProject();
  const ids = { id: randomUUID(), trace_id: randomUUID() };
  const first = initiated(project, ids);
  const task = await store.createTask({
    project,
    task: {
      ...ids,
      project_id: project.id,
      user_prompt: 'build a todo app with user auth',
      mode: 'event_driven',
      metadata: opts.metadata ?? {},
    },
    event: first,
    publish: opts.publish ?? false,
  });
  return { project, task, first };
}

async function drainOutbox(store: StateStore): Promise<void> {
  for (;;) {
    const rows = await store.claimOutbox(500, 0);
    if (rows.length === 0) return;
    await store.markOutboxSent(rows.map((r) => r.id));
  }
}

function preview(taskId: string, overrides: Partial<PreviewUpsert> = {}): PreviewUpsert {
  return {
    id: randomUUID(),
    task_id: taskId,
    url: `http://todo-${taskId.slice(0, 8)}.localhost:8080`,
    fallback_url: 'http://127.0.0.1:41234',
    container_id: '4242',
    port: 41234,
    status: 'starting',
    health_check_url: 'http://127.0.0.1:41234/health',
    working_copy: `/tmp/previews/${taskId}`,
    log_path: `/tmp/previews/${taskId}.log`,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    ...overrides,
  };
}

function isIso(value: string | null): boolean {
  return value !== null && new Date(value).toISOString() === value;
}

function llmCall(taskId: string | null, overrides: Partial<LlmCall> = {}): LlmCall {
  return {
    call_id: randomUUID(),
    task_id: taskId,
    agent: 'planner',
    provider: 'openai',
    model: 'gpt-4o-mini',
    started_at: new Date().toISOString(),
    duration_ms: 412.5,
    tokens_in: 1200,
    tokens_cached: 200,
    tokens_out: 300,
    cost_usd: 0.000345,
    cache_hit: false,
    status: 'ok',
    error_code: null,
    ...overrides,
  };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: unknown) => AppError.isInstance(e) && e.code === code);
}

export function describeStateStore(name: string, harness: StateStoreHarness): void {
  describe(`StateStore conformance: ${name}`, () => {
    let store: StateStore;
    before(async () => {
      store = await harness.open();
    });
    after(async () => {
      await store.close();
    });

    describe('projects', () => {
      test('upserting the same project twice leaves one project, found by id and by slug', async () => {
        const project = newProject();
        const first = await store.upsertProject(project);
        const second = await store.upsertProject({ ...project, description: 'now with tags' });
        assert.equal(second.id, project.id);
        assert.equal(second.created_at, first.created_at);
        assert.equal(second.description, 'now with tags');
        assert.ok(isIso(second.created_at));
        const all = await store.listProjects();
        assert.equal(all.filter((p) => p.id === project.id).length, 1);
        assert.deepEqual(await store.getProject(project.id), second);
        assert.deepEqual(await store.getProjectBySlug(project.slug), second);
      });

      test('a slug already used by another project is refused with a hint', async () => {
        const taken = await store.upsertProject(newProject());
        await assert.rejects(store.upsertProject({ ...newProject(), slug: taken.slug }), (e: unknown) => {
          return AppError.isInstance(e) && e.code === 'invalid_option' && e.hint !== null;
        });
        assert.equal((await store.getProjectBySlug(taken.slug))?.id, taken.id);
      });
    });

    describe('tasks', () => {
      test('createTask writes the project, a queued task, its first event and the outbox row together', async () => {
        await drainOutbox(store);
        const { project, task, first } = await seedTask(store, { publish: true, metadata: { seed: 7 } });
        assert.equal(task.status, 'queued');
        assert.equal(task.current_phase, 'queued');
        assert.equal(task.mode, 'event_driven');
        assert.deepEqual(task.metadata, { seed: 7 });
        assert.ok(isIso(task.created_at) && isIso(task.updated_at));
        assert.equal(task.completed_at, null);
        assert.deepEqual(await store.getTask(task.id), task);
        assert.equal((await store.getProject(project.id))?.slug, project.slug);
        const events = await store.listEvents(task.id);
        assert.equal(events.length, 1);
        assert.equal(events[0]!.event_id, first.event_id);
        assert.equal(events[0]!.event_type, 'task.initiated');
        assert.deepEqual(events[0]!.envelope, first);
        const claimed = await store.claimOutbox(10, 60_000);
        assert.deepEqual(
          claimed.map((r) => [r.event_id, r.routing_key]),
          [[first.event_id, 'catalyst.task.initiated']],
        );
        assert.deepEqual(claimed[0]!.event, first);
        await store.markOutboxSent(claimed.map((r) => r.id));
      });

      test('createTask without publish writes no outbox row', async () => {
        await drainOutbox(store);
        await seedTask(store, { publish: false });
        assert.equal(await store.countUnsentOutbox(), 0);
      });

      test('createTask for an existing project leaves the project as it was', async () => {
        const project = await store.upsertProject(newProject());
        await seedTask(store, { project: { ...project, name: 'renamed elsewhere', description: null } });
        assert.deepEqual(await store.getProject(project.id), project);
      });

      test('a createTask that fails part-way writes nothing: no project, no task, no outbox row', async () => {
        const existing = await seedTask(store);
        await drainOutbox(store);
        const project = newProject();
        const ids = { id: randomUUID(), trace_id: randomUUID() };
        // Reusing an event id that is already stored makes the last insert fail.
        const clash = { ...initiated(project, ids), event_id: existing.first.event_id } as AgentEvent;
        await assert.rejects(
          store.createTask({
            project,
            task: { ...ids, project_id: project.id, user_prompt: 'p', mode: 'sequential' },
            event: clash,
            publish: true,
          }),
        );
        assert.equal(await store.getTask(ids.id), null);
        assert.equal(await store.getProject(project.id), null);
        assert.equal(await store.countUnsentOutbox(), 0);
        assert.equal((await store.listEvents(existing.task.id)).length, 1);
      });

      test('updateTask changes the given fields and merges metadata shallowly', async () => {
        const { task } = await seedTask(store, { metadata: { seed: 1, plan: { features: 2 } } });
        const completedAt = new Date(Date.now() + 1000).toISOString();
        const updated = await store.updateTask(task.id, {
          status: 'completed',
          current_phase: 'done',
          branch_name: `feature/task-${task.id}`,
          preview_url: 'http://todo.localhost:8080',
          completed_at: completedAt,
          metadata: { plan: { features: 3 }, repair_rounds: 1 },
        });
        assert.equal(updated.status, 'completed');
        assert.equal(updated.current_phase, 'done');
        assert.equal(updated.branch_name, `feature/task-${task.id}`);
        assert.equal(updated.preview_url, 'http://todo.localhost:8080');
        assert.equal(updated.completed_at, completedAt);
        assert.equal(updated.user_prompt, task.user_prompt);
        assert.equal(updated.error, null);
        assert.deepEqual(updated.metadata, { seed: 1, plan: { features: 3 }, repair_rounds: 1 });
        assert.ok(updated.updated_at >= task.updated_at);
        assert.deepEqual(await store.getTask(task.id), updated);
      });

      test('listTasks is newest first, filters by project and honours the limit', async () => {
        const project = newProject();
        const a = await seedTask(store, { project });
        const b = await seedTask(store, { project });
        const c = await seedTask(store, { project });
        await seedTask(store);
        const listed = await store.listTasks({ projectId: project.id });
        assert.deepEqual(
          listed.map((t) => t.id),
          [c.task.id, b.task.id, a.task.id],
        );
        assert.deepEqual(
          (await store.listTasks({ projectId: project.id, limit: 2 })).map((t) => t.id),
          [c.task.id, b.task.id],
        );
        assert.equal((await store.listTasks({ limit: 1 })).length, 1);
      });

      test('listTasks finishedBefore lists only tasks that ended before then, oldest first', async () => {
        const project = newProject();
        const old = await seedTask(store, { project });
        const older = await seedTask(store, { project });
        const open = await seedTask(store, { project });
        const recent = await seedTask(store, { project });
        await store.updateTask(old.task.id, { status: 'completed', completed_at: '2026-01-02T00:00:00.000Z' });
        await store.updateTask(older.task.id, { status: 'failed', completed_at: '2026-01-01T00:00:00.000Z' });
        await store.updateTask(recent.task.id, { status: 'completed', completed_at: '2026-03-01T00:00:00.000Z' });
        const ended = await store.listTasks({ projectId: project.id, finishedBefore: '2026-02-01T00:00:00.000Z' });
        assert.deepEqual(
          ended.map((t) => t.id),
          [older.task.id, old.task.id],
        );
        assert.ok(!ended.some((t) => t.id === open.task.id), 'a task still running has not ended');
      });

      test('findTaskIds finds a task by the first characters of its id, and nothing for a pattern', async () => {
        const { task } = await seedTask(store);
        assert.deepEqual(await store.findTaskIds(task.id.slice(0, 8), 2), [task.id]);
        assert.deepEqual(await store.findTaskIds('%', 2), [], 'LIKE wildcards are not ids');
      });

      test('unknown ids read as null and make updaters throw not-found errors', async () => {
        const missing = randomUUID();
        assert.equal(await store.getTask(missing), null);
        assert.equal(await store.getProject(missing), null);
        assert.equal(await store.getProjectBySlug(`no-such-${missing}`), null);
        assert.equal(await store.getPreviewByTask(missing), null);
        assert.deepEqual(await store.listEvents(missing), []);
        await rejectsWith(store.updateTask(missing, { status: 'running' }), 'task_not_found');
        await rejectsWith(store.updatePreview(missing, { status: 'healthy' }), 'preview_not_found');
      });
    });

    describe('task leases', () => {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const lease = (owner: string, leaseMs = 60_000) => ({ owner, leaseMs });

      async function seedOwned(owner: { owner: string; leaseMs: number } | undefined): Promise<Seeded> {
        const project = newProject();
        const ids = { id: randomUUID(), trace_id: randomUUID() };
        const first = initiated(project, ids);
        const task = await store.createTask({
          project,
          task: { ...ids, project_id: project.id, user_prompt: 'build a todo app', mode: 'sequential' },
          event: first,
          publish: false,
          ...(owner ? { owner } : {}),
        });
        return { project, task, first };
      }

      test('a task held by a live owner is not claimed; once its lease runs out, one claimer gets it and a resume is counted', async () => {
        const alive = `alive-${randomUUID()}`;
        const { task } = await seedOwned(lease(alive, 800));
        const other = lease(`sweeper-${randomUUID()}`);
        assert.equal(await store.claimTask(task.id, other), null, 'held by its owner');
        const early = await store.claimOwnerlessTasks(other, { mode: 'sequential', limit: 1000 });
        assert.ok(!early.some((t) => t.id === task.id), 'not ownerless while the lease runs');
        assert.ok(!(await store.listOwnerlessTasks()).some((o) => o.task.id === task.id));
        await sleep(1_000);
        const ownerless = (await store.listOwnerlessTasks()).find((o) => o.task.id === task.id);
        assert.equal(ownerless?.last_owner, alive, 'doctor can name who held it');
        assert.ok(ownerless?.lease_expired_at && isIso(ownerless.lease_expired_at));
        const [a, b] = await Promise.all([
          store.claimOwnerlessTasks(lease(`a-${randomUUID()}`), { mode: 'sequential', limit: 1000 }),
          store.claimOwnerlessTasks(lease(`b-${randomUUID()}`), { mode: 'sequential', limit: 1000 }),
        ]);
        const winners = [a, b].filter((claimed) => claimed.some((t) => t.id === task.id));
        assert.equal(winners.length, 1, 'exactly one claimer got the task');
        const claimed = winners[0]!.find((t) => t.id === task.id)!;
        assert.deepEqual(
          {
            count: (claimed.metadata.resume as { count: number }).count,
            previous: (claimed.metadata.resume as { previous_owner: string }).previous_owner,
          },
          { count: 1, previous: alive },
        );
        assert.ok(!(await store.listOwnerlessTasks()).some((o) => o.task.id === task.id), 'owned again');
        // Its old owner finds it gone at the next renewal.
        assert.ok(!(await store.renewLeases(alive, 60_000)).includes(task.id));
      });

      test('renewing keeps a task held; releasing hands it back at once; a finished task is never claimed', async () => {
        const me = lease(`me-${randomUUID()}`, 600);
        const { task } = await seedOwned(me);
        const { task: done } = await seedOwned(me);
        await store.updateTask(done.id, { status: 'completed', current_phase: 'done', completed_at: new Date().toISOString() });
        await sleep(400);
        assert.deepEqual(await store.renewLeases(me.owner, 60_000), [task.id], 'only the live task is renewed');
        await sleep(400);
        assert.equal(await store.claimTask(task.id, lease(`thief-${randomUUID()}`)), null, 'renewed, so still held');
        assert.equal((await store.claimTask(task.id, me))?.id, task.id, 'its owner may claim it again');
        await store.releaseTasks(me.owner);
        const released = (await store.listOwnerlessTasks()).find((o) => o.task.id === task.id);
        assert.equal(released?.last_owner, null, 'a released task has no owner');
        assert.ok(!(await store.listOwnerlessTasks()).some((o) => o.task.id === done.id), 'a finished task is nobody’s concern');
        assert.equal(await store.claimTask(done.id, lease(`late-${randomUUID()}`)), null);
        const next = lease(`next-${randomUUID()}`);
        assert.equal((await store.claimTask(task.id, next))?.id, task.id);
        assert.deepEqual(await store.renewLeases(next.owner, 60_000), [task.id]);
      });

      test('an attempt refunded after a graceful stop is not counted; a finished step is never refunded', async () => {
        const { task, first } = await seedOwned(undefined);
        assert.equal((await store.beginAttempt('planner', first.event_id, task.id)).attempt, 1);
        await store.refundAttempt('planner', first.event_id);
        assert.equal((await store.beginAttempt('planner', first.event_id, task.id)).attempt, 1, 'the interrupted attempt was taken back');
        await store.commitStep({
          consumer: 'planner',
          inbound_event_id: first.event_id,
          task_id: task.id,
          events: [],
          task_patch: {},
          publish: false,
        });
        await store.refundAttempt('planner', first.event_id);
        assert.equal((await store.beginAttempt('planner', first.event_id, task.id)).status, 'processed');
      });
    });

    describe('events', () => {
      test('listEvents returns a task’s events in insertion order; appendEvent stores a re-sent event once', async () => {
        const { task, first } = await seedTask(store);
        const p1 = progress(task, 'writing models');
        const p2 = progress(task, 'writing routes');
        await store.appendEvent(p1);
        await store.appendEvent(p2);
        await store.appendEvent(p1);
        const events = await store.listEvents(task.id);
        assert.deepEqual(
          events.map((e) => e.event_id),
          [first.event_id, p1.event_id, p2.event_id],
        );
        assert.deepEqual(
          events.map((e) => e.id),
          [...events.map((e) => e.id)].sort((x, y) => x - y),
        );
        assert.equal(events[1]!.actor, 'orchestrator');
        assert.equal(events[1]!.trace_id, task.trace_id);
        assert.ok(events.every((e) => isIso(e.created_at)));
      });

      test('appendEvent never reaches the outbox', async () => {
        const { task } = await seedTask(store);
        await drainOutbox(store);
        await store.appendEvent(progress(task, 'tests running'));
        assert.equal(await store.countUnsentOutbox(), 0);
      });

      test('listEventsAfter pages across tasks, oldest first', async () => {
        const one = await seedTask(store);
        const cursor = (await store.listEvents(one.task.id))[0]!.id;
        const two = await seedTask(store);
        const p = progress(one.task, 'later event of the first task');
        await store.appendEvent(p);
        const page = await store.listEventsAfter(cursor, 10);
        assert.deepEqual(
          page.map((e) => e.event_id),
          [two.first.event_id, p.event_id],
        );
        assert.deepEqual(
          (await store.listEventsAfter(cursor, 1)).map((e) => e.event_id),
          [two.first.event_id],
        );
      });
    });

    describe('inbox and commitStep', () => {
      test('beginAttempt counts each delivery durably and reports the inbox status', async () => {
        const { task, first } = await seedTask(store);
        assert.deepEqual(await store.beginAttempt('planner', first.event_id, task.id), { attempt: 1, status: 'in_progress' });
        assert.deepEqual(await store.beginAttempt('planner', first.event_id, task.id), { attempt: 2, status: 'in_progress' });
        // Another consumer of the same event keeps its own count.
        assert.deepEqual(await store.beginAttempt('explorer', first.event_id, task.id), { attempt: 1, status: 'in_progress' });
      });

      test('commitStep lands inbox mark, events, task patch and outbox together; a second commit is a duplicate', async () => {
        const { task, first } = await seedTask(store);
        await drainOutbox(store);
        await store.beginAttempt('planner', first.event_id, task.id);
        const plan = planCreated(task, first.event_id);
        const step = {
          consumer: 'planner',
          inbound_event_id: first.event_id,
          task_id: task.id,
          events: [plan],
          task_patch: { status: 'running' as const, current_phase: 'planning' as const, metadata: { plan_commit: 'a1b2c3d' } },
          publish: true,
        };
        assert.equal(await store.commitStep(step), 'committed');
        const again = { ...step, events: [planCreated(task, first.event_id)], task_patch: { current_phase: 'coding' as const } };
        assert.equal(await store.commitStep(again), 'duplicate');

        const events = await store.listEvents(task.id);
        assert.deepEqual(
          events.map((e) => e.event_type),
          ['task.initiated', 'plan.created'],
        );
        const after = await store.getTask(task.id);
        assert.equal(after?.status, 'running');
        assert.equal(after?.current_phase, 'planning');
        assert.deepEqual(after?.metadata, { plan_commit: 'a1b2c3d' });
        assert.equal(await store.countUnsentOutbox(), 1);
        const claimed = await store.claimOutbox(10, 60_000);
        assert.deepEqual(
          claimed.map((r) => [r.event_id, r.routing_key]),
          [[plan.event_id, 'catalyst.plan.created']],
        );
        await store.markOutboxSent(claimed.map((r) => r.id));
        assert.equal((await store.beginAttempt('planner', first.event_id, task.id)).status, 'processed');
      });

      test('commitStep in sequential mode (publish false) records events but writes no outbox row', async () => {
        const { task, first } = await seedTask(store);
        await drainOutbox(store);
        const result = await store.commitStep({
          consumer: 'planner',
          inbound_event_id: first.event_id,
          task_id: task.id,
          events: [planCreated(task, first.event_id)],
          task_patch: { current_phase: 'planning' },
          publish: false,
        });
        assert.equal(result, 'committed');
        assert.equal((await store.listEvents(task.id)).length, 2);
        assert.equal(await store.countUnsentOutbox(), 0);
      });

      test('a commitStep that fails leaves the task, the events and the inbox unchanged, and can be retried', async () => {
        const { task, first } = await seedTask(store);
        const other = await seedTask(store);
        await drainOutbox(store);
        await store.beginAttempt('planner', first.event_id, task.id);
        const good = planCreated(task, first.event_id);
        // The second event reuses a stored event id, so the insert fails after the inbox mark.
        const clash = { ...planCreated(task, first.event_id), event_id: other.first.event_id } as AgentEvent;
        await assert.rejects(
          store.commitStep({
            consumer: 'planner',
            inbound_event_id: first.event_id,
            task_id: task.id,
            events: [good, clash],
            task_patch: { status: 'running', current_phase: 'planning', metadata: { touched: true } },
            publish: true,
          }),
        );
        assert.deepEqual(await store.getTask(task.id), task);
        assert.deepEqual(
          (await store.listEvents(task.id)).map((e) => e.event_id),
          [first.event_id],
        );
        assert.equal(await store.countUnsentOutbox(), 0);
        assert.deepEqual(await store.beginAttempt('planner', first.event_id, task.id), { attempt: 2, status: 'in_progress' });

        const retried = await store.commitStep({
          consumer: 'planner',
          inbound_event_id: first.event_id,
          task_id: task.id,
          events: [good],
          task_patch: { status: 'running', current_phase: 'planning' },
          publish: true,
        });
        assert.equal(retried, 'committed');
        assert.equal((await store.getTask(task.id))?.current_phase, 'planning');
      });

      test('a commitStep for an unknown task throws task_not_found and marks nothing', async () => {
        const { task, first } = await seedTask(store);
        const missing = randomUUID();
        const stray = planCreated({ id: missing, trace_id: task.trace_id }, first.event_id);
        await rejectsWith(
          store.commitStep({
            consumer: 'planner',
            inbound_event_id: first.event_id,
            task_id: missing,
            events: [stray],
            task_patch: { current_phase: 'planning' },
            publish: true,
          }),
          'task_not_found',
        );
        assert.deepEqual(await store.listEvents(missing), []);
        assert.equal((await store.beginAttempt('planner', first.event_id, task.id)).status, 'in_progress');
      });

      test('steps committed at the same moment each land or fail on their own, and one task’s steps apply in order', async () => {
        const seeded = await Promise.all(Array.from({ length: 12 }, () => seedTask(store)));
        await drainOutbox(store);
        const [bad, ...good] = seeded;
        const clash = { ...planCreated(bad!.task, bad!.first.event_id), event_id: good[0]!.first.event_id } as AgentEvent;
        const missing = randomUUID();
        const commits = [
          ...good.map(({ task, first }) =>
            store.commitStep({
              consumer: 'planner',
              inbound_event_id: first.event_id,
              task_id: task.id,
              events: [planCreated(task, first.event_id)],
              task_patch: { status: 'running', current_phase: 'planning', metadata: { step: 1 } },
              publish: true,
            }),
          ),
          // A second step of the first task, issued in the same turn: it must apply after the first.
          store.commitStep({
            consumer: 'architect',
            inbound_event_id: good[0]!.first.event_id,
            task_id: good[0]!.task.id,
            events: [],
            task_patch: { current_phase: 'architecture', error: null, metadata: { step: 2 } },
            publish: true,
          }),
          store.commitStep({
            consumer: 'planner',
            inbound_event_id: bad!.first.event_id,
            task_id: bad!.task.id,
            events: [clash],
            task_patch: { status: 'failed' },
            publish: true,
          }),
          store.commitStep({
            consumer: 'planner',
            inbound_event_id: randomUUID(),
            task_id: missing,
            events: [],
            task_patch: {},
            publish: false,
          }),
        ];
        const results = await Promise.allSettled(commits);
        assert.deepEqual(
          results.slice(0, good.length + 1).map((r) => (r.status === 'fulfilled' ? r.value : 'rejected')),
          Array(good.length + 1).fill('committed'),
        );
        assert.equal(results[good.length + 1]!.status, 'rejected');
        const notFound = results[good.length + 2]!;
        assert.ok(notFound.status === 'rejected' && AppError.isInstance(notFound.reason) && notFound.reason.code === 'task_not_found');

        for (const { task } of good) {
          assert.deepEqual(
            (await store.listEvents(task.id)).map((e) => e.event_type),
            ['task.initiated', 'plan.created'],
          );
        }
        const first = await store.getTask(good[0]!.task.id);
        assert.equal(first?.current_phase, 'architecture');
        assert.deepEqual(first?.metadata, { step: 2 });
        assert.equal((await store.getTask(good[1]!.task.id))?.current_phase, 'planning');
        assert.deepEqual(await store.getTask(bad!.task.id), bad!.task);
        assert.equal(await store.countUnsentOutbox(), good.length);
      });

      test('markDeadLettered records the failure but never overrides a committed step', async () => {
        const { task, first } = await seedTask(store);
        await store.beginAttempt('coder', first.event_id, task.id);
        await store.markDeadLettered('coder', first.event_id, 'template crashed three times');
        assert.deepEqual(await store.beginAttempt('coder', first.event_id, task.id), { attempt: 2, status: 'dead_lettered' });

        await store.commitStep({
          consumer: 'tester',
          inbound_event_id: first.event_id,
          task_id: task.id,
          events: [],
          task_patch: {},
          publish: false,
        });
        await store.markDeadLettered('tester', first.event_id, 'late failure report');
        assert.equal((await store.beginAttempt('tester', first.event_id, task.id)).status, 'processed');
      });
    });

    describe('explorer scans', () => {
      test('a scan is recorded running, finished once with its findings, and listed newest first', async () => {
        const id = randomUUID();
        const started = await store.createScan({ id, scan_type: 'database', target: 'postgresql://db.example:5432/shop' });
        assert.equal(started.status, 'running');
        assert.equal(started.completed_at, null);
        const findings = { summary: 'two tables', entities: [{ source_name: 'orders' }] };
        const done = await store.finishScan(id, {
          status: 'completed',
          findings,
          tech_stack: ['PostgreSQL 15'],
          security_score: 87.5,
          tech_debt_score: 12,
          artifacts_dir: '/data/explorer/x',
        });
        assert.equal(done.status, 'completed');
        assert.deepEqual(done.tech_stack, ['PostgreSQL 15']);
        assert.equal(done.security_score, 87.5);
        assert.ok(done.completed_at);
        const read = await store.getScan(id);
        assert.deepEqual(read?.findings, findings);
        assert.deepEqual(read?.record, done);
        await rejectsWith(store.finishScan(id, { status: 'failed', error: 'late' }), 'scan_not_found');
        await rejectsWith(store.finishScan(randomUUID(), { status: 'failed', error: 'x' }), 'scan_not_found');

        const other = randomUUID();
        await store.createScan({ id: other, scan_type: 'github', target: 'https://git.example/repo.git' });
        const failed = await store.finishScan(other, { status: 'failed', error: 'repository not found' });
        assert.deepEqual([failed.status, failed.error], ['failed', 'repository not found']);
        assert.equal((await store.getScan(other))?.findings, null);
        const listed = (await store.listScans()).map((r) => r.id);
        assert.ok(listed.indexOf(other) < listed.indexOf(id), 'newest first');
        assert.equal(await store.getScan(randomUUID()), null);
      });
    });

    describe('outbox', () => {
      test('claimOutbox hands out unsent rows oldest first, once, until the claim goes stale', async () => {
        await drainOutbox(store);
        const seeded = [
          await seedTask(store, { publish: true }),
          await seedTask(store, { publish: true }),
          await seedTask(store, { publish: true }),
        ];
        const ids = seeded.map((s) => s.first.event_id);
        assert.equal(await store.countUnsentOutbox(), 3);

        const firstTwo = await store.claimOutbox(2, 60_000);
        assert.deepEqual(
          firstTwo.map((r) => r.event_id),
          ids.slice(0, 2),
        );
        assert.deepEqual(
          firstTwo.map((r) => r.attempts),
          [1, 1],
        );
        const third = await store.claimOutbox(2, 60_000);
        assert.deepEqual(
          third.map((r) => r.event_id),
          ids.slice(2),
        );
        assert.deepEqual(await store.claimOutbox(10, 60_000), []);

        // The claimer of the first two "died": with a zero stale window their claims are handed out again.
        await store.markOutboxSent(third.map((r) => r.id));
        const reclaimed = await store.claimOutbox(10, 0);
        assert.deepEqual(
          reclaimed.map((r) => r.event_id),
          ids.slice(0, 2),
        );
        assert.deepEqual(
          reclaimed.map((r) => r.attempts),
          [2, 2],
        );

        await store.markOutboxSent(reclaimed.map((r) => r.id));
        await store.markOutboxSent(reclaimed.map((r) => r.id));
        assert.equal(await store.countUnsentOutbox(), 0);
        assert.deepEqual(await store.claimOutbox(10, 0), []);
        await store.markOutboxSent([]);
      });

      test('two concurrent claimers never receive the same row', async () => {
        await drainOutbox(store);
        const published = new Set<string>();
        for (let i = 0; i < 12; i++) published.add((await seedTask(store, { publish: true })).first.event_id);
        const second = harness.sharedAcrossOpens ? await harness.open() : store;
        try {
          const claimLoop = async (claimer: StateStore) => {
            const got: string[] = [];
            for (;;) {
              const rows = await claimer.claimOutbox(3, 60_000);
              if (rows.length === 0) return got;
              got.push(...rows.map((r) => r.event_id));
            }
          };
          const [a, b] = await Promise.all([claimLoop(store), claimLoop(second)]);
          const all = [...a, ...b];
          assert.equal(new Set(all).size, all.length, 'a row was handed to both claimers');
          assert.deepEqual(new Set(all), published);
        } finally {
          if (second !== store) await second.close();
        }
      });
    });

    describe('llm calls', () => {
      test('a task’s calls come back in the order recorded, exactly; a repeated record counts once', async () => {
        const { task } = await seedTask(store);
        const first = llmCall(task.id);
        const cached = llmCall(task.id, {
          agent: 'architect',
          tokens_in: 0,
          tokens_cached: 0,
          tokens_out: 0,
          cost_usd: 0,
          cache_hit: true,
        });
        const failed = llmCall(task.id, {
          agent: 'reviewer',
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          tokens_in: 0,
          tokens_cached: 0,
          tokens_out: 0,
          cost_usd: 0,
          status: 'failed',
          error_code: 'llm_timeout',
        });
        const second = llmCall(task.id, { cost_usd: 0.5, tokens_in: 10, tokens_cached: 0, tokens_out: 20 });
        for (const call of [first, cached, failed, second, first]) await store.recordLlmCall(call);
        assert.deepEqual(await store.listLlmCalls(task.id), [first, cached, failed, second]);
        assert.equal((await store.getTask(task.id))?.cost_total, 0.500345, 'cost_total is the sum, the repeat not counted');
        assert.deepEqual(await store.listLlmCalls(randomUUID()), []);
      });

      test('a call of an unknown task is refused with task_not_found', async () => {
        await rejectsWith(store.recordLlmCall(llmCall(randomUUID())), 'task_not_found');
      });

      test('costOverview lists tasks that called a model, newest first, with totals per agent and per model', async () => {
        const quiet = await seedTask(store);
        const older = await seedTask(store);
        const newer = await seedTask(store);
        const olderCalls = [llmCall(older.task.id), llmCall(older.task.id, { agent: 'reviewer', cost_usd: 0.01 })];
        const newerCalls = [
          llmCall(newer.task.id, { provider: 'anthropic', model: 'claude-haiku-4-5', cost_usd: 0.002 }),
          llmCall(newer.task.id, { cache_hit: true, tokens_in: 0, tokens_cached: 0, tokens_out: 0, cost_usd: 0 }),
        ];
        for (const call of [...olderCalls, ...newerCalls]) await store.recordLlmCall(call);
        const overview = await store.costOverview({ limit: 1000 });
        const ids = overview.tasks.map((t) => t.task_id);
        assert.ok(!ids.includes(quiet.task.id), 'a task without model calls is not listed');
        assert.ok(ids.indexOf(newer.task.id) < ids.indexOf(older.task.id) && ids.indexOf(older.task.id) >= 0, 'newest first');
        const line = overview.tasks.find((t) => t.task_id === older.task.id)!;
        const expected = summarizeTaskCost(older.task.id, olderCalls);
        assert.deepEqual({ per_agent: line.per_agent, total: line.total }, { per_agent: expected.per_agent, total: expected.total });
        assert.equal(line.project_name, older.project.name);
        assert.equal(line.user_prompt, older.task.user_prompt);
        assert.equal(line.status, 'queued');
        const haiku = overview.per_model.find((m) => m.model === 'claude-haiku-4-5')!;
        assert.equal(haiku.provider, 'anthropic');
        assert.ok(haiku.total.calls >= 1 && haiku.total.cost_usd >= 0.002);
        // Totals add up across the views (other tests' rows included, since the store is shared).
        const sum = (xs: { cost_usd: number; calls: number }[]) => ({
          calls: xs.reduce((n, x) => n + x.calls, 0),
          cost: Math.round(xs.reduce((n, x) => n + x.cost_usd, 0) * 1e6) / 1e6,
        });
        assert.deepEqual(sum(Object.values(overview.per_agent)), { calls: overview.total.calls, cost: overview.total.cost_usd });
        assert.deepEqual(sum(overview.per_model.map((m) => m.total)), { calls: overview.total.calls, cost: overview.total.cost_usd });
        assert.ok(overview.total.cache_hits >= 1);
        assert.equal((await store.costOverview({ limit: 1 })).tasks.length, 1);
      });
    });

    describe('previews', () => {
      test('upsertPreview creates, then replaces the row by id; getPreviewByTask finds it', async () => {
        const { task } = await seedTask(store);
        const created = await store.upsertPreview(preview(task.id, { metadata: { runtime: 'process' } }));
        assert.equal(created.status, 'starting');
        assert.equal(created.restart_count, 0);
        assert.equal(created.last_health_check, null);
        assert.deepEqual(created.metadata, { runtime: 'process' });
        assert.ok(isIso(created.created_at) && isIso(created.expires_at));
        assert.deepEqual(await store.getPreviewByTask(task.id), created);

        const replaced = await store.upsertPreview({ ...preview(task.id), id: created.id, status: 'healthy', port: 41300 });
        assert.equal(replaced.id, created.id);
        assert.equal(replaced.status, 'healthy');
        assert.equal(replaced.port, 41300);
        assert.equal(replaced.created_at, created.created_at);
        assert.deepEqual(replaced.metadata, { runtime: 'process' });
      });

      test('updatePreview patches fields and merges metadata; listPreviews filters by status', async () => {
        const { task } = await seedTask(store);
        const p = await store.upsertPreview(preview(task.id, { metadata: { runtime: 'process', label: task.id } }));
        const checkedAt = new Date().toISOString();
        const updated = await store.updatePreview(p.id, {
          status: 'unhealthy',
          last_health_check: checkedAt,
          restart_count: 2,
          metadata: { last_error: 'ECONNREFUSED' },
        });
        assert.equal(updated.status, 'unhealthy');
        assert.equal(updated.last_health_check, checkedAt);
        assert.equal(updated.restart_count, 2);
        assert.equal(updated.url, p.url);
        assert.deepEqual(updated.metadata, { runtime: 'process', label: task.id, last_error: 'ECONNREFUSED' });

        const unhealthy = await store.listPreviews({ statuses: ['unhealthy'] });
        assert.ok(unhealthy.some((x) => x.id === p.id));
        assert.ok(unhealthy.every((x) => x.status === 'unhealthy'));
        assert.ok(!(await store.listPreviews({ statuses: ['healthy', 'stopped'] })).some((x) => x.id === p.id));
        assert.ok((await store.listPreviews()).some((x) => x.id === p.id));
      });

      test('a preview for a task that does not exist is refused', async () => {
        await assert.rejects(store.upsertPreview(preview(randomUUID())));
      });
    });
  });
}
