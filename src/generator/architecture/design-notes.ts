import type { Adr } from './adrs.ts';

/**
 * What the architect's model adds to the rule-made design (issue 14): prose and ADRs on top, while the data
 * models, the OpenAPI contract and the diagrams stay generated from the plan, so they always match the code.
 * `fallback` instead: the model's design could not be used, and design.md says why.
 */
export type DesignNotes =
  | {
      kind: 'model';
      /** Who wrote it: "openai model gpt-4o". */
      by: string;
      overview: string;
      components: ReadonlyArray<{ name: string; responsibility: string }>;
      /** How each asked-for behaviour beyond CRUD (plan.scope) is meant to work. */
      behaviours: ReadonlyArray<{ name: string; design: string }>;
      adrs: readonly Adr[];
    }
  | { kind: 'fallback'; note: string };
