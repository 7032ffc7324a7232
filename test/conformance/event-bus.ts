/**
 * The EventBus conformance suite (src/core/ports/event-bus.ts). Every adapter runs it:
 *   describeEventBus('in-process', (o) => createInProcessBus(o));
 *   describeEventBus('rabbitmq', (o) => createRabbitBus({ url, ...o }));
 *
 * It relies on nothing but the port, so it can run against a shared broker: queue names are unique per
 * test, every event carries a fresh task_id and consumers ignore (ack) other tests' events, dead letters
 * are looked up by event id. Waiting is bounded polling; absence is proven with a marker event published
 * last, which a FIFO queue can only hand over after everything published before it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createEvent, type AgentEvent, type EventDraft, type EventType } from '../../src/contracts/events.ts';
import type { Delivery, EventBus, HandlerOutcome } from '../../src/core/ports/event-bus.ts';

export interface EventBusFactoryOptions {
  /** The suite relies on this backstop value to count deliveries. */
  maxDeliveries: number;
  /** Delay used when a handler throws; the suite keeps it small so retries are quick. */
  retryDelayMs: number;
}

export type EventBusFactory = (opts: EventBusFactoryOptions) => EventBus | Promise<EventBus>;

const FACTORY_OPTIONS: EventBusFactoryOptions = { maxDeliveries: 3, retryDelayMs: 20 };
const WAIT_LIMIT_MS = 5_000;
const MARKER = 'catalyst.deploy.complete';

