/**
 * Facts the templates derive from DataModels: which fields a client may send, which are references,
 * what a valid sample value looks like. Keeping them in one place means the schema, the validation,
 * the services, the UI and the generated tests all agree on the same reading of a model.
 */
import type { DataModel, DataModels, ModelField } from '../../contracts/artifacts.ts';

/** Fields the server fills in itself; never accepted from a request body. */
const SERVER_FIELDS = new Set(['id', 'created_at', 'updated_at', 'user_id']);

export function isEditable(field: ModelField): boolean {
  return !SERVER_FIELDS.has(field.name) && field.readonly !== true && field.private !== true && field.primary_key !== true;
}

export function editableFields(model: DataModel): ModelField[] {
  return model.fields.filter(isEditable);
}

export function isRequired(field: ModelField): boolean {
  return field.required === true || field.primary_key === true || SERVER_FIELDS.has(field.name);
}

/** `"Book.id"` → `"Book"`. */
export function referencedModelName(field: ModelField): string | null {
  return field.foreign_key ? field.foreign_key.slice(0, -'.id'.length) : null;
}

export function findModel(models: DataModels, name: string): DataModel | undefined {
  return models.models.find((m) => m.name === name);
}

/** Models served as REST resources: everything but User, and only those with a path. */
export function resourceModels(models: DataModels): DataModel[] {
  return models.models.filter((m) => m.name !== 'User' && m.resource !== null);
}

export function userModel(models: DataModels): DataModel | undefined {
  return models.auth.enabled ? findModel(models, 'User') : undefined;
}

/** Owned rows are scoped to their user only when there is a user to scope them to. */
export function isOwned(models: DataModels, model: DataModel): boolean {
  return models.auth.enabled && model.owned && model.fields.some((f) => f.name === 'user_id');
}

export type Operation = 'read' | 'write';
export function needsUser(models: DataModels, model: DataModel, op: Operation): boolean {
  if (!models.auth.enabled) return false;
  return isOwned(models, model) || model.access[op] !== 'public';
}

/** References a client sets (user_id is the server's), each with the model it points at. */
export function clientReferences(models: DataModels, model: DataModel): { field: ModelField; target: DataModel }[] {
  const out: { field: ModelField; target: DataModel }[] = [];
  for (const field of editableFields(model)) {
    const targetName = referencedModelName(field);
    const target = targetName ? findModel(models, targetName) : undefined;
    if (target) out.push({ field, target });
  }
  return out;
}

export function fieldLabel(field: ModelField): string {
  if (field.label) return field.label;
  const words = field.name.replace(/_id$/, '').split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Searchable fields that exist and hold text, so `lower(col) like ?` is meaningful in both dialects. */
export function searchableFields(model: DataModel): ModelField[] {
  const textTypes = new Set(['String', 'Text', 'Email', 'URL', 'Phone', 'Enum']);
  return model.searchable
    .map((name) => model.fields.find((f) => f.name === name))
    .filter((f): f is ModelField => f !== undefined && textTypes.has(f.type) && f.private !== true);
}

export function stringMaxLength(field: ModelField): number {
  if (field.max_length) return field.max_length;
  return field.type === 'Text' ? 10000 : 255;
}

/** Query parameters every list already uses; a field with one of these names cannot double as a filter. */
const RESERVED_QUERY_NAMES = new Set(['limit', 'offset', 'q', 'sort', 'order']);

/**
 * Fields a list can be filtered by with `?field=value`: enums, booleans and references (all exact
 * matches, so they are cheap and unambiguous). Free text goes through `?q=` instead.
 */
export function filterFields(models: DataModels, model: DataModel): ModelField[] {
  const refs = new Set(clientReferences(models, model).map((r) => r.field.name));
  return editableFields(model).filter(
    (f) => !RESERVED_QUERY_NAMES.has(f.name) && (f.type === 'Enum' || f.type === 'Boolean' || refs.has(f.name)),
  );
}

/** Columns `?sort=` accepts: the timestamps and every plain field a client sets (ids are not meaningful orders). */
export function sortFields(models: DataModels, model: DataModel): string[] {
  const refs = new Set(clientReferences(models, model).map((r) => r.field.name));
  const own = editableFields(model)
    .filter((f) => f.type !== 'UUID' && !refs.has(f.name))
    .map((f) => f.name);
  const stamps = ['created_at', 'updated_at'].filter((name) => model.fields.some((f) => f.name === name));
  return [...stamps, ...own];
}

/**
 * What happens to a row when the row it refers to is deleted. The model's `on_delete` wins, except that
 * "set null" on a required column could never succeed, so it is read as "restrict" (refuse the delete).
 */
export function onDeleteRule(field: ModelField): 'cascade' | 'set null' | 'restrict' {
  const rule = field.on_delete ?? (isRequired(field) ? 'cascade' : 'set null');
  return rule === 'set null' && isRequired(field) ? 'restrict' : rule;
}

/** A boolean that marks a record as finished, so the UI can show it struck through. */
export function completionField(model: DataModel): ModelField | undefined {
  return editableFields(model).find(
    (f) => f.type === 'Boolean' && /^(is_)?(done|completed?|finished|resolved|closed|checked|purchased|paid|read|watched)$/.test(f.name),
  );
}
