import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiscoveredEntity } from '../../contracts/explorer.ts';
import { APP_DEPENDENCIES, renderApp } from '../../generator/app/index.ts';
import { bookReviewApp } from '../../generator/app/test-fixtures.ts';
import { discoverEntities } from './entities.ts';
import { prismaEntities } from './prisma-entities.ts';
import { sqlEntities } from './sql-entities.ts';

function fieldsOf(entity: DiscoveredEntity | undefined): Record<string, string> {
  assert.ok(entity, 'entity found');
  return Object.fromEntries(
    entity.fields.map((f) => [
      f.name,
      `${f.type}${f.required ? ' required' : ''}${f.primary_key ? ' pk' : ''}${f.unique ? ' unique' : ''}`,
    ]),
  );
}

test('MySQL and PostgreSQL CREATE TABLE: types, NOT NULL without default, keys, references', () => {
  const entities = sqlEntities([
    {
      path: 'db/schema.sql',
      content: `
        -- customers, with MySQL quoting; a comment, with a comma
        CREATE TYPE mood AS ENUM ('happy', 'sad');
        CREATE TABLE IF NOT EXISTS \`customers\` (
          \`id\` int(11) NOT NULL AUTO_INCREMENT,
          \`email\` varchar(255) NOT NULL,
          \`website\` varchar(200) DEFAULT NULL,
          \`phone_number\` varchar(30),
          \`active\` tinyint(1) NOT NULL DEFAULT 1,
          \`status\` enum('new','vip') NOT NULL,
          \`notes\` text,
          PRIMARY KEY (\`id\`),
          UNIQUE KEY \`customers_email\` (\`email\`),
          KEY \`idx_status\` (\`status\`)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
        /* orders belong to customers */
        CREATE TABLE public.orders (
          id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
          customer_id int REFERENCES customers(id) ON DELETE SET NULL,
          total numeric(10,2) NOT NULL CHECK (total >= 0),
          placed_on date NOT NULL,
          feeling mood NOT NULL,
          code character varying(20) NOT NULL UNIQUE,
          created_at timestamp with time zone NOT NULL DEFAULT now()
        );
        CREATE TABLE order_lines (
          order_id uuid NOT NULL,
          line integer NOT NULL,
          sku text NOT NULL,
          CONSTRAINT order_lines_pk PRIMARY KEY (order_id, line),
          CONSTRAINT order_lines_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
        );
      `,
    },
  ]);
  for (const e of entities) DiscoveredEntity.parse(e);
  assert.deepEqual(
    entities.map((e) => e.source_name),
    ['customers', 'orders', 'order_lines'],
  );
  assert.deepEqual(fieldsOf(entities[0]), {
    id: 'Integer pk',
    email: 'Email required unique',
    website: 'URL',
    phone_number: 'Phone',
    active: 'Boolean',
    status: 'Enum required',
    notes: 'Text',
  });
  assert.equal(entities[0]!.fields[0]!.source_type, 'int(11)');
  assert.deepEqual(fieldsOf(entities[1]), {
    id: 'UUID pk',
    customer_id: 'Integer',
    total: 'Decimal required',
    placed_on: 'Date required',
    feeling: 'Enum required',
    code: 'String required unique',
    created_at: 'DateTime',
  });
  assert.equal(entities[1]!.fields.find((f) => f.name === 'created_at')!.source_type, 'timestamp with time zone');
  assert.deepEqual(entities[1]!.references, [{ field: 'customer_id', target: 'customers', on_delete: 'set null' }]);
  assert.deepEqual(fieldsOf(entities[2]), { order_id: 'UUID required pk', line: 'Integer required pk', sku: 'Text required' });
  assert.deepEqual(entities[2]!.references, [{ field: 'order_id', target: 'orders', on_delete: 'cascade' }]);
  assert.equal(entities[2]!.evidence, 'db/schema.sql (CREATE TABLE order_lines)');
});

