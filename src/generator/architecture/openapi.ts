/**
 * `architecture/api-contracts/openapi.yaml`: exactly the routes of the generated-app contract
 * (ARCHITECTURE.md §4), with request schemas the app enforces (required fields, formats, enums, ranges,
 * lengths) and the error shape it answers with.
 */
import type { DataModel, DataModels, ModelField } from '../../contracts/index.ts';

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema): Schema => ({ 'application/json': { schema } });

function fieldSchema(field: ModelField): Schema {
  const schema: Schema = {};
  switch (field.type) {
    case 'UUID':
      Object.assign(schema, { type: 'string', format: 'uuid' });
      break;
    case 'Integer':
      schema['type'] = 'integer';
      break;
    case 'Decimal':
      schema['type'] = 'number';
      break;
    case 'Boolean':
      schema['type'] = 'boolean';
      break;
    case 'Date':
      Object.assign(schema, { type: 'string', format: 'date' });
      break;
    case 'DateTime':
      Object.assign(schema, { type: 'string', format: 'date-time' });
      break;
    case 'Email':
      Object.assign(schema, { type: 'string', format: 'email' });
      break;
    case 'URL':
      Object.assign(schema, { type: 'string', format: 'uri' });
      break;
    case 'Enum':
      Object.assign(schema, { type: 'string', enum: [...(field.enum_values ?? [])] });
      break;
    // The same rule the generated app's zod schema enforces, so clients can build valid bodies.
    case 'Phone':
      Object.assign(schema, { type: 'string', pattern: String.raw`^\+?[0-9][0-9 ().-]{5,24}$`, example: '+1 555 010 0199' });
      break;
    default:
      schema['type'] = 'string';
  }
  if (field.label) schema['description'] = field.label;
  if (field.min !== undefined) schema['minimum'] = field.min;
  if (field.max !== undefined) schema['maximum'] = field.max;
  if (field.max_length !== undefined) schema['maxLength'] = field.max_length;
  if (field.default !== undefined) schema['default'] = field.default;
  return schema;
}

function pascalPlural(model: DataModel): string {
  return model.collection
    .split('_')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

function modelSchemas(model: DataModel): Record<string, Schema> {
  const visible = model.fields.filter((f) => !f.private);
  const writable = visible.filter((f) => !f.readonly);
  const responseProps: Record<string, Schema> = {};
  for (const f of visible) {
    const s = fieldSchema(f);
    if (f.readonly) s['readOnly'] = true;
    if (!f.required && f.default === undefined) s['nullable'] = true;
    responseProps[f.name] = s;
  }
  const inputProps: Record<string, Schema> = {};
  for (const f of writable) inputProps[f.name] = fieldSchema(f);
  const inputRequired = writable.filter((f) => f.required && f.default === undefined).map((f) => f.name);
  const schemas: Record<string, Schema> = {
    [model.name]: {
      type: 'object',
      required: visible.filter((f) => f.required || f.default !== undefined).map((f) => f.name),
      properties: responseProps,
    },
  };
  if (model.resource !== null) {
    schemas[`${model.name}Input`] = {
      type: 'object',
      ...(inputRequired.length > 0 ? { required: inputRequired } : {}),
      properties: inputProps,
    };
    schemas[`${model.name}Patch`] = { type: 'object', properties: inputProps };
    schemas[`${model.name}List`] = {
      type: 'object',
      required: ['items', 'total', 'limit', 'offset'],
      properties: {
        items: { type: 'array', items: ref(model.name) },
        total: { type: 'integer', minimum: 0 },
        limit: { type: 'integer', minimum: 1 },
        offset: { type: 'integer', minimum: 0 },
      },
    };
  }
  return schemas;
}

function resourcePaths(model: DataModel, auth: boolean): Record<string, Schema> {
  const base = `/api/${model.resource}`;
  const tag = model.label_plural;
  const plural = pascalPlural(model);
  const guarded = auth && (model.access.read !== 'public' || model.access.write !== 'public');
  const security = guarded ? { security: [{ bearerAuth: [] }] } : {};
  const unauthorized = guarded ? { 401: { $ref: '#/components/responses/Unauthorized' } } : {};
  const notFound = { 404: { $ref: '#/components/responses/NotFound' } };
  const invalid = { 400: { $ref: '#/components/responses/ValidationFailed' } };
  const one = (description: string): Schema => ({ description, content: json(ref(model.name)) });
  const listParams: Schema[] = [
    { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
    { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
  ];
  if (model.searchable.length > 0) {
    listParams.push({
      name: 'q',
      in: 'query',
      required: false,
      description: `Matches ${model.searchable.join(', ')}`,
      schema: { type: 'string' },
    });
  }
  const scope = model.owned ? " (only the signed-in user's own)" : '';
  return {
    [base]: {
      get: {
        tags: [tag],
        operationId: `list${plural}`,
        summary: `List ${model.label_plural.toLowerCase()}${scope}`,
        ...security,
        parameters: listParams,
        responses: { 200: { description: 'A page of results', content: json(ref(`${model.name}List`)) }, ...invalid, ...unauthorized },
      },
      post: {
        tags: [tag],
        operationId: `create${model.name}`,
        summary: `Create a ${model.label.toLowerCase()}`,
        ...security,
        requestBody: { required: true, content: json(ref(`${model.name}Input`)) },
        responses: { 201: one('Created'), ...invalid, ...unauthorized },
      },
    },
    [`${base}/{id}`]: {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      get: {
        tags: [tag],
        operationId: `get${model.name}`,
        summary: `Get a ${model.label.toLowerCase()}${scope}`,
        ...security,
        responses: { 200: one('Found'), ...unauthorized, ...notFound },
      },
      patch: {
        tags: [tag],
        operationId: `update${model.name}`,
        summary: `Change some fields of a ${model.label.toLowerCase()}`,
        ...security,
        requestBody: { required: true, content: json(ref(`${model.name}Patch`)) },
        responses: { 200: one('Updated'), ...invalid, ...unauthorized, ...notFound },
      },
      put: {
        tags: [tag],
        operationId: `replace${model.name}`,
        summary: `Replace a ${model.label.toLowerCase()}`,
        ...security,
        requestBody: { required: true, content: json(ref(`${model.name}Input`)) },
        responses: { 200: one('Replaced'), ...invalid, ...unauthorized, ...notFound },
      },
      delete: {
        tags: [tag],
        operationId: `delete${model.name}`,
        summary: `Delete a ${model.label.toLowerCase()}`,
        ...security,
        responses: { 204: { description: 'Deleted' }, ...unauthorized, ...notFound },
      },
    },
  };
}

const AUTH_SCHEMAS: Record<string, Schema> = {
  Credentials: {
    type: 'object',
    required: ['email', 'password'],
    properties: { email: { type: 'string', format: 'email', maxLength: 254 }, password: { type: 'string', minLength: 8, maxLength: 200 } },
  },
  Registered: {
    type: 'object',
    required: ['id', 'token'],
    properties: { id: { type: 'string', format: 'uuid' }, token: { type: 'string' } },
  },
  Token: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
};

const AUTH_PATHS: Record<string, Schema> = {
  '/api/auth/register': {
    post: {
      tags: ['Auth'],
      operationId: 'register',
      summary: 'Register a new user',
      requestBody: { required: true, content: json(ref('Credentials')) },
      responses: {
        201: { description: 'Registered', content: json(ref('Registered')) },
        400: { $ref: '#/components/responses/ValidationFailed' },
        409: { description: 'Email already registered', content: json(ref('Error')) },
      },
    },
  },
  '/api/auth/login': {
    post: {
      tags: ['Auth'],
      operationId: 'login',
      summary: 'Log in and receive a JWT (valid 24 hours)',
      requestBody: { required: true, content: json(ref('Credentials')) },
      responses: {
        200: { description: 'Logged in', content: json(ref('Token')) },
        400: { $ref: '#/components/responses/ValidationFailed' },
        401: { $ref: '#/components/responses/Unauthorized' },
      },
    },
  },
  '/api/auth/me': {
    get: {
      tags: ['Auth'],
      operationId: 'me',
      summary: 'The signed-in user',
      security: [{ bearerAuth: [] }],
      responses: { 200: { description: 'The user', content: json(ref('User')) }, 401: { $ref: '#/components/responses/Unauthorized' } },
    },
  },
};

const ERROR_SCHEMA: Schema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'validation_failed' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'Field name → what is wrong with it' },
      },
    },
  },
};

