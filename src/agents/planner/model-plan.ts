/**
 * The planner with a model (issue 14): the model writes the plan's content — features, acceptance criteria,
 * tasks, risks, assumptions, open questions and the app's scope (its kind and every asked-for behaviour
 * beyond CRUD) — from the request and the deterministic understanding, which is both its context and its
 * fallback.
 *
 * The domain stays the understanding's: entity names, auth and relations come from the rules, because the
 * project was named from them at submit and the architect, the coder and the UI all derive from them. The
 * model may only add fields to those entities (`added_fields`); each must pass the Domain contract, so a field
 * the generated code cannot hold is sent back in the repair round. The API endpoints are then read off the
 * domain by the rules, since they describe exactly what the coder generates.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { AppKind, type AppScope } from '../../contracts/app-scope.ts';
import { Domain, DomainField, Plan, PlanFeature, PlanRisk, PlanTask } from '../../contracts/artifacts.ts';
import type { TaskModel } from '../../core/ports/llm.ts';
import { planEndpoints } from '../../generator/plan/plan-content.ts';
import { askForObject, type AskResult } from '../shared/ask-for-object.ts';

/**
 * A field as the model writes it: every property present, null for "not set". OpenAI's structured output
 * (strict by default in the AI SDK) refuses schemas with optional properties, so DomainField's optional ones
 * are nullable here and dropped when null (fieldOf).
 */
const ModelField = z.object({
  name: DomainField.shape.name,
  label: DomainField.shape.label,
  type: DomainField.shape.type,
  required: z.boolean(),
  enum_values: z.array(z.string().min(1)).nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  max_length: z.number().int().positive().nullable(),
  default: z.union([z.string(), z.number(), z.boolean()]).nullable(),
  unique: z.boolean().nullable(),
});
type ModelField = z.infer<typeof ModelField>;

function fieldOf(f: ModelField): DomainField {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== null)) as DomainField;
}

/** What the model answers; the rest of the Plan (name, endpoints, domain) is Catalyst's. */
export const ModelPlan = z.object({
  project: z.object({
    description: z.string().min(1).describe('what the app does, in one or two sentences'),
    target_users: z.string().min(1),
  }),
  features: z.array(PlanFeature).min(1),
  tasks: z.array(PlanTask).min(1),
  risk_assessment: z.array(PlanRisk),
  assumptions: z.array(z.string()),
  open_questions: z.array(z.string()),
  added_fields: z
    .array(z.object({ entity: z.string().describe('an entity name from the understanding'), field: ModelField }))
    .describe('fields the request needs that the understanding missed; [] when none'),
  scope: z.object({
    kind: AppKind,
    behaviours: z
      .array(z.object({ name: z.string().min(1).describe("in the user's words: 'redirect a short link to its long URL'") }))
      .describe('every asked-for behaviour beyond creating, listing, editing and deleting records; [] for a records app'),
  }),
});
export type ModelPlan = z.infer<typeof ModelPlan>;

/**
 * Why a model-planned behaviour is not built: the coder has no model of its own, so it generates only the
 * records part of an app (CRUD) from the data models. With a coder model the planner marks them built.
 */
export const NOT_BUILT_BY_CODER = 'the coder has no language model configured, so it builds the records (CRUD) part only';

const SYSTEM = [
  'You are the planner of Catalyst, a software factory that builds TypeScript web apps (Fastify API, React frontend, SQLite/PostgreSQL through drizzle-orm).',
  'Plan what the request asks for: features with ids F1, F2, … and concrete, testable acceptance criteria; tasks with ids T1, T2, … that each belong to one feature, depend only on earlier tasks and name the files they touch; the risks of this app; what you assumed; what a person should still confirm.',
  "Keep the understanding's entities and their names exactly: the data model is decided. Add a field only when the request clearly needs it and the understanding missed it.",
  'Say what kind of app it is (records_app, interactive_tool, game, content_site, real_time, mixed) and list every asked-for behaviour beyond creating, listing, editing and deleting records.',
  'Answer with one JSON object matching the schema, nothing else.',
].join('\n');

export interface PlanContext {
  requirements: string;
  domain: Domain;
  assumptions: readonly string[];
  openQuestions: readonly string[];
  /** The rule-made plan: a draft the model may keep, change or extend (its tasks name the generated app's files). */
  draft: Plan;
  /** The rules' reading of the app's kind and its behaviours beyond CRUD: a hint the model may correct. */
  rulesScope?: AppScope;
}

