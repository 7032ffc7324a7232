/**
 * DataModels → every file of a generated application (the generated-app contract in
 * docs/ARCHITECTURE §4). Pure and deterministic: the same models and versions give byte-identical files
 * in the same order, so re-rendering an app is a no-op in git and tests can compare renders.
 */
import type { DataModels } from '../../contracts/artifacts.ts';
import { resourceModels, userModel } from './model-facts.ts';
import { backendCoreFiles } from './templates/backend-core-files.ts';
import { databaseFiles } from './templates/database-files.ts';
import { deployFiles } from './templates/deploy-files.ts';
import { e2eFiles } from './templates/e2e-files.ts';
import { frontendFiles } from './templates/frontend-files.ts';
import { DEV_DEPENDENCIES, projectFiles, RUNTIME_DEPENDENCIES } from './templates/project-files.ts';
import { routeFiles } from './templates/route-files.ts';
import { serviceFiles } from './templates/service-files.ts';
import { testFilePaths, testFiles } from './templates/test-files.ts';
import { validationFiles } from './templates/validation-files.ts';
import { COMMIT_GROUPS, type AppFile, type DependencyVersions } from './app-file.ts';

export { COMMIT_GROUPS, type AppFile, type CommitGroup, type DependencyVersions } from './app-file.ts';

/** Every package a generated app depends on (runtime and dev); `renderApp` needs a version for each. */
export const APP_DEPENDENCIES: readonly string[] = [...RUNTIME_DEPENDENCIES, ...DEV_DEPENDENCIES].sort();

function checkModels(models: DataModels): void {
  if (models.auth.enabled && !userModel(models)) {
    throw new Error('renderApp: auth is enabled but there is no User model');
  }
  const user = userModel(models);
  if (user && !user.fields.some((f) => f.name === 'password_hash')) {
    throw new Error('renderApp: the User model needs a password_hash field');
  }
  const paths = new Set<string>();
  for (const model of resourceModels(models)) {
    if (paths.has(model.resource ?? '')) throw new Error(`renderApp: two models share the resource path "${model.resource}"`);
    paths.add(model.resource ?? '');
  }
}

export function renderApp(models: DataModels, versions: DependencyVersions): AppFile[] {
  checkModels(models);
  const tests = testFiles(models);
  const files: AppFile[] = [
    ...backendCoreFiles(models),
    ...databaseFiles(models),
    ...validationFiles(models),
    ...serviceFiles(models),
    ...routeFiles(models),
    ...frontendFiles(models),
    ...tests,
    ...e2eFiles(models),
    ...deployFiles(models),
  ];
  files.push(...projectFiles(models, versions, testFilePaths(tests)));
  const order = (f: AppFile) => COMMIT_GROUPS.indexOf(f.group);
  return files.sort((a, b) => order(a) - order(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
