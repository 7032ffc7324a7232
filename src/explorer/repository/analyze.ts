/**
 * A cloned repository → what the explorer reports about it (spec §4.7, §8.1). One bounded walk feeds
 * every measure; depth decides how much is measured: quick reads files, stack and manifests; standard
 * adds complexity, secrets and the import graph; full adds git history and the dependency audit.
 * Rule-based and deterministic: the same commit always gives the same result.
 */
import { posix } from 'node:path';
import { scanForSecrets } from '../../analysis/secret-scan.ts';
import { RepositorySection, type AnalyzerResult, type SecurityIssue, type Technology } from '../../contracts/explorer.ts';
import { inferArchitecture } from './architecture.ts';
import type { AnalysisDepth } from './clone.ts';
import { isMeasurable, loadTypeScript, measureSource, type FunctionComplexity } from '../../analysis/complexity.ts';
import { discoverEntities, isDataModelsFile, isPrismaSchema, isSqlFile, type SourceFile } from './entities.ts';
import { readHistory } from './history.ts';
import { buildImportGraph } from './import-graph.ts';
import { suggestImprovements } from './improvements.ts';
import { manifestKind, summarizeManifests } from './manifests.ts';
import { ciSystem, dockerKind, isLicenseFile, isLockfile, isReadme, isTestFile, licenseFromText, readmeQuality } from './repo-facts.ts';
import { walkRepository, WALK_LIMITS, type WalkedFile } from './walk.ts';

export type DependencyAudit = RepositorySection['dependencies']['audit'];

