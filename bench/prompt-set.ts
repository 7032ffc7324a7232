/**
 * The line format of the benchmark's prompt files (bench/prompts.jsonl, bench/prompts/*.jsonl). One schema
 * serves `bench:quality`, which parses every line it reads, and the test that keeps the files valid and the
 * two halves balanced (bench/prompts/README.md).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const PROMPT_CLASSES = ['log', 'join', 'options', 'attributes', 'form', 'personal'] as const;
export const PROMPT_LANGUAGES = ['fr', 'de', 'es', 'pt', 'it', 'nl'] as const;
export const PROMPT_STYLES = [
  'one-liner',
  'paragraph',
  'list',
  'typo',
  'language:fr',
  'language:de',
  'language:es',
  'language:pt',
  'language:it',
  'language:nl',
] as const;

/** An entity as a user names it: lower case and singular, words apart ("gift idea"), accents kept ("séance"). */
const EntityName = z.string().regex(/^\p{Ll}[\p{Ll}\p{N}' -]*$/u, 'lower-case singular name');
/** A field as the generated model names it: the fields check compares names exactly (or `<name>_id`). */
const FieldName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case field name');

export const PromptLine = z
  .object({
    id: z.string().regex(/^[a-z]+\d+$/),
    prompt: z.string().min(1),
    entities: z.array(EntityName),
    auth: z.boolean(),
    fields: z.record(EntityName, z.array(FieldName).min(1)).optional(),
    enums: z.record(FieldName, z.array(z.string().min(1)).min(1)).optional(),
    /** Other names a user would accept for an expected entity: a synonym, the request's own longer noun, a gloss. */
    aliases: z.record(EntityName, z.array(EntityName).min(1)).optional(),
    class: z.enum(PROMPT_CLASSES).optional(),
    style: z.enum(PROMPT_STYLES).optional(),
    note: z.string().optional(),
  })
  .strict()
  .superRefine((line, ctx) => {
    for (const key of ['fields', 'aliases'] as const)
      for (const entity of Object.keys(line[key] ?? {}))
        if (!line.entities.includes(entity))
          ctx.addIssue({ code: 'custom', path: [key, entity], message: `${entity} is not one of the expected entities` });
  });
export type PromptLine = z.infer<typeof PromptLine>;

/** A line of the written benchmark (bench/prompts/): its half in the id, and a class and style always. */
export const SetPromptLine = PromptLine.superRefine((line, ctx) => {
  if (!/^[tc]\d{3}$/.test(line.id)) ctx.addIssue({ code: 'custom', path: ['id'], message: 'id is t### or c###' });
  if (line.class === undefined) ctx.addIssue({ code: 'custom', path: ['class'], message: 'class is required' });
  if (line.style === undefined) ctx.addIssue({ code: 'custom', path: ['style'], message: 'style is required' });
});

/** The lines of a JSON-lines prompt file, each parsed; an invalid line throws with its line number. */
export function readPromptFile(path: string, schema: z.ZodType<PromptLine> = PromptLine): PromptLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((text, index) => ({ text, index }))
    .filter(({ text }) => text.trim())
    .map(({ text, index }) => {
      const parsed = schema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`${path}:${index + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}
