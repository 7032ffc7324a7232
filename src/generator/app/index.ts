export { APP_DEPENDENCIES, COMMIT_GROUPS, renderApp } from './render-app.ts';
export type { AppFile, CommitGroup, DependencyVersions } from './render-app.ts';
