/**
 * Architect (spec §4.2): reads planning/plan.yaml back from the planner's commit, designs the data
 * models, OpenAPI contract, ADRs and component notes under architecture/, commits them on main.
 */
import { Plan } from '../../contracts/artifacts.ts';
import type { AgentDefinition } from '../../core/agent.ts';
import { designArchitecture, type DesignNotes } from '../../generator/architecture/index.ts';
import { isFailingModelError, modelFailure, usageLine } from '../shared/ask-for-object.ts';
import { parseArtifact } from '../shared/artifact-json.ts';
import { commitOnce } from '../shared/commit-once.ts';
import { expectEvent } from '../shared/expect-event.ts';
import { askForDesign } from './model-design.ts';

export const architectAgent: AgentDefinition = {
  id: 'architect',
  description: 'Designs data models, API contracts, ADRs and components from the plan',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['architecture.proposed', 'task.failed'],
  // With a model (agents.architect.llm) its prose and ADRs go on top of the generated design (model-design.ts);
  // without one, or when it fails, the rules' design is used, and design.md says so.
  async handle(event, ctx) {
    const planned = expectEvent(event, 'plan.created');
    ctx.log('Loading planning/plan.yaml from git...');
    const text = await ctx.ports.git.readFile(ctx.project.slug, planned.payload.commit, 'planning/plan.yaml');
    const plan = parseArtifact(Plan, text, 'planning/plan.yaml');
    ctx.log('Selecting the tech stack...');
    const options = { diagrams: ctx.settings.architect.generateDiagrams };
    let design = designArchitecture(plan, options);
    const model = ctx.models.for('architect');
    if (model) {
      ctx.log(`Designing with ${model.provider} model ${model.model}...`);
      let notes: DesignNotes;
      try {
        const asked = await askForDesign(model, {
          plan,
          dataModels: design.dataModels,
          techStack: design.techStack,
          ruleAdrTitles: design.files.flatMap((f) => /^# ADR \d+: (.*)$/m.exec(f.content)?.[1] ?? []),
        });
        if (asked.ok) ctx.log(usageLine('Design notes and ADRs written', asked.usage, asked.rounds));
        else ctx.log(`${asked.note} (${asked.reason})`, 'warning');
        notes = asked.ok ? asked.object : { kind: 'fallback', note: asked.note };
      } catch (e) {
        if (!isFailingModelError(e)) throw e;
        ctx.log(e.message, 'error');
        return { events: [modelFailure(e, 'architecture')] };
      }
      design = designArchitecture(plan, options, notes);
    }
    ctx.log(
      `Tech stack: ${Object.entries(design.techStack)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    for (const model of design.dataModels.models) {
      ctx.log(`Data model: ${model.name} (${model.fields.length} fields${model.owned ? ', owned by user' : ''})`);
    }
    ctx.log(`API design: ${design.endpointCount} REST endpoints defined`);

    const repo = ctx.ports.git.repoPath(ctx.project.slug);
    const sha = await commitOnce(ctx, {
      checkout: repo,
      files: design.files,
      message: [
        `feat(architecture): design ${plan.project.name}`,
        '',
        `- ${design.dataModels.models.length} data models`,
        `- ${design.endpointCount} API endpoints in api-contracts/openapi.yaml`,
        `- ${design.adrCount} architecture decision records`,
        '',
        '[architect-agent]',
      ].join('\n'),
    });
    for (const f of design.files.filter(
      (f) => f.path.endsWith('design.md') || f.path.endsWith('openapi.yaml') || f.path.endsWith('data-models.json'),
    )) {
      await ctx.ports.artifacts.write(ctx.task.id, f.path, f.content);
      ctx.log(`Generated ${f.path}`);
    }
    ctx.log('Architecture design complete');
    return {
      events: [
        {
          event_type: 'architecture.proposed',
          commit: sha,
          payload: {
            architecture_ref: `git://main/architecture/@${sha}`,
            commit: sha,
            tech_stack: design.techStack,
            data_model_count: design.dataModels.models.length,
            api_endpoint_count: design.endpointCount,
            adrs_created: design.adrCount,
            requires_review: false,
          },
        },
      ],
    };
  },
};
