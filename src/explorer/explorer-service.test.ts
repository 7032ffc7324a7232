/**
 * The explorer service end to end with its real scanners: a database scan of a scratch PostgreSQL
 * database, a deployment scan of a local server that never answers, and a repository scan of a local
 * git repository; records, artifacts, documents, vectors and events are checked as a user finds them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { createLocalRunner } from '../adapters/runner/local/local-runner.ts';
import { openStateStore } from '../adapters/state/index.ts';
import { createStateVectorStore } from '../adapters/vectors/state/state-vector-store.ts';
import { createFsWorkspace } from '../adapters/fs/workspace.ts';
import { ExplorerFindings } from '../contracts/explorer.ts';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { createFsArtifactStore } from '../adapters/fs/artifact-store.ts';
import { loadConfig } from '../config/index.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { createAnalyzers } from './analyzers.ts';
import { createExplorer, FINDINGS_COLLECTION, type Explorer, type ExplorerOptions } from './explorer-service.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

describe('explorer service (real scanners)', () => {
  let root: string;
  let state: Awaited<ReturnType<typeof openStateStore>>;
  let explorer: Explorer;
  let db: { url: string; drop: () => Promise<void> };
  const servers: Server[] = [];
  const progress: string[] = [];

  /** The real scanners over this suite's stores; each test picks its limits. */
  function explorerWith(limits: Pick<ExplorerOptions, 'maxConcurrent' | 'timeoutMs' | 'onProgress'>): Explorer {
    return createExplorer({
      state,
      documents: state.documents,
      vectors: createStateVectorStore(state.documents),
      analyzers: createAnalyzers({
        runner: createLocalRunner({}),
        workspace: createFsWorkspace(loadConfig({ env: {}, cwd: root }).paths.nodeModules),
        childEnv: { PATH: process.env.PATH ?? '' },
      }),
      logger: quiet,
      artifacts: createFsArtifactStore(join(root, 'explorer')),
      workRoot: join(root, 'explorer-work'),
      enabled: true,
      allowHosts: [],
      ...limits,
    });
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'explorer-service-'));
    state = await openStateStore({ kind: 'pglite', memory: true });
    db = await freshDatabase('explore');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`
      create table customers (id serial primary key, email varchar(254) not null unique, name varchar(100) not null);
      create table orders (id serial primary key, customer_id int not null references customers(id) on delete cascade, total numeric(10,2), placed_at timestamp);`);
    await client.end();
    explorer = explorerWith({ maxConcurrent: 2, timeoutMs: 20_000, onProgress: (_id, message) => progress.push(message) });
  });
  after(async () => {
    await explorer.close();
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await state.close();
    await db.drop();
    rmSync(root, { recursive: true, force: true });
  });

  test('a database scan is recorded, written to explorer/<id>/, remembered and findable by similarity', async () => {
    const withPassword = db.url.replace('postgresql://postgres@', 'postgresql://postgres:not-needed@');
    const record = await explorer.run({ type: 'database', target: withPassword });
    assert.equal(record.status, 'completed', record.error ?? '');
    assert.ok(!record.target.includes('not-needed'), 'the password is not recorded');
    const { findings } = await explorer.get(record.id);
    assert.ok(findings);
    assert.deepEqual(findings.entities.map((e) => e.source_name).sort(), ['customers', 'orders']);
    const orders = findings.entities.find((e) => e.source_name === 'orders')!;
    assert.deepEqual(
      orders.references.map((r) => [r.field, r.target, r.on_delete]),
      [['customer_id', 'customers', 'cascade']],
    );
    assert.ok(findings.security.some((s) => s.kind === 'unindexed_foreign_key'));
    assert.equal(findings.can_replicate, true);
    assert.match(findings.suggested_tasks[0]!, /customers/);

    const dir = record.artifacts_dir!;
    for (const file of [
      'report.md',
      'findings.json',
      'tech-stack.json',
      'suggested-tasks.yaml',
      'security/security-score.json',
      'security/recommendations.md',
      'architecture/inferred-architecture.md',
      'dependencies/dependency-graph.mmd',
    ]) {
      assert.ok(existsSync(join(dir, file)), `${file} written`);
    }
    assert.doesNotThrow(() => ExplorerFindings.parse(JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8'))));
    assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /--from-scan/);
    assert.ok(!readFileSync(join(dir, 'findings.json'), 'utf8').includes('not-needed'));
    assert.equal(existsSync(join(root, 'explorer-work', record.id)), false, 'the scratch folder is removed');

    assert.equal((await state.documents.get(FINDINGS_COLLECTION, record.id))?.scan_id, record.id);
    const similar = await explorer.similar('orders customers database tables');
    assert.equal(similar[0]?.scan_id, record.id);
    const events = await state.listEvents(record.id);
    assert.deepEqual(
      events.map((e) => [e.actor, e.event_type]),
      [['explorer', 'explorer.findings']],
    );
    assert.ok(progress.some((p) => /read-only/.test(p)));
  });

  test('a scan that outlives its deadline fails with the reason; the scan beside it is unaffected', async () => {
    const hanging = createServer(() => undefined);
    servers.push(hanging);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const short = explorerWith({ maxConcurrent: 1, timeoutMs: 1_500 });
    const started = await short.start({ type: 'deployment', target: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/` });
    assert.equal(started.status, 'running');
    // The one slot is taken: a second scan is refused, not queued behind it.
    await assert.rejects(
      short.start({ type: 'database', target: db.url }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'scans_busy',
    );
    const other = await explorer.run({ type: 'database', target: db.url });
    await short.idle();
    const failed = (await short.get(started.id)).record;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /longer than 2 s|timed out|did not answer/);
    assert.equal(other.status, 'completed');
    await short.close();
  });

  test('a local repository scan reads its stack and records; bad requests are refused with what to fix', async () => {
    const repo = join(root, 'repo');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify({
        name: 'shop',
        dependencies: { react: '19.0.0', fastify: '5.0.0' },
        devDependencies: { typescript: '5.9.0', vitest: '3.0.0' },
      }),
    );
    writeFileSync(
      join(repo, 'schema.sql'),
      'create table products (id serial primary key, title varchar(120) not null, price numeric(8,2));\n',
    );
    writeFileSync(join(repo, 'index.ts'), 'export const answer = (n: number) => (n > 1 ? n : 0);\n');
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'init']);
    const record = await explorer.run({ type: 'github', target: repo, analysis_depth: 'quick' });
    assert.equal(record.status, 'completed', record.error ?? '');
    assert.ok(record.tech_stack.some((t) => /^React/.test(t)) && record.tech_stack.some((t) => /^Fastify/.test(t)));
    const { findings } = await explorer.get(record.id);
    assert.deepEqual(
      findings?.entities.map((e) => e.source_name),
      ['products'],
    );

    await assert.rejects(
      explorer.start({ type: 'ftp', target: 'x' }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
    );
    await assert.rejects(explorer.start({ type: 'database', target: db.url, read_only: false }), /always read-only/);
    await assert.rejects(explorer.get('nope'), (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option');
    await assert.rejects(
      explorer.get('00000000-0000-4000-8000-000000000000'),
      (e: unknown) => AppError.isInstance(e) && e.code === 'scan_not_found',
    );
    // A target its scanner could never read is refused before anything is recorded.
    const before = (await explorer.list()).length;
    await assert.rejects(
      explorer.start({ type: 'database', target: 'ftp://files.example/x' }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option' && /postgres/.test(e.hint ?? ''),
    );
    assert.equal((await explorer.list()).length, before);
    const failed = await explorer.run({ type: 'github', target: join(root, 'missing-repo') });
    assert.equal(failed.status, 'failed');
    assert.ok(failed.error);
  });
});
