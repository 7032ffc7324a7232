/**
 * zod request schemas per model, derived from field types and constraints. Three shapes: create/replace
 * (required fields present, defaults applied) and patch (every field optional, no defaults — so a
 * partial update never resets a field the client did not send).
 */
import type { DataModel, DataModels, ModelField } from '../../../contracts/artifacts.ts';
import { editableFields, filterFields, isRequired, resourceModels, sortFields, stringMaxLength } from '../model-facts.ts';
import { kebab, lit } from '../naming.ts';
import type { AppFile } from '../app-file.ts';

/** The schema of one field's value when it is present (nullable when the field is optional). */
export function fieldSchema(field: ModelField): string {
  let s: string;
  const min = field.min !== undefined ? `.min(${field.min})` : '';
  const max = field.max !== undefined ? `.max(${field.max})` : '';
  switch (field.type) {
    case 'UUID':
      s = 'z.uuid()';
      break;
    case 'Integer':
      // Bounded to 32 bits so every accepted value fits the INTEGER column of both dialects.
      s = `z.number().int()${min || '.min(-2147483648)'}${max || '.max(2147483647)'}`;
      break;
    case 'Decimal':
      s = `z.number()${min}${max}`;
      break;
    case 'Boolean':
      s = 'z.boolean()';
      break;
    case 'Date':
      s = 'z.iso.date()';
      break;
    case 'DateTime':
      s = 'z.iso.datetime({ offset: true }).transform((value) => new Date(value))';
      break;
    case 'Email':
      s = `z.email().max(${Math.min(stringMaxLength(field), 254)})`;
      break;
    case 'URL':
      s = `z.url({ protocol: /^https?$/ }).max(${Math.min(stringMaxLength(field), 2048)})`;
      break;
    case 'Phone':
      s = "z.string().trim().regex(/^\\+?[0-9][0-9 ().-]{5,24}$/, 'must be a phone number')";
      break;
    case 'Enum':
      s = `z.enum(${JSON.stringify(field.enum_values ?? [])})`;
      break;
    default: {
      const minLength = isRequired(field) ? ".min(1, 'is required')" : '';
      s = `z.string()${field.type === 'String' ? '.trim()' : ''}${minLength}.max(${stringMaxLength(field)})`;
    }
  }
  return isRequired(field) ? s : `${s}.nullable()`;
}

function defaultLiteral(field: ModelField): string | null {
  if (field.default === undefined) return null;
  const d = field.default;
  if (field.type === 'Boolean') return String(d === true || d === 'true');
  if (field.type === 'Integer' || field.type === 'Decimal') return Number.isFinite(Number(d)) ? String(Number(d)) : null;
  if (field.type === 'Enum' && !(field.enum_values ?? []).includes(String(d))) return null;
  if (field.type === 'DateTime') return null;
  return lit(String(d));
}

export function modelModulePath(model: DataModel): string {
  return `backend/src/models/${kebab(model.name)}.ts`;
}

/** The query schema of a resource's list: paging and search, one exact-match filter per filter field, sort and order. */
function listQuerySchema(models: DataModels, model: DataModel): string {
  const name = model.name;
  const sorts = sortFields(models, model);
  const defaultSort = sorts.includes('created_at') ? 'created_at' : sorts[0];
  const filters = filterFields(models, model).map((f) => {
    const schema =
      f.type === 'Boolean' ? 'BooleanParam' : f.type === 'Enum' ? `z.enum(${JSON.stringify(f.enum_values ?? [])})` : 'z.uuid()';
    return `  ${f.name}: ${schema}.optional(),`;
  });
  return `
/** \`GET\` list parameters: \`?limit&offset\`, \`?q=\` text search, exact filters, \`?sort=<field>&order=asc|desc\`. */
export const ${name}ListQuery = ListQueryBase.extend({
${filters.join('\n')}${filters.length ? '\n' : ''}  sort: z.enum(${JSON.stringify(sorts)}).default(${lit(defaultSort ?? 'created_at')}),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type ${name}ListQueryInput = z.output<typeof ${name}ListQuery>;
`;
}

function validationModule(models: DataModels, model: DataModel): string {
  const listed = resourceModels(models).includes(model);
  const fields = editableFields(model);
  const name = model.name;
  const fieldLines = fields.map((f) => `  ${f.name}: ${fieldSchema(f)},`);
  const createLines = fields.map((f) => {
    const d = defaultLiteral(f);
    if (d !== null) return `  ${f.name}: ${name}Fields.${f.name}.default(${d}),`;
    return `  ${f.name}: ${name}Fields.${f.name}${isRequired(f) ? '' : '.optional()'},`;
  });
  const queryImports = ['ListQueryBase', ...(filterFields(models, model).some((f) => f.type === 'Boolean') ? ['BooleanParam'] : [])].sort();
  return `import { z } from 'zod';${listed ? `\nimport { ${queryImports.join(', ')} } from '../http/request-parsing.ts';` : ''}

/** What a client may send for each field (server-managed fields are not listed). */
export const ${name}Fields = {
${fieldLines.join('\n')}
};

/** POST and PUT bodies: required fields must be present; defaults fill the rest. */
export const ${name}Create = z.object({
${createLines.join('\n')}
});
export type ${name}CreateInput = z.output<typeof ${name}Create>;

/** PATCH bodies: any subset of fields, nothing defaulted. */
export const ${name}Patch = z.object(${name}Fields).partial();
export type ${name}PatchInput = z.output<typeof ${name}Patch>;
${listed ? listQuerySchema(models, model) : ''}`;
}

export function validationFiles(models: DataModels): AppFile[] {
  return models.models
    .filter((m) => editableFields(m).length > 0 || m.name !== 'User')
    .map((m) => ({ path: modelModulePath(m), content: validationModule(models, m), group: 'models' as const }));
}
