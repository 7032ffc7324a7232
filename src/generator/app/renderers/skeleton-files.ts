/**
 * The records-app skeleton's files that this app takes: everything that does not depend on the models,
 * copied verbatim from `src/generator/skeletons/records-app/`, with the account files only when the app
 * has accounts. The manifest decides each file's commit group.
 */
import type { DataModels } from '../../../contracts/artifacts.ts';
import { readSkeleton } from '../../skeleton-files.ts';
import { RECORDS_APP_MANIFEST, type SkeletonCondition } from '../../skeleton-manifest.ts';
import type { AppFile } from '../app-file.ts';
import { userModel } from '../model-facts.ts';

function holds(condition: SkeletonCondition, models: DataModels): boolean {
  return condition === 'auth' ? models.auth.enabled : userModel(models) !== undefined;
}

export function skeletonFiles(models: DataModels): AppFile[] {
  const files = readSkeleton('records-app');
  const onDisk = new Set(files.map((f) => f.path));
  const unlisted = [...onDisk].filter((path) => !(path in RECORDS_APP_MANIFEST));
  const missing = Object.keys(RECORDS_APP_MANIFEST).filter((path) => !onDisk.has(path));
  if (unlisted.length > 0 || missing.length > 0) {
    throw new Error(
      `records-app skeleton and its manifest disagree: not in the manifest [${unlisted.join(', ')}], not on disk [${missing.join(', ')}]`,
    );
  }
  return files.flatMap((file) => {
    const entry = RECORDS_APP_MANIFEST[file.path]!;
    if (entry.when && !holds(entry.when, models)) return [];
    return [{ path: file.path, content: file.content, group: entry.group }];
  });
}
