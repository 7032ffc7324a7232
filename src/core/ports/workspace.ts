/**
 * Read access to checkouts of generated code, and the one write agents need there: making the
 * app's dependencies resolvable without a registry download (node_modules linked to Catalyst's own).
 * Guarantees: `listFiles` returns paths relative to `dir`, sorted, never descending into .git or
 * node_modules; `linkDependencies` is idempotent. `browse` and `readInside` take paths that came from
 * outside (URLs): a path that is absolute, holds `..`, or resolves through a symlink to outside `dir`
 * is refused with AppError 'invalid_request'; a missing checkout or file is empty or null.
 */
export interface WorkspaceEntry {
  /** Relative to the checkout, `/`-separated. */
  path: string;
  size: number;
}

export interface Workspace {
  linkDependencies(dir: string): Promise<void>;
  listFiles(dir: string): Promise<string[]>;
  readText(path: string): Promise<string | null>;
  /** Files with their sizes for a person browsing the checkout, sorted; symlinks and build folders left out. */
  browse(dir: string): Promise<WorkspaceEntry[]>;
  /** One file's bytes, confined to `dir`; files over 2 MiB are refused ('payload_too_large'). */
  readInside(dir: string, relPath: string): Promise<Buffer | null>;
}
