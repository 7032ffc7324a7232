import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { TaskInitiatedPayload } from './events.ts';
import { buildRequestSchema } from './messages.ts';

const SCAN_ID = '7d0c6c62-2f4e-4a51-9d0e-6f1f2b0f5a11';
const schema = buildRequestSchema(4000);

test('a build request may name the explorer scan to build from', () => {
  assert.deepEqual(schema.parse({ prompt: 'build an admin app for this database', explorer_scan_id: SCAN_ID }), {
    prompt: 'build an admin app for this database',
    explorer_scan_id: SCAN_ID,
  });
  assert.deepEqual(schema.parse({ prompt: 'build a todo app' }), { prompt: 'build a todo app' }, 'without a scan nothing changes');
});

test('a malformed scan id is refused with a message that says what is expected', () => {
  const result = schema.safeParse({ prompt: 'build something similar', explorer_scan_id: 'latest' });
  assert.equal(result.success, false);
  const issue = result.error!.issues[0]!;
  assert.deepEqual(issue.path, ['explorer_scan_id']);
  assert.match(issue.message, /explorer_scan_id \(--from-scan\) must be a scan id, a UUID/);
});

test('the request body documented for POST /api/tasks includes explorer_scan_id', () => {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as {
    properties: Record<string, { type?: string; format?: string; description?: string }>;
    required?: string[];
  };
  const property = json.properties['explorer_scan_id'];
  assert.equal(property?.type, 'string');
  assert.equal(property?.format, 'uuid');
  assert.match(property?.description ?? '', /explorer scan/);
  assert.deepEqual(json.required, ['prompt']);
});

test('task.initiated carries the scan id when there is one', () => {
  const base = {
    project_id: SCAN_ID,
    project_name: 'Shop',
    project_slug: 'shop',
    requirements: 'build something similar',
    mode: 'sequential',
  };
  assert.equal(TaskInitiatedPayload.parse({ ...base, explorer_scan_id: SCAN_ID }).explorer_scan_id, SCAN_ID);
  assert.equal(TaskInitiatedPayload.parse(base).explorer_scan_id, undefined);
  assert.equal(TaskInitiatedPayload.safeParse({ ...base, explorer_scan_id: 'nope' }).success, false);
});
