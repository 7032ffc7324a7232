import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { AnalyzerResult } from '../../contracts/explorer.ts';
import { AppError } from '../../core/errors.ts';
import { analyzeDatabase, openReadOnlyConnection } from './index.ts';

// A scratch database (and a read-only role) on the PostgreSQL running here, dropped afterwards.
const SERVER = process.env.CATALYST_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const suffix = randomBytes(5).toString('hex');
const database = `catalyst_explore_${suffix}`;
const readOnlyRole = `catalyst_ro_${suffix}`;
const url = `${SERVER}/${database}`;
const URL_PASSWORD = `url-secret-${suffix}`;
const withPassword = url.replace('postgresql://postgres@', `postgresql://postgres:${URL_PASSWORD}@`);

async function run(connectionString: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const SCHEMA = `
  create type order_status as enum ('pending', 'paid', 'shipped');
  create table customers (
    id serial primary key,
    email varchar(254) unique not null,
    name varchar(100) not null,
    website varchar(200),
    phone varchar(30)
  );
  create index customers_email_idx on customers (email);
  create table orders (
    id serial primary key,
    customer_id int not null references customers on delete cascade,
    total numeric(10,2),
    placed_at timestamp,
    notes text,
    status order_status not null default 'pending'
  );
  create table audit_log (happened_at timestamptz not null, message text);
  create table accounts (
    id uuid primary key default gen_random_uuid(),
    username varchar(50) not null unique,
    password varchar(100) not null,
    password_hash text,
    active boolean not null default true,
    born date
  );
  create schema billing;
  create table billing.invoices (
    id bigint generated always as identity primary key,
    order_id int references orders (id) on delete set null,
    amount money not null
  );
  create index on billing.invoices (order_id);
  insert into customers (email, name) values ('a@example.com', 'A'), ('b@example.com', 'B'), ('c@example.com', 'C');
  analyze customers;
  create role ${readOnlyRole} login;
  grant select on all tables in schema public to ${readOnlyRole};
`;

before(async () => {
  await run(`${SERVER}/postgres`, `create database ${database}`);
  await run(url, SCHEMA);
});
after(async () => {
  await run(`${SERVER}/postgres`, `drop database if exists ${database} with (force)`);
  await run(`${SERVER}/postgres`, `drop role if exists ${readOnlyRole}`);
});

function signal(): AbortSignal {
  return new AbortController().signal;
}

test('postgres: tables become entities with mapped types, keys, uniques and references', async () => {
  const result = AnalyzerResult.parse(await analyzeDatabase({ target: withPassword, signal: signal() }));
  const byName = new Map(result.entities.map((e) => [e.source_name, e]));
  assert.deepEqual([...byName.keys()].sort(), ['accounts', 'audit_log', 'billing.invoices', 'customers', 'orders']);

  const customers = byName.get('customers')!;
  const field = (entity: string, name: string) => byName.get(entity)!.fields.find((f) => f.name === name)!;
  assert.deepEqual(field('customers', 'id'), {
    name: 'id',
    type: 'Integer',
    source_type: 'integer',
    required: false,
    unique: false,
    primary_key: true,
  });
  assert.deepEqual(field('customers', 'email'), {
    name: 'email',
    type: 'Email',
    source_type: 'character varying(254)',
    required: true,
    unique: true,
    primary_key: false,
  });
  assert.equal(field('customers', 'name').type, 'String');
  assert.equal(field('customers', 'name').required, true);
  assert.equal(field('customers', 'website').type, 'URL');
  assert.equal(field('customers', 'phone').type, 'Phone');
  assert.equal(customers.rows, 3, 'row estimate after ANALYZE');
  assert.equal(customers.evidence, 'pg_catalog (public.customers)');

  assert.equal(field('orders', 'customer_id').type, 'Integer');
  assert.equal(field('orders', 'customer_id').required, true);
  assert.equal(field('orders', 'total').type, 'Decimal');
  assert.equal(field('orders', 'total').source_type, 'numeric(10,2)');
  assert.equal(field('orders', 'placed_at').type, 'DateTime');
  assert.equal(field('orders', 'notes').type, 'Text');
  assert.equal(field('orders', 'status').type, 'Enum');
  assert.equal(field('orders', 'status').required, false, 'a default fills it');
  assert.deepEqual(byName.get('orders')!.references, [{ field: 'customer_id', target: 'customers', on_delete: 'cascade' }]);
  assert.equal(byName.get('orders')!.rows, null, 'never analyzed: unknown, not zero');

  assert.equal(field('accounts', 'id').type, 'UUID');
  assert.equal(field('accounts', 'active').type, 'Boolean');
  assert.equal(field('accounts', 'born').type, 'Date');
  assert.equal(field('accounts', 'username').unique, true);

  assert.deepEqual(byName.get('billing.invoices')!.references, [{ field: 'order_id', target: 'orders', on_delete: 'set null' }]);
  assert.equal(field('billing.invoices', 'id').required, false, 'identity columns fill themselves');
  assert.equal(field('billing.invoices', 'amount').type, 'Decimal');
  assert.equal(field('billing.invoices', 'amount').required, true);

  assert.equal(result.database?.engine, 'postgresql');
  assert.match(result.database?.version ?? '', /^\d+\.\d+/);
  assert.equal(result.database?.database, database);
  assert.deepEqual(result.technologies.find((t) => t.name === 'PostgreSQL')?.category, 'database');
  const customerIndexes = result.database!.tables.find((t) => t.name === 'customers')!.indexes;
  assert.ok(customerIndexes.some((i) => i.unique && i.columns.join() === 'email'));
  const orderIndexes = result.database!.tables.find((t) => t.name === 'orders')!.indexes;
  assert.deepEqual(
    orderIndexes.map((i) => i.columns),
    [['id']],
    'orders.customer_id has no index',
  );
  assert.equal(result.database!.tables.find((t) => t.name === 'invoices')!.schema, 'billing');

  assert.equal(result.architecture.style, 'relational database with 5 tables');
  assert.ok(result.architecture.components.every((c) => c.kind === 'table'));
  assert.deepEqual(result.graph.edges.map((e) => `${e.from}->${e.to}:${e.kind}`).sort(), [
    'billing.invoices->orders:references',
    'orders->customers:references',
  ]);
  assert.ok(result.graph.nodes.every((n) => n.kind === 'table'));
  assert.ok(!JSON.stringify(result).includes(URL_PASSWORD), 'the password never reaches the findings');
});

test('postgres: security findings and optimizations name what to fix', async () => {
  const result = await analyzeDatabase({ target: url, signal: signal() });
  const issue = (kind: string) => result.security.filter((s) => s.kind === kind);

  assert.deepEqual(
    issue('unindexed_foreign_key').map((s) => [s.severity, s.location]),
    [['low', 'public.orders.customer_id']],
    'the indexed billing.invoices.order_id is fine',
  );
  assert.deepEqual(
    issue('no_primary_key').map((s) => [s.severity, s.location]),
    [['medium', 'public.audit_log']],
  );
  assert.deepEqual(
    issue('plaintext_password').map((s) => [s.severity, s.location]),
    [['medium', 'public.accounts.password']],
    'password_hash is not flagged',
  );
  const writable = issue('writable_account');
  assert.equal(writable.length, 1);
  assert.equal(writable[0]!.severity, 'info');
  assert.match(writable[0]!.message, /the scan used an account that can write; a read-only account is safer/);

  const optimizations = result.database!.optimizations.join('\n');
  assert.match(optimizations, /Add an index on orders\(customer_id\)/);
  assert.match(optimizations, /Add a primary key to audit_log/);
  assert.match(optimizations, /Drop index customers_email_idx on customers: customers_email_key already covers \(email\)/);
  assert.match(optimizations, /Run ANALYZE on .*orders/);
  const improvements = result.improvements.join('\n');
  assert.match(improvements, /primary key \(audit_log/);
  assert.match(improvements, /orders\.customer_id/);
  assert.match(improvements, /accounts\.password/);

  assert.equal(result.database!.slow_queries.status, 'unavailable');
  assert.match(
    result.database!.slow_queries.status === 'unavailable' ? result.database!.slow_queries.reason : '',
    /pg_stat_statements extension is not installed/,
  );
});

test('postgres: a read-only account gets no write warning', async () => {
  const target = url.replace('postgresql://postgres@', `postgresql://${readOnlyRole}@`);
  const result = await analyzeDatabase({ target, signal: signal() });
  assert.equal(result.entities.length, 5);
  assert.deepEqual(
    result.security.filter((s) => s.kind === 'writable_account'),
    [],
  );
});

test('postgres: the scan connection refuses writes, whatever the URL asks for', async () => {
  // The URL tries to switch read-only off through libpq options; the scan ignores it.
  const sneaky = `${url}?options=${encodeURIComponent('-c default_transaction_read_only=off')}`;
  const connection = await openReadOnlyConnection({ target: sneaky, signal: signal() });
  try {
    for (const write of [
      `insert into customers (email, name) values ('x@example.com', 'X')`,
      'create table intruder (id int)',
      'delete from customers',
    ]) {
      await assert.rejects(
        connection.query(write),
        (e: unknown) => AppError.isInstance(e) && e.details?.driver_code === '25006' && /read-only transaction/.test(e.message),
        write,
      );
    }
    const [row] = await connection.query<{ n: number }>('select count(*)::int as n from customers');
    assert.equal(row?.n, 3);
  } finally {
    await connection.close();
  }
  const { rows } = await run(url, `select count(*)::int as n from pg_tables where tablename = 'intruder'`);
  assert.equal(rows[0].n, 0);
});

test('postgres: pg_stat_statements installed but not preloaded is reported as unavailable with the server reason', async () => {
  const { rows } = await run(url, `select current_setting('shared_preload_libraries') as libs`);
  const preloaded = String(rows[0].libs).includes('pg_stat_statements');
  const scratch = `catalyst_explore_pgss_${suffix}`;
  await run(`${SERVER}/postgres`, `create database ${scratch}`);
  try {
    await run(`${SERVER}/${scratch}`, 'create extension pg_stat_statements; create table t (id int primary key)');
    const result = await analyzeDatabase({ target: `${SERVER}/${scratch}`, signal: signal() });
    assert.ok(result.technologies.some((t) => t.name === 'pg_stat_statements' && t.evidence === 'pg_extension'));
    const slow = result.database!.slow_queries;
    if (preloaded) assert.equal(slow.status, 'ok');
    else {
      assert.equal(slow.status, 'unavailable');
      assert.match(slow.status === 'unavailable' ? slow.reason : '', /shared_preload_libraries/);
    }
  } finally {
    await run(`${SERVER}/postgres`, `drop database if exists ${scratch} with (force)`);
  }
});

test('postgres: maxTables bounds the scan and the notes say what was left out', async () => {
  const result = await analyzeDatabase({ target: url, signal: signal(), maxTables: 2 });
  assert.deepEqual(
    result.entities.map((e) => e.source_name),
    ['accounts', 'audit_log'],
  );
  assert.ok(result.architecture.notes.some((n) => /first 2 of 5 tables/.test(n)));
});

test('postgres: sign-in and missing-database errors are clear and never carry the password', async () => {
  const secret = `pw-${suffix}-never-shown`;
  await assert.rejects(
    analyzeDatabase({ target: url, username: `nobody_${suffix}`, password: secret, signal: signal() }),
    (e: unknown) =>
      AppError.isInstance(e) &&
      e.code === 'invalid_option' &&
      /could not sign in to postgresql:\/\/127\.0\.0\.1:5432\//.test(e.message) &&
      !!e.hint &&
      !JSON.stringify({ m: e.message, h: e.hint, d: e.details }).includes(secret),
  );
  await assert.rejects(
    analyzeDatabase({ target: `${SERVER.replace('postgres@', `postgres:${secret}@`)}/no_such_db_${suffix}`, signal: signal() }),
    (e: unknown) =>
      AppError.isInstance(e) && e.code === 'invalid_option' && /cannot open the database/.test(e.message) && !e.message.includes(secret),
  );
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

test('postgres: a server that never answers fails within the timeout; a closed port fails at once', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  const port = await listen(silent);
  try {
    await assert.rejects(
      analyzeDatabase({ target: `postgres://postgres:hunter2-${suffix}@127.0.0.1:${port}/x`, signal: signal(), timeoutMs: 300 }),
      (e: unknown) =>
        AppError.isInstance(e) &&
        e.code === 'service_unavailable' &&
        /did not answer within 0\.3 s/.test(e.message) &&
        !e.message.includes('hunter2'),
    );
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
  const closed = createServer();
  const closedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(
    analyzeDatabase({ target: `postgres://127.0.0.1:${closedPort}/x`, signal: signal() }),
    (e: unknown) =>
      AppError.isInstance(e) && e.code === 'service_unavailable' && /could not reach postgres:\/\/127\.0\.0\.1/.test(e.message),
  );
});

test('postgres: a cancelled scan stops', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    analyzeDatabase({ target: url, signal: controller.signal }),
    (e: unknown) => AppError.isInstance(e) && /cancelled/.test(e.message),
  );
});
