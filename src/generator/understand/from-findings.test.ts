import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { col, databaseFindings, SHOP_TABLES, type TableInput } from '../../../test/support/scan-findings.ts';
import { Domain, type DomainEntity, type ScanRecord } from '../../contracts/index.ts';
import { AppError } from '../../core/errors.ts';
import { applyFindings, findingsOfScan } from './from-findings.ts';
import { analyzeRequest } from './index.ts';

const ADMIN = 'build an admin app for this database';
const PRIVATE = 'build something similar where users log in and each user sees only their own orders';
const PUBLIC = 'build something similar without login';

const entity = (d: Domain, name: string): DomainEntity => {
  const found = d.entities.find((e) => e.name === name);
  assert.ok(found, `expected entity ${name}, got ${d.entities.map((e) => e.name).join(', ')}`);
  return found;
};
const fromShop = (prompt: string, tables: readonly TableInput[] = SHOP_TABLES) =>
  applyFindings(analyzeRequest(prompt), databaseFindings(tables));

describe('applyFindings: a scanned shop database', () => {
  test('the scanned tables become the entities, targets first, and the Domain parses', () => {
    const { domain } = fromShop(ADMIN);
    assert.deepEqual(Domain.parse(domain), domain);
    assert.deepEqual(
      domain.entities.map((e) => e.name),
      ['Customer', 'Order', 'Product', 'OrderItem', 'Tag'],
    );
    const order = entity(domain, 'Order');
    assert.equal(order.plural, 'orders');
    assert.equal(entity(domain, 'OrderItem').label_plural, 'Order Items');
  });

  test('columns become snake_case fields; keys, timestamps and foreign keys are not fields', () => {
    const { domain } = fromShop(ADMIN);
    const customer = entity(domain, 'Customer');
    assert.deepEqual(
      customer.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['full_name', 'String', true],
        ['email', 'Email', true],
      ],
    );
    assert.equal(customer.fields[0]!.max_length, 120, 'character varying(120) keeps its length');
    assert.equal(customer.fields[1]!.unique, true);
    assert.deepEqual(customer.searchable, ['full_name', 'email']);
    const order = entity(domain, 'Order');
    assert.deepEqual(
      order.fields.map((f) => [f.name, f.type]),
      [
        ['placed_at', 'DateTime'],
        ['status', 'String'],
        ['total', 'Decimal'],
      ],
    );
    assert.equal(entity(domain, 'Product').fields.find((f) => f.name === 'sku')?.max_length, 32);
  });

  test('foreign keys become belongs_to relations with the scanned requiredness and delete rule', () => {
    const { domain } = fromShop(ADMIN);
    assert.deepEqual(entity(domain, 'Order').relations, [
      { kind: 'belongs_to', target: 'Customer', field: 'customer_id', required: true, on_delete: 'cascade' },
    ]);
    assert.deepEqual(entity(domain, 'OrderItem').relations, [
      { kind: 'belongs_to', target: 'Order', field: 'order_id', required: true, on_delete: 'cascade' },
      { kind: 'belongs_to', target: 'Product', field: 'product_id', required: true, on_delete: 'restrict' },
    ]);
    assert.deepEqual(
      entity(domain, 'OrderItem').fields.map((f) => f.name),
      ['quantity'],
      'the composite key columns are links, quantity is the field',
    );
  });

  test('the prompt keeps the name, sign-in and language; the plan says where the model came from', () => {
    const { domain, assumptions, openQuestions } = fromShop(ADMIN);
    assert.equal(domain.app_name, 'Admin App');
    assert.equal(domain.slug, 'admin-app');
    assert.equal(domain.language, 'en');
    assert.deepEqual(domain.auth, { enabled: true, ownership: false });
    const origin = assumptions.find((a) =>
      a.startsWith('The data model comes from explorer scan 7d0c6c62-2f4e-4a51-9d0e-6f1f2b0f5a11 of postgres://db.internal:5432/shop'),
    );
    assert.ok(origin, assumptions.join('\n'));
    assert.match(origin, /Customer, Order, Product, OrderItem, Tag \(5 of 9 tables; skipped: /);
    assert.match(origin, /"product_tags" \(only links other tables\)/);
    assert.match(origin, /"schema_migrations" \(bookkeeping of a migration tool\)/);
    assert.ok(!assumptions.some((a) => /generic items|Item has no fields/.test(a)), "notes about the prompt's fallback records are gone");
    assert.ok(
      openQuestions.some((q) => q.includes('"product_tags"') && !q.includes('schema_migrations')),
      openQuestions.join('\n'),
    );
    assert.ok(!openQuestions.some((q) => /keep track of/.test(q)));
  });

  test('a hostile table name is skipped with a note, never turned into an identifier', () => {
    const { domain, assumptions } = fromShop(ADMIN);
    assert.ok(!domain.entities.some((e) => /drop/i.test(e.name)));
    assert.ok(
      assumptions.some((a) => a.includes('"drop;table" (not a plain name')),
      assumptions.join('\n'),
    );
  });

  test('the enum column is text, with a note saying why', () => {
    const { assumptions } = fromShop(ADMIN);
    assert.ok(
      assumptions.some((a) => /^Order: status has a fixed set of values the scan could not read/.test(a)),
      assumptions.join('\n'),
    );
  });
});

