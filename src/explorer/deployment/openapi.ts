/**
 * Reading an OpenAPI (3.x) or Swagger (2.0) document: its title, operations, security schemes, and the
 * object schemas as records the planner can rebuild (DiscoveredEntity). Only local `#/...` references
 * are followed; nothing here touches the network.
 */
import { parse as parseYaml } from 'yaml';
import type { DiscoveredEntity } from '../../contracts/explorer.ts';
import type { FieldType } from '../../contracts/artifacts.ts';
import { nameWords, textKindFromName } from '../field-types.ts';

/** Where frameworks publish their document, in the order tried. */
export const OPENAPI_PATHS = [
  '/openapi.json',
  '/swagger.json',
  '/docs/json',
  '/api-docs',
  '/v3/api-docs',
  '/api/openapi.json',
  '/documentation/json',
] as const;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;
const MAX_OPERATIONS = 2000;
const MAX_ENTITIES = 200;
const MAX_FIELDS = 200;
const MAX_REF_DEPTH = 8;

type Json = Record<string, unknown>;

export interface Operation {
  method: string;
  path: string;
  hasPathParameters: boolean;
}

export interface OpenApiDocument {
  /** "3.0.3", "3.1.0", "2.0". */
  version: string;
  title: string | null;
  /** Path prefix every operation lives under ("" or "/api/v1"), when the document says so for this host. */
  basePath: string;
  operations: Operation[];
  /** Operations beyond MAX_OPERATIONS are counted, not listed. */
  operationCount: number;
  securitySchemes: string[];
  entities: DiscoveredEntity[];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** JSON or YAML text → the document, or null when it is not an OpenAPI/Swagger document. */
/** `docLabel` is the document's URL as results may show it (see displayUrl). */
export function parseOpenApi(text: string, docUrl: URL, docLabel: string): OpenApiDocument | null {
  let raw: unknown;
  try {
    raw = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch {
    return null;
  }
  if (!isObject(raw) || !isObject(raw.paths)) return null;
  const version = str(raw.openapi) ?? str(raw.swagger);
  if (version === null) return null;
  const swagger2 = raw.swagger !== undefined;
  const info = isObject(raw.info) ? raw.info : {};

  const operations: Operation[] = [];
  let operationCount = 0;
  for (const [path, item] of Object.entries(raw.paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      if (!isObject(item[method])) continue;
      operationCount++;
      if (operations.length < MAX_OPERATIONS)
        operations.push({ method: method.toUpperCase(), path, hasPathParameters: /\{[^}]*\}/.test(path) });
    }
  }

  const components = isObject(raw.components) ? raw.components : {};
  const schemas = swagger2 ? raw.definitions : components.schemas;
  const pointer = swagger2 ? '#/definitions' : '#/components/schemas';
  return {
    version,
    title: str(info.title),
    basePath: swagger2 ? normalizeBase(str(raw.basePath) ?? '') : serverBase(raw.servers, docUrl),
    operations,
    operationCount,
    securitySchemes: securityMechanisms(swagger2 ? raw.securityDefinitions : components.securitySchemes),
    entities: isObject(schemas) ? schemaEntities(raw, schemas, pointer, docLabel) : [],
  };
}

function normalizeBase(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** `servers[0].url` when it is a path or on the same origin as the document; other hosts are not probed. */
function serverBase(servers: unknown, docUrl: URL): string {
  const first = Array.isArray(servers) && isObject(servers[0]) ? str(servers[0].url) : null;
  if (first === null || first.includes('{')) return '';
  try {
    const url = new URL(first, docUrl);
    return url.origin === docUrl.origin ? normalizeBase(url.pathname) : '';
  } catch {
    return '';
  }
}

function securityMechanisms(schemes: unknown): string[] {
  if (!isObject(schemes)) return [];
  const out = new Set<string>();
  for (const scheme of Object.values(schemes)) {
    if (!isObject(scheme)) continue;
    const type = str(scheme.type)?.toLowerCase();
    if (type === 'http') {
      const name = str(scheme.scheme)?.toLowerCase() ?? 'auth';
      const format = str(scheme.bearerFormat);
      out.add(`HTTP ${name}${format ? ` (${format})` : ''}`);
    } else if (type === 'basic') out.add('HTTP basic');
    else if (type === 'apikey') out.add(`API key in ${str(scheme.in) ?? 'header'} "${str(scheme.name) ?? '?'}"`);
    else if (type === 'oauth2') out.add('OAuth 2');
    else if (type === 'openidconnect') out.add('OpenID Connect');
    else if (type === 'mutualtls') out.add('mutual TLS');
  }
  return [...out];
}

// ---------------------------------------------------------------------------------------------
// Schemas → records

/** `#/components/schemas/Order` → the schema and its name; other documents' refs are not fetched. */
function resolveRef(doc: Json, ref: string): { name: string; schema: Json } | null {
  if (!ref.startsWith('#/')) return null;
  let node: unknown = doc;
  const parts = ref
    .slice(2)
    .split('/')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const part of parts) {
    if (!isObject(node) || !Object.hasOwn(node, part)) return null;
    node = node[part];
  }
  return isObject(node) ? { name: parts[parts.length - 1]!, schema: node } : null;
}

/** The schema itself, or the one `$ref` / a single-member `allOf` points at (how nullable refs are written). */
function referenced(doc: Json, schema: Json): { name: string; schema: Json } | null {
  if (typeof schema.$ref === 'string') return resolveRef(doc, schema.$ref);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const refs = list.filter((s): s is Json => isObject(s) && typeof s.$ref === 'string');
      if (refs.length === 1 && list.length <= 2) return resolveRef(doc, refs[0]!.$ref as string);
    }
  }
  return null;
}

