/**
 * What the generator needs to know about each file of the records-app skeleton: the commit it lands in
 * and, for the account files, when the app has one. Every file on disk has exactly one entry and every
 * entry names a file on disk (checked when the skeleton is read and by skeleton-manifest.test.ts), so a
 * file added to the folder without a decision here fails loudly instead of being copied or dropped silently.
 */
import type { CommitGroup } from './app/app-file.ts';

/** `auth`: the app signs users in (models.auth.enabled); `userModel`: the models include a User. */
export type SkeletonCondition = 'auth' | 'userModel';

export interface SkeletonEntry {
  group: CommitGroup;
  /** Copied only when this holds; always copied when absent. */
  when?: SkeletonCondition;
}

export const RECORDS_APP_MANIFEST: Readonly<Record<string, SkeletonEntry>> = {
  '.c8rc.json': { group: 'init' },
  '.env.example': { group: 'init' },
  '.gitignore': { group: 'init' },
  'backend/src/config.ts': { group: 'init' },
  'drizzle.config.ts': { group: 'init' },
  'eslint.config.js': { group: 'init' },
  'tsconfig.json': { group: 'init' },
  'scripts/dev.ts': { group: 'init' },
  'scripts/node-tests.ts': { group: 'init' },
  'scripts/run-tests.ts': { group: 'init' },
  'backend/src/db/rows.ts': { group: 'models' },
  'backend/src/auth/passwords.ts': { group: 'services', when: 'auth' },
  'backend/src/auth/tokens.ts': { group: 'services', when: 'auth' },
  'backend/src/http/http-errors.ts': { group: 'services' },
  'backend/src/services/actor.ts': { group: 'services' },
  'backend/src/auth/request-auth.ts': { group: 'routes', when: 'auth' },
  'backend/src/http/request-parsing.ts': { group: 'routes' },
  'backend/src/routes/auth-routes.ts': { group: 'routes', when: 'userModel' },
  'backend/src/server.ts': { group: 'routes' },
  'frontend/src/App.tsx': { group: 'frontend' },
  'frontend/src/api-client.ts': { group: 'frontend' },
  'frontend/src/components/AuthPanel.tsx': { group: 'frontend' },
  'frontend/src/components/RecordForm.tsx': { group: 'frontend' },
  'frontend/src/components/ResourcePage.tsx': { group: 'frontend' },
  'frontend/src/form-values.ts': { group: 'frontend' },
  'frontend/src/main.tsx': { group: 'frontend' },
  'frontend/src/styles.css': { group: 'frontend' },
  'frontend/vite.config.ts': { group: 'frontend' },
  'backend/test/auth.api.test.ts': { group: 'tests', when: 'userModel' },
  'backend/test/passwords.test.ts': { group: 'tests', when: 'userModel' },
  'e2e/run-e2e.ts': { group: 'tests' },
  'frontend/src/form-values.test.ts': { group: 'tests' },
};
