/**
 * Entry point of a preview supervisor process: `node --import tsx supervisor-main.ts`, with its
 * configuration in the CATALYST_PREVIEW_SUPERVISOR environment variable (see supervisor-config.ts).
 */
import { SUPERVISOR_CONFIG_ENV, SupervisorConfig } from './supervisor-config.ts';
import { runSupervisor } from './supervisor.ts';

const raw = process.env[SUPERVISOR_CONFIG_ENV];
const parsed = SupervisorConfig.safeParse(raw ? JSON.parse(raw) : undefined);
if (!parsed.success) {
  console.error(`preview supervisor: invalid ${SUPERVISOR_CONFIG_ENV}: ${parsed.error.message}`);
  process.exit(2);
}
process.exit(await runSupervisor(parsed.data));
