import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { Plan } from '../../contracts/index.ts';
import { databaseFindings } from '../../../test/support/scan-findings.ts';
import { applyFindings } from '../understand/from-findings.ts';
import { analyzeRequest, understandRequest } from '../understand/index.ts';
import { buildPlan } from './index.ts';

const planFor = (prompt: string) => buildPlan(understandRequest(prompt), prompt);
const file = (files: Array<{ path: string; content: string }>, path: string): string => {
  const found = files.find((f) => f.path === path);
  assert.ok(found, `missing ${path}`);
  return found.content;
};

describe('buildPlan', () => {
  test('writes the four planning files, and plan.yaml parses back to the same Plan', () => {
    const { plan, files } = planFor('build a todo app with user auth');
    assert.deepEqual(
      files.map((f) => f.path),
      ['planning/plan.yaml', 'planning/acceptance.md', 'planning/risk.md', 'planning/task-graph.json'],
    );
    assert.deepEqual(Plan.parse(parse(file(files, 'planning/plan.yaml'))), plan);
  });

  test('auth feature first, then one CRUD feature per entity', () => {
    const { plan } = planFor('books with title, author and pages; members review books with a rating 1-5 and a comment; users log in');
    assert.deepEqual(
      plan.features.map((f) => f.name),
      ['User Authentication', 'Book Management', 'Member Management', 'Review Management'],
    );
    const noAuth = planFor('build a todo app').plan;
    assert.deepEqual(
      noAuth.features.map((f) => f.name),
      ['Todo Management'],
    );
    assert.ok(!noAuth.api_endpoints.some((e) => e.path.startsWith('/api/auth')));
  });

  test('endpoints: auth routes when enabled and six routes per resource', () => {
    const { plan } = planFor('invoice lines have a description and a price; users log in');
    const routes = plan.api_endpoints.map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(routes, [
      'POST /api/auth/register',
      'POST /api/auth/login',
      'GET /api/auth/me',
      'GET /api/invoice-lines',
      'POST /api/invoice-lines',
      'GET /api/invoice-lines/{id}',
      'PATCH /api/invoice-lines/{id}',
      'PUT /api/invoice-lines/{id}',
      'DELETE /api/invoice-lines/{id}',
    ]);
    assert.equal(plan.api_endpoints[4]?.input?.['description'], 'string');
    // Money is never negative: a price gets a minimum of 0.
    assert.equal(plan.api_endpoints[4]?.input?.['price'], 'number 0.., optional');
  });

  test('tasks: T-ids, dependencies that exist and come earlier, real app paths', () => {
    const { plan } = planFor('books with title; members review books with a rating 1-5; users log in');
    const ids = plan.tasks.map((t) => t.id);
    assert.deepEqual(
      ids,
      ids.map((_, i) => `T${i + 1}`),
    );
    for (const t of plan.tasks) {
      for (const dep of t.depends_on) assert.ok(ids.indexOf(dep) < ids.indexOf(t.id), `${t.id} depends on later ${dep}`);
      for (const path of t.files_affected)
        assert.match(path, /^(backend\/src\/|backend\/test\/|frontend\/|package\.json|tsconfig\.json|Dockerfile|docker-compose|README)/);
      assert.ok(
        plan.features.some((f) => f.id === t.feature && f.tasks.includes(t.id)),
        `${t.id} listed under its feature`,
      );
    }
    const reviewModel = plan.tasks.find((t) => t.description.startsWith('Review model'))!;
    const bookModel = plan.tasks.find((t) => t.description.startsWith('Book model'))!;
    assert.ok(reviewModel.depends_on.includes(bookModel.id), 'a child model waits for its parent');
    assert.ok(plan.tasks.some((t) => t.files_affected.includes('backend/src/routes/review-routes.ts')));
  });

  test('risks follow the app: password risk only with auth, isolation risk only with ownership', () => {
    const withAuth = planFor('build a todo app with user auth').plan.risk_assessment.map((r) => r.risk);
    assert.ok(withAuth.includes('Password security'));
    assert.ok(withAuth.some((r) => /another user/.test(r)));
    const without = planFor('build a todo app').plan.risk_assessment.map((r) => r.risk);
    assert.ok(!without.includes('Password security'));
    assert.ok(without.some((r) => /Invalid or hostile input/.test(r)));
  });

  test('acceptance.md lists criteria per feature and the open questions; risk.md and task-graph.json match the plan', () => {
    const { plan, files } = planFor('tasks have a title, priority (low, medium, high) and a done flag');
    const acceptance = file(files, 'planning/acceptance.md');
    assert.match(acceptance, /## F1 Task Management/);
    assert.match(acceptance, /Priority accepts only low, medium, high/);
    assert.match(acceptance, /## Open questions\n\n- Should people sign in/);
    assert.match(file(files, 'planning/risk.md'), /\| Risk \| Severity \| Mitigation \|/);
    const graph = JSON.parse(file(files, 'planning/task-graph.json'));
    assert.equal(graph.nodes.length, plan.tasks.length);
    assert.deepEqual(Object.keys(graph.nodes[0]).sort(), ['feature', 'id', 'label', 'type']);
    assert.equal(
      graph.edges.length,
      plan.tasks.reduce((n, t) => n + t.depends_on.length, 0),
    );
  });

  test('an app name with markup is escaped in Markdown but kept in plan.yaml', () => {
    const { plan, files } = planFor('a notes app called <script>alert(1)</script>');
    assert.equal(plan.project.name, '<script>alert(1)</script>');
    assert.ok(!file(files, 'planning/acceptance.md').includes('<script>'));
    assert.equal(Plan.parse(parse(file(files, 'planning/plan.yaml'))).project.name, '<script>alert(1)</script>');
  });

  test('a domain from elsewhere keeps the plan honest about where it came from', () => {
    const domain = understandRequest('build a todo app with user auth');
    const { plan } = buildPlan(domain, 'something else entirely');
    assert.match(plan.assumptions[0] ?? '', /supplied with the request/);
  });

  test('a domain built from an explorer scan records the scan in plan.yaml and acceptance.md', () => {
    const prompt = 'build an admin app for this database';
    const understood = applyFindings(analyzeRequest(prompt), databaseFindings());
    const { plan, files } = buildPlan(understood.domain, prompt, understood);
    assert.deepEqual(plan.assumptions, understood.assumptions);
    assert.deepEqual(plan.open_questions, understood.openQuestions);
    const yaml = Plan.parse(parse(file(files, 'planning/plan.yaml')));
    assert.match(
      yaml.assumptions[0] ?? '',
      /^The data model comes from explorer scan 7d0c6c62-2f4e-4a51-9d0e-6f1f2b0f5a11 of postgres:\/\/db\.internal:5432\/shop: Customer, Order/,
    );
    assert.deepEqual(
      yaml.domain.entities.map((e) => e.name),
      ['Customer', 'Order', 'Product', 'OrderItem', 'Tag'],
    );
    assert.match(file(files, 'planning/acceptance.md'), /Should "product\\_tags", "drop;table" from the scan be part of the app as well\?/);
    const orderModel = plan.tasks.find((t) => t.description.startsWith('Order model'))!;
    assert.match(orderModel.description, /customer_id → Customer/);
  });

  test('the same prompt gives byte-identical planning files', () => {
    const p = 'books with title, author and pages; members review books with a rating 1-5 and a comment';
    assert.deepEqual(planFor(p).files, planFor(p).files);
  });
});