test('drizzle-kit migrations: foreign keys added by ALTER TABLE; the SQLite twin is not counted again', async () => {
  const versions = Object.fromEntries(APP_DEPENDENCIES.map((d) => [d, '1.0.0']));
  const sql = renderApp(bookReviewApp, versions)
    .filter((f) => f.path.endsWith('.sql'))
    .map((f) => ({ path: f.path, content: f.content }));
  assert.equal(sql.length, 2);
  const { entities } = await discoverEntities({ dataModels: [], prisma: [], sql });
  assert.deepEqual(
    entities.map((e) => e.source_name),
    ['books', 'reviews'],
  );
  const reviews = entities[1]!;
  assert.deepEqual(reviews.references, [{ field: 'book_id', target: 'books', on_delete: 'cascade' }]);
  assert.match(reviews.evidence, /^backend\/drizzle\/pg\//);
  assert.deepEqual(fieldsOf(reviews).id, 'UUID required pk');
});

test('Prisma: enums, composite ids, @@unique, optional relations, @updatedAt and native types', async () => {
  const entities = await prismaEntities(
    'prisma/schema.prisma',
    `
    enum Role {
      ADMIN
      USER
    }
    model Account {
      id        Int      @id @default(autoincrement())
      role      Role     @default(USER)
      handle    String
      homepage  String?
      birthday  DateTime @db.Date
      tags      String[]
      updatedAt DateTime @updatedAt
      members   Membership[]
      @@unique([handle])
    }
    model Team {
      slug    String       @id
      members Membership[]
    }
    model Membership {
      accountId Int
      teamSlug  String?
      account   Account @relation(fields: [accountId], references: [id])
      team      Team?   @relation(fields: [teamSlug], references: [slug])
      @@id([accountId, teamSlug])
    }
    `,
  );
  assert.deepEqual(
    entities.map((e) => e.source_name),
    ['Account', 'Team', 'Membership'],
  );
  assert.deepEqual(fieldsOf(entities[0]), {
    id: 'Integer pk',
    role: 'Enum',
    handle: 'String required unique',
    homepage: 'URL',
    birthday: 'Date required',
    tags: 'Text',
    updatedAt: 'DateTime',
  });
  assert.deepEqual(fieldsOf(entities[2]), { accountId: 'Integer required pk', teamSlug: 'String pk' });
  // Prisma's defaults when onDelete is not written: Restrict when required, SetNull when optional.
  assert.deepEqual(entities[2]!.references, [
    { field: 'accountId', target: 'Account', on_delete: 'restrict' },
    { field: 'teamSlug', target: 'Team', on_delete: 'set null' },
  ]);
});

test('Prisma: braces inside strings and comments do not end a model (the schema is parsed, not matched)', async () => {
  const entities = await prismaEntities(
    'prisma/schema.prisma',
    `
    model Setting {
      id     Int    @id
      value  Json   @default("{}") // {} until the user saves
      label  String @default("}")
      owner  String
    }
    model Audit {
      id   Int    @id
      note String
    }
    `,
  );
  assert.deepEqual(
    entities.map((e) => e.source_name),
    ['Setting', 'Audit'],
  );
  // Every field of Setting is read: with a pattern match, the model ended inside "{}".
  assert.deepEqual(fieldsOf(entities[0]), { id: 'Integer required pk', value: 'Text', label: 'String', owner: 'String required' });
  assert.deepEqual(fieldsOf(entities[1]), { id: 'Integer required pk', note: 'String required' });
});

test('Prisma: a schema Prisma would reject gives no entities instead of failing the scan', async () => {
  assert.deepEqual(await prismaEntities('prisma/schema.prisma', 'model Broken {\n  id Int @id @default(\n'), []);
});

test('a data-models.json that breaks the contract is reported and the other schemas are used', async () => {
  const { entities, notes } = await discoverEntities({
    dataModels: [{ path: 'architecture/data-models.json', content: '{"models": [{"name": "lower case"}]}' }],
    prisma: [],
    sql: [{ path: 'schema.sql', content: 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);' }],
  });
  assert.deepEqual(
    entities.map((e) => e.source_name),
    ['notes'],
  );
  assert.deepEqual(fieldsOf(entities[0]), { id: 'Integer pk', body: 'Text required' });
  assert.match(notes[0] ?? '', /architecture\/data-models\.json does not match the data models contract/);
});
