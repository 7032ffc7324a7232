import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnalyzerResult } from '../../contracts/explorer.ts';
import { APP_DEPENDENCIES, renderApp } from '../../generator/app/index.ts';
import { bookReviewApp } from '../../generator/app/test-fixtures.ts';
import { analyzeRepository, type DependencyAudit } from './analyze.ts';
import { cloneRepository, type AnalysisDepth } from './clone.ts';
import { startGitHttpServer, type GitHttpServer } from './fixtures/git-http-server.ts';
import { ALICE, commitAll, exportBare, FAKE_AWS_KEY, git, initRepo, makeSampleRepo, writeFiles } from './fixtures/sample-repo.ts';

const TOKEN = 'ghp_analyzeTestToken0123456789abcdefghijkl';

describe('analysing a repository cloned over git smart HTTP', { timeout: 120_000 }, () => {
  let dir: string;
  let server: GitHttpServer;
  const scans = new Map<string, AnalyzerResult>();
  const audited: string[] = [];

  async function scan(depth: AnalysisDepth, audit?: (dir: string) => Promise<DependencyAudit>): Promise<AnalyzerResult> {
    const cloned = await cloneRepository({
      target: `${server.url}/shop.git`,
      token: TOKEN,
      into: join(dir, `clone-${depth}-${scans.size}`),
      depth,
    });
    // The contract is what the service stores: every result must parse.
    const result = AnalyzerResult.parse(await analyzeRepository({ ...cloned, depth, audit }));
    scans.set(`${depth}-${scans.size}`, result);
    return result;
  }

  let full: AnalyzerResult;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-analyze-'));
    const work = makeSampleRepo(join(dir, 'work'));
    mkdirSync(join(dir, 'served'));
    exportBare(work, join(dir, 'served'), 'shop.git');
    server = await startGitHttpServer(join(dir, 'served'), { 'shop.git': TOKEN });
    full = await scan('full', async (checkout) => {
      audited.push(checkout);
      return { status: 'ok', critical: 1, high: 2, moderate: 0, low: 3 };
    });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the stack: frameworks from package.json with their evidence, languages from the files', () => {
    const tech = (name: string) => full.technologies.find((t) => t.name === name);
    assert.deepEqual(tech('React'), { name: 'React', version: '^18.2.0', category: 'frontend', evidence: 'package.json dependencies' });
    assert.deepEqual(tech('Fastify'), { name: 'Fastify', version: '^4.26.0', category: 'backend', evidence: 'package.json dependencies' });
    assert.deepEqual(tech('Vitest'), { name: 'Vitest', version: '^1.3.0', category: 'testing', evidence: 'package.json devDependencies' });
    assert.equal(tech('Prisma')?.category, 'database');
    assert.equal(tech('TypeScript')?.category, 'language');
    assert.equal(tech('Docker')?.evidence, 'Dockerfile');
    assert.equal(tech('GitHub Actions')?.evidence, '.github/workflows/ci.yml');
    const repo = full.repository!;
    assert.deepEqual(repo.dependencies.manifests, ['package.json']);
    assert.ok(repo.dependencies.runtime.some((d) => d.name === 'fastify' && d.version === '^4.26.0'));
    assert.ok(repo.dependencies.dev.some((d) => d.name === 'vitest'));
  });

  test('files and languages leave out node_modules and binaries', () => {
    const repo = full.repository!;
    assert.deepEqual(
      repo.languages.find((l) => l.name === 'TypeScript'),
      { name: 'TypeScript', files: 5, lines: 51 },
    );
    assert.equal(
      repo.languages.some((l) => l.name === 'JavaScript'),
      false,
      'node_modules/left-pad is not the project',
    );
    assert.equal(repo.largest_files[0]?.path, 'src/util.ts');
    assert.ok(full.architecture.notes.some((n) => /1 binary file/.test(n)));
  });

  test('license, tests, CI, Docker and README are recognised', () => {
    const repo = full.repository!;
    assert.equal(repo.license, 'MIT');
    assert.equal(repo.has_tests, true);
    assert.equal(repo.test_files, 1);
    assert.equal(repo.has_ci, true);
    assert.equal(repo.has_docker, true);
    assert.equal(repo.readme_quality, 'good');
  });

  test('the Prisma models become entities, with the relation and its on-delete', () => {
    assert.deepEqual(
      full.entities.map((e) => e.source_name),
      ['User', 'Post'],
    );
    const post = full.entities.find((e) => e.source_name === 'Post')!;
    assert.deepEqual(post.references, [{ field: 'authorId', target: 'User', on_delete: 'cascade' }]);
    assert.equal(post.evidence, 'prisma/schema.prisma (model Post)');
    const user = full.entities.find((e) => e.source_name === 'User')!;
    const field = (name: string) => user.fields.find((f) => f.name === name);
    assert.deepEqual(field('id'), { name: 'id', type: 'UUID', source_type: 'String', required: false, unique: false, primary_key: true });
    assert.deepEqual(field('email'), {
      name: 'email',
      type: 'Email',
      source_type: 'String',
      required: true,
      unique: true,
      primary_key: false,
    });
    assert.equal(field('name')?.required, false);
    assert.equal(post.fields.find((f) => f.name === 'body')?.type, 'Text');
  });

  test('the committed AWS key is reported with its file and line, never its value', () => {
    const secrets = full.security.filter((s) => s.kind === 'secret');
    assert.deepEqual(
      secrets.map((s) => [s.severity, s.location]),
      [['high', 'config/settings.json:3']],
    );
    assert.match(secrets[0]!.message, /AWS access key/);
    assert.doesNotMatch(JSON.stringify(full), new RegExp(FAKE_AWS_KEY));
    assert.match(full.improvements[0] ?? '', /Remove the committed secret \(config\/settings\.json:3\)/);
  });

  test('the import graph links modules (./util.js resolves to util.ts) and packages', () => {
    const edges = full.graph.edges.map((e) => `${e.from} -> ${e.to}`);
    for (const edge of [
      'src/server.ts -> src/routes.ts',
      'src/routes.ts -> src/util.ts',
      'src/App.tsx -> src/util.ts',
      'test/routes.test.ts -> src/util.ts',
      'src/server.ts -> fastify',
      'src/App.tsx -> react',
    ]) {
      assert.ok(edges.includes(edge), `missing edge ${edge}`);
    }
    assert.ok(full.graph.edges.every((e) => e.kind === 'imports'));
    const kinds = Object.fromEntries(full.graph.nodes.map((n) => [n.id, n.kind]));
    assert.equal(kinds['src/util.ts'], 'module');
    assert.equal(kinds.fastify, 'package');
    assert.equal(kinds['left-pad'], undefined);
  });

  test('complexity names the worst function and where it is', () => {
    const complexity = full.repository!.complexity!;
    assert.equal(complexity.max, 9);
    assert.equal(complexity.worst, 'classify (src/util.ts:1)');
    assert.ok(complexity.mean >= 1 && complexity.mean < 9);
  });

  test('full depth reads the history and runs the audit it was given', () => {
    const history = full.repository!.history!;
    assert.equal(history.commits, 2);
    assert.deepEqual(history.contributors, [
      { name: 'Alice Example', commits: 1 },
      { name: 'Bob Example', commits: 1 },
    ]);
    assert.equal(history.first_commit, '2024-01-02T10:00:00.000Z');
    assert.equal(history.last_commit, '2024-03-04T12:30:00.000Z');
    assert.deepEqual(full.repository!.dependencies.audit, { status: 'ok', critical: 1, high: 2, moderate: 0, low: 3 });
    assert.deepEqual(audited, [join(dir, 'clone-full-0')], 'the audit ran once, on the checkout');
    const vulnerable = full.security.filter((s) => s.kind === 'vulnerable_dependency').map((s) => s.severity);
    assert.deepEqual(vulnerable, ['critical', 'high', 'low']);
    assert.ok(full.improvements.some((i) => /1 critical and 2 high/.test(i)));
  });

  test('the architecture is a frontend plus an API, with the folders as parts', () => {
    assert.equal(full.architecture.style, 'single-page frontend + REST API');
    const parts = Object.fromEntries(full.architecture.components.map((c) => [c.name, c.kind]));
    assert.equal(parts.src, 'source');
    assert.equal(parts.prisma, 'database');
    assert.equal(parts['.github'], 'ci');
    assert.equal(parts.node_modules, undefined);
  });

  test('the token appears nowhere in the result', () => {
    const text = JSON.stringify(full);
    assert.doesNotMatch(text, new RegExp(TOKEN));
    assert.doesNotMatch(text, new RegExp(Buffer.from(`x-access-token:${TOKEN}`).toString('base64')));
  });

  test('quick depth: stack and manifests only; no complexity, secrets, graph or history; audit skipped', async () => {
    const quick = await scan('quick', async () => {
      throw new Error('the audit must not run at quick depth');
    });
    const repo = quick.repository!;
    assert.equal(repo.complexity, null);
    assert.equal(repo.history, null);
    assert.deepEqual(repo.dependencies.audit, { status: 'skipped', reason: 'quick depth: the dependency audit runs at full depth only' });
    assert.deepEqual(quick.graph, { nodes: [], edges: [] });
    assert.equal(
      quick.security.some((s) => s.kind === 'secret'),
      false,
    );
    assert.ok(quick.technologies.some((t) => t.name === 'React'));
    assert.equal(quick.entities.length, 2);
    assert.equal(repo.files, full.repository!.files);
  });

  test('standard depth measures code but skips history and audit', async () => {
    const standard = await scan('standard');
    const repo = standard.repository!;
    assert.equal(repo.complexity?.max, 9);
    assert.equal(repo.history, null);
    assert.equal(repo.dependencies.audit.status, 'skipped');
    assert.ok(standard.graph.edges.length > 0);
  });

  test('a failing audit is reported unavailable, not fatal; without a runner it is skipped', async () => {
    const failing = await scan('full', async () => {
      throw new Error('npm is not installed in the sandbox');
    });
    assert.deepEqual(failing.repository!.dependencies.audit, {
      status: 'unavailable',
      reason: 'the dependency audit failed: npm is not installed in the sandbox',
    });
    const none = await scan('full');
    assert.equal(none.repository!.dependencies.audit.status, 'skipped');
  });

  test('the same commit always gives the same result', async () => {
    const again = await scan('full', async () => ({ status: 'ok', critical: 1, high: 2, moderate: 0, low: 3 }));
    const { repository: a, ...restA } = full;
    const { repository: b, ...restB } = again;
    assert.deepEqual(restB, restA);
    assert.deepEqual(b, a);
  });
});

