/** The human-readable planning files next to plan.yaml. */
import type { Plan } from '../../contracts/index.ts';
import { mdTable, mdText } from './markdown.ts';

export function renderAcceptance(plan: Plan): string {
  const lines = [`# Acceptance criteria: ${mdText(plan.project.name)}`, '', mdText(plan.project.description), ''];
  for (const feature of plan.features) {
    lines.push(`## ${feature.id} ${mdText(feature.name)} (${feature.priority} priority)`, '', mdText(feature.description), '');
    for (const criterion of feature.acceptance_criteria) lines.push(`- [ ] ${mdText(criterion)}`);
    lines.push('');
  }
  lines.push('## Assumptions', '');
  for (const a of plan.assumptions) lines.push(`- ${mdText(a)}`);
  lines.push('', '## Open questions', '');
  if (plan.open_questions.length === 0) lines.push('None: the request was specific enough.');
  for (const q of plan.open_questions) lines.push(`- ${mdText(q)}`);
  return `${lines.join('\n')}\n`;
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;

export function renderRisks(plan: Plan): string {
  const risks = [...plan.risk_assessment].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const counts = (['high', 'medium', 'low'] as const).map((s) => `${risks.filter((r) => r.severity === s).length} ${s}`).join(', ');
  return [
    `# Risk analysis: ${mdText(plan.project.name)}`,
    '',
    `${risks.length} risks (${counts}).`,
    '',
    mdTable(
      ['Risk', 'Severity', 'Mitigation'],
      risks.map((r) => [mdText(r.risk), r.severity, mdText(r.mitigation)]),
    ),
    '',
  ].join('\n');
}

export interface TaskGraph {
  nodes: Array<{ id: string; label: string; type: string; feature: string }>;
  edges: Array<{ from: string; to: string }>;
}

/** Edges point from a prerequisite to the task that waits for it. */
export function renderTaskGraph(plan: Plan): TaskGraph {
  return {
    nodes: plan.tasks.map((t) => ({ id: t.id, label: t.description, type: t.type, feature: t.feature })),
    edges: plan.tasks.flatMap((t) => t.depends_on.map((from) => ({ from, to: t.id }))),
  };
}
