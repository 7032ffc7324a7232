/**
 * The shape of a repository in a phrase and its parts: rules over the folder layout, the manifests and
 * the technologies found, most specific first (a monorepo before a web app before a library).
 */
import { posix } from 'node:path';
import type { AnalyzerResult, RepositorySection, Technology } from '../../contracts/explorer.ts';
import { manifestCategories, type ParsedManifest } from './manifests.ts';

type Architecture = AnalyzerResult['architecture'];
type Component = Architecture['components'][number];

const DIR_KINDS: ReadonlyArray<[RegExp, string]> = [
  [/^(frontend|client|web|webapp|ui|www|site)$/i, 'frontend'],
  [/^(backend|server|api)$/i, 'backend'],
  [/^(packages|apps|libs|modules|services|crates)$/i, 'workspace'],
  [/^(src|lib|app|pkg|internal|source)$/i, 'source'],
  [/^cmd$/i, 'executables'],
  [/^(test|tests|__tests__|spec|e2e|cypress|playwright)$/i, 'tests'],
  [/^(docs?|documentation|architecture|adr)$/i, 'docs'],
  [/^(db|database|migrations|prisma|drizzle|sql|schema)$/i, 'database'],
  [/^(infra|deploy|deployment|deployments|k8s|kubernetes|helm|charts|terraform|ops|docker)$/i, 'infrastructure'],
  [/^\.(github|gitlab|circleci|buildkite)$/i, 'ci'],
  [/^(scripts|bin|tools|tooling)$/i, 'scripts'],
  [/^(public|static|assets)$/i, 'assets'],
  [/^(config|configs|conf)$/i, 'config'],
];

const FULL_STACK_FRAMEWORKS = new Set(['Next.js', 'Nuxt', 'SvelteKit', 'Remix', 'Astro']);
const MAX_COMPONENTS = 60;

export interface ArchitectureInput {
  topDirs: readonly string[];
  manifests: readonly ParsedManifest[];
  technologies: readonly Technology[];
  languages: RepositorySection['languages'];
  filePaths: readonly string[];
}

function dirKind(name: string): string {
  return DIR_KINDS.find(([pattern]) => pattern.test(name))?.[1] ?? 'folder';
}

/** Manifests one level inside a workspace folder (packages/api/package.json) or matched by workspace globs. */
function workspacePackages(manifests: readonly ParsedManifest[]): ParsedManifest[] {
  const globs = manifests.filter((m) => !m.path.includes('/')).flatMap((m) => m.workspaces);
  const byGlob = (dir: string) => globs.some((g) => globMatches(g, dir));
  return manifests.filter((m) => {
    const dir = posix.dirname(m.path);
    if (dir === '.') return false;
    return /^(packages|apps|libs|modules|services|crates)\/[^/]+$/.test(dir) || byGlob(dir);
  });
}

function globMatches(glob: string, dir: string): boolean {
  const pattern = glob.replace(/\/+$/, '').replace(/^\.\//, '');
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
  return re.test(dir);
}

function packageKind(m: ParsedManifest): string {
  const categories = manifestCategories(m);
  if (categories.has('frontend') && categories.has('backend')) return 'full-stack package';
  if (categories.has('frontend')) return 'frontend';
  if (categories.has('backend')) return 'backend';
  if (m.cli) return 'cli';
  return 'package';
}

function components(input: ArchitectureInput, packages: readonly ParsedManifest[]): Component[] {
  const list: Component[] = input.topDirs.map((name) => ({ name, kind: dirKind(name), path: `${name}/` }));
  const seen = new Set<string>();
  for (const m of packages) {
    const dir = posix.dirname(m.path);
    if (seen.has(dir)) continue;
    seen.add(dir);
    list.push({ name: dir, kind: packageKind(m), path: `${dir}/` });
  }
  // A top-level frontend/ or backend/ with its own manifest keeps its kind, refined by what it uses.
  for (const c of list) {
    const own = input.manifests.find((m) => posix.dirname(m.path) === c.name);
    if (own && (c.kind === 'folder' || c.kind === 'source')) c.kind = packageKind(own);
  }
  return list.slice(0, MAX_COMPONENTS);
}

function style(input: ArchitectureInput, packages: readonly ParsedManifest[]): string {
  const root = input.manifests.filter((m) => !m.path.includes('/'));
  const names = new Set(input.technologies.map((t) => t.name));
  const has = (category: Technology['category']) => input.technologies.some((t) => t.category === category);
  const packageCount = new Set(packages.map((m) => posix.dirname(m.path))).size;
  if (packageCount >= 2 || (root.some((m) => m.workspaces.length > 0) && packageCount > 0)) return `monorepo with ${packageCount} packages`;
  const fullStack = [...FULL_STACK_FRAMEWORKS].find((f) => names.has(f));
  if (fullStack && !has('backend')) return `full-stack ${fullStack} app`;
  if (has('frontend') && has('backend')) return 'single-page frontend + REST API';
  if (has('backend')) return 'REST API / web backend';
  if (has('frontend')) return 'single-page frontend';
  const paths = new Set(input.filePaths);
  const goCli = input.filePaths.some((p) => /^cmd\/[^/]+\/main\.go$/.test(p)) || paths.has('main.go');
  if (root.some((m) => m.cli) || goCli || (paths.has('src/main.rs') && names.has('clap (CLI)'))) return 'CLI';
  if (root.some((m) => m.library) || paths.has('src/lib.rs') || root.some((m) => m.ecosystem === 'python')) return 'library';
  if (input.filePaths.length === 0) return 'empty repository';
  if (input.languages.length === 0) return 'documentation or configuration only';
  return `${input.languages[0]!.name} code without a recognised framework`;
}

function notes(input: ArchitectureInput, comps: readonly Component[]): string[] {
  const out: string[] = [];
  const totalLines = input.languages.reduce((s, l) => s + l.lines, 0);
  if (totalLines > 0) {
    const top = input.languages.slice(0, 3).map((l) => `${l.name} ${Math.round((l.lines / totalLines) * 100)}%`);
    out.push(`Code by lines: ${top.join(', ')}.`);
  }
  const byCategory = (c: Technology['category']) => input.technologies.filter((t) => t.category === c).map((t) => t.name);
  const layers = (
    [
      ['frontend', 'Frontend'],
      ['backend', 'Backend'],
      ['database', 'Data'],
      ['testing', 'Tests'],
      ['infrastructure', 'Delivery'],
    ] as const
  )
    .map(([category, label]) => [label, byCategory(category)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([label, names]) => `${label}: ${names.join(', ')}`);
  if (layers.length > 0) out.push(`${layers.join('; ')}.`);
  const parts = comps.filter((c) => !['folder', 'assets', 'config'].includes(c.kind)).map((c) => `${c.name} (${c.kind})`);
  if (parts.length > 0) out.push(`Parts: ${parts.slice(0, 12).join(', ')}${parts.length > 12 ? ', …' : ''}.`);
  return out;
}

export function inferArchitecture(input: ArchitectureInput): Architecture {
  const packages = workspacePackages(input.manifests);
  const comps = components(input, packages);
  return { style: style(input, packages), components: comps, notes: notes(input, comps) };
}