export function describeEventBus(name: string, factory: EventBusFactory): void {
  describe(`EventBus conformance: ${name}`, () => {
    test('routes an event only to the queues bound to its routing key', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const plans = t.queue('plans');
        const reviews = t.queue('reviews');
        await bus.declare([
          { name: plans, bindings: [{ routingKey: 'catalyst.plan.created' }, { routingKey: MARKER }] },
          { name: reviews, bindings: [{ routingKey: 'catalyst.review.decision' }, { routingKey: MARKER }] },
        ]);
        const gotPlans = await t.collect(bus, plans);
        const gotReviews = await t.collect(bus, reviews);
        await bus.publish(t.event('plan.created'));
        await bus.publish(t.event('review.decision'));
        await bus.publish(t.event('task.progress'));
        await bus.publish(t.marker());
        await waitFor(() => hasMarker(gotPlans) && hasMarker(gotReviews), 'both queues see the marker');
        assert.deepEqual(types(gotPlans), ['plan.created', 'deploy.complete']);
        assert.deepEqual(types(gotReviews), ['review.decision', 'deploy.complete']);
        assert.equal(gotPlans.deliveries[0]?.routingKey, 'catalyst.plan.created');
      });
    });

    test('`*` matches exactly one word, `#` zero or more; a queue gets an event once however many bindings match', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const patterns = {
          twoWords: 'catalyst.*.*',
          anything: 'catalyst.#',
          oneWord: 'catalyst.*',
          endsOpened: '#.opened',
          codeOneWord: 'catalyst.code.*',
          codeAnyWords: 'catalyst.code.#',
        };
        const queues = Object.fromEntries(Object.keys(patterns).map((k) => [k, t.queue(k)])) as Record<keyof typeof patterns, string>;
        await bus.declare(
          (Object.keys(patterns) as Array<keyof typeof patterns>).map((k) => ({
            name: queues[k],
            bindings: [{ routingKey: patterns[k] }, { routingKey: MARKER }],
          })),
        );
        const got = {} as Record<keyof typeof patterns, Collected>;
        for (const k of Object.keys(patterns) as Array<keyof typeof patterns>) got[k] = await t.collect(bus, queues[k]);
        await bus.publish(t.event('task.progress'));
        await bus.publish(t.event('code.pr.opened'));
        await bus.publish(t.marker());
        await waitFor(() => Object.values(got).every(hasMarker), 'every queue sees the marker');
        assert.deepEqual(types(got.twoWords), ['task.progress', 'deploy.complete']);
        assert.deepEqual(types(got.anything), ['task.progress', 'code.pr.opened', 'deploy.complete']);
        assert.deepEqual(types(got.oneWord), ['deploy.complete']);
        assert.deepEqual(types(got.endsOpened), ['code.pr.opened', 'deploy.complete']);
        assert.deepEqual(types(got.codeOneWord), ['deploy.complete']);
        assert.deepEqual(types(got.codeAnyWords), ['code.pr.opened', 'deploy.complete']);
      });
    });

    test('a payload filter lets only matching events into the queue (deployer takes approved reviews only)', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const deployer = t.queue('deployer');
        await bus.declare([
          {
            name: deployer,
            bindings: [
              { routingKey: 'catalyst.review.decision', where: { field: 'decision', equals: 'approved' } },
              { routingKey: MARKER },
            ],
          },
        ]);
        const got = await t.collect(bus, deployer);
        for (const decision of ['changes_requested', 'approved', 'rejected'] as const) {
          await bus.publish(t.event('review.decision', { decision }));
        }
        await bus.publish(t.marker());
        await waitFor(() => hasMarker(got), 'the marker arrives');
        assert.deepEqual(
          got.deliveries.map((d) => (d.event.event_type === 'review.decision' ? d.event.payload.decision : d.event.event_type)),
          ['approved', 'deploy.complete'],
        );
      });
    });

    test('declare is idempotent and a queue only receives events published after it was declared', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('late');
        await bus.publish(t.event('task.progress', { message: 'before declare' }));
        const spec = { name: q, bindings: [{ routingKey: 'catalyst.task.progress' }] };
        await bus.declare([spec]);
        await bus.declare([spec]);
        await bus.publish(t.event('task.progress', { message: 'after declare' }));
        await bus.publish(t.event('task.progress', { message: 'last' }));
        const got = await t.collect(bus, q);
        await waitFor(() => got.deliveries.length >= 2, 'two progress events arrive');
        assert.deepEqual(messages(got), ['after declare', 'last']);
      });
    });

    test('messages published before anyone consumes wait in the queue', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('waiting');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.task.progress' }] }]);
        for (let i = 0; i < 3; i++) await bus.publish(t.event('task.progress', { message: `m${i}` }));
        const got = await t.collect(bus, q);
        await waitFor(() => got.deliveries.length === 3, 'three waiting messages arrive');
        assert.deepEqual(messages(got), ['m0', 'm1', 'm2']);
        assert.ok(got.deliveries.every((d) => d.deliveryCount === 1));
      });
    });

    test('with prefetch 1 a queue hands over messages one at a time in publish order', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('fifo');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.task.progress' }] }]);
        let active = 0;
        let maxActive = 0;
        const got = await t.collect(bus, q, {
          prefetch: 1,
          handle: async () => {
            active += 1;
            maxActive = Math.max(maxActive, active);
            await new Promise((r) => setImmediate(r));
            active -= 1;
            return { outcome: 'ack' };
          },
        });
        const expected = Array.from({ length: 20 }, (_, i) => `seq-${i}`);
        for (const m of expected) await bus.publish(t.event('task.progress', { message: m }));
        await waitFor(() => got.deliveries.length === expected.length, 'all 20 messages arrive');
        assert.deepEqual(messages(got), expected);
        assert.equal(maxActive, 1);
      });
    });

    test('with prefetch 2 two handlers run at once, never three', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('parallel');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.task.progress' }] }]);
        const gates: Array<() => void> = [];
        let active = 0;
        let maxActive = 0;
        const got = await t.collect(bus, q, {
          prefetch: 2,
          handle: async () => {
            active += 1;
            maxActive = Math.max(maxActive, active);
            await new Promise<void>((release) => gates.push(release));
            active -= 1;
            return { outcome: 'ack' };
          },
        });
        for (let i = 0; i < 4; i++) await bus.publish(t.event('task.progress', { message: `p${i}` }));
        await waitFor(() => gates.length === 2, 'two handlers start');
        assert.equal(active, 2);
        for (let released = 0; released < 4; released++) {
          await waitFor(() => gates.length > released, `handler ${released + 1} starts`);
          gates[released]?.();
        }
        await waitFor(() => active === 0 && got.deliveries.length === 4, 'all four finish');
        assert.equal(maxActive, 2);
        assert.deepEqual([...messages(got)].sort(), ['p0', 'p1', 'p2', 'p3']);
      });
    });

    test('retry redelivers the same event to the same queue with deliveryCount + 1', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('retry');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.plan.created' }] }]);
        const got = await t.collect(bus, q, {
          handle: async (d) => (d.deliveryCount === 1 ? { outcome: 'retry', delayMs: 10, reason: 'store busy' } : { outcome: 'ack' }),
        });
        const event = t.event('plan.created');
        await bus.publish(event);
        await waitFor(() => got.deliveries.length === 2, 'the retry arrives');
        assert.deepEqual(
          got.deliveries.map((d) => d.deliveryCount),
          [1, 2],
        );
        assert.deepEqual(got.deliveries[1]?.event, event);
        assert.equal(await deadLetterFor(bus, event), undefined);
      });
    });

    test('a handler that throws is retried, then succeeds', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('throws');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.plan.created' }] }]);
        const got = await t.collect(bus, q, {
          handle: async (d) => {
            if (d.deliveryCount === 1) throw new Error('transient failure');
            return { outcome: 'ack' };
          },
        });
        const event = t.event('plan.created');
        await bus.publish(event);
        await waitFor(() => got.deliveries.length === 2, 'the redelivery arrives');
        assert.deepEqual(
          got.deliveries.map((d) => d.deliveryCount),
          [1, 2],
        );
        assert.equal(await deadLetterFor(bus, event), undefined);
      });
    });

    test('dead_letter moves the event to the dead-letter list with its reason, without redelivery', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('poison');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.plan.created' }, { routingKey: MARKER }] }]);
        const got = await t.collect(bus, q, {
          handle: async (d) =>
            d.event.event_type === 'plan.created' ? { outcome: 'dead_letter', reason: 'payload breaks its schema' } : { outcome: 'ack' },
        });
        const event = t.event('plan.created');
        await bus.publish(event);
        await bus.publish(t.marker());
        const dead = await waitForValue(() => deadLetterFor(bus, event), 'the dead letter appears');
        assert.equal(dead.queue, q);
        assert.match(dead.reason, /payload breaks its schema/);
        assert.deepEqual(dead.event, event);
        assert.ok(!Number.isNaN(Date.parse(dead.deadLetteredAt)));
        await waitFor(() => hasMarker(got), 'the marker behind it arrives');
        assert.deepEqual(types(got), ['plan.created', 'deploy.complete']);
      });
    });

    test('a message that keeps failing is dead-lettered after maxDeliveries', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('always-fails');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.plan.created' }] }]);
        const got = await t.collect(bus, q, {
          handle: async (d) => {
            if (d.deliveryCount % 2 === 1) throw new Error('still broken');
            return { outcome: 'retry', delayMs: 5, reason: 'still broken' };
          },
        });
        const event = t.event('plan.created');
        await bus.publish(event);
        const dead = await waitForValue(() => deadLetterFor(bus, event), 'the dead letter appears');
        assert.equal(dead.queue, q);
        assert.match(dead.reason, /still broken/);
        assert.deepEqual(
          got.deliveries.map((d) => d.deliveryCount),
          Array.from({ length: FACTORY_OPTIONS.maxDeliveries }, (_, i) => i + 1),
        );
      });
    });

    test('subscribe sees every matching event; a throwing listener harms no one; close stops it', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const all: AgentEvent[] = [];
        const progressOnly: AgentEvent[] = [];
        const mine = (e: AgentEvent) => e.task_id === t.taskId;
        const everything = await bus.subscribe('catalyst.#', (e) => void (mine(e) && all.push(e)));
        const progress = await bus.subscribe('catalyst.task.*', (e) => void (mine(e) && progressOnly.push(e)));
        const broken = await bus.subscribe('catalyst.#', () => {
          throw new Error('socket gone');
        });
        await bus.publish(t.event('plan.created'));
        await bus.publish(t.event('task.progress', { message: 'one' }));
        await bus.publish(t.event('task.progress', { message: 'two' }));
        await waitFor(() => all.length === 3 && progressOnly.length === 2, 'listeners see their events');
        assert.deepEqual(
          all.map((e) => e.event_type),
          ['plan.created', 'task.progress', 'task.progress'],
        );
        assert.deepEqual(
          progressOnly.map((e) => (e.event_type === 'task.progress' ? e.payload.message : '')),
          ['one', 'two'],
        );

        await progress.close();
        await bus.publish(t.event('task.progress', { message: 'after close' }));
        await waitFor(() => all.length === 4, 'the open listener sees the next event');
        assert.equal(progressOnly.length, 2);
        await everything.close();
        await broken.close();
      });
    });

    test('closing a consumer waits for its in-flight handler to finish', async () => {
      await withBus(factory, async (bus) => {
        const t = newTask();
        const q = t.queue('closing');
        await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.plan.created' }] }]);
        const order: string[] = [];
        let release: () => void = () => undefined;
        let markStarted: () => void = () => undefined;
        const started = new Promise<void>((r) => (markStarted = r));
        const sub = await bus.consume(q, async (d) => {
          if (d.event.task_id !== t.taskId) return { outcome: 'ack' };
          markStarted();
          await new Promise<void>((r) => (release = r));
          order.push('handler finished');
          return { outcome: 'ack' };
        });
        await bus.publish(t.event('plan.created'));
        await started;
        const closing = sub.close().then(() => order.push('close resolved'));
        await new Promise((r) => setImmediate(r));
        release();
        await closing;
        assert.deepEqual(order, ['handler finished', 'close resolved']);
      });
    });

    test('closing the bus waits for in-flight handlers', async () => {
      const bus = await factory(FACTORY_OPTIONS);
      const t = newTask();
      const q = t.queue('bus-closing');
      await bus.declare([{ name: q, bindings: [{ routingKey: 'catalyst.plan.created' }] }]);
      const order: string[] = [];
      let release: () => void = () => undefined;
      let markStarted: () => void = () => undefined;
      const started = new Promise<void>((r) => (markStarted = r));
      await bus.consume(q, async (d) => {
        if (d.event.task_id !== t.taskId) return { outcome: 'ack' };
        markStarted();
        await new Promise<void>((r) => (release = r));
        order.push('handler finished');
        return { outcome: 'ack' };
      });
      await bus.publish(t.event('plan.created'));
      await started;
      const closing = bus.close().then(() => order.push('bus closed'));
      await new Promise((r) => setImmediate(r));
      release();
      await closing;
      assert.deepEqual(order, ['handler finished', 'bus closed']);
    });
  });
}

