/**
 * Read access to checkouts of generated code, and the one write agents need there: making the
 * app's dependencies resolvable without a registry download (node_modules linked to Catalyst's own).
 * Guarantees: `listFiles` returns paths relative to `dir`, sorted, never descending into .git or
 * node_modules; `linkDependencies` is idempotent.
 */
export interface Workspace {
  linkDependencies(dir: string): Promise<void>;
  listFiles(dir: string): Promise<string[]>;
  readText(path: string): Promise<string | null>;
}
