import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeDocumentStore } from '../../../test/conformance/document-store.ts';
import { describeStateStore } from '../../../test/conformance/state-store.ts';
import { describeHolder, type DataDirHolder } from './data-dir-lock.ts';
import { lockPathFor, openStateStore } from './index.ts';

describeStateStore('pglite (in memory)', {
  open: () => openStateStore({ kind: 'pglite', memory: true }),
  sharedAcrossOpens: false,
});

describeDocumentStore('pglite jsonb (in memory)', {
  open: async () => {
    const store = await openStateStore({ kind: 'pglite', memory: true });
    return { documents: store.documents, close: () => store.close() };
  },
});

const STORE_MODULE = fileURLToPath(new URL('./index.ts', import.meta.url));

// A separate Catalyst process opening the same folder; it reports on stdout, one JSON object a line.
const OPENER = `
const { openStateStore } = await import(process.env.STORE_MODULE);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
say({ trying: true });
try {
  const store = await openStateStore({ kind: 'pglite', dataDir: process.env.DATA_DIR, lockWaitMs: Number(process.env.WAIT_MS) });
  const project = process.env.PROJECT_ID ? await store.getProject(process.env.PROJECT_ID) : null;
  say({ opened: true, project: project?.name ?? null });
  if (process.env.EXIT_WITHOUT_CLOSE) process.exit(0);
  await store.close();
} catch (e) {
  say({ code: e.code ?? null, message: e.message, hint: e.hint ?? null });
}
`;

interface OpenerReport {
  trying?: true;
  opened?: true;
  project?: string | null;
  code?: string | null;
  message?: string;
  hint?: string | null;
}

function spawnOpener(env: Record<string, string>): { child: ChildProcess; reports: AsyncIterableIterator<OpenerReport> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', OPENER], {
    env: { ...process.env, STORE_MODULE, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  async function* parse() {
    for await (const line of lines) yield JSON.parse(line) as OpenerReport;
  }
  return { child, reports: parse() };
}

async function next(reports: AsyncIterableIterator<OpenerReport>): Promise<OpenerReport> {
  const { value, done } = await reports.next();
  assert.ok(!done, 'the opener process ended without reporting');
  return value;
}

describe('pglite data folder', () => {
  let root: string;
  const children: ChildProcess[] = [];
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'catalyst-pglite-'));
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  test('state written to a folder is there after closing and reopening it', async () => {
    const dataDir = join(root, 'reopen');
    const first = await openStateStore({ kind: 'pglite', dataDir });
    const project = await first.upsertProject({ id: randomUUID(), name: 'Kept', slug: 'kept', description: null, repo_path: null });
    await first.documents.put('conversations', 'c1', { title: 'kept too' });
    await first.close();

    // Closing released the lock, so a zero wait is enough.
    const second = await openStateStore({ kind: 'pglite', dataDir, lockWaitMs: 0 });
    try {
      assert.deepEqual(await second.getProject(project.id), project);
      assert.deepEqual(await second.documents.get('conversations', 'c1'), { title: 'kept too' });
    } finally {
      await second.close();
    }
  });

  test('a second process gives up with store_locked naming the folder and the holder pid', async () => {
    const dataDir = join(root, 'held');
    const holder = await openStateStore({ kind: 'pglite', dataDir });
    try {
      const { child, reports } = spawnOpener({ DATA_DIR: dataDir, WAIT_MS: '400' });
      children.push(child);
      assert.deepEqual(await next(reports), { trying: true });
      const report = await next(reports);
      assert.equal(report.code, 'store_locked');
      assert.match(report.message ?? '', new RegExp(`process ${process.pid}\\b`));
      assert.ok(report.hint?.includes(dataDir), report.hint ?? 'no hint');
      assert.ok(report.hint?.includes(`pid ${process.pid}`), report.hint ?? 'no hint');
    } finally {
      await holder.close();
    }
  });

  test('a queued opener is told who holds the folder and for what, then opens it when the holder lets go', async () => {
    const dataDir = join(root, 'queued');
    const holder = await openStateStore({ kind: 'pglite', dataDir, purpose: 'catalyst build' });
    const waits: Array<DataDirHolder | null> = [];
    let toldWaiting: () => void = () => undefined;
    const told = new Promise<void>((resolve) => (toldWaiting = resolve));
    const queued = openStateStore({
      kind: 'pglite',
      dataDir,
      lockWaitMs: Number.POSITIVE_INFINITY,
      onLockWait: (h) => {
        waits.push(h);
        toldWaiting();
      },
    });
    await told;
    assert.equal(waits[0]?.pid, process.pid);
    assert.equal(waits[0]?.purpose, 'catalyst build');
    assert.match(describeHolder(waits[0]!), /^process \d+ \(catalyst build\) on .+ since /);
    await holder.close();
    const second = await queued;
    await second.close();
  });

  test('a waiting process opens the folder as soon as the holder closes it', async () => {
    const dataDir = join(root, 'handover');
    const holder = await openStateStore({ kind: 'pglite', dataDir });
    const project = await holder.upsertProject({
      id: randomUUID(),
      name: 'Handed over',
      slug: 'handed-over',
      description: null,
      repo_path: null,
    });
    const { child, reports } = spawnOpener({ DATA_DIR: dataDir, WAIT_MS: '20000', PROJECT_ID: project.id });
    children.push(child);
    try {
      assert.deepEqual(await next(reports), { trying: true });
    } finally {
      await holder.close();
    }
    assert.deepEqual(await next(reports), { opened: true, project: 'Handed over' });
  });

  test('a process that exits without closing the store leaves the folder free', async () => {
    const dataDir = join(root, 'exited');
    const { child, reports } = spawnOpener({ DATA_DIR: dataDir, WAIT_MS: '0', EXIT_WITHOUT_CLOSE: '1' });
    children.push(child);
    assert.deepEqual(await next(reports), { trying: true });
    assert.deepEqual(await next(reports), { opened: true, project: null });
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));

    const store = await openStateStore({ kind: 'pglite', dataDir, lockWaitMs: 0 });
    await store.close();
  });

  test('a lock left behind by a dead process is taken over', async () => {
    const dataDir = join(root, 'orphaned');
    const lockPath = lockPathFor(dataDir);
    await mkdir(lockPath, { recursive: true });
    await writeFile(`${lockPath}.holder.json`, JSON.stringify({ pid: 999_999, host: 'gone', since: '2020-01-01T00:00:00.000Z' }));
    // A live holder refreshes the lock's mtime; a dead one leaves it to age past the stale window.
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockPath, longAgo, longAgo);

    const store = await openStateStore({ kind: 'pglite', dataDir, lockWaitMs: 0 });
    try {
      const holder = JSON.parse(await readFile(`${lockPath}.holder.json`, 'utf8')) as { pid: number };
      assert.equal(holder.pid, process.pid);
      assert.deepEqual(await store.listProjects(), []);
    } finally {
      await store.close();
    }
  });

  test('a holder keeps its lock across refreshes (the store stays usable past the stale window)', async () => {
    const dataDir = join(root, 'long-held');
    // staleMs 2 s → proper-lockfile refreshes every second; several refreshes must not count as a takeover.
    const store = await openStateStore({ kind: 'pglite', dataDir, lockWaitMs: 0, lockStaleMs: 2000 });
    try {
      await new Promise((r) => setTimeout(r, 3500));
      assert.deepEqual(await store.listProjects(), []);
    } finally {
      await store.close();
    }
  });
});
