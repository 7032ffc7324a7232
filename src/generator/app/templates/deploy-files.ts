/** Container and documentation files: Dockerfiles, nginx for the built frontend, compose (from generator/deploy), README. */
import type { DataModel, DataModels } from '../../../contracts/artifacts.ts';
import {
  clientReferences,
  editableFields,
  fieldLabel,
  filterFields,
  isOwned,
  isRequired,
  needsUser,
  onDeleteRule,
  resourceModels,
  searchableFields,
  sortFields,
} from '../model-facts.ts';
import { composeFile, CONTAINER_FILES } from '../../deploy/index.ts';
import { markdownText } from '../naming.ts';
import type { AppFile } from '../app-file.ts';

function listOptions(models: DataModels, m: DataModel): string {
  const parts: string[] = [];
  const search = searchableFields(m);
  if (search.length) parts.push(`\`?q=\` (case-insensitive text search in ${search.map((f) => `\`${f.name}\``).join(', ')})`);
  for (const f of filterFields(models, m)) {
    const values = f.type === 'Boolean' ? 'true|false' : f.type === 'Enum' ? (f.enum_values ?? []).map(markdownText).join('|') : 'id';
    parts.push(`\`?${f.name}=${values}\``);
  }
  parts.push(
    `\`?sort=\` one of ${sortFields(models, m)
      .map((name) => `\`${name}\``)
      .join(', ')} with \`?order=asc|desc\` (default \`created_at\`, ascending)`,
  );
  return ', ' + parts.join(', ');
}

function onDeleteMeaning(rule: 'cascade' | 'set null' | 'restrict', children: string): string {
  if (rule === 'cascade') return `deletes its ${children}`;
  if (rule === 'set null') return `keeps its ${children} and clears their reference`;
  return `is refused with 409 \`conflict\` while ${children} refer to it`;
}

/** Each foreign key and what deleting its target does, enforced by the database (SQLite with foreign_keys on). */
function relationsSection(models: DataModels): string {
  const rows = resourceModels(models).flatMap((m) =>
    clientReferences(models, m).map(({ field, target }) => {
      const rule = onDeleteRule(field);
      return `| ${markdownText(m.label)} \`${field.name}\` → ${markdownText(target.label)} | \`ON DELETE ${rule.toUpperCase()}\` | deleting a ${markdownText(target.label)} ${onDeleteMeaning(rule, markdownText(m.label_plural))} |`;
    }),
  );
  if (rows.length === 0) return '';
  return `## Relations

Foreign keys are real constraints in both databases. Writing a reference to a record that does not exist (or that
you cannot see) answers 400 with the field named.

| reference | rule | meaning |
| --- | --- | --- |
${rows.join('\n')}
`;
}

function readme(models: DataModels): string {
  const resources = resourceModels(models);
  const sections = resources.map((m) => {
    const fields = editableFields(m).map((f) => {
      const bits = [f.type, isRequired(f) ? 'required' : 'optional'];
      if (f.enum_values) bits.push(`one of ${f.enum_values.map(markdownText).join(', ')}`);
      if (f.min !== undefined) bits.push(`min ${f.min}`);
      if (f.max !== undefined) bits.push(`max ${f.max}`);
      if (f.foreign_key) bits.push(`refers to ${markdownText(f.foreign_key)}`);
      return `| \`${f.name}\` | ${markdownText(fieldLabel(f))} | ${bits.join(', ')} |`;
    });
    const access = !models.auth.enabled
      ? 'open to everyone'
      : isOwned(models, m)
        ? 'signed-in users, each seeing only their own records'
        : `reading: ${needsUser(models, m, 'read') ? 'signed-in users' : 'everyone'}; changes: ${needsUser(models, m, 'write') ? 'signed-in users' : 'everyone'}`;
    return `### ${markdownText(m.label_plural)} — \`/api/${m.resource}\`

Access: ${access}. \`GET\` lists as \`{items, total, limit, offset}\`: \`?limit\` (1–100, default 20), \`?offset\`${listOptions(models, m)}.
\`POST\` creates (201); \`GET\`, \`PUT\`, \`PATCH\`, \`DELETE\` on \`/api/${m.resource}/:id\`.

| field | label | rules |
| --- | --- | --- |
${fields.join('\n')}
`;
  });
  return `# ${markdownText(models.app_name)}

A web application with a REST API (Fastify, drizzle-orm) and a React frontend (Vite). It stores data in
SQLite by default and in PostgreSQL when \`DATABASE_URL\` points at one.

## Resources

${sections.join('\n')}
${relationsSection(models)}${
    models.auth.enabled
      ? `## Accounts

- \`POST /api/auth/register\` \`{email, password}\` → 201 \`{id, token}\` (password at least 8 characters; 409 if the email is taken)
- \`POST /api/auth/login\` \`{email, password}\` → 200 \`{token}\`
- \`GET /api/auth/me\` → the signed-in user

Send the token as \`Authorization: Bearer <token>\`. Tokens last 24 hours and are signed with \`JWT_SECRET\`.
`
      : ''
  }
Errors look like \`{"error": {"code": "validation_failed", "message": "...", "fields": {"name": "what is wrong"}}}\`;
unknown ids answer 404 \`not_found\`. \`GET /health\` answers \`{"status":"ok"}\`.

## Run

\`\`\`sh
npm install
npm run build        # frontend → frontend/dist, served by the backend at /
npm start            # http://127.0.0.1:3000
\`\`\`

Settings (see \`.env.example\`): \`PORT\` (3000), \`HOST\` (127.0.0.1), \`DATABASE_URL\` (empty: SQLite file
\`$DATA_DIR/app.db\`; \`postgresql://…\` for PostgreSQL), \`DATA_DIR\` (./data), \`JWT_SECRET\`. Migrations in
\`backend/drizzle/\` are applied at start-up.

With Docker: \`docker compose up --build\` starts PostgreSQL, the backend on port 3000 and the frontend on 8080.

## Test

\`\`\`sh
npm test             # API, validation and frontend unit tests on in-memory SQLite, with coverage
npm run typecheck
CHROMIUM_PATH=/usr/bin/chromium npm run test:e2e   # builds, then the main flows in headless Chromium
\`\`\`

Coverage lands in \`coverage/\` (\`coverage-summary.json\`, \`lcov.info\`, \`index.html\`) and a JUnit report in
\`test-results/junit.xml\`. Set \`DATABASE_URL=postgresql://…\` to run the same tests against PostgreSQL. The browser
tests (\`e2e/\`, playwright-core) start the app themselves and write \`test-results/e2e-junit.xml\` and screenshots in
\`test-results/e2e/\`; without \`CHROMIUM_PATH\` they print "skipped: CHROMIUM_PATH not set".
`;
}

export function deployFiles(models: DataModels): AppFile[] {
  const g = 'deploy' as const;
  const compose = composeFile({
    name: models.slug,
    context: '.',
    hostPorts: { backend: 3000, frontend: 8080 },
    jwtSecret: 'random-when-unset',
  });
  return [
    ...Object.entries(CONTAINER_FILES).map(([path, content]) => ({ path, content, group: g })),
    { path: 'docker-compose.yml', content: compose, group: g },
    { path: 'README.md', content: readme(models), group: g },
  ];
}
