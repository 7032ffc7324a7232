/**
 * Planner (spec §4.1): turns the request into planning/plan.yaml, acceptance.md, risk.md and
 * task-graph.json, committed on main, and announces plan.created.
 */
import { stringify } from 'yaml';
import { notBuiltOf } from '../../contracts/app-scope.ts';
import type { AgentDefinition } from '../../core/agent.ts';
import { buildPlan, planFiles } from '../../generator/plan/index.ts';
import { isFailingModelError, modelFailure, usageLine } from '../shared/ask-for-object.ts';
import { commitOnce } from '../shared/commit-once.ts';
import { expectEvent } from '../shared/expect-event.ts';
import { askForPlan } from './model-plan.ts';
import { offlineScope, withBehavioursBuilt } from './offline-scope.ts';
import { fromBuildUnderstanding, understandBuild } from './understand-build.ts';

const HOURS_PER_COMPLEXITY = { low: 0.2, medium: 0.5, high: 0.8 } as const;

export const plannerAgent: AgentDefinition = {
  id: 'planner',
  description: 'Breaks the request into features, tasks, API endpoints and risks',
  consumes: [{ routingKey: 'catalyst.task.initiated' }],
  emits: ['plan.created', 'task.failed'],
  // With a model (agents.planner.llm) the model writes the plan from the understanding (model-plan.ts); without
  // one, or when it fails, the rules do, and the plan says so.
  async handle(event, ctx) {
    const initiated = expectEvent(event, 'task.initiated');
    ctx.log('Analyzing your requirements...');
    const { requirements, explorer_scan_id: scanId } = initiated.payload;
    // The understanding decided at submit (it named the project); only an event recorded before it
    // travelled with task.initiated makes the planner read the request, and the scan, itself.
    const carried = initiated.payload.understanding ?? (await understandBuild(requirements, scanId, ctx.ports.state));
    if (carried.scan) {
      const { id, target, records_copied } = carried.scan;
      ctx.log(
        records_copied
          ? `Using explorer scan ${id}: ${carried.domain.entities.length} records from ${target}`
          : `Using explorer scan ${id}: no records to copy from ${target}; the records come from the request`,
      );
    }
    const understood = fromBuildUnderstanding(carried);
    const { domain } = understood;
    const model = ctx.models.for('planner');
    const coderModel = ctx.models.for('coder') !== null;
    // The rules' reading of what kind of app this is: without a coder model only records can be built, so a
    // request whose core is something else fails here, before any code, rather than become "Item App".
    const offline = offlineScope(requirements, understood, { coderModel });
    if (!model && offline.failed) {
      ctx.log(offline.failed.reason, 'error');
      return { events: [{ event_type: 'task.failed', payload: offline.failed }] };
    }
    const ruled = buildPlan(domain, requirements, model ? understood : offline.notes);
    let { plan, files } = ruled;
    if (model) {
      ctx.log(`Planning with ${model.provider} model ${model.model}...`);
      try {
        const asked = await askForPlan(model, {
          requirements,
          domain,
          assumptions: understood.assumptions,
          openQuestions: understood.openQuestions,
          draft: ruled.plan,
          rulesScope: offline.scope,
        });
        if (asked.ok) {
          plan = coderModel && asked.object.scope ? { ...asked.object, scope: withBehavioursBuilt(asked.object.scope) } : asked.object;
          files = planFiles(plan);
          ctx.log(usageLine('Plan written', asked.usage, asked.rounds));
        } else {
          ctx.log(`${asked.note} (${asked.reason})`, 'warning');
          // The rules' plan, with the rules' scope: what they cannot build is listed, never hidden.
          ({ plan, files } = buildPlan(domain, requirements, {
            ...offline.notes,
            assumptions: [...offline.notes.assumptions, asked.note],
          }));
        }
      } catch (e) {
        if (!isFailingModelError(e)) throw e;
        ctx.log(e.message, 'error');
        return { events: [modelFailure(e, 'planning')] };
      }
    }
    const { maxFeatures } = ctx.settings.planner;
    if (plan.features.length > maxFeatures) {
      const reason = `the request asks for ${plan.features.length} features; this installation builds at most ${maxFeatures} at once (agents.planner.max_features)`;
      ctx.log(reason, 'error');
      return {
        events: [
          {
            event_type: 'task.failed',
            payload: {
              phase: 'planning',
              code: 'request_too_large',
              reason,
              reasons: [reason],
              hint: 'ask for fewer features in one request, or raise agents.planner.max_features',
            },
          },
        ],
      };
    }
    ctx.log(`Identified ${plan.features.length} features and ${domain.entities.length} data entities`);
    ctx.log(`Breaking down into ${plan.tasks.length} development tasks`);
    ctx.log(`Defining ${plan.api_endpoints.length} API endpoints`);
    for (const assumption of plan.assumptions) ctx.log(`Assumption: ${assumption}`);
    for (const line of notBuiltOf(plan.scope)) ctx.log(`Not built: ${line}`, 'warning');

    const { path: repo } = await ctx.ports.git.ensureRepo(ctx.project.slug);
    const sha = await commitOnce(ctx, {
      checkout: repo,
      files,
      message: [
        `feat(planning): add plan for ${plan.project.name}`,
        '',
        `- ${plan.features.length} features defined with priorities`,
        `- ${plan.tasks.length} tasks with dependencies`,
        `- ${plan.api_endpoints.length} API endpoints specified`,
        `- ${plan.risk_assessment.length} risks assessed`,
        '',
        '[planner-agent]',
      ].join('\n'),
    });
    await ctx.ports.artifacts.write(ctx.task.id, 'planning/plan.yaml', stringify(plan));
    for (const f of files) ctx.log(`Generated ${f.path}`);

    const highRisks = plan.risk_assessment.filter((r) => r.severity === 'high').length;
    const complexity = plan.features.reduce((sum, f) => sum + HOURS_PER_COMPLEXITY[f.complexity], 0) / plan.features.length;
    return {
      events: [
        {
          event_type: 'plan.created',
          commit: sha,
          payload: {
            plan_ref: `git://main/planning/plan.yaml@${sha}`,
            commit: sha,
            feature_count: plan.features.length,
            task_count: plan.tasks.length,
            api_endpoint_count: plan.api_endpoints.length,
            entity_count: domain.entities.length,
            estimated_hours: plan.tasks.reduce((sum, t) => sum + t.estimated_hours, 0),
            risk_level: highRisks > 1 ? 'high' : highRisks === 1 ? 'medium' : 'low',
            complexity_score: Math.round(complexity * 100) / 100,
            assumptions: plan.assumptions,
          },
        },
      ],
    };
  },
};
