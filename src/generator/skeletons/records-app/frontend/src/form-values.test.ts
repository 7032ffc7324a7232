import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESOURCES } from './app-meta.ts';
import { displayValue, emptyFormValues, isFiltered, listQueryString, parseFormValues, toFormValues } from './form-values.ts';
import type { FieldMeta } from './form-values.ts';

const fields: FieldMeta[] = [
  { name: 'title', label: 'Title', type: 'String', required: true, maxLength: 10 },
  { name: 'rating', label: 'Rating', type: 'Integer', required: false, min: 1, max: 5 },
  { name: 'price', label: 'Price', type: 'Decimal', required: false },
  { name: 'done', label: 'Done', type: 'Boolean', required: true, defaultValue: false },
  { name: 'status', label: 'Status', type: 'Enum', required: false, enumValues: ['open', 'closed'] },
  { name: 'due', label: 'Due', type: 'DateTime', required: false },
  { name: 'day', label: 'Day', type: 'Date', required: false },
  { name: 'email', label: 'Email', type: 'Email', required: false },
  { name: 'site', label: 'Site', type: 'URL', required: false },
  { name: 'phone', label: 'Phone', type: 'Phone', required: false },
];

// Grouped under a frontend suite so test reports count these as frontend tests.
describe('frontend: form values', () => {
  test('an empty form reports every required field of every resource', () => {
    for (const resource of RESOURCES) {
      const result = parseFormValues(emptyFormValues(resource.fields), resource.fields);
      const required = resource.fields.filter((f) => f.required && f.type !== 'Boolean' && f.defaultValue === undefined);
      if (required.length === 0) continue;
      assert.equal(result.ok, false, resource.name);
      if (!result.ok) for (const field of required) assert.equal(result.errors[field.name], 'is required');
    }
  });

  test('parses typed values and turns empty optional inputs into null', () => {
    const values = {
      ...emptyFormValues(fields),
      title: '  Milk ',
      rating: '4',
      price: '2.50',
      done: true,
      status: 'open',
      due: '2025-01-15T10:30',
      day: '2025-01-15',
      email: 'a@b.co',
      site: 'https://example.com',
      phone: '+1 555 0100',
    };
    const result = parseFormValues(values, fields);
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.equal(result.body.title, 'Milk');
    assert.equal(result.body.rating, 4);
    assert.equal(result.body.price, 2.5);
    assert.equal(result.body.done, true);
    assert.equal(result.body.day, '2025-01-15');
    assert.equal(new Date(String(result.body.due)).toISOString(), result.body.due);
    const sparse = parseFormValues({ ...emptyFormValues(fields), title: 'Eggs' }, fields);
    assert.equal(sparse.ok && sparse.body.rating, null);
    assert.equal(sparse.ok && sparse.body.done, false);
  });

  test('explains what is wrong with each bad input', () => {
    const result = parseFormValues(
      {
        title: 'far too long a title',
        rating: '9',
        price: 'cheap',
        done: false,
        status: 'maybe',
        due: 'soon',
        day: '15/01',
        email: 'nope',
        site: 'ftp://x',
        phone: 'call me',
      },
      fields,
    );
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors.title, 'must be at most 10 characters');
    assert.equal(result.errors.rating, 'must be at most 5');
    assert.equal(result.errors.price, 'must be a number');
    assert.match(result.errors.status ?? '', /one of open, closed/);
    assert.ok(result.errors.due && result.errors.day && result.errors.email && result.errors.site && result.errors.phone);
    const fraction = parseFormValues({ ...emptyFormValues(fields), title: 'x', rating: '2.5' }, fields);
    assert.equal(!fraction.ok && fraction.errors.rating, 'must be a whole number');
    const low = parseFormValues({ ...emptyFormValues(fields), title: 'x', rating: '0' }, fields);
    assert.equal(!low.ok && low.errors.rating, 'must be at least 1');
    const count: FieldMeta = { name: 'count', label: 'Count', type: 'Integer', required: true };
    const huge = parseFormValues({ count: '3000000000' }, [count]);
    assert.equal(!huge.ok && huge.errors.count, 'must be at most 2147483647');
  });

  test('builds list queries with only the search, filters and order in use', () => {
    const plain = { limit: 20, offset: 0, q: '  ', filters: { status: '' }, sort: 'created_at', order: 'asc' as const };
    assert.equal(listQueryString(plain), '?limit=20&offset=0&sort=created_at&order=asc');
    assert.equal(isFiltered(plain), false);
    const narrowed = { ...plain, offset: 20, q: 'milk & eggs', filters: { status: 'open', done: 'true' }, order: 'desc' as const };
    assert.equal(listQueryString(narrowed), '?limit=20&offset=20&q=milk+%26+eggs&done=true&status=open&sort=created_at&order=desc');
    assert.equal(isFiltered(narrowed), true);
    assert.equal(listQueryString({ ...plain, sort: '' }), '?limit=20&offset=0');
    for (const resource of RESOURCES) {
      for (const name of resource.filters)
        assert.ok(
          resource.fields.some((f) => f.name === name),
          name,
        );
      assert.ok(resource.sortFields.length > 0, resource.name);
    }
  });

  test('fills a form from a stored record and shows values readably', () => {
    const values = toFormValues({ title: 'Milk', rating: 3, done: true, status: null, due: '2025-01-15T10:30:00.000Z' }, fields);
    assert.equal(values.title, 'Milk');
    assert.equal(values.rating, '3');
    assert.equal(values.done, true);
    assert.equal(values.status, '');
    assert.match(String(values.due), /^2025-01-1[45]T\d{2}:30$/);
    assert.equal(toFormValues({ due: 'garbage' }, fields).due, '');
    const done = fields[3]!;
    assert.equal(displayValue(true, done), 'Yes');
    assert.equal(displayValue(false, done), 'No');
    assert.equal(displayValue(null, fields[0]!), '—');
    assert.equal(displayValue('2025-01-15T10:30:00.000Z', fields[5]!), '2025-01-15 10:30 UTC');
    assert.equal(displayValue('garbage', fields[5]!), 'garbage');
    assert.equal(displayValue(4, fields[1]!), '4');
  });
});
