/** Language models and what they cost: the models per agent, a task's spend, and spend across tasks. */
import type { FastifyInstance } from 'fastify';
import { CostQuery, ModelList } from '../contracts/api.ts';
import { CostOverviewSchema, summarizeTaskCost, TaskCostSchema } from '../contracts/llm.ts';
import type { Runtime } from '../runtime.ts';
import { parseOr400 } from './http-errors.ts';
import { ErrorResponse, TaskIdParams, jsonSchema } from './openapi.ts';
import { loadTask } from './task-routes.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

export async function registerCostRoutes(app: FastifyInstance, runtime: Runtime): Promise<void> {
  const { state } = runtime.ports;

  app.get(
    '/api/models',
    {
      schema: {
        tags: ['models'],
        summary: 'The model of each agent that has one (provider, model, base URL without credentials, fallbacks); never a key',
        response: { 200: jsonSchema(ModelList), 401: ErrorResponse },
      },
    },
    async () => runtime.ports.models?.configured() ?? [],
  );

  app.get(
    '/api/tasks/:task_id/cost',
    {
      schema: {
        tags: ['models'],
        summary: "A task's model calls summed per agent and overall: calls, cache hits, failures, tokens in/cached/out, USD",
        params: TaskIdParams,
        response: { 200: jsonSchema(TaskCostSchema), ...errors },
      },
    },
    async (request) => {
      const task = await loadTask(runtime, request.params);
      return summarizeTaskCost(task.id, await state.listLlmCalls(task.id));
    },
  );

  app.get(
    '/api/cost',
    {
      schema: {
        tags: ['models'],
        summary: 'Spend across tasks: the newest tasks that called a model, and totals per agent, per model and overall',
        querystring: jsonSchema(CostQuery),
        response: { 200: jsonSchema(CostOverviewSchema), ...errors },
      },
    },
    async (request) => {
      const q = parseOr400(CostQuery, request.query, 'query');
      return state.costOverview({ limit: q.limit });
    },
  );
}
