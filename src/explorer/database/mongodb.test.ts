import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Binary, Decimal128, MongoClient, ObjectId } from 'mongodb';
import { AnalyzerResult } from '../../contracts/explorer.ts';
import { AppError } from '../../core/errors.ts';
import { analyzeDatabase } from './index.ts';
import { accountFromStatus, inferCollection, referencedCollection } from './mongodb.ts';

test('mongodb: field types are inferred from sampled documents; ObjectId fields named *Id / *_id reference existing collections', () => {
  const customer = new ObjectId();
  const documents = [
    {
      _id: new ObjectId(),
      customerId: customer,
      owner_id: new ObjectId(),
      total: 12.5,
      qty: 2,
      paid: true,
      placedAt: new Date(),
      email: 'a@example.com',
      tags: ['x'],
      note: 'x'.repeat(2000),
      ref: new ObjectId(),
      token: new Binary(Buffer.alloc(16), 4),
      amount: Decimal128.fromString('1.10'),
    },
    {
      _id: new ObjectId(),
      customerId: customer,
      owner_id: new ObjectId(),
      total: 3,
      qty: 5,
      paid: false,
      placedAt: new Date(),
      email: null,
      tags: [],
      note: 'short',
      ref: new ObjectId(),
      token: new Binary(Buffer.alloc(16), 4),
      amount: Decimal128.fromString('2'),
    },
  ];
  const { columns, references } = inferCollection(documents, ['customers', 'owners', 'orders']);
  const col = (name: string) => columns.find((c) => c.name === name)!;
  assert.deepEqual([col('_id').type, col('_id').sourceType, col('_id').nullable], ['UUID', 'objectId', false]);
  assert.deepEqual(
    [col('customerId').type, col('customerId').sourceType],
    ['String', 'objectId'],
    'ObjectIds other than _id are UUID-ish strings',
  );
  assert.equal(col('total').type, 'Decimal', 'a fraction in any sample makes it Decimal');
  assert.equal(col('qty').type, 'Integer');
  assert.equal(col('paid').type, 'Boolean');
  assert.equal(col('placedAt').type, 'DateTime');
  assert.equal(col('email').type, 'Email');
  assert.equal(col('email').nullable, true, 'null in one sample: not required');
  assert.equal(col('tags').type, 'Text');
  assert.equal(col('note').type, 'Text', 'long strings are Text');
  assert.equal(col('token').type, 'UUID');
  assert.equal(col('amount').type, 'Decimal');
  assert.deepEqual(
    references,
    [
      { field: 'customerId', target: 'customers' },
      { field: 'owner_id', target: 'owners' },
    ],
    'ref has no *Id name, so it references nothing',
  );

  assert.equal(referencedCollection('categoryId', ['categories']), 'categories');
  assert.equal(referencedCollection('boxId', ['boxes']), 'boxes');
  assert.equal(referencedCollection('orderItemId', ['order_items']), 'order_items');
  assert.equal(referencedCollection('userId', ['Users']), 'Users');
  assert.equal(referencedCollection('ghostId', ['customers']), null);
  assert.equal(referencedCollection('_id', ['_s']), null);

  const empty = inferCollection([], []);
  assert.deepEqual(
    empty.columns.map((c) => [c.name, c.type]),
    [['_id', 'UUID']],
  );
});

test('mongodb: connection status tells a read-only account from a writer and from no authentication at all', () => {
  assert.deepEqual(accountFromStatus({ authInfo: { authenticatedUsers: [] } }, ['crm']), {
    superuser: false,
    canWrite: true,
    unauthenticated: true,
  });
  const reader = {
    authInfo: {
      authenticatedUsers: [{}],
      authenticatedUserRoles: [{ role: 'read', db: 'crm' }],
      authenticatedUserPrivileges: [{ resource: { db: 'crm', collection: '' }, actions: ['find', 'listCollections'] }],
    },
  };
  assert.equal(accountFromStatus(reader, ['crm']).canWrite, false);
  const writer = {
    authInfo: {
      authenticatedUsers: [{}],
      authenticatedUserRoles: [{ role: 'readWrite', db: 'crm' }],
      authenticatedUserPrivileges: [{ resource: { db: 'crm', collection: '' }, actions: ['find', 'insert'] }],
    },
  };
  assert.equal(accountFromStatus(writer, ['crm']).canWrite, true);
  assert.equal(accountFromStatus(writer, ['other']).canWrite, false);
  const root = { authInfo: { authenticatedUsers: [{}], authenticatedUserRoles: [{ role: 'root', db: 'admin' }] } };
  assert.deepEqual(accountFromStatus(root, ['crm']), { superuser: true, canWrite: true, unauthenticated: false });
});

