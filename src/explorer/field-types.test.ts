import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOpenApi } from './deployment/openapi.ts';
import { nameWords, sqlColumnType, textKindFromName } from './field-types.ts';
import { prismaEntities } from './repository/prisma-entities.ts';
import { sqlEntities } from './repository/sql-entities.ts';

test('SQL column types map to the closest field type, with Email/URL/Phone only when the name says so', () => {
  const pg = (type: string, name = 'x', isEnum = false) => sqlColumnType(type, name, { isEnum }).type;
  assert.equal(pg('integer'), 'Integer');
  assert.equal(pg('bigint'), 'Integer');
  assert.equal(pg('numeric(10,2)'), 'Decimal');
  assert.equal(pg('money'), 'Decimal');
  assert.equal(pg('double precision'), 'Decimal');
  assert.equal(pg('boolean'), 'Boolean');
  assert.equal(pg('date'), 'Date');
  assert.equal(pg('timestamp with time zone'), 'DateTime');
  assert.equal(pg('uuid'), 'UUID');
  assert.equal(pg('jsonb'), 'Text');
  assert.equal(pg('text', 'email'), 'Text');
  assert.equal(pg('character varying(254)', 'email'), 'Email');
  assert.equal(pg('character varying(254)', 'contactEmail'), 'Email');
  assert.equal(pg('character varying(500)', 'website_url'), 'URL');
  assert.equal(pg('character varying(30)', 'mobile_phone'), 'Phone');
  assert.equal(pg('character varying(100)', 'name'), 'String');
  assert.equal(pg('character varying', 'bio'), 'Text');
  assert.equal(pg('character(2)', 'country'), 'String');
  assert.equal(pg('order_status', 'status', true), 'Enum');

  const my = (type: string, name = 'x') => sqlColumnType(type, name).type;
  assert.equal(my('tinyint(1)'), 'Boolean');
  assert.equal(my('tinyint(4)'), 'Integer');
  assert.equal(my('int(11) unsigned'), 'Integer');
  assert.equal(my('decimal(10,2)'), 'Decimal');
  assert.equal(my('datetime'), 'DateTime');
  assert.equal(my('date'), 'Date');
  assert.equal(my('longtext'), 'Text');
  assert.equal(my('json'), 'Text');
  assert.equal(my("enum('a','b')"), 'Enum');
  assert.equal(my('varchar(254)', 'email'), 'Email');
  assert.equal(my('char(36)', 'user_uuid'), 'UUID');
  assert.equal(my('uuid'), 'UUID');
});

test('where the database and .sql readers used to differ, both now give the more precise type', () => {
  const sql = (type: string, name = 'x') => sqlColumnType(type, name).type;
  assert.equal(sql('bit(1)'), 'Boolean');
  assert.equal(sql('bit'), 'Boolean');
  assert.equal(sql('bit(8)'), 'String', 'a bit string is not a flag');
  assert.equal(sql("set('a','b')"), 'String', 'a SET holds several of its values, an Enum one');
  assert.equal(sql('year(4)'), 'Integer');
  assert.equal(sql('oid'), 'Integer');
  assert.equal(sql('dec(8,2)'), 'Decimal');
  assert.equal(sql('tinytext', 'homepage'), 'URL', 'tinytext holds at most 255 characters');
  assert.equal(sql('citext', 'notes'), 'Text');
  assert.equal(sql('bytea'), 'Text');
  assert.equal(sql('longblob'), 'Text');
  assert.equal(sql('varchar', 'title'), 'Text', 'a varchar without a length is unbounded');
  assert.equal(sql('varchar(1500)', 'summary'), 'Text');
  assert.equal(sql('nvarchar(max)', 'summary'), 'Text');
  assert.equal(sql('binary(16)', 'order_guid'), 'UUID');
  // Which columns could hold a typed password.
  assert.equal(sqlColumnType('tinytext', 'password').textual, true);
  assert.equal(sqlColumnType('jsonb', 'password').textual, false);

  const [table] = sqlEntities([
    {
      path: 'schema.sql',
      content: `CREATE TABLE people (
        id char(36) PRIMARY KEY, person_uuid char(36), flags bit(8), tags set('a','b'), born year,
        email text, cell varchar(20), work_e_mail varchar(100), title varchar
      );`,
    },
  ]);
  const types = Object.fromEntries(table!.fields.map((f) => [f.name, f.type]));
  assert.deepEqual(types, {
    id: 'String',
    person_uuid: 'UUID',
    flags: 'String',
    tags: 'String',
    born: 'Integer',
    // A repository's schema still reads the name of unbounded text; a live database does not.
    email: 'Email',
    cell: 'Phone',
    work_e_mail: 'Email',
    title: 'Text',
  });
});

test('Email, URL and Phone come from one list of words for every scanner; the last word decides first', async () => {
  assert.deepEqual(nameWords('customerEmail'), ['customer', 'email']);
  assert.deepEqual(nameWords('billing_e_mail'), ['billing', 'e', 'mail']);
  assert.deepEqual(nameWords('Author-Email_address'), ['author', 'email', 'address']);
  const cases: Array<[string, string | null]> = [
    ['email', 'Email'],
    ['contactEmailAddress', 'Email'],
    ['EmailAddress', 'Email'],
    ['billing_e_mail', 'Email'],
    ['e_mails', 'Email'],
    ['email_primary', 'Email'],
    ['avatar_url', 'URL'],
    ['webpage', 'URL'],
    ['href', 'URL'],
    ['link_target', 'URL'],
    ['phone_number', 'Phone'],
    ['cell', 'Phone'],
    ['fax', 'Phone'],
    ['tel', 'Phone'],
    ['email_link', 'URL'],
    ['website_email', 'Email'],
    ['email_phone', 'Phone'],
    ['username', null],
  ];
  for (const [name, kind] of cases) assert.equal(textKindFromName(name), kind, name);

  // The same words reach the Prisma and OpenAPI readers.
  const [model] = await prismaEntities(
    'schema.prisma',
    'model Shop {\n  id Int @id\n  webpage String\n  cell String?\n  notes String @db.Text\n}',
  );
  assert.deepEqual(
    model!.fields.map((f) => f.type),
    ['Integer', 'URL', 'Phone', 'Text'],
  );
  const doc = parseOpenApi(
    JSON.stringify({
      openapi: '3.0.3',
      paths: {},
      components: {
        schemas: {
          Shop: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              contact_mail: { type: 'string' },
              cell: { type: 'string' },
              home: { type: 'string', format: 'uri' },
            },
          },
        },
      },
    }),
    new URL('https://shop.example.com/openapi.json'),
    'https://shop.example.com/openapi.json',
  );
  assert.deepEqual(
    doc!.entities[0]!.fields.map((f) => f.type),
    ['Integer', 'Email', 'Phone', 'URL'],
  );
});
