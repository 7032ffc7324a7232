/**
 * "Build an admin app for this database" from a completed explorer scan, on real ports: the submitted task
 * carries the scan id, the planner takes the scanned tables as the data model and says so, the architect's
 * data models and the coder's database schema have the scanned records and their links. Scans that do not
 * exist, are malformed, still running or failed are refused with errors that say which.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { agentContext, eventFrom } from '../../../test/support/agent-harness.ts';
import { databaseFindings } from '../../../test/support/scan-findings.ts';
import { tempWorkspace } from '../../../test/e2e/helpers.ts';
import { DataModels, Plan } from '../../contracts/artifacts.ts';
import { parseEvent, type AgentEvent, type AgentEventOf } from '../../contracts/events.ts';
import { ExplorerFindings } from '../../contracts/explorer.ts';
import type { TaskRecord } from '../../contracts/records.ts';
import type { AgentDefinition } from '../../core/agent.ts';
import { AppError } from '../../core/errors.ts';
import { taskPatchFor } from '../../orchestrator/task-state.ts';
import type { AgentLogEntry } from '../../orchestrator/agent-context.ts';
import { createRuntime, type Runtime } from '../../runtime.ts';
import { architectAgent } from '../architect/architect-agent.ts';
import { coderAgent } from '../coder/coder-agent.ts';
import { plannerAgent } from './planner-agent.ts';

const PROMPT = 'build an admin app for this database';

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(AppError.isInstance(e), `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    assert.ok(e.hint, 'the error says how to fix it');
    return true;
  });
}

describe('a build from an explorer scan', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let runtime: Runtime;
  let findings: ExplorerFindings;
  let task: TaskRecord;
  let initiated: AgentEvent;
  const logs: AgentLogEntry[] = [];

  /** One agent step as the engine records it, so the next agent sees the task as in a pipeline run. */
  async function step(agent: AgentDefinition, event: AgentEvent): Promise<AgentEvent> {
    const ctx = await agentContext(runtime, task.id, agent, event, { logs });
    const { events: drafts } = await agent.handle(event, ctx);
    const project = (await runtime.ports.state.getProject(task.project_id))!;
    const events = drafts.map((d) => eventFrom(d, { task, actor: agent.id, causation: event, slug: project.slug }));
    await runtime.ports.state.commitStep({
      consumer: agent.id,
      inbound_event_id: event.event_id,
      task_id: task.id,
      events,
      task_patch: taskPatchFor(events, new Date().toISOString()),
      publish: false,
    });
    assert.equal(events.length, 1);
    return events[0]!;
  }

  async function seedScan(outcome: 'completed' | 'running' | 'failed'): Promise<string> {
    const id = randomUUID();
    const { state } = runtime.ports;
    await state.createScan({ id, scan_type: 'database', target: 'postgres://db.internal:5432/shop' });
    if (outcome === 'completed') {
      const found = ExplorerFindings.parse({ ...databaseFindings(), scan_id: id });
      await state.finishScan(id, {
        status: 'completed',
        findings: found,
        tech_stack: ['PostgreSQL 16.4'],
        security_score: 85,
        tech_debt_score: 20,
        artifacts_dir: `${ws.dir}/explorer/${id}`,
      });
    } else if (outcome === 'failed') {
      await state.finishScan(id, { status: 'failed', error: 'connection refused by db.internal:5432' });
    }
    return id;
  }

  before(async () => {
    ws = tempWorkspace('from-scan');
    // No agents: submitting only records the task; the test drives each agent itself.
    runtime = await createRuntime(ws.config, { mode: 'sequential', detachedPreviews: false, agents: [] });
    const scanId = await seedScan('completed');
    findings = ExplorerFindings.parse((await runtime.ports.state.getScan(scanId))!.findings);
    task = await runtime.submitBuild({ prompt: PROMPT, explorer_scan_id: scanId });
    initiated = parseEvent((await runtime.ports.state.listEvents(task.id))[0]!.envelope);
  });
  after(async () => {
    await runtime?.close();
    ws?.cleanup();
  });

  test('the task and its task.initiated event carry the scan id', () => {
    assert.equal(initiated.event_type, 'task.initiated');
    const payload = (initiated as AgentEventOf<'task.initiated'>).payload;
    assert.equal(payload.explorer_scan_id, findings.scan_id);
    assert.equal(payload.project_name, 'Admin App');
    assert.equal(task.metadata['explorer_scan_id'], findings.scan_id);
  });

  test('the plan, the data models and the generated schema have the scanned records', async () => {
    const planned = (await step(plannerAgent, initiated)) as AgentEventOf<'plan.created'>;
    const project = (await runtime.ports.state.getProject(task.project_id))!;
    const plan = Plan.parse(parseYaml(await runtime.ports.git.readFile(project.slug, planned.payload.commit, 'planning/plan.yaml')));
    assert.deepEqual(
      plan.domain.entities.map((e) => e.name),
      ['Customer', 'Order', 'Product', 'OrderItem', 'Tag'],
    );
    assert.match(
      plan.assumptions[0]!,
      new RegExp(`^The data model comes from explorer scan ${findings.scan_id} of postgres://db\\.internal:5432/shop: Customer, Order`),
    );
    assert.deepEqual(planned.payload.assumptions, plan.assumptions);
    assert.equal(planned.payload.entity_count, 5);
    const lines = logs.filter((l) => l.agent_name === 'planner').map((l) => l.message);
    assert.ok(
      lines.includes(`Using explorer scan ${findings.scan_id}: 5 records from postgres://db.internal:5432/shop`),
      lines.join(' | '),
    );

    const proposed = (await step(architectAgent, planned)) as AgentEventOf<'architecture.proposed'>;
    const models = DataModels.parse(
      JSON.parse(await runtime.ports.git.readFile(project.slug, proposed.payload.commit, 'architecture/data-models.json')),
    );
    assert.deepEqual(
      models.models.map((m) => m.name),
      ['User', 'Customer', 'Order', 'Product', 'OrderItem', 'Tag'],
      "sign-in from the prompt adds the app's own User",
    );
    const order = models.models.find((m) => m.name === 'Order')!;
    assert.deepEqual(
      order.fields.map((f) => f.name),
      ['id', 'placed_at', 'status', 'total', 'customer_id', 'created_at', 'updated_at'],
    );
    assert.deepEqual(
      order.fields.find((f) => f.name === 'customer_id'),
      { name: 'customer_id', type: 'UUID', required: true, foreign_key: 'Customer.id', on_delete: 'cascade', label: 'Customer' },
    );
    const customer = models.models.find((m) => m.name === 'Customer')!;
    assert.equal(customer.fields.find((f) => f.name === 'full_name')?.max_length, 120);

    const coded = (await step(coderAgent, proposed)) as AgentEventOf<'code.pr.opened'>;
    const schema = await runtime.ports.git.readFile(project.slug, coded.payload.commit, 'backend/src/db/schema.sqlite.ts');
    for (const table of ['customers', 'orders', 'products', 'order_items', 'tags'])
      assert.match(schema, new RegExp(`sqliteTable\\("${table}"`), `the generated schema has ${table}`);
    assert.match(
      schema,
      /customer_id: text\("customer_id"\)\.notNull\(\)\.references\([^\n]*customersTable\.id[^\n]*"cascade"/,
      'orders.customer_id refers to customers, deleting in cascade',
    );
  });

  test('an unknown scan id is scan_not_found, a malformed one is refused, and neither creates a task', async () => {
    const before = (await runtime.ports.state.listTasks({})).length;
    await rejectsWith(
      runtime.submitBuild({ prompt: PROMPT, explorer_scan_id: randomUUID() }),
      'scan_not_found',
      /^no explorer scan [0-9a-f-]{36}$/,
    );
    await rejectsWith(
      runtime.submitBuild({ prompt: PROMPT, explorer_scan_id: 'latest' }),
      'invalid_option',
      /explorer_scan_id \(--from-scan\) must be a scan id/,
    );
    assert.equal((await runtime.ports.state.listTasks({})).length, before);
  });

  test('a scan that is still running or failed cannot be built from', async () => {
    const running = await seedScan('running');
    await rejectsWith(runtime.submitBuild({ prompt: PROMPT, explorer_scan_id: running }), 'invalid_option', /is still running/);
    const failed = await seedScan('failed');
    await rejectsWith(
      runtime.submitBuild({ prompt: PROMPT, explorer_scan_id: failed }),
      'invalid_option',
      /failed: connection refused by db\.internal:5432/,
    );
  });

  test('the planner plans the scan as understood at submit, even when the scan is gone by the time it runs', async () => {
    const initiatedPayload = (initiated as AgentEventOf<'task.initiated'>).payload;
    assert.equal(initiatedPayload.understanding?.scan?.records_copied, true);
    const gone = { ...initiated, event_id: randomUUID(), payload: { ...initiatedPayload, explorer_scan_id: randomUUID() } } as AgentEvent;
    const out = await plannerAgent.handle(gone, await agentContext(runtime, task.id, plannerAgent, gone, { logs: [] }));
    assert.equal(out.events[0]?.event_type, 'plan.created');
    assert.equal((out.events[0]!.payload as { entity_count: number }).entity_count, 5);
  });

  test('an event recorded before the understanding travelled with it: a scan gone by then fails the step with the reason', async () => {
    const { understanding: _carried, ...initiatedPayload } = (initiated as AgentEventOf<'task.initiated'>).payload;
    const missing = {
      ...initiated,
      event_id: randomUUID(),
      payload: { ...initiatedPayload, explorer_scan_id: randomUUID() },
    } as AgentEvent;
    await rejectsWith(
      plannerAgent.handle(missing, await agentContext(runtime, task.id, plannerAgent, missing, { logs: [] })),
      'scan_not_found',
      /no explorer scan/,
    );
    const running = await seedScan('running');
    const unfinished = { ...initiated, event_id: randomUUID(), payload: { ...initiatedPayload, explorer_scan_id: running } } as AgentEvent;
    await rejectsWith(
      plannerAgent.handle(unfinished, await agentContext(runtime, task.id, plannerAgent, unfinished, { logs: [] })),
      'invalid_option',
      /is still running/,
    );
  });
});