interface Shape {
  properties: Array<[string, Json]>;
  required: Set<string>;
}

/** Properties of an object schema, `allOf` members and `$ref`s merged; null for non-object schemas. */
function objectShape(doc: Json, schema: Json, depth = 0): Shape | null {
  if (depth > MAX_REF_DEPTH) return null;
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(doc, schema.$ref);
    return target ? objectShape(doc, target.schema, depth + 1) : null;
  }
  const shape: Shape = { properties: [], required: new Set() };
  let isObjectSchema = schema.type === 'object' || isObject(schema.properties);
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf) {
      const part = isObject(member) ? objectShape(doc, member, depth + 1) : null;
      if (!part) continue;
      isObjectSchema = true;
      shape.properties.push(...part.properties);
      for (const r of part.required) shape.required.add(r);
    }
  }
  if (!isObjectSchema) return null;
  if (isObject(schema.properties)) {
    for (const [name, prop] of Object.entries(schema.properties)) if (isObject(prop)) shape.properties.push([name, prop]);
  }
  if (Array.isArray(schema.required)) for (const r of schema.required) if (typeof r === 'string') shape.required.add(r);
  // A later allOf member or the schema's own properties override earlier ones of the same name.
  const seen = new Map(shape.properties);
  shape.properties = [...seen.entries()];
  return shape;
}

function primitiveType(schema: Json): string | null {
  if (Array.isArray(schema.type)) return schema.type.find((t): t is string => typeof t === 'string' && t !== 'null') ?? null;
  return str(schema.type);
}

function isNullable(schema: Json): boolean {
  return schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null'));
}

const TEXT_WORDS = new Set([
  'description',
  'body',
  'content',
  'notes',
  'note',
  'text',
  'bio',
  'comment',
  'comments',
  'message',
  'summary',
  'details',
  'html',
  'markdown',
  'about',
]);

function stringType(name: string, schema: Json, format: string): FieldType {
  const w = nameWords(name);
  const kind = textKindFromName(name);
  if (format === 'uuid') return 'UUID';
  if (format === 'date') return 'Date';
  if (format === 'date-time') return 'DateTime';
  if (format === 'email' || kind === 'Email') return 'Email';
  if (format === 'uri' || format === 'url' || kind === 'URL') return 'URL';
  if (kind === 'Phone') return 'Phone';
  if (format === '' && w.at(-1) === 'at' && w.length > 1) return 'DateTime';
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : null;
  if (maxLength !== null) return maxLength > 255 ? 'Text' : 'String';
  return w.some((x) => TEXT_WORDS.has(x)) ? 'Text' : 'String';
}

