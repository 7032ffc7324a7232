/**
 * DataModels → every file of a generated application (the generated-app contract in
 * docs/ARCHITECTURE §4). Pure and deterministic: the same models and versions give byte-identical files
 * in the same order, so re-rendering an app is a no-op in git and tests can compare renders.
 */
import type { DataModels } from '../../contracts/artifacts.ts';
import { resourceModels, userModel } from './model-facts.ts';
import { databaseFiles } from './renderers/database-files.ts';
import { e2eFiles } from './renderers/e2e-files.ts';
import { frontendFiles } from './renderers/frontend-files.ts';
import { DEV_DEPENDENCIES, projectFiles, RUNTIME_DEPENDENCIES } from './renderers/project-files.ts';
import { routeFiles } from './renderers/route-files.ts';
import { serviceFiles } from './renderers/service-files.ts';
import { skeletonFiles } from './renderers/skeleton-files.ts';
import { testFiles } from './renderers/test-files.ts';
import { validationFiles } from './renderers/validation-files.ts';
// Deployment files are being moved to one place (issue 12, part 3); they stay where they are until then.
import { deployFiles } from './templates/deploy-files.ts';
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
  const files: AppFile[] = [
    ...projectFiles(models, versions),
    ...skeletonFiles(models),
    ...databaseFiles(models),
    ...validationFiles(models),
    ...serviceFiles(models),
    ...routeFiles(models),
    ...frontendFiles(models),
    ...testFiles(models),
    ...e2eFiles(models),
    ...deployFiles(models),
  ];
  const order = (f: AppFile) => COMMIT_GROUPS.indexOf(f.group);
  return files.sort((a, b) => order(a) - order(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
