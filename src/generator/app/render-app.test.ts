import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { APP_DEPENDENCIES, COMMIT_GROUPS, renderApp } from './index.ts';
import type { AppFile, DependencyVersions } from './index.ts';
import { bookReviewApp, todoApp, vendorApp } from './test-fixtures.ts';

const catalystRoot = resolve(import.meta.dirname, '../../..');
const nodeModules = join(catalystRoot, 'node_modules');
const versions: DependencyVersions = Object.fromEntries(
  APP_DEPENDENCIES.map((pkg) => [pkg, JSON.parse(readFileSync(join(nodeModules, pkg, 'package.json'), 'utf8')).version as string]),
);
const fixtures = { todo: todoApp, books: bookReviewApp, vendors: vendorApp };

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function fileOf(files: AppFile[], path: string): string {
  const file = files.find((f) => f.path === path);
  assert.ok(file, `${path} is generated`);
  return file.content;
}

/** Writes an app the way the coder agent does, with node_modules linked to Catalyst's own install. */
function writeApp(name: keyof typeof fixtures): string {
  const dir = mkdtempSync(join(tmpdir(), `catalyst-app-${name}-`));
  tempDirs.push(dir);
  for (const file of renderApp(fixtures[name], versions)) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  symlinkSync(nodeModules, join(dir, 'node_modules'));
  return dir;
}

/** Environment for child processes without the parent's database settings leaking in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  // NODE_TEST_CONTEXT would make the app's own test runner think it is nested in ours and run nothing.
  for (const key of [
    'DATABASE_URL',
    'PORT',
    'HOST',
    'DATA_DIR',
    'JWT_SECRET',
    'NODE_V8_COVERAGE',
    'NODE_OPTIONS',
    'NODE_TEST_CONTEXT',
    'CHROMIUM_PATH',
  ])
    delete env[key];
  return { ...env, ...extra };
}

async function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  return { code, output };
}

async function expectSuccess(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const { code, output } = await run(cwd, args, env);
  assert.equal(code, 0, `npm ${args.join(' ')} failed:\n${output.slice(-4000)}`);
  return output;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function postgresReachable(): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port: 5432 });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

/** Runs the app's own test suite and checks the reports the tester agent reads. */
async function checkTestSuite(dir: string): Promise<void> {
  const output = await expectSuccess(dir, ['test']);
  assert.match(output, /ℹ fail 0/);
  const summary = JSON.parse(readFileSync(join(dir, 'coverage/coverage-summary.json'), 'utf8')) as Record<
    string,
    { lines: { covered: number; total: number } }
  >;
  const backend = Object.entries(summary).filter(([path]) => path.startsWith(join(dir, 'backend/src')));
  assert.ok(backend.length > 5, 'coverage lists the backend modules');
  const covered = backend.reduce((n, [, s]) => n + s.lines.covered, 0);
  const total = backend.reduce((n, [, s]) => n + s.lines.total, 0);
  assert.ok(covered / total >= 0.8, `backend line coverage ${((100 * covered) / total).toFixed(1)}% is at least 80%`);
  assert.ok(!Object.keys(summary).some((path) => path.endsWith('.test.ts')), 'tests are not counted as covered code');
  assert.ok(existsSync(join(dir, 'coverage/lcov.info')));
  assert.ok(existsSync(join(dir, 'coverage/index.html')));
  const junit = readFileSync(join(dir, 'test-results/junit.xml'), 'utf8');
  assert.match(junit, /<testsuites/);
  assert.doesNotMatch(junit, /<failure/);
}

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * The tester's contract for browser tests: without CHROMIUM_PATH `npm run test:e2e` says it skipped and
 * writes no JUnit; with it, every flow passes, JUnit lists each test and the screenshots are there.
 */