test("mongodb: URL options that read the host's files or use its identity are refused before connecting", async () => {
  for (const query of [
    'tlsCertificateKeyFile=/etc/passwd',
    'tlsCAFile=/etc/ssl/x.pem',
    'authMechanism=MONGODB-AWS',
    'authMechanism=MONGODB-OIDC',
    'proxyHost=10.0.0.1',
  ]) {
    await assert.rejects(
      analyzeDatabase({ target: `mongodb://scanner:pw-never-shown@127.0.0.1:1/crm?${query}`, signal: new AbortController().signal }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option' && !e.message.includes('pw-never-shown') && !!e.hint,
      query,
    );
  }
});

// MongoDB cannot run on our machines: this contract runs only when MONGO_URL points at one.
const MONGO_URL = process.env.MONGO_URL ?? '';

/** MONGO_URL pointed at the scratch database, still signing in where MONGO_URL did. */
function scratchTarget(dbName: string): string {
  const [beforeQuery = '', query = ''] = MONGO_URL.split('?');
  const m = /^(mongodb(?:\+srv)?:\/\/[^/]+)(?:\/([^/]*))?$/.exec(beforeQuery);
  assert.ok(m, 'MONGO_URL must look like mongodb://host:port[/db][?options]');
  const params = new URLSearchParams(query);
  if (m[1]!.includes('@') && !params.has('authSource')) params.set('authSource', m[2] || 'admin');
  const rest = params.toString();
  return `${m[1]}/${dbName}${rest ? `?${rest}` : ''}`;
}

test(
  'mongodb: collections become entities with inferred fields, references and indexes (contract)',
  { skip: MONGO_URL ? false : 'no MongoDB here (set MONGO_URL)' },
  async () => {
    const dbName = `catalyst_explore_${randomBytes(5).toString('hex')}`;
    const client = new MongoClient(MONGO_URL, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    try {
      const db = client.db(dbName);
      const customerIds = [new ObjectId(), new ObjectId()];
      await db
        .collection('customers')
        .insertMany(customerIds.map((_id, i) => ({ _id, email: `c${i}@example.com`, name: `C${i}`, password: 'plain' })));
      await db.collection('customers').createIndex({ email: 1 }, { unique: true });
      await db
        .collection('orders')
        .insertMany(Array.from({ length: 60 }, (_, i) => ({ customerId: customerIds[i % 2], total: i + 0.5, placedAt: new Date() })));

      const target = scratchTarget(dbName);
      const result = AnalyzerResult.parse(await analyzeDatabase({ target, signal: new AbortController().signal }));

      assert.equal(result.database?.engine, 'mongodb');
      assert.equal(result.architecture.style, 'document database with 2 collections');
      const byName = new Map(result.entities.map((e) => [e.source_name, e]));
      assert.deepEqual([...byName.keys()].sort(), ['customers', 'orders']);
      const email = byName.get('customers')!.fields.find((f) => f.name === 'email')!;
      assert.deepEqual([email.type, email.unique, email.required], ['Email', true, true]);
      assert.deepEqual(
        byName.get('customers')!.fields.find((f) => f.name === '_id'),
        { name: '_id', type: 'UUID', source_type: 'objectId', required: false, unique: false, primary_key: true },
      );
      assert.deepEqual(byName.get('orders')!.references, [{ field: 'customerId', target: 'customers', on_delete: 'restrict' }]);
      assert.equal(byName.get('orders')!.rows, 60);
      assert.deepEqual(result.graph.edges, [{ from: 'orders', to: 'customers', kind: 'references' }]);
      assert.ok(result.graph.nodes.every((n) => n.kind === 'collection'));
      assert.ok(result.database!.tables.find((t) => t.name === 'customers')!.indexes.some((i) => i.unique && i.columns.join() === 'email'));
      assert.ok(result.security.some((s) => s.kind === 'plaintext_password' && s.location === `${dbName}.customers.password`));
      assert.match(result.database!.optimizations.join('\n'), /Add an index on orders\(customerId\)/);
      assert.equal(await db.collection('orders').countDocuments(), 60, 'the scan wrote nothing');
    } finally {
      await client.db(dbName).dropDatabase();
      await client.close();
    }
  },
);
