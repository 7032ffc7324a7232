/** `catalyst doctor --json`: what this machine has, what each configured service answers, and what the runtime would pick. */
import { z } from 'zod';

export const DoctorCheck = z.object({
  /** e.g. `node`, `git`, `bubblewrap`, `chromium`, `state: postgres`, `data folder`, `previews`. */
  name: z.string(),
  /** ok: works; missing: optional and absent (a warning); failed: configured or required and not working (exit 1). */
  status: z.enum(['ok', 'missing', 'failed']),
  /** The version that answered, or what was found. */
  detail: z.string(),
  /** What to do about a missing or failed check. */
  hint: z.string().optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const DoctorReport = z.object({
  version: z.string(),
  config_file: z.string().nullable(),
  data_dir: z.string(),
  ok: z.boolean(),
  checks: z.array(DoctorCheck),
});
export type DoctorReport = z.infer<typeof DoctorReport>;
