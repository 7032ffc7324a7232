/** JSON Schemas for the OpenAPI document, generated from the zod contracts (one definition). */
import { z } from 'zod';

export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

export const ErrorResponse = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        hint: { type: 'string', nullable: true },
        fields: { type: 'array', items: { type: 'object' } },
      },
      required: ['code', 'message', 'hint'],
    },
  },
  required: ['error'],
} as const;

/** A full task id or its first 8 or more characters (the short id the CLI and UI show). */
export const TaskIdParams = {
  type: 'object',
  properties: { task_id: { type: 'string', pattern: '^[0-9a-fA-F-]{8,36}$' } },
  required: ['task_id'],
} as const;
