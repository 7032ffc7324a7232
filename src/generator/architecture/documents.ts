/** The prose documents of `architecture/`: design (with Mermaid diagrams), tech stack, components, API guide. */
import type { DataModel, DataModels, ModelField } from '../../contracts/index.ts';
import type { DesignNotes } from './design-notes.ts';
import { mdTable, mdText } from '../plan/markdown.ts';
import { fileStem } from '../plan/plan-content.ts';

const ER_TYPES: Record<ModelField['type'], string> = {
  UUID: 'uuid',
  String: 'string',
  Text: 'text',
  Integer: 'int',
  Decimal: 'decimal',
  Boolean: 'bool',
  Date: 'date',
  DateTime: 'datetime',
  Email: 'string',
  URL: 'string',
  Phone: 'string',
  Enum: 'enum',
};

function erDiagram(models: DataModels): string {
  const lines = ['erDiagram'];
  for (const model of models.models) {
    for (const f of model.fields) {
      if (!f.foreign_key) continue;
      const parent = f.foreign_key.replace(/\.id$/, '');
      const label = f.name === 'user_id' ? 'owns' : 'has';
      lines.push(`  ${parent} ${f.required ? '||' : '|o'}--o{ ${model.name} : ${label}`);
    }
  }
  for (const model of models.models) {
    lines.push(`  ${model.name} {`);
    for (const f of model.fields) {
      const key = f.primary_key ? ' PK' : f.foreign_key ? ' FK' : f.unique ? ' UK' : '';
      lines.push(`    ${ER_TYPES[f.type]} ${f.name}${key}`);
    }
    lines.push('  }');
  }
  return lines.join('\n');
}

function componentDiagram(models: DataModels): string {
  const lines = [
    'flowchart LR',
    '  browser["Browser"] --> spa["React SPA (frontend/dist)"]',
    '  spa -->|"fetch /api"| api["Fastify app (backend/src/app.ts)"]',
  ];
  if (models.auth.enabled) lines.push('  api --> auth["Auth: register, login, JWT guard"]');
  for (const m of models.models.filter((x) => x.resource !== null)) {
    lines.push(`  api --> r_${m.collection}["/api/${m.resource}"]`);
    lines.push(`  r_${m.collection} --> db`);
  }
  if (models.auth.enabled) lines.push('  auth --> db');
  lines.push('  db[("SQLite by default / PostgreSQL via DATABASE_URL")]');
  return lines.join('\n');
}

function constraints(f: ModelField): string {
  const parts: string[] = [];
  if (f.primary_key) parts.push('primary key');
  if (f.unique) parts.push('unique');
  if (f.foreign_key) parts.push(`→ ${f.foreign_key} (on delete ${f.on_delete ?? 'restrict'})`);
  if (f.enum_values) parts.push(`one of ${f.enum_values.map(mdText).join(', ')}`);
  if (f.min !== undefined) parts.push(`min ${f.min}`);
  if (f.max !== undefined) parts.push(`max ${f.max}`);
  if (f.max_length !== undefined) parts.push(`≤ ${f.max_length} chars`);
  if (f.default !== undefined) parts.push(`default ${mdText(String(f.default))}`);
  if (f.readonly) parts.push('server-managed');
  if (f.private) parts.push('never returned');
  return parts.join('; ');
}

function fieldTable(model: DataModel): string {
  return mdTable(
    ['Field', 'Type', 'Required', 'Constraints'],
    model.fields.map((f) => [f.name, f.type, f.required ? 'yes' : 'no', constraints(f)]),
  );
}

function accessLine(model: DataModel): string {
  if (model.resource === null) return 'the user themself, through /api/auth/me; not a resource';
  if (model.owned) return 'only the owner (rows filtered by user_id)';
  if (model.access.read === 'authenticated') return 'any signed-in user';
  return 'anyone (no sign-in)';
}

