/** Answers a model could give the agents for "build a todo app with user auth" (the understanding's entity: Todo). */
import type { ModelDesign } from '../../src/agents/architect/model-design.ts';
import type { ModelPlan } from '../../src/agents/planner/model-plan.ts';

export function modelPlanAnswer(over: Partial<ModelPlan> = {}): ModelPlan {
  return {
    project: { description: 'A personal todo list with reminders', target_users: 'People who keep their own todos' },
    features: [
      {
        id: 'F1',
        name: 'Accounts',
        description: 'Sign up and log in',
        priority: 'high',
        complexity: 'medium',
        tasks: ['T1', 'T2'],
        acceptance_criteria: ['A visitor can register and log in'],
      },
      {
        id: 'F2',
        name: 'Todos with reminders',
        description: 'Keep todos and get reminded before they are due',
        priority: 'high',
        complexity: 'medium',
        tasks: ['T3'],
        acceptance_criteria: ['A user can add a todo with a due date', 'A reminder is shown an hour before a todo is due'],
      },
    ],
    tasks: [
      {
        id: 'T1',
        feature: 'F1',
        description: 'Scaffold',
        type: 'infra',
        estimated_hours: 2,
        depends_on: [],
        files_affected: ['package.json'],
      },
      {
        id: 'T2',
        feature: 'F1',
        description: 'Auth routes',
        type: 'backend',
        estimated_hours: 2,
        depends_on: ['T1'],
        files_affected: ['backend/src/routes/auth-routes.ts'],
      },
      {
        id: 'T3',
        feature: 'F2',
        description: 'Todo routes and reminder job',
        type: 'backend',
        estimated_hours: 3,
        depends_on: ['T2'],
        files_affected: ['backend/src/routes/todo-routes.ts'],
      },
    ],
    risk_assessment: [{ risk: 'Reminders need a clock the tests control', severity: 'medium', mitigation: 'inject the clock' }],
    assumptions: ['Reminders are shown in the app, not sent by email'],
    open_questions: ['Should reminders repeat?'],
    added_fields: [
      {
        entity: 'Todo',
        field: {
          name: 'remind_at',
          label: 'Remind at',
          type: 'DateTime',
          required: false,
          enum_values: null,
          min: null,
          max: null,
          max_length: null,
          default: null,
          unique: null,
        },
      },
    ],
    scope: { kind: 'mixed', behaviours: [{ name: 'remind the user an hour before a todo is due' }] },
    ...over,
  };
}

export function modelDesignAnswer(over: Partial<ModelDesign> = {}): ModelDesign {
  return {
    overview: 'Todos live in the database with an optional reminder time.\n\nA reminder check in the page lists todos due within the hour.',
    components: [
      { name: 'Todo API', responsibility: 'CRUD for todos, scoped to the signed-in user' },
      { name: 'Reminder banner', responsibility: 'Shows todos whose remind_at has passed' },
    ],
    behaviours: [
      {
        name: modelPlanAnswer().scope.behaviours[0]!.name,
        design: 'The page polls /api/todos every minute and shows those due within the hour.',
      },
    ],
    adrs: [
      {
        title: 'Reminders computed in the browser',
        context: 'Reminders need no server job while the app is open.',
        decision: 'The frontend compares remind_at with the clock every minute.',
        consequences: ['No reminder while the app is closed'],
        alternatives: ['A server-side scheduler with push notifications'],
      },
    ],
    ...over,
  };
}