export function buildOpenApi(models: DataModels): Schema {
  const auth = models.auth.enabled;
  const paths: Record<string, Schema> = {
    '/health': {
      get: {
        tags: ['Health'],
        operationId: 'health',
        summary: 'Liveness probe',
        responses: {
          200: {
            description: 'Up',
            content: json({ type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } }),
          },
        },
      },
    },
  };
  if (auth) Object.assign(paths, AUTH_PATHS);
  const schemas: Record<string, Schema> = { Error: ERROR_SCHEMA };
  if (auth) Object.assign(schemas, AUTH_SCHEMAS);
  for (const model of models.models) {
    Object.assign(schemas, modelSchemas(model));
    if (model.resource !== null) Object.assign(paths, resourcePaths(model, auth));
  }
  const responses: Record<string, Schema> = {
    ValidationFailed: { description: 'The body or a parameter is invalid; error.fields names each bad field', content: json(ref('Error')) },
    NotFound: {
      description: `No such record${models.models.some((m) => m.owned) ? ' (or it belongs to another user)' : ''}`,
      content: json(ref('Error')),
    },
  };
  if (auth) responses['Unauthorized'] = { description: 'Missing, invalid or expired bearer token', content: json(ref('Error')) };
  return {
    openapi: '3.0.3',
    info: { title: `${models.app_name} API`, version: '1.0.0', description: `REST API of ${models.app_name}. Resources live under /api.` },
    servers: [{ url: 'http://localhost:3000' }],
    tags: [
      ...(auth ? [{ name: 'Auth' }] : []),
      ...models.models.filter((m) => m.resource !== null).map((m) => ({ name: m.label_plural })),
      { name: 'Health' },
    ],
    paths,
    components: {
      schemas,
      responses,
      ...(auth ? { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } } : {}),
    },
  };
}

/** Operations under /api, the figure the plan and the architecture event report. */
export function countApiOperations(spec: Schema): number {
  const paths = spec['paths'] as Record<string, Record<string, unknown>>;
  const methods = new Set(['get', 'post', 'put', 'patch', 'delete']);
  return Object.entries(paths)
    .filter(([path]) => path.startsWith('/api/'))
    .reduce((n, [, item]) => n + Object.keys(item).filter((k) => methods.has(k)).length, 0);
}