describe('analysing a Catalyst-generated repository', { timeout: 60_000 }, () => {
  let dir: string;
  let result: AnalyzerResult;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-generated-'));
    const work = join(dir, 'work');
    initRepo(work);
    const versions = Object.fromEntries(APP_DEPENDENCIES.map((d) => [d, '1.0.0']));
    const files = Object.fromEntries(renderApp(bookReviewApp, versions).map((f) => [f.path, f.content]));
    writeFiles(work, { ...files, 'architecture/data-models.json': `${JSON.stringify(bookReviewApp, null, 2)}\n` });
    commitAll(work, 'feat: generated app', ALICE);
    const cloned = await cloneRepository({ target: work, into: join(dir, 'clone'), depth: 'standard' });
    result = AnalyzerResult.parse(await analyzeRepository({ ...cloned, depth: 'standard' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('records come from data-models.json, once, not again from the SQL migrations', () => {
    assert.deepEqual(
      result.entities.map((e) => e.source_name),
      ['Book', 'Review'],
    );
    const review = result.entities.find((e) => e.source_name === 'Review')!;
    assert.deepEqual(review.references, [{ field: 'book_id', target: 'Book', on_delete: 'cascade' }]);
    assert.match(review.evidence, /^architecture\/data-models\.json/);
    assert.deepEqual(
      review.fields.find((f) => f.name === 'id'),
      { name: 'id', type: 'UUID', source_type: 'UUID', required: true, unique: false, primary_key: true },
    );
  });

  test('its stack, layout and tests are recognised', () => {
    const names = result.technologies.map((t) => t.name);
    for (const name of ['TypeScript', 'React', 'Fastify', 'PostgreSQL', 'Drizzle', 'Vite', 'Docker', 'Docker Compose'])
      assert.ok(names.includes(name), `missing ${name}`);
    assert.equal(result.architecture.style, 'single-page frontend + REST API');
    const parts = Object.fromEntries(result.architecture.components.map((c) => [c.name, c.kind]));
    assert.equal(parts.frontend, 'frontend');
    assert.equal(parts.backend, 'backend');
    assert.ok(result.repository!.test_files >= 5);
    assert.equal(result.repository!.has_ci, false);
    assert.ok(result.improvements.some((i) => /CI pipeline/.test(i)));
  });
});

test('an empty repository clones and reads as empty, at full depth too', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-empty-'));
  const served = join(dir, 'served');
  mkdirSync(served);
  git(served, ['init', '-q', '--bare', '-b', 'trunk', 'empty.git']);
  const server = await startGitHttpServer(served);
  try {
    const cloned = await cloneRepository({ target: `${server.url}/empty.git`, into: join(dir, 'clone'), depth: 'full' });
    assert.equal(cloned.commit, null);
    assert.equal(cloned.defaultBranch, 'trunk');
    const result = AnalyzerResult.parse(await analyzeRepository({ ...cloned, depth: 'full' }));
    assert.equal(result.architecture.style, 'empty repository');
    assert.equal(result.repository!.files, 0);
    assert.equal(result.repository!.readme_quality, 'missing');
    assert.deepEqual(result.repository!.history, { commits: 0, contributors: [], first_commit: null, last_commit: null });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an aborted signal stops the analysis', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'catalyst-explore-abort-'));
  try {
    const work = makeSampleRepo(join(dir, 'work'));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      analyzeRepository({ dir: work, depth: 'standard', commit: null, defaultBranch: null, signal: controller.signal }),
      { name: 'AbortError' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
