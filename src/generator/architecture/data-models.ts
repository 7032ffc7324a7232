/**
 * `architecture/data-models.json` from the plan's domain. The code generator relies on these conventions
 * exactly (ARCHITECTURE.md §4): id first, then user_id for owned models, then domain fields, then links,
 * then created_at/updated_at; a User model first when sign-in is on.
 */
import { DataModels, type DataModel, type DomainEntity, type ModelField, type Plan } from '../../contracts/index.ts';

const TEXT_TYPES = new Set(['String', 'Text', 'Email']);

const ID: ModelField = { name: 'id', type: 'UUID', required: true, primary_key: true, readonly: true, label: 'ID' };
const TIMESTAMPS: ModelField[] = [
  { name: 'created_at', type: 'DateTime', required: true, readonly: true, label: 'Created At' },
  { name: 'updated_at', type: 'DateTime', required: true, readonly: true, label: 'Updated At' },
];
const OWNER: ModelField = {
  name: 'user_id',
  type: 'UUID',
  required: true,
  readonly: true,
  foreign_key: 'User.id',
  on_delete: 'cascade',
  label: 'User',
};

const USER_MODEL: DataModel = {
  name: 'User',
  collection: 'users',
  resource: null,
  label: 'User',
  label_plural: 'Users',
  fields: [
    ID,
    { name: 'email', type: 'Email', required: true, unique: true, max_length: 254, label: 'Email' },
    { name: 'password_hash', type: 'String', required: true, private: true, label: 'Password Hash' },
    ...TIMESTAMPS,
  ],
  indexes: [{ fields: ['email'], unique: true }],
  owned: false,
  access: { read: 'owner', write: 'owner' },
  searchable: [],
  display_field: 'email',
};

function modelOf(entity: DomainEntity): DataModel {
  const fields: ModelField[] = [ID];
  const indexes: DataModel['indexes'] = [];
  if (entity.owned) {
    fields.push(OWNER);
    indexes.push({ fields: ['user_id'] });
  }
  for (const f of entity.fields) {
    const field: ModelField = { name: f.name, type: f.type, required: f.required };
    if (f.unique) field.unique = true;
    if (f.default !== undefined) field.default = f.default;
    if (f.enum_values) field.enum_values = [...f.enum_values];
    if (f.min !== undefined) field.min = f.min;
    if (f.max !== undefined) field.max = f.max;
    if (f.max_length !== undefined) field.max_length = f.max_length;
    field.label = f.label;
    fields.push(field);
    if (f.unique) indexes.push({ fields: [f.name], unique: true });
  }
  for (const rel of entity.relations) {
    fields.push({
      name: rel.field,
      type: 'UUID',
      required: rel.required,
      foreign_key: `${rel.target}.id`,
      on_delete: rel.on_delete,
      label: rel.target.replace(/([a-z0-9])([A-Z])/g, '$1 $2'),
    });
    indexes.push({ fields: [rel.field] });
  }
  fields.push(...TIMESTAMPS);
  const display = entity.fields.find((f) => TEXT_TYPES.has(f.type));
  return {
    name: entity.name,
    collection: entity.plural,
    resource: entity.plural.replace(/_/g, '-'),
    label: entity.label,
    label_plural: entity.label_plural,
    fields,
    indexes,
    owned: entity.owned,
    access: { ...entity.access },
    searchable: [...entity.searchable],
    display_field: display ? display.name : 'id',
  };
}

export function buildDataModels(plan: Plan): DataModels {
  const { domain } = plan;
  const models = domain.entities.map(modelOf);
  return DataModels.parse({
    app_name: domain.app_name,
    slug: domain.slug,
    auth: { ...domain.auth },
    models: domain.auth.enabled ? [USER_MODEL, ...models] : models,
  });
}
