/**
 * The architect with a model (issue 14): the model explains how the app works, names its parts, says how each
 * asked-for behaviour beyond CRUD (plan.scope) is meant to work and writes ADRs for this app's own decisions.
 * The data models, the OpenAPI contract, the tech stack and the diagrams stay generated from the plan, so
 * data-models.json and openapi.yaml always pass their schemas and match the code the coder renders; the
 * model's prose and ADRs go on top (src/generator/architecture DesignNotes).
 */
import { z } from 'zod';
import type { DataModels, Plan } from '../../contracts/artifacts.ts';
import type { TaskModel } from '../../core/ports/llm.ts';
import type { DesignNotes } from '../../generator/architecture/index.ts';
import { mdText } from '../../generator/plan/markdown.ts';
import { askForObject, type AskResult } from '../shared/ask-for-object.ts';

const Text = z.string().trim().min(1);

export const ModelDesign = z.object({
  overview: Text.describe('how the app works, in plain sentences (no Markdown); paragraphs separated by a blank line'),
  components: z.array(z.object({ name: Text, responsibility: Text })).min(1),
  behaviours: z
    .array(z.object({ name: Text.describe("the behaviour's name exactly as in the plan's scope"), design: Text }))
    .describe("one entry per behaviour in the plan's scope; [] when it lists none"),
  adrs: z
    .array(
      z.object({
        title: Text,
        context: Text,
        decision: Text,
        consequences: z.array(Text).min(1),
        alternatives: z.array(Text).min(1),
      }),
    )
    .min(1)
    .max(6)
    .describe("decisions specific to this app; not the stack choices, which the rules' ADRs already record"),
});
export type ModelDesign = z.infer<typeof ModelDesign>;

const SYSTEM = [
  'You are the architect of Catalyst, a software factory that builds TypeScript web apps.',
  'The tech stack, the data models and the REST API are decided (given below); do not change them.',
  'Explain how this app works, name its parts, say how each asked-for behaviour beyond records will work, and write architecture decision records for the decisions specific to this app.',
  'Write plain sentences without Markdown. Answer with one JSON object matching the schema, nothing else.',
].join('\n');

export interface DesignContext {
  plan: Plan;
  dataModels: DataModels;
  techStack: Record<string, string>;
  /** Titles of the ADRs the rules write anyway, so the model does not repeat them. */
  ruleAdrTitles: readonly string[];
}

export function designPrompt(c: DesignContext): string {
  const { plan } = c;
  const models = c.dataModels.models.map((m) => ({
    name: m.name,
    resource: m.resource,
    owned: m.owned,
    fields: m.fields.map((f) => `${f.name}: ${f.type}${f.required ? '' : '?'}${f.foreign_key ? ` → ${f.foreign_key}` : ''}`),
  }));
  return [
    `App: ${plan.project.name} — ${plan.project.description}`,
    `Features:\n${plan.features.map((f) => `- ${f.id} ${f.name}: ${f.description}\n${f.acceptance_criteria.map((a) => `  - ${a}`).join('\n')}`).join('\n')}`,
    `Kind: ${plan.scope?.kind ?? 'records_app'}; behaviours beyond records: ${
      (plan.scope?.behaviours ?? []).map((b) => JSON.stringify(b.name)).join(', ') || 'none'
    }`,
    `Tech stack:\n${Object.entries(c.techStack)
      .map(([k, v]) => `- ${k}: ${v}`)
      .join('\n')}`,
    `Data models (sign-in ${c.dataModels.auth.enabled ? 'on' : 'off'}):\n${JSON.stringify(models)}`,
    `ADRs already written by the rules: ${c.ruleAdrTitles.join('; ')}`,
  ].join('\n\n');
}

export function designProblems(answer: ModelDesign, c: DesignContext): string[] {
  const problems: string[] = [];
  const asked = (c.plan.scope?.behaviours ?? []).map((b) => b.name);
  const given = answer.behaviours.map((b) => b.name);
  for (const name of asked) if (!given.includes(name)) problems.push(`behaviours has no entry for ${JSON.stringify(name)}`);
  for (const name of given)
    if (!asked.includes(name)) problems.push(`behaviours names ${JSON.stringify(name)}, which is not in the plan's scope`);
  const titles = new Set(c.ruleAdrTitles.map((t) => t.toLowerCase()));
  for (const adr of answer.adrs) {
    if (titles.has(adr.title.toLowerCase())) problems.push(`ADR "${adr.title}" repeats one the rules already wrote (or another of yours)`);
    titles.add(adr.title.toLowerCase());
  }
  return problems;
}

/** A file-name slug for an ADR title: "Reminders run in-process" → "reminders-run-in-process". */
export function adrSlug(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'decision';
}

export function notesFromModel(answer: ModelDesign, by: string): DesignNotes {
  return {
    kind: 'model',
    by,
    overview: answer.overview,
    components: answer.components,
    behaviours: answer.behaviours,
    // ADR files are Markdown that UIs render: the model's words show as text, never as markup.
    adrs: answer.adrs.map((a) => ({
      slug: adrSlug(a.title),
      title: mdText(a.title),
      context: mdText(a.context),
      decision: mdText(a.decision),
      consequences: a.consequences.map(mdText),
      alternatives: a.alternatives.map(mdText),
    })),
  };
}

/** Asks the architect's model for its part of the design; a failing model error (budget, auth, …) is thrown. */
export async function askForDesign(model: TaskModel, c: DesignContext): Promise<AskResult<DesignNotes>> {
  const asked = await askForObject(
    model,
    {
      system: SYSTEM,
      prompt: designPrompt(c),
      schema: ModelDesign,
      schemaName: 'design',
      schemaDescription: "the app's design notes and ADRs",
    },
    { document: 'design', check: (answer) => designProblems(answer, c) },
  );
  return asked.ok ? { ...asked, object: notesFromModel(asked.object, `${asked.usage.provider} model ${asked.usage.model}`) } : asked;
}
