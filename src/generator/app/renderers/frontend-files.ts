/** The React + Vite frontend: shared components plus one generated metadata module per app. */
import type { DataModels, ModelField } from '../../../contracts/artifacts.ts';
import {
  completionField,
  editableFields,
  fieldLabel,
  filterFields,
  findModel,
  isRequired,
  referencedModelName,
  resourceModels,
  searchableFields,
  sortFields,
  stringMaxLength,
} from '../model-facts.ts';
import { htmlEscape, lit } from '../naming.ts';
import type { AppFile } from '../app-file.ts';

function fieldMeta(models: DataModels, field: ModelField): string {
  const parts = [
    `name: ${lit(field.name)}`,
    `label: ${lit(fieldLabel(field))}`,
    `type: ${lit(field.type)}`,
    `required: ${isRequired(field)}`,
  ];
  if (field.type === 'Enum') parts.push(`enumValues: ${JSON.stringify(field.enum_values ?? []).replace(/</g, '\\u003c')}`);
  if (field.min !== undefined) parts.push(`min: ${field.min}`);
  if (field.max !== undefined) parts.push(`max: ${field.max}`);
  if (['String', 'Text'].includes(field.type)) parts.push(`maxLength: ${stringMaxLength(field)}`);
  if (field.default !== undefined && field.type !== 'DateTime') {
    const d = field.type === 'Boolean' ? field.default === true || field.default === 'true' : field.default;
    parts.push(`defaultValue: ${lit(d)}`);
  }
  const targetName = referencedModelName(field);
  const target = targetName ? findModel(models, targetName) : undefined;
  if (target?.resource) {
    parts.push(`reference: { resource: ${lit(target.resource)}, displayField: ${lit(target.display_field)}, label: ${lit(target.label)} }`);
  }
  return `      { ${parts.join(', ')} },`;
}

function appMeta(models: DataModels): string {
  const resources = resourceModels(models).map((m) => {
    const fields = editableFields(m).map((f) => fieldMeta(models, f));
    const filters = filterFields(models, m)
      .filter((f) => f.type === 'Enum' || f.type === 'Boolean')
      .map((f) => f.name);
    const sorts = sortFields(models, m).map((name) => {
      const field = m.fields.find((f) => f.name === name);
      const label = name === 'created_at' ? 'Date added' : name === 'updated_at' ? 'Last changed' : field ? fieldLabel(field) : name;
      return `{ name: ${lit(name)}, label: ${lit(label)} }`;
    });
    const done = completionField(m);
    return `  {
    name: ${lit(m.name)},
    label: ${lit(m.label)},
    labelPlural: ${lit(m.label_plural)},
    resource: ${lit(m.resource ?? '')},
    displayField: ${lit(m.display_field)},
    publicRead: ${m.access.read === 'public'},
    searchable: ${searchableFields(m).length > 0},
    filters: ${JSON.stringify(filters)},
    sortFields: [${sorts.join(', ')}],${done ? `\n    doneField: ${lit(done.name)},` : ''}
    fields: [
${fields.join('\n')}
    ],
  },`;
  });
  return `// What the generic components need to know about this app's resources; generated from data-models.json.
import type { ResourceMeta } from './form-values.ts';

export const APP_NAME = ${lit(models.app_name)};
export const AUTH_ENABLED = ${models.auth.enabled};

export const RESOURCES: readonly ResourceMeta[] = [
${resources.join('\n')}
];
`;
}

function indexHtml(models: DataModels): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>${htmlEscape(models.app_name)}</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`;
}

export function frontendFiles(models: DataModels): AppFile[] {
  const g = 'frontend' as const;
  return [
    { path: 'frontend/index.html', content: indexHtml(models), group: g },
    { path: 'frontend/src/app-meta.ts', content: appMeta(models), group: g },
  ];
}
