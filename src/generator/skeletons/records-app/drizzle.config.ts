// drizzle-kit settings, for when the schema changes later (`npx drizzle-kit generate`). The app itself
// applies the migrations in backend/drizzle/ at start-up, for the dialect DATABASE_URL selects.
const databaseUrl = process.env.DATABASE_URL ?? '';
const postgres = /^postgres(ql)?:\/\//.test(databaseUrl);

export default postgres
  ? { dialect: 'postgresql', schema: './backend/src/db/schema.pg.ts', out: './backend/drizzle/pg', dbCredentials: { url: databaseUrl } }
  : {
      dialect: 'sqlite',
      schema: './backend/src/db/schema.sqlite.ts',
      out: './backend/drizzle/sqlite',
      dbCredentials: { url: (process.env.DATA_DIR || './data') + '/app.db' },
    };
