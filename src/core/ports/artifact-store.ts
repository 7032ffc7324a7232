/**
 * Files an agent leaves for people and later agents under `artifacts/<task_id>/` (spec §6.3); the
 * explorer keeps its scans in a second store keyed by scan id (`explorer/<scan_id>/`).
 * Guarantees: paths are relative and cannot leave the key's folder (`write`/`copyIn`/`read`: AppError
 * 'invalid_artifact'; `readBytes`, whose paths come from URLs: 'invalid_request', symlinks out included);
 * `write` creates parent folders and replaces whole files; reads of a missing file are null.
 */
export interface ArtifactEntry {
  /** Relative to the key's folder, `/`-separated. */
  path: string;
  size: number;
}

export interface ArtifactStore {
  /**
   * Where the key's artifacts are, for `file://` references people open. Never read or write through
   * it: the methods below are the only way in, so another adapter can keep artifacts elsewhere.
   */
  location(key: string): string;
  write(key: string, relPath: string, content: string | Uint8Array): Promise<string>;
  /** Copies a file or a whole folder from elsewhere (coverage HTML, junit.xml) into the key's folder. */
  copyIn(key: string, relPath: string, source: string): Promise<string>;
  read(key: string, relPath: string): Promise<string | null>;
  /** Every file, sorted. */
  list(key: string): Promise<string[]>;
  /** A file as bytes for serving; files over 2 MiB are refused ('payload_too_large'). */
  readBytes(key: string, relPath: string): Promise<Buffer | null>;
  /** Deletes the key's whole folder (storage.artifacts.retention_days); a missing folder is fine. */
  remove(key: string): Promise<void>;
  /** Files with their sizes for browsing, sorted; dependency, VCS and coverage folders and symlinks are left out. */
  browse(key: string): Promise<ArtifactEntry[]>;
}
