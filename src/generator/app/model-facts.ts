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