export function planPrompt(c: PlanContext): string {
  const draft = { features: c.draft.features, tasks: c.draft.tasks, risk_assessment: c.draft.risk_assessment };
  return [
    `Request:\n${c.requirements}`,
    `Understanding (the data model, decided by Catalyst's rules):\n${JSON.stringify(c.domain)}`,
    `Assumptions so far:\n${c.assumptions.map((a) => `- ${a}`).join('\n') || '(none)'}`,
    `Open questions so far:\n${c.openQuestions.map((q) => `- ${q}`).join('\n') || '(none)'}`,
    `Draft plan made by the rules (keep what fits, change what the request needs otherwise):\n${stringify(draft, { lineWidth: 0 })}`,
    ...(c.rulesScope
      ? [
          `What the rules read as the app's kind and behaviours beyond records (correct it if the request says otherwise):\n${JSON.stringify({ kind: c.rulesScope.kind, behaviours: c.rulesScope.behaviours.map((b) => b.name) })}`,
        ]
      : []),
  ].join('\n\n');
}

/** Problems beyond the schema that make a plan unusable; each goes back to the model in the repair round. */
export function planProblems(answer: ModelPlan, domain: Domain): string[] {
  const problems: string[] = [];
  const featureIds = new Set<string>();
  for (const f of answer.features) {
    if (featureIds.has(f.id)) problems.push(`feature id ${f.id} is used twice`);
    featureIds.add(f.id);
    if (f.acceptance_criteria.length === 0) problems.push(`feature ${f.id} has no acceptance criteria`);
  }
  const taskIds = new Set<string>();
  for (const t of answer.tasks) {
    if (taskIds.has(t.id)) problems.push(`task id ${t.id} is used twice`);
    taskIds.add(t.id);
  }
  const seen = new Set<string>();
  for (const t of answer.tasks) {
    if (!featureIds.has(t.feature)) problems.push(`task ${t.id} belongs to feature ${t.feature}, which is not in features`);
    for (const d of t.depends_on)
      if (!seen.has(d)) problems.push(`task ${t.id} depends on ${d}, which is not an earlier task (list tasks in dependency order)`);
    seen.add(t.id);
  }
  for (const f of answer.features)
    for (const t of f.tasks) if (!taskIds.has(t)) problems.push(`feature ${f.id} lists task ${t}, which is not in tasks`);
  const names = domain.entities.map((e) => e.name);
  for (const { entity } of answer.added_fields)
    if (!names.includes(entity)) problems.push(`added_fields names entity ${entity}; the entities are ${names.join(', ')}`);
  if (problems.length > 0) return problems;
  const parsed = Domain.safeParse(withAddedFields(domain, answer));
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((i) => `the domain with added_fields is invalid at ${i.path.join('.')}: ${i.message}`));
  for (const entity of domain.entities) {
    const taken = [...entity.fields.map((f) => f.name), ...entity.relations.map((r) => r.field)];
    for (const { field } of answer.added_fields.filter((a) => a.entity === entity.name))
      if (taken.includes(field.name)) problems.push(`${entity.name} already has a field ${field.name}`);
  }
  return problems;
}

function withAddedFields(domain: Domain, answer: ModelPlan): Domain {
  return {
    ...domain,
    entities: domain.entities.map((e) => ({
      ...e,
      fields: [...e.fields, ...answer.added_fields.filter((a) => a.entity === e.name).map((a) => fieldOf(a.field))],
    })),
  };
}

/** The Plan from the model's answer (already checked by planProblems). */
export function planFromModel(answer: ModelPlan, domain: Domain): Plan {
  const full = Domain.parse(withAddedFields(domain, answer));
  return Plan.parse({
    project: { name: full.app_name, ...answer.project },
    features: answer.features,
    tasks: answer.tasks,
    api_endpoints: planEndpoints(full),
    risk_assessment: answer.risk_assessment,
    assumptions: answer.assumptions,
    open_questions: answer.open_questions,
    domain: full,
    scope: {
      kind: answer.scope.kind,
      behaviours: answer.scope.behaviours.map((b) => ({ name: b.name, built: false, reason: NOT_BUILT_BY_CODER })),
      decided_by: 'model',
    },
  });
}

/** Asks the planner's model for the plan; a failing model error (budget, auth, …) is thrown. */
export async function askForPlan(model: TaskModel, c: PlanContext): Promise<AskResult<Plan>> {
  const asked = await askForObject(
    model,
    { system: SYSTEM, prompt: planPrompt(c), schema: ModelPlan, schemaName: 'plan', schemaDescription: 'the plan of the app' },
    { document: 'plan', check: (answer) => planProblems(answer, c.domain) },
  );
  return asked.ok ? { ...asked, object: planFromModel(asked.object, c.domain) } : asked;
}
