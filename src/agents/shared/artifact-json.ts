import { parse as parseYamlText } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../core/errors.ts';

/**
 * Parses an artifact read back from git or disk; a corrupted file names itself and the field. The error's
 * `details.artifact` is the path, which the engine uses to redo the step that wrote it (step-runner.ts).
 */
export function parseArtifact<S extends z.ZodType>(schema: S, text: string | null, where: string): z.infer<S> {
  const details = { artifact: where };
  if (text === null) throw new AppError('invalid_artifact', `${where} is missing`, { retryable: false, details });
  let data: unknown;
  try {
    data = where.endsWith('.yaml') || where.endsWith('.yml') ? parseYamlText(text) : JSON.parse(text);
  } catch (e) {
    throw new AppError('invalid_artifact', `${where} is not valid ${where.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`, {
      retryable: false,
      details,
    });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('invalid_artifact', `${where}: ${first?.path.join('.') || '(root)'}: ${first?.message}`, {
      retryable: false,
      details,
    });
  }
  return parsed.data;
}
