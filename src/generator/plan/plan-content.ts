/**
 * The Plan's content derived from a Domain: one auth feature when sign-in is on, one CRUD feature per
 * entity, tasks that touch the generated app's real files, the exact API surface and the risks this
 * particular app carries.
 */
import type { Domain, DomainEntity, DomainField, Plan } from '../../contracts/index.ts';

type Feature = Plan['features'][number];
type Task = Plan['tasks'][number];
type Endpoint = Plan['api_endpoints'][number];
type Risk = Plan['risk_assessment'][number];

/** Plural kebab-case path segment: "invoice_lines" → "invoice-lines". */
export function resourceOf(entity: DomainEntity): string {
  return entity.plural.replace(/_/g, '-');
}

const FIELD_WORDS: Record<DomainField['type'], string> = {
  UUID: 'uuid',
  String: 'string',
  Text: 'string',
  Integer: 'integer',
  Decimal: 'number',
  Boolean: 'boolean',
  Date: 'date',
  DateTime: 'date-time',
  Email: 'email',
  URL: 'uri',
  Phone: 'string',
  Enum: 'enum',
};

function describeField(field: DomainField): string {
  let word = field.type === 'Enum' ? (field.enum_values ?? []).join('|') : FIELD_WORDS[field.type];
  if (field.min !== undefined || field.max !== undefined) word += ` ${field.min ?? ''}..${field.max ?? ''}`;
  return field.required && field.default === undefined ? word : `${word}, optional`;
}

function inputShape(entity: DomainEntity, partial: boolean): Record<string, string> {
  const shape: Record<string, string> = {};
  for (const field of entity.fields) shape[field.name] = partial ? describeField({ ...field, required: false }) : describeField(field);
  for (const rel of entity.relations) shape[rel.field] = rel.required && !partial ? 'uuid' : 'uuid, optional';
  return shape;
}

function outputShape(entity: DomainEntity): Record<string, string> {
  const shape: Record<string, string> = { id: 'uuid' };
  if (entity.owned) shape['user_id'] = 'uuid';
  for (const field of entity.fields) shape[field.name] = FIELD_WORDS[field.type] === 'enum' ? 'string' : FIELD_WORDS[field.type];
  for (const rel of entity.relations) shape[rel.field] = 'uuid';
  shape['created_at'] = 'date-time';
  shape['updated_at'] = 'date-time';
  return shape;
}

export function planEndpoints(domain: Domain): Endpoint[] {
  const endpoints: Endpoint[] = [];
  if (domain.auth.enabled) {
    endpoints.push(
      {
        method: 'POST',
        path: '/api/auth/register',
        description: 'Register a new user',
        input: { email: 'email', password: 'string, min 8' },
        output: { id: 'uuid', token: 'string' },
      },
      {
        method: 'POST',
        path: '/api/auth/login',
        description: 'Log in and receive a JWT',
        input: { email: 'email', password: 'string' },
        output: { token: 'string' },
      },
      { method: 'GET', path: '/api/auth/me', description: 'The signed-in user', input: null, output: { id: 'uuid', email: 'email' } },
    );
  }
  for (const entity of domain.entities) {
    const base = `/api/${resourceOf(entity)}`;
    const label = entity.label.toLowerCase();
    const plural = entity.label_plural.toLowerCase();
    const output = outputShape(entity);
    const scope = entity.owned ? ' of the signed-in user' : '';
    endpoints.push(
      {
        method: 'GET',
        path: base,
        description: `List ${plural}${scope} (limit, offset${entity.searchable.length > 0 ? ', q' : ''})`,
        input: null,
        output: { items: `${entity.name}[]`, total: 'integer', limit: 'integer', offset: 'integer' },
      },
      { method: 'POST', path: base, description: `Create a ${label}`, input: inputShape(entity, false), output },
      { method: 'GET', path: `${base}/{id}`, description: `Get one ${label}`, input: null, output },
      { method: 'PATCH', path: `${base}/{id}`, description: `Change some fields of a ${label}`, input: inputShape(entity, true), output },
      { method: 'PUT', path: `${base}/{id}`, description: `Replace a ${label}`, input: inputShape(entity, false), output },
      { method: 'DELETE', path: `${base}/{id}`, description: `Delete a ${label}`, input: null, output: null },
    );
  }
  return endpoints;
}

