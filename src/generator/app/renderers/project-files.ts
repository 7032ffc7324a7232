/** The generated app's package.json: its name, its scripts and every dependency pinned to an exact version. */
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
  '@vitejs/plugin-react',
  'c8',
  'drizzle-kit',
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

function packageJson(models: DataModels, versions: DependencyVersions): string {
  const pkg = {
    name: models.slug,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      start: 'node --import tsx backend/src/server.ts',
      // Backend restarting on change plus Vite with hot reload, both reading .env (scripts/dev.ts).
      dev: 'node --import tsx scripts/dev.ts',
      'dev:backend': 'tsx watch backend/src/server.ts',
      // runner: no bundled config in node_modules/.vite-temp, which concurrent builds share through the linked node_modules.
      'dev:frontend': 'vite frontend --configLoader runner',
      build: 'vite build frontend --configLoader runner',
      // Every *.test.ts(x) under backend/ and frontend/src/, found when the tests run (scripts/run-tests.ts).
      test: 'c8 node --import tsx scripts/run-tests.ts',
      // Browser tests: needs CHROMIUM_PATH (prints "skipped: CHROMIUM_PATH not set" and exits 0 without it).
      'test:e2e': 'node --import tsx e2e/run-e2e.ts',
      typecheck: 'tsc --noEmit -p tsconfig.json',
      lint: 'eslint .',
      // After a schema change: the next migration for the dialect DATABASE_URL selects (applied at start-up).
      'db:generate': 'drizzle-kit generate',
      'db:check': 'drizzle-kit check',
    },
    dependencies: pinned(RUNTIME_DEPENDENCIES, versions),
    devDependencies: pinned(DEV_DEPENDENCIES, versions),
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

export function projectFiles(models: DataModels, versions: DependencyVersions): AppFile[] {
  const g = 'init' as const;
  return [{ path: 'package.json', content: packageJson(models, versions), group: g }];
}