export function renderDesign(models: DataModels, techStack: Record<string, string>, diagrams = true, notes?: DesignNotes): string {
  const app = mdText(models.app_name);
  const lines = [
    `# Architecture: ${app}`,
    '',
    ...(notes?.kind === 'fallback' ? [`> ${mdText(notes.note)}`, ''] : []),
    `${app} is a TypeScript web app: a Fastify REST API under \`/api\` and a React single-page frontend served at \`/\`, ` +
      `storing ${models.models.length} model${models.models.length === 1 ? '' : 's'} in ${techStack['database']}.`,
    models.auth.enabled
      ? `Users sign in with email and password and call the API with a JWT bearer token${models.auth.ownership ? '; personal records are visible only to their owner' : ''}.`
      : 'There is no sign-in: every record is public.',
    '',
    ...(diagrams
      ? [
          '## Components',
          '',
          '```mermaid',
          componentDiagram(models),
          '```',
          '',
          '## Data model',
          '',
          '```mermaid',
          erDiagram(models),
          '```',
          '',
        ]
      : ['## Data model', '']),
  ];
  if (notes?.kind === 'model') lines.splice(lines.indexOf(diagrams ? '## Components' : '## Data model'), 0, ...modelSections(notes));
  for (const model of models.models) {
    lines.push(`### ${model.name} (table \`${model.collection}\`${model.resource ? `, \`/api/${model.resource}\`` : ''})`, '');
    lines.push(`Access: ${accessLine(model)}. Shown by: \`${model.display_field}\`.`, '', fieldTable(model), '');
  }
  lines.push(
    '## Request flow',
    '',
    '1. The browser loads the built SPA from `/` and calls `/api/...` with JSON.',
    `2. ${models.auth.enabled ? 'The JWT guard verifies the bearer token and puts the user id on the request (401 otherwise).' : 'No guard: every request is anonymous.'}`,
    '3. The route validates the body with the zod schema derived from the model (400 with `error.fields`).',
    `4. The service runs the query through drizzle-orm${models.auth.ownership ? ', scoped to the user for owned models' : ''}; unknown ids answer 404.`,
    '5. Responses never include private fields (password hashes).',
    '',
    'Decisions and their reasons are in `adr/`; the exact API is `api-contracts/openapi.yaml`.',
    '',
  );
  return lines.join('\n');
}

/** The model's prose, above the generated sections; its words are shown as text, never as markup. */
function modelSections(notes: Extract<DesignNotes, { kind: 'model' }>): string[] {
  const lines = ['## How it works', '', ...notes.overview.split(/\n{2,}/).flatMap((p) => [mdText(p.trim()), '']), '### Parts', ''];
  lines.push(
    mdTable(
      ['Part', 'Responsibility'],
      notes.components.map((c) => [mdText(c.name), mdText(c.responsibility)]),
    ),
    '',
  );
  if (notes.behaviours.length > 0) {
    lines.push('### Asked-for behaviours beyond records', '');
    for (const b of notes.behaviours) lines.push(`- **${mdText(b.name)}**: ${mdText(b.design)}`);
    lines.push('');
  }
  lines.push(`_This section and the ADRs after the rules' own were written by ${mdText(notes.by)}._`, '');
  return lines;
}

export function renderTechStack(techStack: Record<string, string>): string {
  return [
    '# Tech stack',
    '',
    mdTable(
      ['Concern', 'Choice'],
      Object.entries(techStack).map(([k, v]) => [k, v]),
    ),
    '',
    'See `adr/` for why each choice fits this app.',
    '',
  ].join('\n');
}

export function renderComponents(models: DataModels): string {
  const lines = ['# Components', '', '## Backend (`backend/src/`)', ''];
  lines.push('- `server.ts`: reads PORT/HOST, starts the app, shuts down on SIGTERM/SIGINT.');
  lines.push('- `app.ts`: `buildApp()` registers plugins and routes, serves `frontend/dist`, `GET /health`.');
  lines.push('- `config.ts`: PORT, HOST, DATABASE_URL, DATA_DIR' + (models.auth.enabled ? ', JWT_SECRET' : '') + ' read once.');
  lines.push(
    '- `db/`: the database client (SQLite or PostgreSQL from DATABASE_URL) and one schema per dialect; migrations live in `backend/drizzle/`.',
  );
  if (models.auth.enabled) {
    lines.push('- `auth/`: password hashing (scrypt), JWT issue/verify, the bearer-token guard.');
    lines.push(
      '- `routes/auth-routes.ts` + `services/user-service.ts`: `POST /api/auth/register`, `POST /api/auth/login`, `GET /api/auth/me`.',
    );
  }
  for (const m of models.models.filter((x) => x.resource !== null)) {
    const stem = fileStem(m);
    lines.push(
      `- \`models/${stem}.ts\` + \`services/${stem}-service.ts\` + \`routes/${stem}-routes.ts\`: ${m.label_plural} CRUD at \`/api/${m.resource}\`.`,
    );
  }
  lines.push('', '## Frontend (`frontend/src/`)', '');
  lines.push('- `main.tsx`, `App.tsx`: entry and navigation between pages.');
  lines.push('- `api-client.ts`: fetch wrapper that adds the bearer token and turns error bodies into messages.');
  if (models.auth.enabled) lines.push('- `components/AuthPanel.tsx`: login and register forms.');
  const pages = models.models.filter((x) => x.resource !== null).map((m) => m.label_plural.toLowerCase());
  lines.push(
    `- \`components/ResourcePage.tsx\` + \`RecordForm.tsx\`: list, create, edit and delete, once per resource (${pages.join(', ')}).`,
  );
  lines.push(
    '',
    '## Tests',
    '',
    '- `backend/test/`: API tests through `app.inject()` on an in-memory SQLite database.',
    '- `frontend/src/form-values.test.ts`: unit tests for form parsing and validation helpers.',
    '',
  );
  return lines.join('\n');
}

