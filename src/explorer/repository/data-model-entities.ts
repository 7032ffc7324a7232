/**
 * A Catalyst-generated repository keeps its records in `architecture/data-models.json` (the DataModels
 * contract): the most faithful source there is, since it is what the app was generated from.
 */
import { DataModels } from '../../contracts/artifacts.ts';
import type { DiscoveredEntity } from '../../contracts/explorer.ts';

export interface DataModelReading {
  entities: DiscoveredEntity[];
  /** Why the file was not used, when it was not. */
  problem: string | null;
}

export function dataModelEntities(path: string, content: string): DataModelReading {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { entities: [], problem: `${path} is not valid JSON` };
  }
  const parsed = DataModels.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      entities: [],
      problem: `${path} does not match the data models contract (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`,
    };
  }
  const entities = parsed.data.models.map((model) => ({
    source_name: model.name,
    fields: model.fields.map((f) => ({
      name: f.name,
      type: f.type,
      source_type: f.type,
      required: f.required ?? false,
      unique: f.unique ?? false,
      primary_key: f.primary_key ?? false,
    })),
    references: model.fields
      .filter((f) => f.foreign_key !== undefined)
      .map((f) => ({ field: f.name, target: f.foreign_key!.replace(/\.id$/, ''), on_delete: f.on_delete ?? 'restrict' })),
    rows: null,
    evidence: `${path} (model ${model.name}, table ${model.collection})`,
  }));
  return { entities, problem: null };
}

/** The table names the models live in, so SQL migrations of the same tables are not reported twice. */
export function dataModelTables(content: string): string[] {
  try {
    const parsed = DataModels.safeParse(JSON.parse(content));
    return parsed.success ? parsed.data.models.map((m) => m.collection) : [];
  } catch {
    return [];
  }
}
