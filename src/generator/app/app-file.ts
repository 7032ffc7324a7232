/** The unit the templates produce and the coder commits (kept apart so templates need not import the renderer). */
/** Commit groups, in the order the coder agent commits them. */
export const COMMIT_GROUPS = ['init', 'models', 'services', 'routes', 'frontend', 'tests', 'deploy'] as const;
export type CommitGroup = (typeof COMMIT_GROUPS)[number];

export interface AppFile {
  /** POSIX path relative to the repository root. */
  path: string;
  content: string;
  group: CommitGroup;
}

/** Exact versions to pin in package.json, by package name. */
export interface DependencyVersions {
  [pkg: string]: string;
}
