import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inferArchitecture } from './architecture.ts';
import { summarizeManifests } from './manifests.ts';

test('Python, Go, Rust, Ruby and PHP manifests give their packages and technologies', () => {
  const found = summarizeManifests([
    {
      path: 'requirements.txt',
      content: '# web\nDjango==4.2.7\npsycopg2-binary>=2.9 ; python_version >= "3.8"\n-r base.txt\ngit+https://example.com/x.git\ncelery\n',
    },
    { path: 'requirements-dev.txt', content: 'pytest==8.0.0\n' },
    {
      path: 'services/api/pyproject.toml',
      content:
        '[project]\nname = "api"\nrequires-python = ">=3.11"\nlicense = { text = "MIT" }\ndependencies = [\n  "fastapi[all]>=0.110",  # the web framework\n  "sqlalchemy>=2",\n]\n[project.optional-dependencies]\ndev = ["pytest>=8"]\n[project.scripts]\napi = "api.main:run"\n',
    },
    {
      path: 'go.mod',
      content:
        'module example.com/x\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n\tgolang.org/x/text v0.14.0 // indirect\n)\nrequire gorm.io/gorm v1.25.5\n',
    },
    {
      path: 'engine/Cargo.toml',
      content:
        '[package]\nname = "engine"\nlicense = "Apache-2.0"\n\n[dependencies]\naxum = "0.7"\ntokio = { version = "1", features = ["full"] }\n\n[dependencies.sqlx]\nversion = "0.7"\n\n[dev-dependencies]\ninsta = "1"\n',
    },
    {
      path: 'Gemfile',
      content: "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngroup :development, :test do\n  gem 'rspec-rails'\nend\ngem 'pg'\n",
    },
    {
      path: 'web/composer.json',
      content: '{"require": {"php": ">=8.1", "laravel/framework": "^10.0"}, "require-dev": {"phpunit/phpunit": "^10"}}',
    },
  ]);
  const tech = Object.fromEntries(found.technologies.map((t) => [t.name, `${t.category} ${t.version ?? '-'} (${t.evidence})`]));
  assert.deepEqual(tech, {
    Django: 'backend ==4.2.7 (requirements.txt)',
    PostgreSQL: 'database - (Gemfile)',
    Celery: 'backend - (requirements.txt)',
    pytest: 'testing ==8.0.0 (requirements-dev.txt)',
    Gin: 'backend v1.9.1 (go.mod require)',
    GORM: 'database v1.25.5 (go.mod require)',
    'Ruby on Rails': 'backend ~> 7.1 (Gemfile)',
    RSpec: 'testing - (Gemfile)',
    Axum: 'backend 0.7 (engine/Cargo.toml dependencies)',
    SQLx: 'database 0.7 (engine/Cargo.toml dependencies)',
    FastAPI: 'backend >=0.110 (services/api/pyproject.toml)',
    SQLAlchemy: 'database >=2 (services/api/pyproject.toml)',
    Laravel: 'backend ^10.0 (web/composer.json require)',
    PHPUnit: 'testing ^10 (web/composer.json require-dev)',
  });
  assert.ok(!found.runtime.some((d) => d.name === 'golang.org/x/text'), 'indirect Go modules are left out');
  assert.ok(found.runtime.some((d) => d.name === 'tokio' && d.version === '1'));
  assert.ok(found.dev.some((d) => d.name === 'insta'));
  const pyproject = found.parsed.find((m) => m.path === 'services/api/pyproject.toml')!;
  assert.equal(pyproject.license, 'MIT');
  assert.equal(pyproject.languageVersion, '>=3.11');
  assert.equal(pyproject.cli, true);
  assert.equal(found.parsed.find((m) => m.path === 'engine/Cargo.toml')!.license, 'Apache-2.0');
  // Root manifests are listed first.
  assert.deepEqual(found.manifests.slice(0, 3), ['Gemfile', 'go.mod', 'requirements-dev.txt']);
});