describe('applyFindings: the users table', () => {
  test('with sign-in and private records, rows that pointed at users become owned; no User entity is generated', () => {
    const { domain, assumptions } = fromShop(PRIVATE);
    assert.ok(!domain.entities.some((e) => e.name === 'User'));
    const order = entity(domain, 'Order');
    assert.equal(order.owned, true);
    assert.deepEqual(order.access, { read: 'owner', write: 'owner' });
    assert.ok(!order.relations.some((r) => r.field === 'user_id'), "the owner column is the app's own user_id");
    assert.equal(entity(domain, 'Customer').owned, false);
    assert.deepEqual(domain.auth, { enabled: true, ownership: true });
    assert.ok(
      assumptions.some((a) => a.includes('each Order belongs to the signed-in user who creates it')),
      assumptions.join('\n'),
    );
  });

  test('with sign-in but shared records, the link to users is dropped with a note', () => {
    const { domain, assumptions } = fromShop(ADMIN);
    assert.equal(entity(domain, 'Order').owned, false);
    assert.deepEqual(entity(domain, 'Order').access, { read: 'authenticated', write: 'authenticated' });
    assert.ok(
      assumptions.some((a) =>
        a.startsWith('Order.user_id referred to the user accounts in "users"; the request does not ask for private records'),
      ),
      assumptions.join('\n'),
    );
  });

  test('without sign-in, the link is dropped and the plan asks whether sign-in is wanted', () => {
    const { domain, assumptions, openQuestions } = fromShop(PUBLIC);
    assert.deepEqual(domain.auth, { enabled: false, ownership: false });
    assert.deepEqual(entity(domain, 'Order').access, { read: 'public', write: 'public' });
    assert.ok(
      assumptions.some((a) => a.includes('the app has no sign-in, so the link was dropped')),
      assumptions.join('\n'),
    );
    assert.ok(
      openQuestions.some((q) => /user accounts \("users"\); should this app have sign-in too\?/.test(q)),
      openQuestions.join('\n'),
    );
  });

  test('"build something similar" names the app after the scanned database', () => {
    const { domain } = fromShop(PUBLIC);
    assert.equal(domain.app_name, 'Shop App');
    assert.equal(domain.slug, 'shop-app');
  });
});

