/**
 * The architect on real ports: it designs from the plan the planner committed (read back from git,
 * not from memory), commits architecture/ on main, and refuses a corrupted plan for good.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml, stringify } from 'yaml';
import { openAgentHarness, runChain, type AgentHarness, type StepOutput } from '../../../test/support/agent-harness.ts';
import { DataModels } from '../../contracts/artifacts.ts';
import type { AgentEventOf } from '../../contracts/events.ts';
import { AppError } from '../../core/errors.ts';
import { plannerAgent } from '../planner/planner-agent.ts';
import { architectAgent } from './architect-agent.ts';

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('architect agent', () => {
  let h: AgentHarness;
  let planned: AgentEventOf<'plan.created'>;
  let designed: StepOutput;

  before(async () => {
    h = await openAgentHarness('architect');
    const [plan] = await runChain(h, [plannerAgent]);
    planned = plan!.events[0] as AgentEventOf<'plan.created'>;
    designed = await h.run(architectAgent, planned);
  });
  after(async () => {
    await h?.close();
  });

  test('commits architecture/ on main on top of the plan commit', () => {
    const proposed = designed.events[0]!;
    assert.equal(proposed.event_type, 'architecture.proposed');
    assert.equal(proposed.commit, h.git('rev-parse', 'main').trim());
    assert.equal(h.git('rev-parse', `${proposed.commit}^`).trim(), planned.commit, 'the design commit follows the plan commit');
    const changed = h.git('show', '--name-only', '--format=', proposed.commit).trim().split('\n');
    assert.ok(
      changed.every((f) => f.startsWith('architecture/')),
      changed.join(', '),
    );
    for (const f of [
      'architecture/design.md',
      'architecture/tech-stack.md',
      'architecture/data-models.json',
      'architecture/api-contracts/openapi.yaml',
      'architecture/api-contracts/api-guide.md',
      'architecture/components.md',
    ]) {
      assert.ok(changed.includes(f), `commit has ${f}`);
    }
    assert.match(h.git('log', '-1', '--format=%B', proposed.commit), new RegExp(`^Catalyst-Event: ${planned.event_id}$`, 'm'));
  });

  test('data-models.json parses with DataModels and the payload counts match the committed files', () => {
    const proposed = designed.events[0]!;
    assert.equal(proposed.event_type, 'architecture.proposed');
    const models = DataModels.parse(JSON.parse(h.git('show', `${proposed.commit}:architecture/data-models.json`)));
    assert.deepEqual(
      models.models.map((m) => m.name),
      ['User', 'Todo'],
    );
    assert.deepEqual(models.auth, { enabled: true, ownership: true });
    const adrs = h.git('ls-tree', '--name-only', `${proposed.commit}:architecture/adr`).trim().split('\n');
    assert.ok(adrs.length >= 3, `at least 3 ADRs, got ${adrs.join(', ')}`);

    const openapi = parseYaml(h.git('show', `${proposed.commit}:architecture/api-contracts/openapi.yaml`)) as {
      paths: Record<string, Record<string, unknown>>;
    };
    // The API is what lives under /api/; the /health probe is infrastructure, not an endpoint of the app.
    const operations = Object.entries(openapi.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([, ops]) => Object.keys(ops).filter((k) => HTTP_METHODS.includes(k)));
    assert.equal(proposed.payload.api_endpoint_count, operations.length);
    assert.equal(proposed.payload.api_endpoint_count, planned.payload.api_endpoint_count, 'every planned endpoint is in the contract');
    assert.equal(proposed.payload.data_model_count, models.models.length);
    assert.equal(proposed.payload.adrs_created, adrs.length);
    assert.equal(proposed.payload.commit, proposed.commit);
    assert.ok(proposed.payload.tech_stack.backend, 'names a backend framework');
  });

  test('designs from plan.yaml as committed, not from the original request', async () => {
    // Drop the auth feature from the plan in git: a design read from the commit has no User model.
    const plan = parseYaml(h.git('show', `${planned.commit}:planning/plan.yaml`)) as { domain: { auth: { enabled: boolean } } };
    plan.domain.auth.enabled = false;
    const sha = await h.runtime.ports.git.commit({
      checkout: h.repo,
      files: [{ path: 'planning/plan.yaml', content: stringify(plan) }],
      message: 'docs: plan without auth',
    });
    assert.ok(sha);
    const edited = { ...planned, event_id: randomUUID(), commit: sha, payload: { ...planned.payload, commit: sha } };
    const out = await h.run(architectAgent, edited);
    const proposed = out.events[0]!;
    const models = DataModels.parse(JSON.parse(h.git('show', `${proposed.commit}:architecture/data-models.json`)));
    assert.equal(models.auth.enabled, false);
    assert.deepEqual(
      models.models.map((m) => m.name),
      ['Todo'],
    );
  });

  test('a corrupted plan.yaml at the referenced commit fails with invalid_artifact, not retryable, and commits nothing', async () => {
    for (const [label, content] of [
      ['not YAML', 'project: [unclosed\n  features: {\n'],
      ['YAML without the required fields', 'project:\n  name: Broken\n'],
    ] as const) {
      const sha = await h.runtime.ports.git.commit({
        checkout: h.repo,
        files: [{ path: 'planning/plan.yaml', content }],
        message: `test: corrupt the plan (${label})`,
      });
      assert.ok(sha);
      const head = h.git('rev-parse', 'main').trim();
      const corrupted = { ...planned, event_id: randomUUID(), commit: sha, payload: { ...planned.payload, commit: sha } };
      const ctx = await h.context(architectAgent, corrupted);
      await assert.rejects(architectAgent.handle(corrupted, ctx), (e: unknown) => {
        assert.ok(AppError.isInstance(e), `an AppError (${label})`);
        assert.equal(e.code, 'invalid_artifact');
        assert.equal(e.retryable, false);
        assert.match(e.message, /planning\/plan\.yaml/, 'the message names the file');
        return true;
      });
      assert.equal(h.git('rev-parse', 'main').trim(), head, `no architecture commit after ${label}`);
    }
  });
});

describe('architect agent without diagrams', () => {
  test('agents.architect.generate_diagrams false leaves the Mermaid diagrams out of design.md', async () => {
    const h = await openAgentHarness('architect-nodiagrams');
    try {
      const [plan] = await runChain(h, [plannerAgent]);
      const settings = { ...h.settings, architect: { generateDiagrams: false } };
      const designed = await h.run(architectAgent, plan!.events[0]!, { settings });
      const design = h.git('show', `${designed.events[0]!.commit}:architecture/design.md`);
      assert.doesNotMatch(design, /```mermaid/);
      assert.match(design, /## Data model/, 'the rest of the design is still there');
    } finally {
      await h.close();
    }
  });
});