interface Collected {
  deliveries: Delivery[];
}

interface ConsumeOptions {
  prefetch?: number;
  handle?: (d: Delivery) => Promise<HandlerOutcome>;
}

function newTask() {
  const taskId = randomUUID();
  const run = taskId.slice(0, 8);
  const ctx = {
    trace_id: randomUUID(),
    task_id: taskId,
    actor: 'orchestrator' as const,
    repo: `conformance-${run}`,
    branch: 'main',
    causation_id: null,
  };
  return {
    taskId,
    queue: (label: string) => `conformance.${run}.${label}`,
    event<T extends EventType>(type: T, overrides: Record<string, unknown> = {}): AgentEvent {
      const draft = { event_type: type, payload: { ...samplePayloads[type], ...overrides } } as EventDraft<T>;
      return createEvent(draft, { ...ctx, event_id: randomUUID(), timestamp: new Date().toISOString() });
    },
    marker(): AgentEvent {
      return this.event('deploy.complete');
    },
    /** Consumes `queue`, recording this task's deliveries and acking anything else. */
    async collect(bus: EventBus, queue: string, opts: ConsumeOptions = {}): Promise<Collected> {
      const collected: Collected = { deliveries: [] };
      await bus.consume(
        queue,
        async (d) => {
          if (d.event.task_id !== taskId) return { outcome: 'ack' };
          collected.deliveries.push(d);
          return opts.handle ? opts.handle(d) : { outcome: 'ack' };
        },
        opts.prefetch === undefined ? undefined : { prefetch: opts.prefetch },
      );
      return collected;
    },
  };
}

