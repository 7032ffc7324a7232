/**
 * Study, then build (spec §8.2, §12.2 test 2) as a user runs it: `catalyst explore` scans a real
 * PostgreSQL database, `catalyst scans` lists it, and `catalyst build … --from-scan` generates an app
 * whose records are the scanned tables, served by a live preview.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ExplorerFindings } from '../../src/contracts/explorer.ts';
import { BuildResult } from '../../src/contracts/messages.ts';
import { freshDatabase } from '../support/postgres.ts';
import { runCatalyst } from './helpers.ts';

const cwd = mkdtempSync(join(tmpdir(), 'catalyst-explore-'));
const catalyst = (args: string[], timeoutMs?: number) => runCatalyst(cwd, args, timeoutMs);

describe('catalyst explore → build --from-scan', () => {
  let db: { url: string; drop: () => Promise<void> };
  /** A detached preview outlives the build: stopped here even when an assertion fails first. */
  let previewTask: string | null = null;
  before(async () => {
    db = await freshDatabase('cli_explore');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`
      create table suppliers (id serial primary key, name varchar(120) not null, email varchar(254));
      create table parts (id serial primary key, supplier_id int not null references suppliers(id) on delete cascade, part_number varchar(40) not null unique, price numeric(10,2), in_stock boolean not null default true);`);
    await client.end();
  });
  after(async () => {
    if (previewTask) await catalyst(['preview', 'stop', previewTask]);
    await db.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  test('a database is scanned read-only, listed, and built from: the app keeps its tables as records', async () => {
    const scan = await catalyst(['explore', db.url, '--json']);
    assert.equal(scan.code, 0, scan.stderr);
    const { scan: record, findings } = JSON.parse(scan.stdout) as {
      scan: { id: string; status: string; artifacts_dir: string };
      findings: unknown;
    };
    assert.equal(record.status, 'completed');
    const f = ExplorerFindings.parse(findings);
    assert.deepEqual(f.entities.map((e) => e.source_name).sort(), ['parts', 'suppliers']);
    assert.ok(existsSync(join(record.artifacts_dir, 'report.md')));

    const listed = await catalyst(['scans']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${record.id}\\s+database\\s+completed`));

    const build = await catalyst(['build', 'build an inventory app', '--from-scan', record.id, '--json'], 300_000);
    assert.equal(build.code, 0, build.stderr);
    const result = BuildResult.parse(JSON.parse(build.stdout));
    previewTask = result.task_id;
    assert.equal(result.status, 'completed');
    const models = JSON.parse(readFileSync(join(result.repo_path, 'architecture/data-models.json'), 'utf8')) as unknown;
    const text = JSON.stringify(models);
    assert.match(text, /"Supplier"/);
    assert.match(text, /"Part"/);
    assert.match(text, /part_number/);
    assert.match(readFileSync(join(result.repo_path, 'planning/plan.yaml'), 'utf8'), new RegExp(record.id));

    // The preview serves the scanned records: create a supplier, then a part that belongs to it.
    const api = result.fallback_url ?? result.preview_url!;
    const supplier = await fetch(`${api}/api/suppliers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Acme', email: 'sales@acme.example' }),
    });
    assert.equal(supplier.status, 201, await supplier.clone().text());
    const { id } = (await supplier.json()) as { id: string | number };
    const part = await fetch(`${api}/api/parts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ supplier_id: id, part_number: 'X-1', price: 9.5, in_stock: true }),
    });
    assert.equal(part.status, 201, await part.clone().text());
    const stop = await catalyst(['preview', 'stop', result.task_id]);
    assert.equal(stop.code, 0, stop.stderr);
    previewTask = null;
  });

  test('a target that is no database, site or repository is refused with what to give instead', async () => {
    const bad = await catalyst(['explore', 'ftp://files.example/x', '--type', 'database', '--json']);
    assert.equal(bad.code, 2);
    assert.match(JSON.parse(bad.stdout).error.hint, /postgres/);
    assert.equal((await catalyst(['scans', 'not-a-scan'])).code, 2);
  });
});
