// drizzle-kit settings, for when the schema changes later (`npm run db:generate` writes the next migration
// of the dialect DATABASE_URL selects). The app itself applies the migrations in backend/drizzle/ at start-up.
import { existsSync } from 'node:fs';
import { defineConfig } from 'drizzle-kit';

// drizzle-kit runs from the project root; a local .env fills in what the environment leaves unset.
if (existsSync('.env')) process.loadEnvFile('.env');

const databaseUrl = process.env.DATABASE_URL ?? '';
const postgres = /^postgres(ql)?:\/\//.test(databaseUrl);

export default defineConfig(
  postgres
    ? { dialect: 'postgresql', schema: './backend/src/db/schema.pg.ts', out: './backend/drizzle/pg', dbCredentials: { url: databaseUrl } }
    : {
        dialect: 'sqlite',
        schema: './backend/src/db/schema.sqlite.ts',
        out: './backend/drizzle/sqlite',
        dbCredentials: { url: (process.env.DATA_DIR || './data') + '/app.db' },
      },
);