test('pyproject.toml: a multi-line string holding TOML-looking lines is read as text, not as tables', () => {
  const found = summarizeManifests([
    {
      path: 'pyproject.toml',
      content: [
        '[project]',
        'name = "shop"',
        'description = """',
        'A shop API. Install an extra:',
        '[postgres]',
        'dependencies = ["not-a-package"]',
        '"""',
        'dependencies = ["fastapi>=0.110", "sqlalchemy>=2"]',
        'license = "MIT"',
        "notes = '''",
        '[project.scripts]',
        "'''",
        '[project.optional-dependencies]',
        'test = ["pytest>=8"]',
        '[tool.poetry.group.lint.dependencies]',
        'ruff = { version = "^0.4", optional = true }',
        '',
      ].join('\n'),
    },
  ]);
  const [pyproject] = found.parsed;
  assert.deepEqual(pyproject!.runtime, [
    { name: 'fastapi', version: '>=0.110' },
    { name: 'sqlalchemy', version: '>=2' },
  ]);
  assert.deepEqual(pyproject!.dev, [
    { name: 'pytest', version: '>=8' },
    { name: 'ruff', version: '^0.4' },
  ]);
  assert.equal(pyproject!.license, 'MIT');
  assert.equal(pyproject!.cli, false, '[project.scripts] inside a string declares no script');
});

test('Cargo.toml: dependencies per target and in the workspace, path dependencies without a version', () => {
  const found = summarizeManifests([
    {
      path: 'Cargo.toml',
      content: [
        '[workspace]',
        'members = ["crates/*"]',
        '[workspace.dependencies]',
        'serde = { version = "1", features = ["derive"] }',
        'local = { path = "crates/local" }',
        "[target.'cfg(unix)'.dependencies]",
        'nix = "0.28"',
        "[target.'cfg(windows)'.build-dependencies]",
        'winres = "0.1"',
        '[[bin]]',
        'name = "tool"',
        '',
      ].join('\n'),
    },
  ]);
  const [cargo] = found.parsed;
  assert.deepEqual(cargo!.runtime, [
    { name: 'serde', version: '1' },
    { name: 'local', version: '*' },
    { name: 'nix', version: '0.28' },
  ]);
  assert.deepEqual(cargo!.dev, [{ name: 'winres', version: '0.1' }]);
  assert.deepEqual([cargo!.workspaces, cargo!.cli, cargo!.library], [['crates/*'], true, false]);
});

test('a broken manifest is listed and adds nothing', () => {
  const found = summarizeManifests([
    { path: 'package.json', content: '{ not json' },
    { path: 'pyproject.toml', content: '[project\ndependencies = ["fastapi"]\n' },
  ]);
  assert.deepEqual(found.manifests, ['package.json', 'pyproject.toml']);
  assert.deepEqual([found.runtime, found.dev, found.technologies], [[], [], []]);
});

function styleOf(files: Record<string, string>, topDirs: string[] = [], languages = [{ name: 'TypeScript', files: 1, lines: 10 }]) {
  const manifests = summarizeManifests(Object.entries(files).map(([path, content]) => ({ path, content })));
  return inferArchitecture({
    topDirs,
    manifests: manifests.parsed,
    technologies: manifests.technologies,
    languages,
    filePaths: Object.keys(files),
  });
}

test('architecture styles: monorepo, full-stack framework, API, frontend, CLI, library', () => {
  const monorepo = styleOf(
    {
      'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
      'packages/web/package.json': JSON.stringify({ dependencies: { vue: '3' } }),
      'packages/api/package.json': JSON.stringify({ dependencies: { express: '4' } }),
      'packages/shared/package.json': JSON.stringify({ main: 'index.js' }),
    },
    ['packages'],
  );
  assert.equal(monorepo.style, 'monorepo with 3 packages');
  assert.deepEqual(
    monorepo.components.map((c) => [c.name, c.kind]),
    [
      ['packages', 'workspace'],
      ['packages/api', 'backend'],
      ['packages/shared', 'package'],
      ['packages/web', 'frontend'],
    ],
  );
  assert.equal(styleOf({ 'package.json': JSON.stringify({ dependencies: { next: '14', react: '18' } }) }).style, 'full-stack Next.js app');
  assert.equal(styleOf({ 'package.json': JSON.stringify({ dependencies: { express: '4', pg: '8' } }) }).style, 'REST API / web backend');
  assert.equal(styleOf({ 'package.json': JSON.stringify({ devDependencies: { vite: '5', svelte: '4' } }) }).style, 'single-page frontend');
  assert.equal(styleOf({ 'package.json': JSON.stringify({ bin: { tool: 'cli.js' } }) }).style, 'CLI');
  assert.equal(styleOf({ 'go.mod': 'module x\n', 'cmd/tool/main.go': '' }).style, 'CLI');
  assert.equal(styleOf({ 'package.json': JSON.stringify({ main: 'index.js', dependencies: { lodash: '4' } }) }).style, 'library');
  assert.equal(styleOf({ 'docs/guide.md': '' }, ['docs'], []).style, 'documentation or configuration only');
  assert.equal(styleOf({}, [], []).style, 'empty repository');
});