export interface AnalyzeOptions {
  dir: string;
  depth: AnalysisDepth;
  commit: string | null;
  defaultBranch: string | null;
  signal?: AbortSignal;
  /** Runs the dependency audit (at full depth); the service passes one that runs npm audit in a sandbox. */
  audit?: (dir: string) => Promise<DependencyAudit>;
  /** The environment git runs with (see GitOptions.baseEnv). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

/** How many of each kind of file are kept for a second look; the rest are counted only. */
const KEEP = { manifests: 200, prisma: 20, sql: 300, dataModels: 5, secrets: 200, worstFunctions: 20 } as const;
/** JS/TS files parsed for complexity and imports: parsing is the costly part of a scan. */
const MAX_PARSED_FILES = 5_000;
const LARGEST_FILES = 10;

interface Collected {
  manifests: SourceFile[];
  prisma: SourceFile[];
  sql: SourceFile[];
  dataModels: SourceFile[];
  license: SourceFile | null;
  readme: string | null;
  testFiles: number;
  ci: Map<string, string[]>;
  docker: Map<string, string[]>;
  lockfile: boolean;
  apiDocs: boolean;
  envFiles: string[];
  secrets: SecurityIssue[];
  secretsOverflow: number;
  functions: { count: number; total: number; worst: Array<FunctionComplexity & { file: string }> };
  unparsed: number;
  imports: Map<string, string[]>;
}

function emptyCollected(): Collected {
  return {
    manifests: [],
    prisma: [],
    sql: [],
    dataModels: [],
    license: null,
    readme: null,
    testFiles: 0,
    ci: new Map(),
    docker: new Map(),
    lockfile: false,
    apiDocs: false,
    envFiles: [],
    secrets: [],
    secretsOverflow: 0,
    functions: { count: 0, total: 0, worst: [] },
    unparsed: 0,
    imports: new Map(),
  };
}

function keep(list: SourceFile[], limit: number, file: SourceFile): void {
  if (list.length < limit) list.push(file);
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

export async function analyzeRepository(opts: AnalyzeOptions): Promise<AnalyzerResult> {
  opts.signal?.throwIfAborted();
  const measure = opts.depth !== 'quick';
  const ts = measure ? await loadTypeScript() : null;
  const c = emptyCollected();

  const visit = (file: WalkedFile, content: string) => {
    const { path } = file;
    const source = { path, content };
    if (manifestKind(path)) keep(c.manifests, KEEP.manifests, source);
    if (isPrismaSchema(path)) keep(c.prisma, KEEP.prisma, source);
    if (isSqlFile(path)) keep(c.sql, KEEP.sql, source);
    if (isDataModelsFile(path)) keep(c.dataModels, KEEP.dataModels, source);
    if (isLicenseFile(path) && c.license === null) c.license = source;
    if (isReadme(path) && c.readme === null) c.readme = content;
    if (isTestFile(path)) c.testFiles += 1;
    const ci = ciSystem(path);
    if (ci) push(c.ci, ci, path);
    const docker = dockerKind(path);
    if (docker) push(c.docker, docker, path);
    if (isLockfile(path)) c.lockfile = true;
    if (/(^|\/)(openapi|swagger)\.(ya?ml|json)$/i.test(path)) c.apiDocs = true;
    if (/(^|\/)\.env(\.(?!example$|sample$|template$|dist$)[\w.-]+)?$/.test(path)) c.envFiles.push(path);
    if (!measure || ts === null) return;
    collectSecrets(c, source);
    if (isMeasurable(path)) collectCode(c, ts, source);
  };

  const walk = await walkRepository(opts.dir, visit, opts.signal);
  opts.signal?.throwIfAborted();

  const languages = languageStats(walk.files);
  const manifests = summarizeManifests(c.manifests);
  const { entities, notes: entityNotes } = await discoverEntities({ dataModels: c.dataModels, prisma: c.prisma, sql: c.sql });
  const jsFiles = new Set(walk.files.filter((f) => isMeasurable(f.path)).map((f) => f.path));
  const graph = measure ? buildImportGraph(c.imports, jsFiles) : { graph: { nodes: [], edges: [] }, truncated: false };
  const historyNotes: string[] = [];
  const history =
    opts.depth === 'full'
      ? await readHistory(opts.dir, opts.signal, opts.baseEnv).catch((e: unknown) => {
          opts.signal?.throwIfAborted();
          historyNotes.push(`The git history could not be read: ${e instanceof Error ? e.message : String(e)}.`);
          return null;
        })
      : null;
  const audit = await runAudit(opts);
  opts.signal?.throwIfAborted();

  const manifestLicense = manifests.parsed.find((m) => m.license !== null && !m.path.includes('/'))?.license ?? null;
  const licenseText = c.license ? licenseFromText(c.license.content) : null;
  const repository: RepositorySection = {
    commit: opts.commit,
    default_branch: opts.defaultBranch,
    files: walk.files.length,
    // Lines of code: files in a recognised language, so lockfiles and data do not swamp the count.
    lines: languages.reduce((sum, l) => sum + l.lines, 0),
    languages,
    license: licenseText ?? manifestLicense ?? (c.license ? 'Other' : null),
    has_tests: c.testFiles > 0,
    test_files: c.testFiles,
    has_ci: c.ci.size > 0,
    has_docker: c.docker.size > 0,
    readme_quality: readmeQuality(c.readme),
    largest_files: walk.files
      .filter((f) => f.language !== null)
      .sort((a, b) => b.lines - a.lines || (a.path < b.path ? -1 : 1))
      .slice(0, LARGEST_FILES)
      .map((f) => ({ path: f.path, lines: f.lines })),
    complexity: measure && c.functions.count > 0 ? complexitySummary(c) : null,
    dependencies: { manifests: manifests.manifests, runtime: manifests.runtime, dev: manifests.dev, audit },
    history,
  };

  const technologies = dedupeTechnologies([
    ...languageTechnologies(languages, manifests.parsed, manifests.technologies),
    ...manifests.technologies,
    ...infrastructureTechnologies(c),
    ...runtimeTechnologies(manifests.parsed),
  ]);
  const security = [...c.secrets, ...envFileIssues(c.envFiles), ...auditIssues(audit)];
  if (c.secretsOverflow > 0) {
    security.push({
      severity: 'high',
      kind: 'secret',
      message: `${c.secretsOverflow} more possible secrets were found and not listed one by one`,
      location: null,
    });
  }
  const architecture = inferArchitecture({
    topDirs: walk.topDirs,
    manifests: manifests.parsed,
    technologies,
    languages,
    filePaths: walk.files.map((f) => f.path),
  });
  architecture.notes.push(...scanNotes(opts.depth, walk, graph.truncated, c), ...entityNotes, ...historyNotes);
  const isApp = technologies.some((t) => t.category === 'frontend' || t.category === 'backend');
  const improvements = suggestImprovements({
    repository,
    security,
    technologies,
    complexFunctions: c.functions.worst,
    hasLockfile: c.lockfile,
    hasNpmManifest: manifests.parsed.some((m) => m.ecosystem === 'npm'),
    isApp,
    hasApiDocs: c.apiDocs || hasApiDocPackage(manifests.runtime, manifests.dev),
  });
  return { technologies, security, entities, graph: graph.graph, architecture, improvements, repository };
}

function collectSecrets(c: Collected, source: SourceFile): void {
  for (const finding of scanForSecrets([source])) {
    if (c.secrets.length >= KEEP.secrets) {
      c.secretsOverflow += 1;
      continue;
    }
    // The finding names the rule and place only: the secret itself never leaves the scan.
    c.secrets.push({
      severity: 'high',
      kind: 'secret',
      message: `${finding.description} committed to the repository; rotate it and load it from the environment`,
      location: `${finding.file}:${finding.line}`,
    });
  }
}

function collectCode(c: Collected, ts: Awaited<ReturnType<typeof loadTypeScript>>, source: SourceFile): void {
  if (c.imports.size >= MAX_PARSED_FILES) {
    c.unparsed += 1;
    return;
  }
  let metrics;
  try {
    metrics = measureSource(ts, source.path, source.content);
  } catch {
    return;
  }
  c.imports.set(source.path, metrics.imports);
  for (const fn of metrics.functions) {
    c.functions.count += 1;
    c.functions.total += fn.complexity;
    const worst = c.functions.worst;
    if (worst.length < KEEP.worstFunctions || fn.complexity > worst[worst.length - 1]!.complexity) {
      worst.push({ ...fn, file: source.path });
      worst.sort((a, b) => b.complexity - a.complexity);
      if (worst.length > KEEP.worstFunctions) worst.pop();
    }
  }
}

function complexitySummary(c: Collected): NonNullable<RepositorySection['complexity']> {
  const worst = c.functions.worst[0];
  return {
    mean: Math.round((c.functions.total / c.functions.count) * 100) / 100,
    max: worst?.complexity ?? 0,
    worst: worst ? `${worst.name} (${worst.file}:${worst.line})` : null,
  };
}

function languageStats(files: readonly WalkedFile[]): RepositorySection['languages'] {
  const stats = new Map<string, { files: number; lines: number }>();
  for (const f of files) {
    if (f.language === null) continue;
    const s = stats.get(f.language) ?? { files: 0, lines: 0 };
    s.files += 1;
    s.lines += f.lines;
    stats.set(f.language, s);
  }
  return [...stats]
    .map(([name, s]) => ({ name, ...s }))
    .sort((a, b) => b.lines - a.lines || b.files - a.files || (a.name < b.name ? -1 : 1));
}

function languageTechnologies(
  languages: RepositorySection['languages'],
  manifests: ReturnType<typeof summarizeManifests>['parsed'],
  known: readonly Technology[],
): Technology[] {
  const versionOf = (name: string): string | null => {
    if (name === 'TypeScript') return known.find((t) => t.name === 'TypeScript compiler (tsc)')?.version ?? null;
    if (name === 'Go') return manifests.find((m) => m.ecosystem === 'go')?.languageVersion ?? null;
    if (name === 'Python') return manifests.find((m) => m.ecosystem === 'python' && m.languageVersion)?.languageVersion ?? null;
    return null;
  };
  // A schema language named like a manifest technology (Prisma) is reported once, as the technology.
  const named = new Set(known.map((t) => t.name));
  return languages
    .filter((l) => l.name !== 'Dockerfile' && !named.has(l.name))
    .map((l) => ({
      name: l.name,
      version: versionOf(l.name),
      category: 'language' as const,
      evidence: `${l.files} file${l.files === 1 ? '' : 's'}, ${l.lines} lines`,
    }));
}

function infrastructureTechnologies(c: Collected): Technology[] {
  const list = (paths: string[]) => `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}`;
  return [
    ...[...c.docker].map(([name, paths]) => ({ name, version: null, category: 'infrastructure' as const, evidence: list(paths) })),
    ...[...c.ci].map(([name, paths]) => ({ name, version: null, category: 'infrastructure' as const, evidence: list(paths) })),
  ];
}

function runtimeTechnologies(manifests: ReturnType<typeof summarizeManifests>['parsed']): Technology[] {
  const npm = manifests.find((m) => m.ecosystem === 'npm');
  return npm
    ? [
        {
          name: 'Node.js',
          version: npm.languageVersion,
          category: 'other',
          evidence: npm.languageVersion ? `${npm.path} engines.node` : npm.path,
        },
      ]
    : [];
}

function dedupeTechnologies(list: readonly Technology[]): Technology[] {
  const seen = new Set<string>();
  return list.filter((t) => !seen.has(t.name) && seen.add(t.name));
}

function hasApiDocPackage(...lists: ReadonlyArray<ReadonlyArray<{ name: string }>>): boolean {
  return lists.some((l) => l.some((d) => /swagger|openapi|spectacular|springdoc/i.test(d.name)));
}

function envFileIssues(paths: readonly string[]): SecurityIssue[] {
  return paths.slice(0, 20).map((path) => ({
    severity: 'medium',
    kind: 'committed_env_file',
    message: `${posix.basename(path)} is committed; environment files usually hold credentials`,
    location: path,
  }));
}

const AUDIT_SCHEMA = RepositorySection.shape.dependencies.shape.audit;

async function runAudit(opts: AnalyzeOptions): Promise<DependencyAudit> {
  if (opts.depth !== 'full') return { status: 'skipped', reason: `${opts.depth} depth: the dependency audit runs at full depth only` };
  if (!opts.audit) return { status: 'skipped', reason: 'no dependency audit runner was configured for this scan' };
  try {
    const result = AUDIT_SCHEMA.safeParse(await opts.audit(opts.dir));
    return result.success ? result.data : { status: 'unavailable', reason: 'the audit runner returned a result in an unknown shape' };
  } catch (e) {
    opts.signal?.throwIfAborted();
    return { status: 'unavailable', reason: `the dependency audit failed: ${(e instanceof Error ? e.message : String(e)).slice(0, 300)}` };
  }
}

function auditIssues(audit: DependencyAudit): SecurityIssue[] {
  if (audit.status !== 'ok') return [];
  const levels = [
    ['critical', audit.critical],
    ['high', audit.high],
    ['medium', audit.moderate],
    ['low', audit.low],
  ] as const;
  return levels
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => ({
      severity,
      kind: 'vulnerable_dependency',
      message: `npm audit: ${count} ${severity === 'medium' ? 'moderate' : severity} vulnerabilit${count === 1 ? 'y' : 'ies'} in the dependencies`,
      location: 'package-lock.json',
    }));
}

function scanNotes(
  depth: AnalysisDepth,
  walk: Awaited<ReturnType<typeof walkRepository>>,
  graphTruncated: boolean,
  c: Collected,
): string[] {
  const notes: string[] = [];
  if (walk.truncated) notes.push(`The scan stopped after ${WALK_LIMITS.maxFiles} files; the figures cover those files only.`);
  const { binary, large, overBudget } = walk.skipped;
  if (binary + large > 0)
    notes.push(`${binary} binary file${binary === 1 ? '' : 's'} and ${large} file${large === 1 ? '' : 's'} over 1 MB were not read.`);
  if (overBudget > 0) notes.push(`${overBudget} files were not read because the scan had already read its byte budget.`);
  if (c.unparsed > 0)
    notes.push(`Complexity and imports cover the first ${MAX_PARSED_FILES} JS/TS files; ${c.unparsed} more were not parsed.`);
  if (graphTruncated) notes.push('The import graph shows its first 500 nodes only.');
  if (depth === 'quick') notes.push('Quick scan: complexity, secrets and the import graph were not measured.');
  if (c.secretsOverflow > 0) notes.push(`More than ${KEEP.secrets} possible secrets were found.`);
  return notes;
}
