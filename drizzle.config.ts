import { defineConfig } from 'drizzle-kit';

// One schema serves PGlite and PostgreSQL; the generated SQL under drizzle/ is applied at start-up by
// drizzle's migrator for whichever driver is configured (src/adapters/state/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/adapters/state/schema.ts',
  out: './drizzle',
});
