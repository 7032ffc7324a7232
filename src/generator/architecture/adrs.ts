/**
 * Architecture decision records for this app. Each one states the context of *this* request (its models,
 * sign-in, links), so a reader sees why the choice fits, not a generic template.
 */
import type { DataModels } from '../../contracts/index.ts';
import { mdText } from '../plan/markdown.ts';
import type { GeneratedFile } from '../plan/index.ts';

export interface Adr {
  slug: string;
  title: string;
  context: string;
  decision: string;
  consequences: string[];
  alternatives: string[];
}

function render(number: number, adr: Adr): GeneratedFile {
  const id = String(number).padStart(3, '0');
  const content = [
    `# ADR ${id}: ${adr.title}`,
    '',
    'Status: Accepted',
    '',
    '## Context',
    '',
    adr.context,
    '',
    '## Decision',
    '',
    adr.decision,
    '',
    '## Consequences',
    '',
    ...adr.consequences.map((c) => `- ${c}`),
    '',
    '## Alternatives considered',
    '',
    ...adr.alternatives.map((a) => `- ${a}`),
    '',
  ].join('\n');
  return { path: `architecture/adr/${id}-${adr.slug}.md`, content };
}

/** `extra`: ADRs written elsewhere (the architect's model), numbered after the rules' own. */
export function buildAdrs(models: DataModels, extra: readonly Adr[] = []): GeneratedFile[] {
  const app = mdText(models.app_name);
  const resources = models.models.filter((m) => m.resource !== null);
  const names = resources.map((m) => m.name).join(', ');
  const adrs: Adr[] = [
    {
      slug: 'fastify-typescript-backend',
      title: 'Fastify and TypeScript for the backend',
      context: `${app} exposes ${resources.length} REST resource${resources.length === 1 ? '' : 's'} (${names}) with strict request validation, and its tests must run without a network or a listening port.`,
      decision:
        'Write the backend in TypeScript (strict) on Node 20 with Fastify 5. Validation schemas are zod objects derived from data-models.json; `buildApp()` returns the Fastify instance without listening so tests call `app.inject()`.',
      consequences: [
        'One language across backend, frontend and tests; types catch field-name mistakes between layers.',
        "Fastify's plugin model keeps each resource's routes in its own module.",
        'Node 20 is required to run the app (or the provided Dockerfile).',
      ],
      alternatives: [
        'Express: older plugin and error model, no built-in inject for tests.',
        'Python/FastAPI: a second language and toolchain next to the React frontend.',
      ],
    },
    {
      slug: 'sqlite-default-postgres-via-database-url',
      title: 'SQLite by default, PostgreSQL through DATABASE_URL',
      context: `A preview of ${app} must start in seconds with no database server, while a real deployment wants PostgreSQL. The models have ${models.models.reduce((n, m) => n + m.fields.filter((f) => f.foreign_key).length, 0)} foreign key(s) that both databases must enforce.`,
      decision:
        'Use drizzle-orm with two generated schemas (sqlite-core and pg-core) and migrations for both dialects. Without DATABASE_URL the app uses SQLite (better-sqlite3) in DATA_DIR; `postgres://` URLs switch to PostgreSQL via `pg`. SQLite runs with `PRAGMA foreign_keys=ON`.',
      consequences: [
        'Zero-setup local runs and tests (`DATABASE_URL=sqlite::memory:`).',
        'The same queries run on both dialects; the test suite is run against both.',
        'Dialect differences (decimal and date storage) are handled in one database module.',
      ],
      alternatives: [
        'PostgreSQL only: every preview would need a database server.',
        'MongoDB: no enforced foreign keys for the links between models.',
      ],
    },
  ];
  if (models.auth.enabled) {
    adrs.push({
      slug: 'jwt-authentication',
      title: 'Email and password sign-in with JWT bearer tokens',
      context: `The request asks for accounts; ${names} must only be reachable by signed-in users.`,
      decision:
        'Users register with email and password (at least 8 characters). Passwords are hashed with scrypt from node:crypto with a random salt. Login returns an HS256 JWT (jose) valid for 24 hours, signed with JWT_SECRET; requests send it as `Authorization: Bearer`.',
      consequences: [
        'The API is stateless: no session table, any instance can verify a token.',
        'Tokens cannot be revoked before they expire; the 24-hour expiry bounds that window.',
        'If JWT_SECRET is unset a random secret is generated at start, so tokens do not survive a restart (logged as a warning).',
      ],
      alternatives: [
        'Server-side sessions in a cookie: needs a session store and CSRF protection.',
        'An external identity provider: a network dependency the preview cannot assume.',
      ],
    });
  } else {
    adrs.push({
      slug: 'no-authentication',
      title: 'No sign-in',
      context: `The request for ${app} does not ask for accounts.`,
      decision: `All resources (${names}) are public: anyone who can reach the app can read and change them.`,
      consequences: [
        'Simpler app and tests; nothing to configure.',
        'Not suitable for exposure on the public internet without adding sign-in.',
      ],
      alternatives: ['Adding email/password sign-in anyway: more to build and test than the request asked for.'],
    });
  }
  adrs.push({
    slug: 'react-vite-frontend',
    title: 'React and Vite for the frontend',
    context: `People use ${app} in a browser: lists, forms and ${models.auth.enabled ? 'a login screen' : 'inline edits'} for ${names}.`,
    decision:
      'A React 19 single-page app in TypeScript, built by Vite into frontend/dist and served by the backend at `/`. Forms use labelled inputs and buttons with text so browser tests can find them by role and label.',
    consequences: [
      'One deployable: the backend serves the API and the built frontend.',
      'React escapes all text, so record contents cannot inject markup.',
    ],
    alternatives: ['Server-rendered templates: less interactive editing and a second rendering path to test.'],
  });
  const owned = models.models.filter((m) => m.owned).map((m) => m.name);
  if (owned.length > 0) {
    adrs.push({
      slug: 'row-ownership',
      title: 'Rows owned by the user who created them',
      context: `${owned.join(', ')} records are personal: each user should see only their own.`,
      decision:
        "Owned tables carry `user_id` (set from the token, never from the body, indexed, cascade on user delete). Every read, update and delete filters by it; another user's id answers 404 rather than 403, so ids do not leak.",
      consequences: [
        'Isolation is enforced in the service layer and covered by a two-user API test.',
        'Sharing a record between users would need a new model.',
      ],
      alternatives: ['Role-based access lists: more than the request needs.'],
    });
  }
  const links = models.models.flatMap((m) =>
    m.fields
      .filter((f) => f.foreign_key && f.name !== 'user_id')
      .map((f) => `${m.name}.${f.name} → ${f.foreign_key} (on delete ${f.on_delete ?? 'restrict'})`),
  );
  if (links.length > 0) {
    adrs.push({
      slug: 'relations-and-delete-behaviour',
      title: 'Links between records and what deleting does',
      context: `The models link to each other: ${links.join('; ')}.`,
      decision:
        'Links are UUID foreign keys enforced by the database. The API rejects a link to a missing record with 400. Children that cannot exist without their parent are deleted with it (cascade); optional links are cleared (set null).',
      consequences: [
        'No orphaned rows; the UI warns before deleting a parent.',
        'A link is validated on every write, which costs one lookup per link.',
      ],
      alternatives: ['Embedding children in the parent row: no independent listing or editing of children.'],
    });
  }
  // A record with two required links is how a many-to-many ("students enroll in courses") is stored.
  const joins = models.models.filter(
    (m) => m.resource !== null && m.fields.filter((f) => f.foreign_key && f.name !== 'user_id' && f.required).length >= 2,
  );
  if (joins.length > 0) {
    const described = joins.map(
      (m) =>
        `${m.name} (${m.fields
          .filter((f) => f.foreign_key && f.name !== 'user_id')
          .map((f) => f.foreign_key!.split('.')[0])
          .join(' ↔ ')})`,
    );
    adrs.push({
      slug: 'join-records-for-many-to-many',
      title: 'Many-to-many links as records of their own',
      context: `The request links records in both directions: ${described.join('; ')}.`,
      decision: `Each link is a row in its own table with one foreign key per side, so ${joins.map((m) => m.name).join(', ')} can carry facts about the link itself (dates, status) and be listed, created and deleted through the API like any other record.`,
      consequences: [
        'Deleting either side deletes its link rows (cascade).',
        'A duplicate link is possible unless a unique index is added; the request did not ask for one.',
      ],
      alternatives: [
        'A bare join table without an API: no place for the dates and states the request mentions.',
        'Arrays of ids in one row: no foreign keys, no cascade.',
      ],
    });
  }
  const publicRead = models.models.filter((m) => m.access.read === 'public' && m.access.write !== 'public');
  if (publicRead.length > 0) {
    adrs.push({
      slug: 'public-reading-signed-in-writing',
      title: 'Anyone can read; signing in is needed to change',
      context: `The request lets anyone read ${publicRead.map((m) => m.label_plural.toLowerCase()).join(', ')} but only signed-in users change them.`,
      decision:
        'List and read routes of these resources need no token; create, update and delete need a valid bearer token (401 without one).',
      consequences: [
        'Content is visible to search engines and people without accounts.',
        'Write routes are covered by an unauthenticated 401 test.',
      ],
      alternatives: ['Sign-in for everything: hides content the request wants public.'],
    });
  }
  return [...adrs, ...extra].map((adr, i) => render(i + 1, adr));
}
