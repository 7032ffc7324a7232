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
      build: 'vite build frontend',
      'dev:frontend': 'vite frontend',
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

export function projectFiles(models: DataModels, versions: DependencyVersions, testFiles: readonly string[]): AppFile[] {
  const g = 'init' as const;
  return [{ path: 'package.json', content: packageJson(models, versions, testFiles), group: g }];
}
