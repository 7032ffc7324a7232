import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { AnalyzerResult } from '../../contracts/explorer.ts';
import { AppError } from '../../core/errors.ts';
import { analyzeDatabase, openReadOnlyConnection } from './index.ts';
import { accountFromGrants } from './mysql.ts';

// A scratch database and a read-only user on the MariaDB running here, dropped afterwards.
const HOST = process.env.CATALYST_TEST_MYSQL_HOST ?? '127.0.0.1';
const PORT = Number(process.env.CATALYST_TEST_MYSQL_PORT ?? 3306);
const suffix = randomBytes(5).toString('hex');
const database = `catalyst_explore_${suffix}`;
const readOnlyUser = `catalyst_ro_${suffix}`;
const readOnlyPassword = `ro-pw-${suffix}`;
const url = `mysql://root@${HOST}:${PORT}/${database}`;

async function admin<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ host: HOST, port: PORT, user: 'root', multipleStatements: true });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

before(async () => {
  await admin(async (c) => {
    await c.query(`CREATE DATABASE \`${database}\``);
    await c.query(`USE \`${database}\``);
    await c.query(`
      CREATE TABLE customers (
        id INT AUTO_INCREMENT PRIMARY KEY,
        email VARCHAR(254) NOT NULL UNIQUE,
        name VARCHAR(100) NOT NULL,
        is_active TINYINT(1) NOT NULL DEFAULT 1
      ) ENGINE=InnoDB;
      CREATE TABLE orders (
        id INT AUTO_INCREMENT PRIMARY KEY,
        customer_id INT NOT NULL,
        total DECIMAL(10,2),
        placed_at DATETIME,
        notes TEXT,
        status ENUM('pending', 'paid') NOT NULL DEFAULT 'pending',
        CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
      ) ENGINE=InnoDB;
      CREATE TABLE audit_log (happened_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, message LONGTEXT) ENGINE=InnoDB;
      CREATE TABLE accounts (
        id INT AUTO_INCREMENT PRIMARY KEY,
        user_uuid CHAR(36) NOT NULL,
        passwd VARCHAR(255) NOT NULL,
        password_digest VARCHAR(255),
        born DATE,
        score DOUBLE
      ) ENGINE=InnoDB;
      INSERT INTO customers (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B');
      CREATE USER '${readOnlyUser}'@'%' IDENTIFIED BY '${readOnlyPassword}';
      GRANT SELECT ON \`${database}\`.* TO '${readOnlyUser}'@'%';
    `);
  });
});
after(async () => {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await c.query(`DROP USER IF EXISTS '${readOnlyUser}'@'%'`);
  });
});

function signal(): AbortSignal {
  return new AbortController().signal;
}

test('mariadb: tables become entities with mapped types, keys and references; the engine is detected', async () => {
  const result = AnalyzerResult.parse(await analyzeDatabase({ target: url, signal: signal() }));
  const { database: section } = result;
  assert.equal(section?.engine, 'mariadb', 'a mysql:// URL to a MariaDB server is reported as MariaDB');
  assert.match(section?.version ?? '', /^\d+\.\d+\.\d+$/);
  assert.equal(section?.database, database);
  assert.deepEqual(
    result.technologies.map((t) => t.name),
    ['MariaDB'],
  );

  const byName = new Map(result.entities.map((e) => [e.source_name, e]));
  assert.deepEqual([...byName.keys()].sort(), ['accounts', 'audit_log', 'customers', 'orders']);
  const field = (entity: string, name: string) => byName.get(entity)!.fields.find((f) => f.name === name)!;
  assert.deepEqual(field('customers', 'id'), {
    name: 'id',
    type: 'Integer',
    source_type: 'int(11)',
    required: false,
    unique: false,
    primary_key: true,
  });
  assert.deepEqual(field('customers', 'email'), {
    name: 'email',
    type: 'Email',
    source_type: 'varchar(254)',
    required: true,
    unique: true,
    primary_key: false,
  });
  assert.equal(field('customers', 'is_active').type, 'Boolean');
  assert.equal(field('customers', 'is_active').required, false);
  assert.equal(field('orders', 'total').type, 'Decimal');
  assert.equal(field('orders', 'placed_at').type, 'DateTime');
  assert.equal(field('orders', 'notes').type, 'Text');
  assert.equal(field('orders', 'status').type, 'Enum');
  assert.equal(field('orders', 'customer_id').required, true);
  assert.equal(field('accounts', 'user_uuid').type, 'UUID');
  assert.equal(field('accounts', 'born').type, 'Date');
  assert.equal(field('accounts', 'score').type, 'Decimal');
  assert.equal(field('audit_log', 'message').type, 'Text');
  assert.deepEqual(byName.get('orders')!.references, [{ field: 'customer_id', target: 'customers', on_delete: 'cascade' }]);
  assert.equal(byName.get('orders')!.evidence, `information_schema (${database}.orders)`);
  assert.equal(typeof byName.get('customers')!.rows, 'number');

  // InnoDB indexes every foreign key itself, so nothing is unindexed here.
  const orderIndexes = section!.tables.find((t) => t.name === 'orders')!.indexes;
  assert.ok(orderIndexes.some((i) => i.columns.join() === 'customer_id'));
  assert.deepEqual(
    result.security.filter((s) => s.kind === 'unindexed_foreign_key'),
    [],
  );

  assert.equal(result.architecture.style, 'relational database with 4 tables');
  assert.deepEqual(result.graph.edges, [{ from: 'orders', to: 'customers', kind: 'references' }]);
});

