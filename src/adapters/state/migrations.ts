import { fileURLToPath } from 'node:url';

/** drizzle-kit writes the SQL here (drizzle.config.ts); both drivers apply it at start-up. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));