async function withBus(factory: EventBusFactory, body: (bus: EventBus) => Promise<void>): Promise<void> {
  const bus = await factory(FACTORY_OPTIONS);
  try {
    await body(bus);
  } finally {
    await bus.close();
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await waitForValue(async () => ((await condition()) ? true : undefined), what);
}

async function waitForValue<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_LIMIT_MS} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function deadLetterFor(bus: EventBus, event: AgentEvent) {
  return (await bus.deadLetters()).find((d) => d.event.event_id === event.event_id);
}

function types(c: Collected): string[] {
  return c.deliveries.map((d) => d.event.event_type);
}

function messages(c: Collected): string[] {
  return c.deliveries.map((d) => (d.event.event_type === 'task.progress' ? d.event.payload.message : `<${d.event.event_type}>`));
}

function hasMarker(c: Collected): boolean {
  return c.deliveries.some((d) => d.event.event_type === 'deploy.complete');
}

const previewSample = {
  deployment_id: 'p',
  task_id: '00000000-0000-4000-8000-000000000000',
  project: 'todo',
  url: null,
  port: null,
  reason: null,
  restart_count: 0,
};

const samplePayloads: Record<EventType, Record<string, unknown>> = {
  'task.initiated': {
    project_id: '00000000-0000-4000-8000-000000000000',
    project_name: 'Todo',
    project_slug: 'todo',
    requirements: 'a todo app',
    mode: 'event_driven',
  },
  'plan.created': {
    plan_ref: 'planning/plan.yaml',
    commit: 'abc',
    feature_count: 1,
    task_count: 1,
    api_endpoint_count: 1,
    entity_count: 1,
    estimated_hours: 1,
    risk_level: 'low',
    complexity_score: 0.1,
    assumptions: [],
  },
  'architecture.proposed': {
    architecture_ref: 'architecture/',
    commit: 'abc',
    tech_stack: {},
    data_model_count: 1,
    api_endpoint_count: 1,
    adrs_created: 0,
    requires_review: false,
  },
  'code.pr.opened': {
    branch: 'feature/x',
    commit: 'abc',
    files_created: 1,
    lines_of_code: 1,
    backend_files: 1,
    frontend_files: 0,
    test_files: 0,
    estimated_coverage: 0.5,
    pr_url: null,
    local_repo: '/tmp/x',
    worktree_path: '/tmp/x',
    git_diff_summary: { additions: 1, deletions: 0, files_changed: 1 },
    repair_round: 0,
  },
  'test.results': {
    status: 'passed',
    total_tests: 1,
    passed: 1,
    failed: 0,
    skipped: 0,
    coverage: null,
    security_critical_issues: 0,
    artifacts_refs: [],
    test_duration_seconds: 1,
    failures: [],
    repair_round: 0,
  },
  'review.decision': {
    decision: 'approved',
    score: 90,
    blocking_issues: 0,
    recommendations: 0,
    items: [],
    artifacts: [],
    repair_round: 0,
  },
  'deploy.status': {
    status: 'deploying',
    preview_url: null,
    fallback_url: null,
    backend_url: null,
    container_ids: [],
    health: 'unknown',
    deployment_mode: 'local',
    error: null,
  },
  'deploy.complete': {
    status: 'completed',
    preview_url: null,
    fallback_url: null,
    artifacts: { code: '', tests: '', review: '', deployment: '' },
    main_commit: null,
  },
  'task.failed': { phase: 'coding', reason: 'x', reasons: [] },
  'task.progress': { phase: 'coding', progress: 0.5, files_created: 0, total_estimated_files: 0, message: 'working' },
  'explorer.findings': {
    scan_id: 's',
    scan_type: 'github',
    target: 'x',
    can_replicate: true,
    tech_stack: [],
    similarity_score: 0.5,
    suggested_tasks: [],
    findings_ref: 'explorer/s',
  },
  'preview.started': previewSample,
  'preview.healthy': previewSample,
  'preview.unhealthy': previewSample,
  'preview.restarted': previewSample,
  'preview.expired': previewSample,
  'preview.evicted': previewSample,
  'preview.stopped': previewSample,
  'preview.failed': previewSample,
};
