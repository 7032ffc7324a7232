/** A fresh PostgreSQL database on 127.0.0.1 per test file, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_SERVER = process.env.CATALYST_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

async function maintenance(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `catalyst_${label}_${randomBytes(5).toString('hex')}`;
  await maintenance(`create database ${name}`);
  return { url: `${POSTGRES_SERVER}/${name}`, drop: () => maintenance(`drop database if exists ${name} with (force)`) };
}
