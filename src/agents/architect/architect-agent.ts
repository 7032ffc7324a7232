/**
 * Architect (spec §4.2): reads planning/plan.yaml back from the planner's commit, designs the data
 * models, OpenAPI contract, ADRs and component notes under architecture/, commits them on main.
 */
import { Plan } from '../../contracts/artifacts.ts';
import type { AgentDefinition } from '../../core/agent.ts';
import { designArchitecture } from '../../generator/architecture/index.ts';
import { parseArtifact } from '../shared/artifact-json.ts';
import { commitOnce } from '../shared/commit-once.ts';
import { expectEvent } from '../shared/expect-event.ts';

export const architectAgent: AgentDefinition = {
  id: 'architect',
  description: 'Designs data models, API contracts, ADRs and components from the plan',
  consumes: [{ routingKey: 'catalyst.plan.created' }],
  emits: ['architecture.proposed'],
  async handle(event, ctx) {
    const planned = expectEvent(event, 'plan.created');
    ctx.log('Loading planning/plan.yaml from git...');
    const text = await ctx.ports.git.readFile(ctx.project.slug, planned.payload.commit, 'planning/plan.yaml');
    const plan = parseArtifact(Plan, text, 'planning/plan.yaml');
    ctx.log('Selecting the tech stack...');
    const design = designArchitecture(plan, { diagrams: ctx.settings.architect.generateDiagrams });
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
