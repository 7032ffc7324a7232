import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { describeDocumentStore } from '../../../test/conformance/document-store.ts';
import { describeStateStore } from '../../../test/conformance/state-store.ts';
import { openStateStore } from './index.ts';
import { MIGRATIONS_FOLDER } from './migrations.ts';

// A fresh database per run, made through the `postgres` maintenance database and dropped afterwards.
const SERVER = process.env.CATALYST_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const database = `catalyst_test_${randomBytes(6).toString('hex')}`;
const url = `${SERVER}/${database}`;

async function maintenance(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

await maintenance(`create database ${database}`);
after(async () => {
  await maintenance(`drop database if exists ${database} with (force)`);
});

describeStateStore('postgres', {
  open: () => openStateStore({ kind: 'postgres', url, poolSize: 4 }),
  sharedAcrossOpens: true,
});

describeDocumentStore('postgres jsonb', {
  open: async () => {
    const store = await openStateStore({ kind: 'postgres', url, poolSize: 2 });
    return { documents: store.documents, close: () => store.close() };
  },
});

test('postgres: processes starting together migrate the database once and all open it', async () => {
  const stores = await Promise.all([1, 2, 3].map(() => openStateStore({ kind: 'postgres', url, poolSize: 1 })));
  try {
    const ids = await Promise.all(stores.map((s) => s.listProjects().then((p) => p.length)));
    assert.equal(new Set(ids).size, 1, 'every opener sees the same projects table');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
      assert.equal(rows[0].n, journal.entries.length);
    } finally {
      await client.end();
    }
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});