/** The closest FieldType, and the type as the document wrote it. */
export function mapField(doc: Json, name: string, schema: Json): { type: FieldType; source_type: string } {
  const target = referenced(doc, schema);
  if (target && !isObject(target.schema.properties) && target.schema.type !== 'object') {
    // A $ref to a named enum or primitive: map what it points at, keep the name as found.
    const mapped = mapField(doc, name, target.schema);
    return { type: mapped.type, source_type: `$ref ${target.name}` };
  }
  const type = primitiveType(schema);
  const format = str(schema.format)?.toLowerCase() ?? '';
  const source_type = `${type ?? 'any'}${format ? `(${format})` : ''}${Array.isArray(schema.enum) ? ' enum' : ''}`;
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && type !== 'boolean') return { type: 'Enum', source_type };
  switch (type) {
    case 'integer':
      return { type: 'Integer', source_type };
    case 'number':
      return { type: format === 'int32' || format === 'int64' ? 'Integer' : 'Decimal', source_type };
    case 'boolean':
      return { type: 'Boolean', source_type };
    case 'string':
      return { type: stringType(name, schema, format), source_type };
    case 'array':
    case 'object':
      return { type: 'Text', source_type };
    default:
      return { type: 'String', source_type };
  }
}

/** Names that are not records: error bodies. */
function isErrorSchema(name: string): boolean {
  return /(error|problem|exception)s?$/i.test(name) || /^(error|problem)(details|response)?$/i.test(name);
}

function squash(name: string): string {
  return nameWords(name).join('');
}

/** `customer_id` / `customerId` → the schema named Customer, if there is one. */
function referenceByName(field: string, entityNames: Map<string, string>): string | null {
  const w = nameWords(field);
  if (w.length < 2 || w.at(-1) !== 'id') return null;
  const base = w.slice(0, -1).join('');
  return entityNames.get(base) ?? entityNames.get(`${base}s`) ?? entityNames.get(base.replace(/s$/, '')) ?? null;
}

function schemaEntities(doc: Json, schemas: Json, pointer: string, docLabel: string): DiscoveredEntity[] {
  const shapes: Array<[string, Shape]> = [];
  for (const [name, schema] of Object.entries(schemas)) {
    if (shapes.length >= MAX_ENTITIES) break;
    if (!isObject(schema) || isErrorSchema(name)) continue;
    const shape = objectShape(doc, schema);
    if (shape && shape.properties.length > 0) shapes.push([name, shape]);
  }
  const entityNames = new Map(shapes.map(([name]) => [squash(name), name]));
  const evidenceBase = `openapi ${docLabel}`;

  return shapes.map(([name, shape]) => {
    const fields: DiscoveredEntity['fields'] = [];
    const references: DiscoveredEntity['references'] = [];
    for (const [field, prop] of shape.properties.slice(0, MAX_FIELDS)) {
      if (primitiveType(prop) === 'array') {
        // A list of other records is the other side of their reference; a list of values is kept as text.
        const items = isObject(prop.items) ? prop.items : {};
        const ref = referenced(doc, items);
        if (ref && entityNames.has(squash(ref.name))) continue;
      }
      const target = referenced(doc, prop);
      const targetIsEntity = target !== null && entityNames.has(squash(target.name));
      const mapped = targetIsEntity ? { type: idType(doc, target.schema), source_type: `$ref ${target.name}` } : mapField(doc, field, prop);
      const primary = field.toLowerCase() === 'id';
      fields.push({
        name: field,
        type: mapped.type,
        source_type: mapped.source_type,
        required: shape.required.has(field) && !isNullable(prop),
        unique: primary,
        primary_key: primary,
      });
      const referenceTarget = targetIsEntity ? target.name : referenceByName(field, entityNames);
      if (referenceTarget !== null) references.push({ field, target: referenceTarget, on_delete: 'restrict' });
    }
    return { source_name: name, fields, references, rows: null, evidence: `${evidenceBase}${pointer}/${name}` };
  });
}

/** The type a reference to `schema` holds: the type of its `id`, UUID when it has none. */
function idType(doc: Json, schema: Json): FieldType {
  const id = objectShape(doc, schema)?.properties.find(([n]) => n.toLowerCase() === 'id');
  return id ? mapField(doc, 'id', id[1]).type : 'UUID';
}
