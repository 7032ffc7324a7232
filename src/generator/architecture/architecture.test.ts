import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validate, compileErrors } from '@readme/openapi-parser';
import { parse } from 'yaml';
import { DataModels, Plan, type DataModel } from '../../contracts/index.ts';
import { buildPlan } from '../plan/index.ts';
import { understandRequest } from '../understand/index.ts';
import { designArchitecture } from './index.ts';

/** The architect reads plan.yaml back from git; do the same here. */
function architectureFor(prompt: string) {
  const { files } = buildPlan(understandRequest(prompt), prompt);
  const plan = Plan.parse(parse(files.find((f) => f.path === 'planning/plan.yaml')!.content));
  return { plan, ...designArchitecture(plan) };
}
const content = (files: Array<{ path: string; content: string }>, path: string): string => {
  const found = files.find((f) => f.path === path);
  assert.ok(found, `missing ${path}`);
  return found.content;
};
const model = (models: DataModels, name: string): DataModel => models.models.find((m) => m.name === name)!;

const PROMPTS = [
  'build a todo app with user auth',
  'build a hello world app',
  'books with title, author and pages; members review books with a rating 1-5 and a comment',
  'products have a name, price, support email, website url, phone, launch date and a release time; users log in and share them',
];

describe('designArchitecture', () => {
  test('todo with auth: User first, owned Todo with user_id after id, exact conventions', () => {
    const { dataModels } = architectureFor('build a todo app with user auth');
    assert.deepEqual(
      dataModels.models.map((m) => m.name),
      ['User', 'Todo'],
    );
    const user = model(dataModels, 'User');
    assert.deepEqual(
      user.fields.map((f) => f.name),
      ['id', 'email', 'password_hash', 'created_at', 'updated_at'],
    );
    assert.equal(user.resource, null);
    assert.deepEqual(user.indexes, [{ fields: ['email'], unique: true }]);
    assert.equal(user.fields[2]?.private, true);
    const todo = model(dataModels, 'Todo');
    assert.deepEqual(
      todo.fields.map((f) => f.name),
      ['id', 'user_id', 'title', 'completed', 'due_date', 'created_at', 'updated_at'],
    );
    assert.deepEqual(todo.fields[0], { name: 'id', type: 'UUID', required: true, primary_key: true, readonly: true, label: 'ID' });
    assert.deepEqual(todo.fields[1], {
      name: 'user_id',
      type: 'UUID',
      required: true,
      readonly: true,
      foreign_key: 'User.id',
      on_delete: 'cascade',
      label: 'User',
    });
    assert.deepEqual(todo.indexes, [{ fields: ['user_id'] }]);
    assert.deepEqual([todo.collection, todo.resource, todo.display_field], ['todos', 'todos', 'title']);
    assert.deepEqual(todo.access, { read: 'owner', write: 'owner' });
  });

  test('relations become indexed foreign-key fields; compound names give snake tables and kebab paths', () => {
    const { dataModels } = architectureFor('books with title; members review books with a rating 1-5; invoice lines have a description');
    const review = model(dataModels, 'Review');
    const bookId = review.fields.find((f) => f.name === 'book_id');
    assert.deepEqual([bookId?.type, bookId?.foreign_key, bookId?.on_delete], ['UUID', 'Book.id', 'cascade']);
    assert.ok(review.indexes.some((i) => i.fields[0] === 'book_id'));
    assert.deepEqual(review.access, { read: 'public', write: 'public' });
    const lines = model(dataModels, 'InvoiceLine');
    assert.deepEqual([lines.collection, lines.resource], ['invoice_lines', 'invoice-lines']);
  });

  test('auth without ownership gives authenticated access', () => {
    const { dataModels } = architectureFor(PROMPTS[3]!);
    assert.deepEqual(model(dataModels, 'Product').access, { read: 'authenticated', write: 'authenticated' });
  });

  for (const prompt of PROMPTS) {
    test(`every file parses and validates: "${prompt.slice(0, 40)}…"`, async () => {
      const { plan, dataModels, files, adrCount, endpointCount, techStack } = architectureFor(prompt);
      const json = content(files, 'architecture/data-models.json');
      assert.equal(json, `${JSON.stringify(dataModels, null, 2)}\n`);
      assert.deepEqual(DataModels.parse(JSON.parse(json)), dataModels);
      const spec = parse(content(files, 'architecture/api-contracts/openapi.yaml'));
      const result = await validate(spec);
      assert.ok(result.valid, result.valid ? '' : compileErrors(result));
      assert.equal(endpointCount, plan.api_endpoints.length);
      assert.ok(adrCount >= 3);
      assert.equal(files.filter((f) => /^architecture\/adr\/\d{3}-[a-z0-9-]+\.md$/.test(f.path)).length, adrCount);
      assert.match(content(files, 'architecture/design.md'), /```mermaid\n(flowchart|erDiagram)[\s\S]*?```/);
      assert.match(content(files, 'architecture/tech-stack.md'), /Fastify/);
      assert.match(content(files, 'architecture/components.md'), /backend\/src/);
      assert.match(content(files, 'architecture/api-contracts/api-guide.md'), /## /);
      assert.equal(techStack['auth'] === 'none', !dataModels.auth.enabled);
    });
  }

  test('OpenAPI request schemas carry required fields, formats, enums and ranges; bearer security with auth', () => {
    const prompt =
      'tasks have a title, priority (low, medium, high), a rating 1-5, contact email, a link, a due date and a start time; users log in';
    const spec = parse(content(architectureFor(prompt).files, 'architecture/api-contracts/openapi.yaml'));
    const input = spec.components.schemas.TaskInput;
    assert.deepEqual(input.required, ['title']);
    assert.deepEqual(input.properties.priority.enum, ['low', 'medium', 'high']);
    assert.deepEqual([input.properties.rating.type, input.properties.rating.minimum, input.properties.rating.maximum], ['integer', 1, 5]);
    assert.equal(input.properties.contact_email.format, 'email');
    assert.equal(input.properties.link.format, 'uri');
    assert.equal(input.properties.due_date.format, 'date');
    assert.equal(input.properties.start_time.format, 'date-time');
    assert.equal(input.properties.title.maxLength, 200);
    assert.ok(!('user_id' in input.properties) && !('id' in input.properties), 'server-managed fields are not writable');
    assert.ok(!('password_hash' in spec.components.schemas.User.properties));
    assert.deepEqual(spec.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const byId = spec.paths['/api/tasks/{id}'];
    assert.deepEqual(Object.keys(byId.patch.responses), ['200', '400', '401', '404']);
    assert.deepEqual(Object.keys(byId.delete.responses), ['204', '401', '404']);
    assert.deepEqual(Object.keys(spec.paths['/api/tasks'].post.responses), ['201', '400', '401']);
    assert.deepEqual(byId.get.security, [{ bearerAuth: [] }]);
    assert.ok(spec.components.schemas.Error.properties.error);
  });

  test('no auth: no security scheme, no 401, and a no-authentication ADR', () => {
    const { files } = architectureFor('build a todo app');
    const spec = parse(content(files, 'architecture/api-contracts/openapi.yaml'));
    assert.equal(spec.components.securitySchemes, undefined);
    assert.deepEqual(Object.keys(spec.paths['/api/todos/{id}'].get.responses), ['200', '404']);
    assert.ok(files.some((f) => f.path === 'architecture/adr/003-no-authentication.md'));
    assert.ok(!files.some((f) => /jwt/.test(f.path)));
  });

  test('ADRs explain the choices for this app', () => {
    const { files } = architectureFor('build a todo app with user auth');
    const adrs = files.filter((f) => f.path.startsWith('architecture/adr/')).map((f) => f.path);
    assert.deepEqual(adrs, [
      'architecture/adr/001-fastify-typescript-backend.md',
      'architecture/adr/002-sqlite-default-postgres-via-database-url.md',
      'architecture/adr/003-jwt-authentication.md',
      'architecture/adr/004-react-vite-frontend.md',
      'architecture/adr/005-row-ownership.md',
    ]);
    const ownership = content(files, 'architecture/adr/005-row-ownership.md');
    assert.match(ownership, /Todo records are personal/);
    assert.match(ownership, /## Decision/);
  });

  test('many-to-many through a join record and public reading get ADRs and diagram edges', () => {
    const { files, dataModels } = architectureFor(
      'courses with a title; students enroll in courses; anyone can read courses, only logged in users can write',
    );
    const enrollment = model(dataModels, 'Enrollment');
    assert.deepEqual(
      enrollment.fields
        .filter((f) => f.foreign_key)
        .map((f) => f.foreign_key)
        .sort(),
      ['Course.id', 'Student.id'],
    );
    const adrs = files.filter((f) => f.path.startsWith('architecture/adr/'));
    const join = adrs.find((f) => f.path.endsWith('join-records-for-many-to-many.md'));
    assert.ok(join, adrs.map((f) => f.path).join(', '));
    assert.match(join.content, /Enrollment \((?:Student ↔ Course|Course ↔ Student)\)/);
    const open = adrs.find((f) => f.path.endsWith('public-reading-signed-in-writing.md'));
    assert.ok(open);
    assert.match(open.content, /anyone read courses/);
    const design = content(files, 'architecture/design.md');
    assert.match(design, /Course \|\|--o\{ Enrollment/);
    assert.match(design, /Student \|\|--o\{ Enrollment/);
  });

  test('the same prompt gives byte-identical architecture files', () => {
    assert.deepEqual(architectureFor(PROMPTS[2]!).files, architectureFor(PROMPTS[2]!).files);
  });
});
