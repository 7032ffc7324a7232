/**
 * `explorer/<scan-id>/` (spec §4.7 Output): the report a person reads and the structured files tools
 * read. Diagrams are Mermaid sources (`*.mmd`), which the web UI draws; an SVG export would need a
 * browser inside the scan.
 */
import { stringify } from 'yaml';
import type { DependencyGraph, ExplorerFindings } from '../contracts/explorer.ts';
import type { ArtifactStore } from '../core/ports/artifact-store.ts';
import { techStackNames } from './findings.ts';

const MAX_DIAGRAM_EDGES = 200;

function mermaidLabel(text: string): string {
  return text.replace(/["<>`]/g, "'").slice(0, 80);
}

export function graphToMermaid(graph: DependencyGraph): string {
  const ids = new Map<string, string>();
  const idOf = (node: string) => {
    let id = ids.get(node);
    if (!id) ids.set(node, (id = `n${ids.size}`));
    return id;
  };
  const lines = ['graph LR'];
  const edges = graph.edges.slice(0, MAX_DIAGRAM_EDGES);
  for (const e of edges)
    lines.push(`  ${idOf(e.from)}["${mermaidLabel(e.from)}"] -->|${mermaidLabel(e.kind)}| ${idOf(e.to)}["${mermaidLabel(e.to)}"]`);
  for (const n of graph.nodes) if (!ids.has(n.id) && ids.size < MAX_DIAGRAM_EDGES) lines.push(`  ${idOf(n.id)}["${mermaidLabel(n.id)}"]`);
  if (graph.edges.length > MAX_DIAGRAM_EDGES)
    lines.push(`  %% ${graph.edges.length - MAX_DIAGRAM_EDGES} more edges in dependency-graph.json`);
  return `${lines.join('\n')}\n`;
}

function componentMap(findings: ExplorerFindings): string {
  const lines = ['graph TD', `  root["${mermaidLabel(findings.target)}"]`];
  findings.architecture.components
    .slice(0, 60)
    .forEach((c, i) => lines.push(`  root --> c${i}["${mermaidLabel(`${c.name} (${c.kind})`)}"]`));
  return `${lines.join('\n')}\n`;
}

function bullets(items: readonly string[], empty: string): string {
  return items.length === 0 ? `${empty}\n` : `${items.map((i) => `- ${i}`).join('\n')}\n`;
}

function report(f: ExplorerFindings): string {
  const issues = [...f.security].sort(
    (a, b) =>
      ['critical', 'high', 'medium', 'low', 'info'].indexOf(a.severity) - ['critical', 'high', 'medium', 'low', 'info'].indexOf(b.severity),
  );
  return [
    `# Explorer report: ${f.target}`,
    '',
    `Scan \`${f.scan_id}\` (${f.scan_type}), ${f.completed_at}, ${(f.duration_ms / 1000).toFixed(1)} s.`,
    '',
    '## Summary',
    '',
    f.summary,
    '',
    `| security score | tech debt | similarity to Catalyst's stack | can replicate |`,
    '|---|---|---|---|',
    `| ${f.security_score}/100 | ${f.tech_debt_score}/100 | ${f.similarity_score} | ${f.can_replicate ? 'yes' : 'no'} |`,
    '',
    '## Technologies',
    '',
    f.technologies.length === 0
      ? 'None recognised.'
      : [
          '| name | version | category | evidence |',
          '|---|---|---|---|',
          ...f.technologies.map((t) => `| ${t.name} | ${t.version ?? ''} | ${t.category} | ${t.evidence} |`),
        ].join('\n'),
    '',
    '## Records found',
    '',
    f.entities.length === 0
      ? 'None.'
      : f.entities
          .map(
            (e) =>
              `- **${e.source_name}** (${e.evidence}): ${e.fields.map((x) => `${x.name} ${x.type}${x.required ? '' : '?'}`).join(', ')}${e.references.length > 0 ? `; references ${e.references.map((r) => `${r.field} → ${r.target}`).join(', ')}` : ''}`,
          )
          .join('\n'),
    '',
    '## Security',
    '',
    issues.length === 0
      ? 'No issues found.'
      : issues
          .slice(0, 30)
          .map((i) => `- **${i.severity}** ${i.kind}: ${i.message}${i.location ? ` (${i.location})` : ''}`)
          .join('\n'),
    '',
    '## Suggested tasks',
    '',
    bullets(f.suggested_tasks, 'None.'),
    `Start a build from this scan: \`catalyst build "build something similar" --from-scan ${f.scan_id}\`.`,
    '',
  ].join('\n');
}

/** Writes every file of the scan under its id in `store` and returns their relative paths. */
export async function writeScanArtifacts(store: ArtifactStore, f: ExplorerFindings): Promise<string[]> {
  const files: Record<string, string> = {
    'report.md': report(f),
    'findings.json': `${JSON.stringify(f, null, 2)}\n`,
    'tech-stack.json': `${JSON.stringify({ technologies: f.technologies, names: techStackNames(f.technologies) }, null, 2)}\n`,
    'dependencies/dependency-graph.json': `${JSON.stringify(f.graph, null, 2)}\n`,
    'dependencies/dependency-graph.mmd': graphToMermaid(f.graph),
    'architecture/inferred-architecture.md': [
      `# Inferred architecture: ${f.architecture.style}`,
      '',
      '## Components',
      '',
      bullets(
        f.architecture.components.map((c) => `${c.name} — ${c.kind}${c.path ? ` (\`${c.path}\`)` : ''}`),
        'None found.',
      ),
      '## Notes',
      '',
      bullets(f.architecture.notes, 'None.'),
      '```mermaid',
      componentMap(f).trimEnd(),
      '```',
      '',
    ].join('\n'),
    'architecture/component-map.mmd': componentMap(f),
    'security/security-score.json': `${JSON.stringify({ score: f.security_score, issues: f.security.length, by_severity: Object.fromEntries(['critical', 'high', 'medium', 'low', 'info'].map((s) => [s, f.security.filter((i) => i.severity === s).length])) }, null, 2)}\n`,
    'security/recommendations.md': [
      '# Security recommendations',
      '',
      bullets(
        f.security.filter((i) => i.severity !== 'info').map((i) => `${i.message}${i.location ? ` (${i.location})` : ''}`),
        'Nothing to fix was found.',
      ),
    ].join('\n'),
    'suggested-tasks.yaml': stringify({
      scan_id: f.scan_id,
      target: f.target,
      tasks: f.suggested_tasks.map((t, i) => ({ id: `S${i + 1}`, description: t })),
    }),
  };
  if (f.repository) files['dependencies/cves.json'] = `${JSON.stringify(f.repository.dependencies.audit, null, 2)}\n`;
  for (const [path, text] of Object.entries(files)) await store.write(f.scan_id, path, text);
  return Object.keys(files).sort();
}
