/**
 * Files an agent leaves for people and later agents under `artifacts/<task_id>/` (spec §6.3).
 * Guarantees: paths are relative and cannot leave the task's folder (AppError 'invalid_artifact');
 * `write` creates parent folders and replaces whole files; `read` of a missing file is null.
 */
export interface ArtifactStore {
  dir(taskId: string): string;
  write(taskId: string, relPath: string, content: string | Uint8Array): Promise<string>;
  /** Copies a file or a whole folder from elsewhere (coverage HTML, junit.xml) into the task's folder. */
  copyIn(taskId: string, relPath: string, source: string): Promise<string>;
  read(taskId: string, relPath: string): Promise<string | null>;
  list(taskId: string): Promise<string[]>;
}
