/**
 * From what an analyzer found to the findings a person and the planner read: scores, a summary and
 * suggested tasks. Rule-based and deterministic, so the same scan always reads the same way.
 */
import type { AnalyzerResult, ExplorerFindings, ScanType, Severity, Technology } from '../contracts/explorer.ts';

const SEVERITY_COST: Record<Severity, number> = { critical: 25, high: 15, medium: 8, low: 3, info: 0 };

/** What Catalyst generates, with how much each part counts towards "close to our stack". */
const OUR_STACK: ReadonlyArray<{ weight: number; matches: RegExp; category: Technology['category'][] }> = [
  { weight: 0.25, matches: /^typescript$/i, category: ['language'] },
  { weight: 0.2, matches: /^react$/i, category: ['frontend'] },
  { weight: 0.2, matches: /^(fastify|express|koa|nestjs|hono)$/i, category: ['backend'] },
  {
    weight: 0.2,
    matches:
      /^(postgresql|postgres|pg|sqlite|better-sqlite3|mysql|mysql2|mariadb|drizzle|drizzle-orm|prisma|@prisma\/client|sequelize|typeorm|knex|kysely)$/i,
    category: ['database'],
  },
  { weight: 0.15, matches: /^(vitest|@playwright\/test|playwright|jest)$/i, category: ['testing'] },
];

export function securityScore(result: AnalyzerResult): number {
  const cost = result.security.reduce((sum, issue) => sum + SEVERITY_COST[issue.severity], 0);
  return Math.max(0, 100 - cost);
}

/** Debt points from what each kind of scan can see; 0 = nothing found. */
export function techDebtScore(result: AnalyzerResult): number {
  let points = 0;
  const repo = result.repository;
  if (repo) {
    if (!repo.has_tests) points += 25;
    if (!repo.has_ci) points += 10;
    if (repo.readme_quality === 'missing') points += 10;
    else if (repo.readme_quality === 'minimal') points += 5;
    if (repo.license === null) points += 5;
    if (repo.complexity) {
      if (repo.complexity.mean > 10) points += 15;
      if (repo.complexity.max > 25) points += 10;
    }
    const audit = repo.dependencies.audit;
    if (audit.status === 'ok') points += Math.min(20, audit.critical * 10 + audit.high * 5 + audit.moderate * 2);
  }
  const site = result.deployment;
  if (site) {
    if (!site.endpoints.some((e) => e.note === 'health' && e.status !== null && e.status < 300)) points += 10;
    if (site.openapi === null) points += 10;
    if (site.performance && site.performance.median_ms > 500) points += 15;
    points += Math.min(20, site.headers.missing.length * 4);
  }
  const db = result.database;
  if (db) {
    points += Math.min(30, result.security.filter((s) => s.kind === 'no_primary_key').length * 10);
    points += Math.min(20, result.security.filter((s) => s.kind === 'unindexed_foreign_key').length * 5);
    points += Math.min(20, db.optimizations.length * 3);
  }
  return Math.min(100, points);
}

/** How much of Catalyst's own stack the scan found, 0–1; a database of tables counts as its data layer. */
export function similarityScore(result: AnalyzerResult): number {
  let score = 0;
  for (const part of OUR_STACK) {
    const found = result.technologies.some((t) => part.category.includes(t.category) && part.matches.test(t.name));
    const relationalTables = part.category.includes('database') && result.database !== undefined && result.database.engine !== 'mongodb';
    if (found || relationalTables) score += part.weight;
  }
  return Math.round(Math.min(1, score) * 100) / 100;
}

export function techStackNames(technologies: readonly Technology[]): string[] {
  const names = technologies.map((t) => (t.version ? `${t.name} ${t.version}` : t.name));
  return [...new Set(names)];
}

export function suggestedTasks(result: AnalyzerResult): string[] {
  const tasks: string[] = [];
  const records = result.entities.map((e) => e.source_name);
  if (records.length > 0) {
    const shown = records.slice(0, 8).join(', ');
    tasks.push(
      `Build a typed API and screens to list, create, edit and delete ${shown}${records.length > 8 ? ` and ${records.length - 8} more` : ''}, keeping the scanned fields and relations`,
    );
  }
  for (const improvement of result.improvements) if (!tasks.includes(improvement)) tasks.push(improvement);
  if (!result.repository?.has_tests && result.repository) tasks.push('Add unit, API and browser tests, with coverage in CI');
  return [...new Set(tasks)].slice(0, 15);
}

const SCAN_NOUNS: Record<ScanType, string> = { github: 'repository', deployment: 'deployment', database: 'database' };

export function summarize(args: {
  scanType: ScanType;
  target: string;
  result: AnalyzerResult;
  seconds: number;
  securityScore: number;
  techDebtScore: number;
}): string {
  const { result } = args;
  const stack = techStackNames(result.technologies).slice(0, 8);
  const parts = [
    `Scanned the ${SCAN_NOUNS[args.scanType]} ${args.target} in ${args.seconds.toFixed(1)} s: ${result.architecture.style}.`,
    stack.length > 0 ? `Stack: ${stack.join(', ')}.` : 'No known technologies were recognised.',
    result.entities.length > 0
      ? `${result.entities.length} kind${result.entities.length === 1 ? '' : 's'} of record: ${result.entities
          .slice(0, 8)
          .map((e) => e.source_name)
          .join(', ')}${result.entities.length > 8 ? ', …' : ''}.`
      : 'No record definitions were found.',
    `Security score ${args.securityScore}/100 (${result.security.filter((s) => s.severity !== 'info').length} issue${result.security.length === 1 ? '' : 's'}), tech debt ${args.techDebtScore}/100.`,
  ];
  if (result.improvements.length > 0) parts.push(`First improvement: ${result.improvements[0]}`);
  return parts.join(' ');
}

export function composeFindings(args: {
  scanId: string;
  scanType: ScanType;
  target: string;
  startedAt: Date;
  completedAt: Date;
  result: AnalyzerResult;
}): ExplorerFindings {
  const security = securityScore(args.result);
  const debt = techDebtScore(args.result);
  const similarity = similarityScore(args.result);
  const durationMs = Math.max(0, args.completedAt.getTime() - args.startedAt.getTime());
  return {
    ...args.result,
    scan_id: args.scanId,
    scan_type: args.scanType,
    target: args.target,
    started_at: args.startedAt.toISOString(),
    completed_at: args.completedAt.toISOString(),
    duration_ms: durationMs,
    summary: summarize({
      scanType: args.scanType,
      target: args.target,
      result: args.result,
      seconds: durationMs / 1000,
      securityScore: security,
      techDebtScore: debt,
    }),
    security_score: security,
    tech_debt_score: debt,
    similarity_score: similarity,
    can_replicate: args.result.entities.length > 0 || similarity >= 0.5,
    suggested_tasks: suggestedTasks(args.result),
  };
}