/** Schema files of the generated app: one per SQL dialect (see src/generator/app). */
const SCHEMA_FILES = ['backend/src/db/schema.sqlite.ts', 'backend/src/db/schema.pg.ts'];

/** Per-model file stem in the generated app: "InvoiceLine" → "invoice-line". */
export function fileStem(entity: { name: string }): string {
  return entity.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Features and tasks together, since task ids are numbered across features. */
export function planWork(domain: Domain): { features: Feature[]; tasks: Task[] } {
  const features: Feature[] = [];
  const tasks: Task[] = [];
  const addTask = (feature: string, task: Omit<Task, 'id' | 'feature'>): string => {
    const id = `T${tasks.length + 1}`;
    tasks.push({ id, feature, ...task });
    return id;
  };
  const firstFeature = 'F1';
  const scaffold = addTask(firstFeature, {
    description:
      'Set up the project: package.json, TypeScript config, Fastify app with /health, database client (SQLite by default, PostgreSQL via DATABASE_URL), Vite frontend shell',
    type: 'infra',
    estimated_hours: 2,
    depends_on: [],
    files_affected: [
      'package.json',
      'tsconfig.json',
      'backend/src/app.ts',
      'backend/src/server.ts',
      'backend/src/config.ts',
      'backend/src/db/database.ts',
      'frontend/index.html',
      'frontend/src/main.tsx',
      'frontend/src/App.tsx',
    ],
  });

  let userModelTask: string | null = null;
  let authMiddleware: string | null = null;
  let authUi: string | null = null;
  if (domain.auth.enabled) {
    const featureTasks: string[] = [scaffold];
    const userModel = addTask(firstFeature, {
      description: 'User model and migration: email (unique), password_hash (scrypt with salt)',
      type: 'backend',
      estimated_hours: 1,
      depends_on: [scaffold],
      files_affected: [...SCHEMA_FILES, 'backend/src/auth/passwords.ts', 'backend/src/services/user-service.ts'],
    });
    userModelTask = userModel;
    const routes = addTask(firstFeature, {
      description: 'Register, login and me endpoints issuing 24-hour HS256 JWTs',
      type: 'backend',
      estimated_hours: 2,
      depends_on: [userModel],
      files_affected: ['backend/src/routes/auth-routes.ts', 'backend/src/auth/tokens.ts'],
    });
    authMiddleware = addTask(firstFeature, {
      description: `Bearer-token guard for /api resources${domain.auth.ownership ? ' and ownership scoping by user_id' : ''}`,
      type: 'backend',
      estimated_hours: 1,
      depends_on: [routes],
      files_affected: ['backend/src/auth/request-auth.ts'],
    });
    authUi = addTask(firstFeature, {
      description: 'Login and register forms; token kept in localStorage and sent as Authorization header',
      type: 'frontend',
      estimated_hours: 2,
      depends_on: [routes],
      files_affected: ['frontend/src/components/AuthPanel.tsx', 'frontend/src/api-client.ts'],
    });
    const authTests = addTask(firstFeature, {
      description: 'API tests: register, duplicate email 409, short password 400, login, wrong password 401, missing token 401',
      type: 'test',
      estimated_hours: 1,
      depends_on: [authMiddleware],
      files_affected: ['backend/test/auth.api.test.ts'],
    });
    featureTasks.push(userModel, routes, authMiddleware, authUi, authTests);
    features.push({
      id: firstFeature,
      name: 'User Authentication',
      description: 'Register and log in with email and password; JWT bearer tokens protect the API',
      priority: 'high',
      complexity: 'medium',
      tasks: featureTasks,
      acceptance_criteria: [
        'A visitor can register with an email and a password of at least 8 characters and receives a token',
        'Registering an email that is already taken fails with 409',
        'A registered user can log in and receives a JWT that expires after 24 hours',
        'Wrong credentials fail with 401 without saying which part was wrong',
        'Requests to /api resources without a valid bearer token fail with 401',
        'Passwords are stored as salted scrypt hashes and never returned by the API',
      ],
    });
  }

  const modelTaskOf = new Map<string, string>();
  const frontendTasks: string[] = [];
  domain.entities.forEach((entity) => {
    const featureId = `F${features.length + 1}`;
    const resource = resourceOf(entity);
    const file = fileStem(entity);
    const parentModels = entity.relations.map((r) => modelTaskOf.get(r.target)).filter((t): t is string => t !== undefined);
    const model = addTask(featureId, {
      description: `${entity.name} model and migration: ${entity.fields.map((f) => f.name).join(', ')}${entity.relations.map((r) => `, ${r.field} → ${r.target}`).join('')}${entity.owned ? ', user_id → User' : ''}`,
      type: 'backend',
      estimated_hours: 1,
      depends_on: [scaffold, ...parentModels, ...(entity.owned && userModelTask ? [userModelTask] : [])],
      files_affected: [...SCHEMA_FILES, `backend/src/models/${file}.ts`],
    });
    modelTaskOf.set(entity.name, model);
    const routes = addTask(featureId, {
      description: `${entity.label} service and REST routes at /api/${resource} with validation (400 with field errors) and 404 for unknown ids`,
      type: 'backend',
      estimated_hours: 2,
      depends_on: [model, ...(authMiddleware ? [authMiddleware] : [])],
      files_affected: [`backend/src/services/${file}-service.ts`, `backend/src/routes/${file}-routes.ts`],
    });
    const ui = addTask(featureId, {
      description: `${entity.label_plural} page: list, create, edit and delete${entity.fields.some((f) => f.type === 'Boolean') ? ', checkbox toggles' : ''}`,
      type: 'frontend',
      estimated_hours: 3,
      depends_on: [routes, ...(authUi ? [authUi] : [])],
      files_affected: ['frontend/src/components/ResourcePage.tsx', 'frontend/src/components/RecordForm.tsx', 'frontend/src/App.tsx'],
    });
    frontendTasks.push(ui);
    const test = addTask(featureId, {
      description: `API tests for /api/${resource}: CRUD round trip, invalid bodies, unknown ids${entity.owned ? ', isolation between two users' : ''}`,
      type: 'test',
      estimated_hours: 1,
      depends_on: [routes],
      files_affected: [`backend/test/${file}.api.test.ts`],
    });
    features.push({
      id: featureId,
      name: `${entity.label} Management`,
      description: `Create, list, view, change and delete ${entity.label_plural.toLowerCase()}`,
      priority: 'high',
      complexity: entity.relations.length > 0 || entity.fields.length > 6 ? 'medium' : 'low',
      tasks: [model, routes, ui, test],
      acceptance_criteria: entityCriteria(entity, domain),
    });
  });
  const first = features[0]!;
  if (!first.tasks.includes(scaffold)) first.tasks.unshift(scaffold);
  const docsTask = addTask(first.id, {
    description: 'Dockerfiles, docker-compose (backend, PostgreSQL, frontend) and README with run and test instructions',
    type: 'docs',
    estimated_hours: 1,
    depends_on: frontendTasks,
    files_affected: ['Dockerfile.backend', 'Dockerfile.frontend', 'docker-compose.yml', 'README.md'],
  });
  first.tasks.push(docsTask);
  return { features, tasks };
}

function entityCriteria(entity: DomainEntity, domain: Domain): string[] {
  const label = entity.label.toLowerCase();
  const plural = entity.label_plural.toLowerCase();
  const required = entity.fields.filter((f) => f.required && f.default === undefined).map((f) => f.name);
  const criteria = [
    `A user can create a ${label}${required.length > 0 ? ` giving ${required.join(', ')}` : ''} and gets it back with an id (201)`,
    `A user can list ${plural} page by page (limit, offset) and open one by id`,
    `A user can change and delete a ${label}; an unknown id answers 404`,
  ];
  if (required.length > 0) criteria.push(`Creating a ${label} without ${required[0]} fails with 400 naming the field`);
  for (const field of entity.fields) {
    if (field.type === 'Enum') criteria.push(`${field.label} accepts only ${(field.enum_values ?? []).join(', ')}`);
    else if (field.min !== undefined && field.max !== undefined)
      criteria.push(`${field.label} accepts only values from ${field.min} to ${field.max}`);
    else if (field.type === 'Email' || field.type === 'URL')
      criteria.push(`${field.label} must be a valid ${field.type === 'Email' ? 'email address' : 'URL'}`);
    if (field.default !== undefined) criteria.push(`${field.label} defaults to ${String(field.default)} when not given`);
  }
  for (const rel of entity.relations) {
    criteria.push(`A ${label} must reference an existing ${rel.target} (400 otherwise)`);
    if (rel.on_delete === 'cascade') criteria.push(`Deleting a ${rel.target} deletes its ${plural}`);
  }
  if (entity.owned) criteria.push(`A user never sees or changes another user's ${plural} (404 for their ids)`);
  else if (domain.auth.enabled) criteria.push(`Only signed-in users can read or change ${plural}`);
  else criteria.push(`${entity.label_plural} can be used without signing in`);
  return criteria;
}

export function planRisks(domain: Domain, openQuestions: number): Risk[] {
  const risks: Risk[] = [];
  if (domain.auth.enabled) {
    risks.push(
      {
        risk: 'Password security',
        severity: 'high',
        mitigation: 'Salted scrypt hashes from node:crypto, minimum length 8, hashes never serialized in responses',
      },
      {
        risk: 'JWT token theft or forgery',
        severity: 'medium',
        mitigation: 'HS256 with a secret from JWT_SECRET (random per start when unset, with a warning), 24-hour expiry',
      },
    );
  }
  if (domain.auth.ownership) {
    risks.push({
      risk: "One user reading or changing another user's records",
      severity: 'high',
      mitigation:
        'Every query on owned tables filters by user_id; foreign ids answer 404; an API test signs in two users and checks isolation',
    });
  }
  if (!domain.auth.enabled) {
    risks.push({
      risk: 'Anyone who can reach the app can change all data',
      severity: 'medium',
      mitigation: 'Previews are short-lived and local; add sign-in before exposing the app publicly',
    });
  }
  risks.push({
    risk: 'Invalid or hostile input',
    severity: 'medium',
    mitigation:
      'zod validation derived from the data models (types, required fields, enums, ranges, lengths) with 400 field errors; parameterised queries through drizzle-orm; React escapes output',
  });
  if (domain.entities.some((e) => e.relations.some((r) => r.on_delete === 'cascade'))) {
    risks.push({
      risk: 'Deleting a parent record silently deletes its children',
      severity: 'medium',
      mitigation: 'Cascades only where the child cannot exist alone; the UI asks before deleting',
    });
  }
  risks.push({
    risk: 'Differences between SQLite and PostgreSQL',
    severity: 'low',
    mitigation: 'One schema per dialect generated from the same data models; the test suite runs on both',
  });
  if (openQuestions > 0) {
    risks.push({
      risk: 'The request leaves details open, so the app may not match what was meant',
      severity: openQuestions > 2 ? 'medium' : 'low',
      mitigation: 'Assumptions and open questions are written into the plan for review before the next iteration',
    });
  }
  return risks;
}