describe('applyFindings: names, cycles and limits', () => {
  test('reserved names are renamed the way the generator renames them', () => {
    const tables: TableInput[] = [
      {
        source_name: 'objects',
        fields: [
          col('id', 'Integer', 'integer', true, { primary_key: true }),
          col('label', 'String', 'text', true),
          col('order', 'Integer', 'integer', false),
        ],
      },
      { source_name: 'Orders', fields: [col('OrderNumber', 'String', 'varchar(20)', true)] },
    ];
    const { domain, assumptions } = fromShop(ADMIN, tables);
    assert.deepEqual(
      domain.entities.map((e) => e.name),
      ['Item', 'Order'],
    );
    assert.deepEqual(
      entity(domain, 'Item').fields.map((f) => f.name),
      ['label', 'position'],
    );
    assert.deepEqual(
      entity(domain, 'Order').fields.map((f) => f.name),
      ['order_number'],
    );
    assert.ok(assumptions.some((a) => a.includes('"objects" would be called Object, a reserved word')));
    assert.ok(assumptions.some((a) => a.includes('the field "order" is a reserved word')));
  });

  test('a cycle of links loses its later link, a self-link is dropped, both with notes', () => {
    const tables: TableInput[] = [
      {
        source_name: 'teams',
        fields: [col('name', 'String', 'text', true), col('captain_id', 'Integer', 'integer', false)],
        references: [{ field: 'captain_id', target: 'players', on_delete: 'set null' }],
      },
      {
        source_name: 'players',
        fields: [
          col('name', 'String', 'text', true),
          col('team_id', 'Integer', 'integer', true),
          col('mentor_id', 'Integer', 'integer', false),
        ],
        references: [
          { field: 'team_id', target: 'teams', on_delete: 'cascade' },
          { field: 'mentor_id', target: 'players' },
        ],
      },
    ];
    const { domain, assumptions } = fromShop(ADMIN, tables);
    assert.deepEqual(
      domain.entities.map((e) => [e.name, e.relations.map((r) => `${r.field}→${r.target}`)]),
      [
        ['Player', []],
        ['Team', ['captain_id→Player']],
      ],
    );
    assert.ok(
      assumptions.some((a) => a.startsWith('Player.team_id → Team closed a cycle of links')),
      assumptions.join('\n'),
    );
    assert.ok(
      assumptions.some((a) => a.startsWith('Player.mentor_id referred to Player itself')),
      assumptions.join('\n'),
    );
    assert.deepEqual(Domain.parse(domain), domain);
  });

  test('links to tables the scan did not list are dropped with a note', () => {
    const tables: TableInput[] = [
      {
        source_name: 'invoices',
        fields: [col('amount', 'Decimal', 'numeric', true), col('account_ref', 'Integer', 'integer', true)],
        references: [{ field: 'account_ref', target: 'ledger' }],
      },
    ];
    const { domain, assumptions } = fromShop(ADMIN, tables);
    assert.deepEqual(entity(domain, 'Invoice').relations, []);
    assert.ok(
      assumptions.some((a) => a === 'Invoice.account_ref referred to "ledger", which the scan did not list, so the link was dropped.'),
      assumptions.join('\n'),
    );
  });

  test('at most 12 kinds of records are kept; the rest are named', () => {
    const words = [
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
      'hotel',
      'india',
      'juliet',
      'kilo',
      'lima',
      'mike',
      'november',
    ];
    const tables = words.map((w) => ({ source_name: `${w}_records`, fields: [col('title', 'String', 'text', true)] }));
    const { domain, assumptions, openQuestions } = fromShop(ADMIN, tables);
    assert.equal(domain.entities.length, 12);
    assert.match(
      assumptions[0]!,
      /\(12 of 14 tables; skipped: "mike_records" \(over the limit of 12 kinds of records\), "november_records"/,
    );
    assert.ok(openQuestions.some((q) => q.includes('"mike_records"')));
  });
});

describe('applyFindings: nothing to copy', () => {
  test('a scan without records leaves the understanding as it was, plus one note about the scan', () => {
    const before = analyzeRequest('build a todo app with user auth');
    const after = applyFindings(before, databaseFindings([]));
    assert.deepEqual(after.domain, before.domain);
    assert.deepEqual(after.openQuestions, before.openQuestions);
    assert.deepEqual(after.assumptions.slice(0, before.assumptions.length), before.assumptions);
    assert.match(
      after.assumptions.at(-2)!,
      /^Explorer scan 7d0c6c62-\S+ of postgres:\/\/db\.internal:5432\/shop found no records to copy \(stack: PostgreSQL\), so the records come from the request\.$/,
    );
    // Spec §8.2: the build is meant to improve on what was scanned.
    assert.equal(after.assumptions.at(-1), 'The scan suggested improving: Add an index on orders.customer_id.');
  });

  test("a scan whose tables are all unusable says so and keeps the prompt's records", () => {
    const before = analyzeRequest('build a todo app with user auth');
    const after = applyFindings(before, databaseFindings(SHOP_TABLES.filter((t) => ['users', 'drop;table'].includes(t.source_name))));
    assert.deepEqual(after.domain, before.domain);
    assert.ok(
      after.assumptions.some((a) => /listed 2 tables, but none could be used/.test(a)),
      after.assumptions.join('\n'),
    );
  });
});

describe('findingsOfScan', () => {
  const record = (status: ScanRecord['status'], error: string | null = null): ScanRecord => ({
    id: '7d0c6c62-2f4e-4a51-9d0e-6f1f2b0f5a11',
    scan_type: 'database',
    target: 'postgres://db.internal:5432/shop',
    status,
    error,
    tech_stack: [],
    security_score: null,
    tech_debt_score: null,
    created_at: '2026-11-25T10:00:00.000Z',
    completed_at: null,
    artifacts_dir: null,
  });
  const id = '7d0c6c62-2f4e-4a51-9d0e-6f1f2b0f5a11';
  const failsWith = (fn: () => unknown, code: string, message: RegExp) =>
    assert.throws(fn, (e: unknown) => AppError.isInstance(e) && e.code === code && message.test(e.message) && e.hint !== null);

  test('returns the parsed findings of a completed scan', () => {
    assert.equal(findingsOfScan({ record: record('completed'), findings: databaseFindings() }, id).database?.database, 'shop');
  });
  test('an unknown, running, failed or malformed scan is an AppError that says which', () => {
    failsWith(() => findingsOfScan(null, id), 'scan_not_found', /no explorer scan 7d0c6c62/);
    failsWith(() => findingsOfScan({ record: record('running'), findings: null }, id), 'invalid_option', /is still running/);
    failsWith(
      () => findingsOfScan({ record: record('failed', 'connection refused'), findings: null }, id),
      'invalid_option',
      /failed: connection refused/,
    );
    failsWith(
      () => findingsOfScan({ record: record('completed'), findings: { scan_id: id } }, id),
      'invalid_artifact',
      /do not match the explorer contract/,
    );
  });
});