test('mariadb: no primary key, plaintext passwords and a writable account are reported', async () => {
  const result = await analyzeDatabase({ target: url, signal: signal() });
  const issue = (kind: string) => result.security.filter((s) => s.kind === kind).map((s) => [s.severity, s.location]);
  assert.deepEqual(issue('no_primary_key'), [['medium', `${database}.audit_log`]]);
  assert.deepEqual(issue('plaintext_password'), [['medium', `${database}.accounts.passwd`]], 'password_digest is not flagged');
  assert.deepEqual(issue('writable_account'), [['info', database]]);
  assert.match(result.database!.optimizations.join('\n'), /Add a primary key to audit_log/);
  assert.match(result.improvements.join('\n'), /accounts\.passwd/);

  const [[flag]] = await admin((c) => c.query('SELECT @@performance_schema AS on_') as Promise<[{ on_: number }[], unknown]>);
  const slow = result.database!.slow_queries;
  if (Number(flag?.on_) === 1) assert.equal(slow.status, 'ok');
  else assert.match(slow.status === 'unavailable' ? slow.reason : '', /performance_schema is off/);
});

test('mariadb: a read-only user given with the scan replaces the URL credentials and gets no write warning', async () => {
  const result = await analyzeDatabase({
    target: `mysql://root:not-this-one@${HOST}:${PORT}/${database}`,
    username: readOnlyUser,
    password: readOnlyPassword,
    signal: signal(),
  });
  assert.equal(result.entities.length, 4);
  assert.deepEqual(
    result.security.filter((s) => s.kind === 'writable_account'),
    [],
  );
  assert.ok(!JSON.stringify(result).includes(readOnlyPassword));
});

test('mariadb: the scan connection refuses writes', async () => {
  const connection = await openReadOnlyConnection({ target: url, signal: signal() });
  try {
    for (const write of [
      `INSERT INTO customers (email, name) VALUES ('x@example.com', 'X')`,
      'DELETE FROM customers',
      'CREATE TABLE intruder (id INT)',
    ]) {
      await assert.rejects(
        connection.query(write),
        (e: unknown) =>
          AppError.isInstance(e) && e.details?.driver_code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' && /READ ONLY/.test(e.message),
        write,
      );
    }
    const [row] = await connection.query<{ n: number }>('SELECT COUNT(*) AS n FROM customers');
    assert.equal(Number(row?.n), 2);
  } finally {
    await connection.close();
  }
});

test('mariadb: a wrong password gives a clear sign-in error without the password in it', async () => {
  const secret = `wrong-pw-${suffix}`;
  for (const attempt of [
    { target: url, password: secret },
    { target: `mariadb://root:${encodeURIComponent(secret)}@${HOST}:${PORT}/${database}` },
  ]) {
    await assert.rejects(analyzeDatabase({ ...attempt, signal: signal() }), (e: unknown) => {
      assert.ok(AppError.isInstance(e));
      assert.equal(e.code, 'invalid_option');
      assert.match(e.message, /could not sign in to (mysql|mariadb):\/\/127\.0\.0\.1:3306\/catalyst_explore_/);
      assert.match(e.hint ?? '', /username and password/);
      assert.ok(!JSON.stringify({ m: e.message, h: e.hint, d: e.details, s: e.stack }).includes(secret));
      return true;
    });
  }
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

test('mariadb: a server that never answers fails within the timeout', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  const port = await listen(silent);
  try {
    await assert.rejects(
      analyzeDatabase({ target: `mysql://root@127.0.0.1:${port}/x`, signal: signal(), timeoutMs: 300 }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'service_unavailable' && /did not answer within 0\.3 s/.test(e.message),
    );
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('grants decide whether the account can write: global, per database (with LIKE patterns) or not at all', () => {
  assert.deepEqual(accountFromGrants(['GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION'], ['shop']), {
    superuser: true,
    canWrite: true,
    unauthenticated: false,
  });
  assert.deepEqual(accountFromGrants(['GRANT USAGE ON *.* TO `ro`@`%`', 'GRANT SELECT ON `shop`.* TO `ro`@`%`'], ['shop']).canWrite, false);
  assert.equal(accountFromGrants(['GRANT SELECT, INSERT ON `shop`.* TO `app`@`%`'], ['shop']).canWrite, true);
  assert.equal(accountFromGrants(['GRANT SELECT, INSERT ON `other`.* TO `app`@`%`'], ['shop']).canWrite, false);
  assert.equal(accountFromGrants(['GRANT UPDATE (`name`) ON `shop`.`customers` TO `app`@`%`'], ['shop']).canWrite, true);
  assert.equal(accountFromGrants(['GRANT DELETE ON `shop\\_%`.* TO `app`@`%`'], ['shop_eu']).canWrite, true);
  assert.equal(accountFromGrants(['GRANT DELETE ON `shop\\_%`.* TO `app`@`%`'], ['shopeu']).canWrite, false);
});