export function renderApiGuide(models: DataModels): string {
  const app = mdText(models.app_name);
  const lines = [`# API guide: ${app}`, '', 'Base URL: `http://localhost:3000` (PORT sets the port). All bodies are JSON.', ''];
  if (models.auth.enabled) {
    lines.push(
      '## Signing in',
      '',
      '```sh',
      'curl -s -X POST localhost:3000/api/auth/register -H "content-type: application/json" -d \'{"email":"ada@example.com","password":"correct-horse"}\'',
      'TOKEN=$(curl -s -X POST localhost:3000/api/auth/login -H "content-type: application/json" -d \'{"email":"ada@example.com","password":"correct-horse"}\' | node -pe "JSON.parse(require(\'fs\').readFileSync(0)).token")',
      '```',
      '',
      'Send `Authorization: Bearer $TOKEN` on every `/api` resource request; without it the answer is 401. Tokens last 24 hours.',
      '',
    );
  }
  lines.push(
    '## Errors',
    '',
    'Errors answer `{"error": {"code", "message", "fields"?}}`: 400 `validation_failed` (with `fields`), 401, 404 `not_found`' +
      (models.auth.enabled ? ', 409 on a taken email' : '') +
      '.',
    '',
  );
  for (const m of models.models.filter((x) => x.resource !== null)) {
    const base = `/api/${m.resource}`;
    const writable = m.fields.filter((f) => !f.readonly && !f.private);
    const example: Record<string, unknown> = {};
    for (const f of writable.filter((x) => x.required && x.default === undefined)) example[f.name] = exampleValue(f);
    lines.push(`## ${m.label_plural}`, '');
    lines.push(
      mdTable(
        ['Method', 'Path', 'Does'],
        [
          ['GET', base, `list (\`limit\`, \`offset\`${m.searchable.length > 0 ? ', `q`' : ''}) → \`{items, total, limit, offset}\``],
          ['POST', base, 'create → 201'],
          ['GET', `${base}/{id}`, 'one record'],
          ['PATCH', `${base}/{id}`, 'change some fields'],
          ['PUT', `${base}/{id}`, 'replace all writable fields'],
          ['DELETE', `${base}/{id}`, '→ 204'],
        ],
      ),
    );
    lines.push(
      '',
      `Writable fields: ${writable.map((f) => `\`${f.name}\` (${f.type}${f.required && f.default === undefined ? ', required' : ''})`).join(', ')}.`,
      '',
    );
    lines.push(
      '```sh',
      `curl -s -X POST localhost:3000${base} -H "content-type: application/json"${models.auth.enabled ? ' -H "authorization: Bearer $TOKEN"' : ''} -d '${JSON.stringify(example).replace(/'/g, '')}'`,
      '```',
      '',
    );
  }
  return lines.join('\n');
}

function exampleValue(f: ModelField): unknown {
  switch (f.type) {
    case 'Integer':
      return f.min ?? 1;
    case 'Decimal':
      return f.min !== undefined ? Math.max(f.min, 9.5) : 9.5;
    case 'Boolean':
      return true;
    case 'Date':
      return '2030-01-31';
    case 'DateTime':
      return '2030-01-31T09:00:00.000Z';
    case 'Email':
      return 'ada@example.com';
    case 'URL':
      return 'https://example.com';
    case 'Phone':
      return '+1 555 0100';
    case 'Enum':
      return f.enum_values?.[0] ?? '';
    case 'UUID':
      return '00000000-0000-4000-8000-000000000000';
    default:
      return `Example ${f.label ?? f.name}`.replace(/[^A-Za-z0-9 ]/g, '');
  }
}
