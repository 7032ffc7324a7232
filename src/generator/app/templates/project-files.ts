/** Root files of a generated app: package.json with pinned versions, compiler, coverage and git settings. */
import type { DataModels } from '../../../contracts/artifacts.ts';
import type { AppFile, DependencyVersions } from '../app-file.ts';

export const RUNTIME_DEPENDENCIES = ['@fastify/static', 'better-sqlite3', 'drizzle-orm', 'fastify', 'jose', 'pg', 'tsx', 'zod'] as const;
export const DEV_DEPENDENCIES = [
  '@eslint/js',
  '@types/better-sqlite3',
  '@types/node',
  '@types/pg',
  '@types/react',
  '@types/react-dom',
  'c8',
  'eslint',
  'playwright-core',
  'react',
  'react-dom',
  'typescript',
  'typescript-eslint',
  'vite',
] as const;

function pinned(names: readonly string[], versions: DependencyVersions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const version = versions[name];
    if (!version) throw new Error(`renderApp: no version given for "${name}"; pass every package of APP_DEPENDENCIES`);
    out[name] = version;
  }
  return out;
}

function packageJson(models: DataModels, versions: DependencyVersions, testFiles: readonly string[]): string {
  const test = [
    'c8 node --import tsx --test --test-concurrency=1',
    '--test-reporter=spec --test-reporter-destination=stdout',
    '--test-reporter=junit --test-reporter-destination=test-results/junit.xml',
    ...testFiles,
  ].join(' ');
  const pkg = {
    name: models.slug,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      start: 'node --import tsx backend/src/server.ts',
      // runner: no bundled config in node_modules/.vite-temp, which concurrent builds share through the linked node_modules.
      build: 'vite build frontend --configLoader runner',
      'dev:frontend': 'vite frontend --configLoader runner',
      // The JUnit reporter does not create its folder.
      pretest: "node -e \"require('node:fs').mkdirSync('test-results', { recursive: true })\"",
      test,
      // Browser tests: needs CHROMIUM_PATH (prints "skipped: CHROMIUM_PATH not set" and exits 0 without it).
      'test:e2e': 'node --import tsx e2e/run-e2e.ts',
      typecheck: 'tsc --noEmit -p tsconfig.json',
      lint: 'eslint .',
    },
    dependencies: pinned(RUNTIME_DEPENDENCIES, versions),
    devDependencies: pinned(DEV_DEPENDENCIES, versions),
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

const TSCONFIG =
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        allowImportingTsExtensions: true,
        noEmit: true,
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        esModuleInterop: true,
        skipLibCheck: true,
        resolveJsonModule: true,
        jsx: 'react-jsx',
        types: ['node'],
      },
      include: ['backend', 'frontend/src', 'frontend/vite.config.ts', 'drizzle.config.ts', 'e2e'],
    },
    null,
    2,
  ) + '\n';

// The recommended JavaScript and TypeScript rules, nothing switched off: generated code meets them as written.
const ESLINT_CONFIG = `import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig([
  { ignores: ['node_modules/', 'coverage/', 'frontend/dist/', 'test-results/', 'data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
]);
`;

const C8RC =
  JSON.stringify(
    {
      include: ['backend/src/**', 'frontend/src/**'],
      exclude: ['**/*.test.ts', '**/*.test.tsx'],
      reporter: ['text-summary', 'json-summary', 'lcov', 'html'],
      'reports-dir': 'coverage',
    },
    null,
    2,
  ) + '\n';

// node_modules has no trailing slash: it may be a symlink to a shared install.
const GITIGNORE = `node_modules
data
dist
coverage
test-results
.env
`;

const ENV_EXAMPLE = `# Copy to .env and adjust. Nothing here is a real secret.
PORT=3000
HOST=127.0.0.1
# Empty: SQLite file in DATA_DIR. sqlite::memory: for throwaway runs. postgresql://user:pass@host:5432/db for PostgreSQL.
DATABASE_URL=
DATA_DIR=./data
# Signs sign-in tokens; without it a random one is used and sign-ins end at restart.
JWT_SECRET=change-me
`;

const DRIZZLE_CONFIG = `// drizzle-kit settings, for when the schema changes later (\`npx drizzle-kit generate\`). The app itself
// applies the migrations in backend/drizzle/ at start-up, for the dialect DATABASE_URL selects.
const databaseUrl = process.env.DATABASE_URL ?? '';
const postgres = /^postgres(ql)?:\\/\\//.test(databaseUrl);

export default postgres
  ? { dialect: 'postgresql', schema: './backend/src/db/schema.pg.ts', out: './backend/drizzle/pg', dbCredentials: { url: databaseUrl } }
  : {
      dialect: 'sqlite',
      schema: './backend/src/db/schema.sqlite.ts',
      out: './backend/drizzle/sqlite',
      dbCredentials: { url: (process.env.DATA_DIR || './data') + '/app.db' },
    };
`;

export function projectFiles(models: DataModels, versions: DependencyVersions, testFiles: readonly string[]): AppFile[] {
  const g = 'init' as const;
  return [
    { path: 'package.json', content: packageJson(models, versions, testFiles), group: g },
    { path: 'tsconfig.json', content: TSCONFIG, group: g },
    { path: '.c8rc.json', content: C8RC, group: g },
    { path: 'eslint.config.js', content: ESLINT_CONFIG, group: g },
    { path: '.gitignore', content: GITIGNORE, group: g },
    { path: '.env.example', content: ENV_EXAMPLE, group: g },
    { path: 'drizzle.config.ts', content: DRIZZLE_CONFIG, group: g },
  ];
}
