import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataModels } from '../../contracts/artifacts.ts';
import type { ModelField } from '../../contracts/artifacts.ts';
import { completionField, filterFields, findModel, onDeleteRule, sortFields } from './model-facts.ts';
import { creationOrder } from './renderers/e2e-files.ts';
import { bookReviewApp, todoApp, vendorApp } from './test-fixtures.ts';

const field = (extra: Partial<ModelField>): ModelField => ({ name: 'thing_id', type: 'UUID', foreign_key: 'Thing.id', ...extra });

test('delete rules follow the model, and "set null" on a required reference becomes "restrict"', () => {
  assert.equal(onDeleteRule(field({ required: true })), 'cascade');
  assert.equal(onDeleteRule(field({ required: false })), 'set null');
  assert.equal(onDeleteRule(field({ required: false, on_delete: 'restrict' })), 'restrict');
  assert.equal(onDeleteRule(field({ required: true, on_delete: 'set null' })), 'restrict');
});

test('lists filter on enums, booleans and references, and sort on plain fields and timestamps', () => {
  const review = findModel(bookReviewApp, 'Review')!;
  assert.deepEqual(
    filterFields(bookReviewApp, review).map((f) => f.name),
    ['book_id', 'sentiment'],
  );
  assert.deepEqual(sortFields(bookReviewApp, review), ['created_at', 'updated_at', 'rating', 'sentiment', 'body']);
  const todo = findModel(todoApp, 'Todo')!;
  assert.deepEqual(
    filterFields(todoApp, todo).map((f) => f.name),
    ['completed'],
  );
  assert.ok(!sortFields(todoApp, todo).includes('user_id'), 'the owner is not a sort key');
  assert.equal(completionField(todo)?.name, 'completed');
  assert.equal(completionField(findModel(vendorApp, 'Vendor')!), undefined, '"active" does not mean finished');
});

test('a field named like a list parameter is never a filter', () => {
  // The contract already refuses most such names; this guards the query string if it ever allows one.
  const models: DataModels = {
    ...bookReviewApp,
    models: bookReviewApp.models.map((m) =>
      m.name === 'Review' ? { ...m, fields: [...m.fields, { name: 'sort', type: 'Enum', enum_values: ['a', 'b'], required: false }] } : m,
    ),
  };
  const names = filterFields(models, findModel(models, 'Review')!).map((f) => f.name);
  assert.ok(!names.includes('sort'));
  assert.ok(names.includes('sentiment'));
});

test('browser tests create referenced records before the records that point at them', () => {
  const reversed = DataModels.parse({ ...vendorApp, models: [...vendorApp.models].reverse() });
  assert.deepEqual(
    creationOrder(reversed).map((m) => m.name),
    ['Vendor', 'Contract'],
  );
  assert.deepEqual(
    creationOrder(bookReviewApp).map((m) => m.name),
    ['Book', 'Review'],
  );
});