async function checkBrowserTests(dir: string, screenshots: string[]): Promise<void> {
  const skipped = await expectSuccess(dir, ['run', 'test:e2e']);
  assert.match(skipped, /skipped: CHROMIUM_PATH not set/);
  assert.ok(!existsSync(join(dir, 'test-results/e2e-junit.xml')));
  assert.ok(existsSync(chromium), `Chromium is installed at ${chromium}`);
  await expectSuccess(dir, ['run', 'test:e2e'], cleanEnv({ CHROMIUM_PATH: chromium }));
  const junit = readFileSync(join(dir, 'test-results/e2e-junit.xml'), 'utf8');
  const declared = readFileSync(join(dir, 'e2e/main-flows.e2e.test.ts'), 'utf8').match(/^test\(/gm)?.length ?? 0;
  assert.ok(declared >= 5, 'the app declares its browser flows');
  assert.equal(junit.match(/<testcase /g)?.length, declared, 'JUnit lists every browser test');
  assert.doesNotMatch(junit, /<failure/);
  for (const name of screenshots) assert.ok(existsSync(join(dir, 'test-results/e2e', `${name}.png`)), `screenshot ${name}`);
}

interface Running {
  base: string;
  stop(): Promise<number | null>;
}

async function startServer(dir: string): Promise<Running> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'backend/src/server.ts'], {
    cwd: dir,
    env: cleanEnv({ PORT: String(port), DATA_DIR: join(dir, 'data') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  // Bounded wait for start-up: tsx compiles on the fly, so the first answer takes a moment.
  for (let attempt = 0; attempt < 150; attempt++) {
    const health = await fetch(`${base}/health`).catch(() => null);
    if (health?.ok) {
      assert.deepEqual(await health.json(), { status: 'ok' });
      return { base, stop };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  assert.fail(`server did not become healthy:\n${log.slice(-3000)}`);
}

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json: any = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : null;
  return { status: response.status, json, text };
}

describe('renderApp output', () => {
  test('is byte-identical for the same input', () => {
    for (const models of Object.values(fixtures)) {
      assert.deepEqual(renderApp(models, versions), renderApp(models, versions));
    }
  });

  test('orders files by commit group and uses each path once', () => {
    for (const models of Object.values(fixtures)) {
      const files = renderApp(models, versions);
      const groups = files.map((f) => COMMIT_GROUPS.indexOf(f.group));
      assert.deepEqual(
        groups,
        [...groups].sort((a, b) => a - b),
      );
      assert.equal(new Set(files.map((f) => f.path)).size, files.length);
      for (const group of COMMIT_GROUPS)
        assert.ok(
          files.some((f) => f.group === group),
          `${models.slug} has ${group} files`,
        );
      for (const file of files) assert.doesNotMatch(file.content, /\b(TODO|FIXME|XXX)\b/, file.path);
    }
  });

  test('pins every dependency and gives the scripts a developer expects', () => {
    const files = renderApp(todoApp, versions);
    const pkg = JSON.parse(fileOf(files, 'package.json'));
    assert.equal(pkg.name, 'todo-app');
    assert.equal(pkg.private, true);
    assert.equal(pkg.type, 'module');
    const pinned = { ...pkg.dependencies, ...pkg.devDependencies };
    assert.deepEqual(Object.keys(pinned).sort(), [...APP_DEPENDENCIES].sort());
    for (const [name, version] of Object.entries(pinned)) assert.equal(version, versions[name], name);
    assert.equal(pkg.scripts.start, 'node --import tsx backend/src/server.ts');
    assert.equal(pkg.scripts.dev, 'node --import tsx scripts/dev.ts');
    assert.match(pkg.scripts.build, /^vite build/);
    assert.match(pkg.scripts.typecheck, /^tsc --noEmit/);
    // The test files are found when the tests run, not listed here.
    assert.equal(pkg.scripts.test, 'c8 node --import tsx scripts/run-tests.ts');
    assert.match(fileOf(files, 'scripts/node-tests.ts'), /--test-reporter-destination=\$\{junitFile\}/);
    assert.equal(pkg.scripts['db:generate'], 'drizzle-kit generate');
    assert.match(fileOf(files, 'frontend/vite.config.ts'), /plugins: \[react\(\)\]/);
    assert.equal(pkg.scripts['test:e2e'], 'node --import tsx e2e/run-e2e.ts');
    assert.ok(files.some((f) => f.path === 'e2e/main-flows.e2e.test.ts'));
    assert.ok(pkg.devDependencies['playwright-core']);
    assert.throws(() => renderApp(todoApp, { ...versions, fastify: '' }), /no version given for "fastify"/);
  });

  test('writes the project settings the contract asks for', () => {
    const files = renderApp(bookReviewApp, versions);
    assert.deepEqual(fileOf(files, '.gitignore').trim().split('\n').sort(), [
      '.env',
      'coverage',
      'data',
      'dist',
      'node_modules',
      'test-results',
    ]);
    const env = fileOf(files, '.env.example');
    for (const key of ['PORT=', 'HOST=', 'DATABASE_URL=', 'DATA_DIR=', 'JWT_SECRET=change-me']) assert.ok(env.includes(key), key);
    assert.match(fileOf(files, 'docker-compose.yml'), /postgres:[\s\S]*backend:[\s\S]*frontend:/);
    assert.equal(fileOf(files, 'docker-compose.yml').match(/healthcheck:/g)?.length, 3);
    assert.match(fileOf(files, 'Dockerfile.frontend'), /FROM nginx/);
    assert.match(fileOf(files, 'README.md'), /`\/api\/reviews`/);
    assert.ok(fileOf(files, 'tsconfig.json').includes('"strict": true'));
    for (const dialect of ['sqlite', 'pg']) {
      const journal = JSON.parse(fileOf(files, `backend/drizzle/${dialect}/meta/_journal.json`));
      const tag = journal.entries[0].tag;
      assert.match(fileOf(files, `backend/drizzle/${dialect}/${tag}.sql`), /CREATE TABLE "reviews"/);
    }
    assert.match(
      fileOf(files, 'backend/drizzle/pg/0000_initial_schema.sql'),
      /FOREIGN KEY \("book_id"\) REFERENCES "books"\("id"\) ON DELETE CASCADE/,
    );
    assert.match(fileOf(files, 'backend/src/models/review.ts'), /rating: z\.number\(\)\.int\(\)\.min\(1\)\.max\(5\)/);
  });

  test('documents list options and the delete rule of every relation', () => {
    const books = fileOf(renderApp(bookReviewApp, versions), 'README.md');
    assert.match(books, /`\?sentiment=positive\|neutral\|negative`/);
    assert.match(books, /`\?sort=` one of `created_at`, `updated_at`, `rating`/);
    assert.match(books, /Review `book_id` → Book \| `ON DELETE CASCADE` \| deleting a Book deletes its Reviews/);
    const vendorFiles = renderApp(vendorApp, versions);
    const vendors = fileOf(vendorFiles, 'README.md');
    assert.match(vendors, /`vendor_id` → Vendor \| `ON DELETE RESTRICT` \| deleting a Vendor is refused with 409/);
    assert.match(vendors, /`backup_vendor_id` → Vendor \| `ON DELETE SET NULL`/);
    assert.match(
      fileOf(vendorFiles, 'backend/drizzle/sqlite/0000_initial_schema.sql'),
      /"vendor_id" text NOT NULL REFERENCES "vendors"\("id"\) ON DELETE RESTRICT/,
    );
    const todo = fileOf(renderApp(todoApp, versions), 'README.md');
    assert.doesNotMatch(todo, /## Relations/);
    assert.match(todo, /`\?completed=true\|false`/);
  });

  test('gives every form its own accessible name and the UI its list controls', () => {
    const files = renderApp(bookReviewApp, versions);
    const page = fileOf(files, 'frontend/src/components/ResourcePage.tsx');
    assert.match(page, /ariaLabel=\{'Edit ' \+ title\(record\)\}/);
    assert.match(page, /ariaLabel=\{'New ' \+ meta\.label\}/);
    assert.match(fileOf(files, 'frontend/src/components/RecordForm.tsx'), /<form [^>]*aria-label=\{ariaLabel\}/);
    const meta = fileOf(files, 'frontend/src/app-meta.ts');
    assert.match(meta, /filters: \["sentiment"\]/);
    assert.match(meta, /reference: \{ resource: "books", displayField: "title", label: "Book" \}/);
    assert.match(fileOf(renderApp(todoApp, versions), 'frontend/src/app-meta.ts'), /doneField: "completed"/);
    const e2e = fileOf(files, 'e2e/main-flows.e2e.test.ts');
    assert.match(e2e, /getByRole\('form', \{ name: "New Review", exact: true \}\)/);
    assert.match(e2e, /bookIdPicker\.selectOption/);
  });

  test('records anyone may read are shown to visitors read-only, with sign-in one click away', () => {
    const publicTodos = {
      ...todoApp,
      models: todoApp.models.map((m) =>
        m.name === 'Todo' ? { ...m, owned: false, access: { read: 'public' as const, write: 'authenticated' as const } } : m,
      ),
    };
    const files = renderApp(publicTodos, versions);
    assert.match(fileOf(files, 'frontend/src/app-meta.ts'), /publicRead: true/);
    assert.match(fileOf(renderApp(todoApp, versions), 'frontend/src/app-meta.ts'), /publicRead: false/);
    const e2e = fileOf(files, 'e2e/main-flows.e2e.test.ts');
    assert.match(e2e, /a visitor reads Todos without signing in, and cannot change them/);
    assert.match(e2e, /name: 'Sign in to make changes'/);
    assert.match(fileOf(files, 'frontend/src/App.tsx'), /readOnly=\{visitor\}/);
  });

  test('never lets an app name reach markup or code unescaped', () => {
    const files = renderApp(todoApp, versions);
    for (const file of files) assert.ok(!file.content.includes('<script>alert'), file.path);
    assert.match(fileOf(files, 'frontend/index.html'), /<title>Todo &lt;script&gt;alert/);
    assert.match(fileOf(files, 'README.md'), /^# Todo &lt;script&gt;/);
  });

  test('refuses models it cannot turn into a working app', () => {
    const noUser = { ...todoApp, models: todoApp.models.filter((m) => m.name !== 'User') };
    assert.throws(() => renderApp(noUser, versions), /no User model/);
  });
});

describe('generated apps work', () => {
  test('todo app with accounts: tests, typecheck, lint, build, then a real server', async () => {
    const dir = writeApp('todo');
    await checkTestSuite(dir);
    await expectSuccess(dir, ['run', 'typecheck']);
    await expectSuccess(dir, ['run', 'lint']);
    await checkBrowserTests(dir, ['signed-in', 'todo-created', 'todo-editing', 'todo-done', 'todo-filtered-out', 'todo-deleted']);
    // test:e2e builds the frontend first; the backend serves it from frontend/dist.
    assert.ok(existsSync(join(dir, 'frontend/dist/index.html')));

    const server = await startServer(dir);
    try {
      const { base } = server;
      const unauthenticated = await call(base, 'GET', '/api/todos');
      assert.equal(unauthenticated.status, 401);

      const registered = await call(base, 'POST', '/api/auth/register', { email: 'ada@example.com', password: 'analytical engine' });
      assert.equal(registered.status, 201);
      assert.equal(typeof registered.json.id, 'string');
      assert.equal(
        (await call(base, 'POST', '/api/auth/register', { email: 'ada@example.com', password: 'analytical engine' })).status,
        409,
      );
      assert.equal((await call(base, 'POST', '/api/auth/register', { email: 'bob@example.com', password: 'short' })).status, 400);
      assert.equal((await call(base, 'POST', '/api/auth/login', { email: 'ada@example.com', password: 'wrong password' })).status, 401);
      const login = await call(base, 'POST', '/api/auth/login', { email: 'ada@example.com', password: 'analytical engine' });
      assert.equal(login.status, 200);
      const token = login.json.token as string;
      const me = await call(base, 'GET', '/api/auth/me', undefined, token);
      assert.equal(me.json.email, 'ada@example.com');
      assert.equal('password_hash' in me.json, false);

      const created = await call(base, 'POST', '/api/todos', { title: 'Buy milk', due_date: '2025-03-01' }, token);
      assert.equal(created.status, 201);
      assert.equal(created.json.completed, false);
      const id = created.json.id as string;
      const list = await call(base, 'GET', '/api/todos?limit=10&offset=0', undefined, token);
      assert.deepEqual({ total: list.json.total, limit: list.json.limit, offset: list.json.offset }, { total: 1, limit: 10, offset: 0 });
      assert.equal(list.json.items[0].title, 'Buy milk');
      const toggled = await call(base, 'PATCH', `/api/todos/${id}`, { completed: true }, token);
      assert.equal(toggled.json.completed, true);
      assert.equal(toggled.json.title, 'Buy milk');
      const replaced = await call(base, 'PUT', `/api/todos/${id}`, { title: 'Buy oat milk', completed: false }, token);
      assert.equal(replaced.json.title, 'Buy oat milk');
      assert.equal(replaced.json.due_date, null);
      await call(base, 'POST', '/api/todos', { title: 'Answer letters', completed: true }, token);
      const open = await call(base, 'GET', '/api/todos?completed=false', undefined, token);
      assert.deepEqual(
        open.json.items.map((t: { title: string }) => t.title),
        ['Buy oat milk'],
      );
      const byTitle = await call(base, 'GET', '/api/todos?sort=title&order=desc', undefined, token);
      assert.deepEqual(
        byTitle.json.items.map((t: { title: string }) => t.title),
        ['Buy oat milk', 'Answer letters'],
      );
      const badFilter = await call(base, 'GET', '/api/todos?completed=maybe&sort=user_id', undefined, token);
      assert.equal(badFilter.status, 400);
      assert.deepEqual(Object.keys(badFilter.json.error.fields).sort(), ['completed', 'sort']);
      const invalid = await call(base, 'POST', '/api/todos', { title: 42 }, token);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.json.error.code, 'validation_failed');
      assert.ok(invalid.json.error.fields.title);
      const unknown = await call(base, 'GET', '/api/todos/00000000-0000-4000-8000-000000000000', undefined, token);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, 'not_found');

      const other = await call(base, 'POST', '/api/auth/register', { email: 'eve@example.com', password: 'eavesdropper' });
      const theirs = await call(base, 'GET', '/api/todos', undefined, other.json.token);
      assert.equal(theirs.json.total, 0);
      const wrongType = await fetch(`${base}/api/todos`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
        body: 'a,b',
      });
      assert.equal(wrongType.status, 415);
      assert.equal(((await wrongType.json()) as { error: { code: string } }).error.code, 'unsupported_media_type');
      assert.equal((await call(base, 'GET', `/api/todos/${id}`, undefined, other.json.token)).status, 404);
      assert.equal((await call(base, 'DELETE', `/api/todos/${id}`, undefined, other.json.token)).status, 404);
      assert.equal((await call(base, 'DELETE', `/api/todos/${id}`, undefined, token)).status, 204);
      assert.equal((await call(base, 'GET', `/api/todos/${id}`, undefined, token)).status, 404);

      const page = await call(base, 'GET', '/');
      assert.equal(page.status, 200);
      assert.match(page.text, /<div id="root"><\/div>/);
      assert.match(page.text, /<title>Todo &lt;script&gt;/);
      const deepLink = await call(base, 'GET', '/todos/anything');
      assert.match(deepLink.text, /<div id="root">/);
      assert.equal((await call(base, 'GET', '/api/nothing-here')).json.error.code, 'not_found');
    } finally {
      assert.equal(await server.stop(), 0, 'the server shuts down cleanly on SIGTERM');
    }
  });

  test('book reviews without accounts: tests, typecheck, lint, build, then a real server', async () => {
    const dir = writeApp('books');
    // A test file nobody listed anywhere is found and run by `npm test`.
    writeFileSync(
      join(dir, 'backend/test/added-later.test.ts'),
      "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\n\ntest('a test added later runs too', () => assert.ok(true));\n",
    );
    await checkTestSuite(dir);
    assert.match(readFileSync(join(dir, 'test-results/junit.xml'), 'utf8'), /a test added later runs too/);
    await expectSuccess(dir, ['run', 'typecheck']);
    await expectSuccess(dir, ['run', 'lint']);
    await checkBrowserTests(dir, [
      'book-created',
      'book-editing',
      'review-created',
      'review-editing',
      'review-filtered-out',
      'review-deleted',
    ]);
    // test:e2e builds the frontend first; the backend serves it from frontend/dist.
    assert.ok(existsSync(join(dir, 'frontend/dist/index.html')));

    const server = await startServer(dir);
    try {
      const { base } = server;
      const book = await call(base, 'POST', '/api/books', { title: 'Dune', author: 'Frank Herbert' });
      assert.equal(book.status, 201);
      const review = await call(base, 'POST', '/api/reviews', { book_id: book.json.id, rating: 5, body: 'Spice!' });
      assert.equal(review.status, 201);
      assert.equal(review.json.sentiment, 'neutral');
      const tooHigh = await call(base, 'POST', '/api/reviews', { book_id: book.json.id, rating: 6, sentiment: 'ecstatic' });
      assert.equal(tooHigh.status, 400);
      assert.ok(tooHigh.json.error.fields.rating);
      assert.ok(tooHigh.json.error.fields.sentiment);
      const orphan = await call(base, 'POST', '/api/reviews', { book_id: '00000000-0000-4000-8000-000000000000', rating: 3 });
      assert.equal(orphan.status, 400);
      assert.ok(orphan.json.error.fields.book_id);
      const found = await call(base, 'GET', '/api/books?q=dune');
      assert.equal(found.json.total, 1);
      // Search covers only the searchable fields: a review's rating is not text to search.
      assert.equal((await call(base, 'GET', '/api/reviews?q=5')).json.total, 0);
      assert.equal((await call(base, 'GET', '/api/reviews?q=spice')).json.total, 1);
      assert.equal((await call(base, 'GET', `/api/reviews?book_id=${book.json.id}&sentiment=neutral`)).json.total, 1);
      assert.equal((await call(base, 'GET', '/api/reviews?sentiment=positive')).json.total, 0);
      assert.equal((await call(base, 'PATCH', '/api/books/00000000-0000-4000-8000-000000000000', { title: 'x' })).status, 404);
      // Deleting a book cascades to its reviews, as the model's on_delete says.
      assert.equal((await call(base, 'DELETE', `/api/books/${book.json.id}`)).status, 204);
      assert.equal((await call(base, 'GET', `/api/reviews/${review.json.id}`)).status, 404);
      const page = await call(base, 'GET', '/');
      assert.match(page.text, /<title>Book Reviews<\/title>/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('npm run db:generate finds the schema up to date, then writes only what changed', async () => {
    const dir = writeApp('todo');
    const postgres = cleanEnv({ DATABASE_URL: 'postgresql://app@127.0.0.1:5432/app' });
    assert.match(await expectSuccess(dir, ['run', 'db:generate']), /No schema changes/);
    assert.match(await expectSuccess(dir, ['run', 'db:generate'], postgres), /No schema changes/);
    assert.match(await expectSuccess(dir, ['run', 'db:check']), /Everything's fine/);
    const schema = join(dir, 'backend/src/db/schema.sqlite.ts');
    writeFileSync(
      schema,
      readFileSync(schema, 'utf8').replace(
        '  title: text("title").notNull(),',
        '  title: text("title").notNull(),\n  notes: text("notes"),',
      ),
    );
    await expectSuccess(dir, ['run', 'db:generate']);
    const journal = JSON.parse(readFileSync(join(dir, 'backend/drizzle/sqlite/meta/_journal.json'), 'utf8'));
    assert.equal(journal.entries.length, 2);
    const next = readFileSync(join(dir, `backend/drizzle/sqlite/${journal.entries[1].tag}.sql`), 'utf8');
    assert.equal(next.trim(), 'ALTER TABLE `todos` ADD `notes` text;');
  });

  test('npm run dev: the backend and Vite with the React plugin, reading .env under the real environment', async () => {
    const dir = writeApp('books');
    const [backendPort, frontendPort] = [await freePort(), await freePort()];
    // .env fills in what the environment leaves unset (DATA_DIR) and loses where both say something (PORT).
    writeFileSync(join(dir, '.env'), `PORT=1\nDATA_DIR=${join(dir, 'from-dotenv')}\n`);
    const child = spawn('npm', ['run', 'dev'], {
      cwd: dir,
      env: cleanEnv({ PORT: String(backendPort), FRONTEND_PORT: String(frontendPort) }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    try {
      const frontend = `http://127.0.0.1:${frontendPort}`;
      let health: Response | null = null;
      for (let attempt = 0; attempt < 150 && !health?.ok; attempt++) {
        await new Promise((r) => setTimeout(r, 100));
        health = await fetch(`${frontend}/health`).catch(() => null);
      }
      assert.ok(health?.ok, `the dev server forwards /health to the backend:\n${log.slice(-3000)}`);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.ok((await fetch(`http://127.0.0.1:${backendPort}/health`)).ok, 'the backend listens on PORT from the environment');
      const page = await (await fetch(frontend)).text();
      assert.match(page, /\/@react-refresh/, 'the React plugin injects hot reload');
      assert.match(page, /<title>Book Reviews<\/title>/);
      assert.equal((await call(frontend, 'POST', '/api/books', { title: 'Emma', author: 'Jane Austen' })).status, 201);
      assert.ok(existsSync(join(dir, 'from-dotenv', 'app.db')), 'DATA_DIR came from .env');
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  });

  test('vendor directory (remaining field types) and the todo app pass their tests on PostgreSQL', async (t) => {
    const dir = writeApp('vendors');
    await expectSuccess(dir, ['run', 'typecheck']);
    await expectSuccess(dir, ['run', 'lint']);
    if (!(await postgresReachable())) {
      t.diagnostic('PostgreSQL is not reachable on 127.0.0.1:5432: ran the SQLite suite instead');
      await checkTestSuite(dir);
      return;
    }
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    // One fresh database per app: drizzle's migrator records applied migrations per database.
    const apps = [
      { dir, database: `catalyst_vendors_${process.pid}` },
      { dir: writeApp('todo'), database: `catalyst_todo_${process.pid}` },
    ];
    try {
      for (const app of apps) {
        await admin.query(`DROP DATABASE IF EXISTS ${app.database}`);
        await admin.query(`CREATE DATABASE ${app.database}`);
        const output = await expectSuccess(
          app.dir,
          ['test'],
          cleanEnv({ DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${app.database}` }),
        );
        assert.match(output, /ℹ fail 0/);
      }
      const check = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${apps[0]!.database}` });
      await check.connect();
      const columns = await check.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'vendors' ORDER BY column_name",
      );
      await check.end();
      const types = Object.fromEntries(columns.rows.map((r: { column_name: string; data_type: string }) => [r.column_name, r.data_type]));
      assert.equal(types.hourly_rate, 'double precision');
      assert.equal(types.next_meeting, 'timestamp with time zone');
      assert.equal(types.id, 'uuid');
    } finally {
      for (const app of apps) await admin.query(`DROP DATABASE IF EXISTS ${app.database} WITH (FORCE)`);
      await admin.end();
    }
  });
});
