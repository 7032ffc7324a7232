/**
 * Dependency manifests → the packages a repository uses and the technologies they name. JSON and
 * TOML (smol-toml) are parsed in full, the line formats simply: a manifest we cannot read is listed
 * but adds nothing, and never fails the scan.
 */
import { posix } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { Technology } from '../../contracts/explorer.ts';
import { CARGO_CRATES, COMPOSER_PACKAGES, GO_MODULES, NPM_PACKAGES, PYTHON_PACKAGES, RUBY_GEMS } from './known-packages.ts';

export interface Dependency {
  name: string;
  version: string;
}

type Ecosystem = 'npm' | 'python' | 'go' | 'cargo' | 'ruby' | 'composer';

export interface ParsedManifest {
  path: string;
  ecosystem: Ecosystem;
  runtime: Dependency[];
  dev: Dependency[];
  /** Where runtime and dev dependencies were read from, for evidence strings. */
  sources: { runtime: string; dev: string };
  license: string | null;
  /** The language version the manifest asks for (go 1.22, requires-python, engines.node). */
  languageVersion: string | null;
  /** Declares executables (package.json bin, [[bin]], [project.scripts]). */
  cli: boolean;
  /** Declares a library entry point (main/exports, [lib]). */
  library: boolean;
  /** Workspace globs (package.json workspaces, [workspace] members). */
  workspaces: string[];
}

export interface ManifestFindings {
  manifests: string[];
  parsed: ParsedManifest[];
  runtime: Dependency[];
  dev: Dependency[];
  technologies: Technology[];
}

const MAX_DEPENDENCIES = 2000;

export function manifestKind(path: string): Ecosystem | null {
  const name = posix.basename(path);
  if (name === 'package.json') return 'npm';
  if (name === 'pyproject.toml' || /^requirements[\w.-]*\.txt$/i.test(name) || /(^|\/)requirements\/[\w.-]+\.txt$/i.test(path))
    return 'python';
  if (name === 'go.mod') return 'go';
  if (name === 'Cargo.toml') return 'cargo';
  if (name === 'Gemfile') return 'ruby';
  if (name === 'composer.json') return 'composer';
  return null;
}

export function parseManifest(path: string, content: string): ParsedManifest | null {
  const kind = manifestKind(path);
  const base: ParsedManifest = {
    path,
    ecosystem: kind ?? 'npm',
    runtime: [],
    dev: [],
    sources: { runtime: path, dev: path },
    license: null,
    languageVersion: null,
    cli: false,
    library: false,
    workspaces: [],
  };
  try {
    switch (kind) {
      case 'npm':
        return parsePackageJson(base, content);
      case 'python':
        return posix.basename(path) === 'pyproject.toml' ? parsePyproject(base, content) : parseRequirements(base, content);
      case 'go':
        return parseGoMod(base, content);
      case 'cargo':
        return parseCargo(base, content);
      case 'ruby':
        return parseGemfile(base, content);
      case 'composer':
        return parseComposer(base, content);
      default:
        return null;
    }
  } catch {
    return base;
  }
}

function entries(value: unknown): Dependency[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).map(([name, v]) => ({ name, version: typeof v === 'string' ? v : '*' }));
}

function parsePackageJson(m: ParsedManifest, content: string): ParsedManifest {
  const pkg = JSON.parse(content) as Record<string, unknown>;
  m.runtime = entries(pkg.dependencies);
  m.dev = entries(pkg.devDependencies);
  m.sources = { runtime: `${m.path} dependencies`, dev: `${m.path} devDependencies` };
  m.license = typeof pkg.license === 'string' ? pkg.license : null;
  const engines = pkg.engines as Record<string, unknown> | undefined;
  m.languageVersion = typeof engines?.node === 'string' ? engines.node : null;
  m.cli = pkg.bin !== undefined;
  m.library = pkg.main !== undefined || pkg.exports !== undefined || pkg.module !== undefined;
  const ws = pkg.workspaces;
  const globs = Array.isArray(ws)
    ? ws
    : Array.isArray((ws as { packages?: unknown } | undefined)?.packages)
      ? (ws as { packages: unknown[] }).packages
      : [];
  m.workspaces = globs.filter((g): g is string => typeof g === 'string');
  return m;
}

/** `fastapi[all]>=0.110; python_version>"3.8"` → fastapi, >=0.110 */
export function parsePythonRequirement(spec: string): Dependency | null {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;#]*)/.exec(spec);
  if (!match) return null;
  const version = match[2]!.trim().replace(/^\((.*)\)$/, '$1');
  return { name: match[1]!.toLowerCase(), version: version || '*' };
}

function parseRequirements(m: ParsedManifest, content: string): ParsedManifest {
  const deps = content
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('-') && !/^[a-z+]+:\/\//i.test(l))
    .map(parsePythonRequirement)
    .filter((d): d is Dependency => d !== null);
  if (/dev|test|lint/i.test(posix.basename(m.path))) m.dev = deps;
  else m.runtime = deps;
  return m;
}

type TomlTable = Record<string, unknown>;

function table(value: unknown): TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) ? (value as TomlTable) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `"1.0"` or `{ version = "1.0", features = […] }` (a path or git dependency has none). */
function versionOf(spec: unknown): string {
  return text(spec) ?? text(table(spec).version) ?? '*';
}

function parsePyproject(m: ParsedManifest, content: string): ParsedManifest {
  const toml = parseToml(content) as TomlTable;
  const project = table(toml.project);
  const poetry = table(table(toml.tool).poetry);
  const reqs = (list: unknown) =>
    strings(list)
      .map(parsePythonRequirement)
      .filter((d): d is Dependency => d !== null);
  m.runtime.push(...reqs(project.dependencies));
  for (const [group, list] of Object.entries(table(project['optional-dependencies'])))
    (/dev|test|lint|doc/i.test(group) ? m.dev : m.runtime).push(...reqs(list));
  // PEP 735 groups; `{include-group = "…"}` entries name another group and are not packages.
  for (const list of Object.values(table(toml['dependency-groups']))) m.dev.push(...reqs(list));
  const poetryDeps = (deps: unknown, into: Dependency[]) => {
    for (const [name, spec] of Object.entries(table(deps)))
      if (name !== 'python') into.push({ name: name.toLowerCase(), version: versionOf(spec) });
  };
  poetryDeps(poetry.dependencies, m.runtime);
  poetryDeps(poetry['dev-dependencies'], m.dev);
  for (const group of Object.values(table(poetry.group))) poetryDeps(table(group).dependencies, m.dev);
  // PEP 621 license: an SPDX string, or `{ text = "MIT" }` (`{ file = … }` names no license).
  m.license = text(project.license) ?? text(table(project.license).text) ?? text(poetry.license);
  m.languageVersion = text(project['requires-python']);
  m.cli = project.scripts !== undefined || poetry.scripts !== undefined;
  return m;
}

function parseGoMod(m: ParsedManifest, content: string): ParsedManifest {
  m.languageVersion = /^go\s+(\S+)/m.exec(content)?.[1] ?? null;
  const lines: string[] = [];
  for (const block of content.matchAll(/^require\s*\(([\s\S]*?)^\)/gm)) lines.push(...block[1]!.split('\n'));
  for (const single of content.matchAll(/^require\s+([^\s(].*)$/gm)) lines.push(single[1]!);
  for (const line of lines) {
    if (/\/\/\s*indirect/.test(line)) continue;
    const parts = line
      .replace(/\/\/.*$/, '')
      .trim()
      .split(/\s+/);
    if (parts.length >= 2 && parts[0]) m.runtime.push({ name: parts[0], version: parts[1]! });
  }
  m.sources = { runtime: `${m.path} require`, dev: `${m.path} require` };
  return m;
}

function parseCargo(m: ParsedManifest, content: string): ParsedManifest {
  const toml = parseToml(content) as TomlTable;
  // Dependencies sit at the top, in [workspace.dependencies] and per target ([target.'cfg(unix)'.dependencies]).
  const scopes = [toml, table(toml.workspace), ...Object.values(table(toml.target)).map(table)];
  for (const scope of scopes) {
    for (const [key, into] of [
      ['dependencies', m.runtime],
      ['dev-dependencies', m.dev],
      ['build-dependencies', m.dev],
    ] as const)
      for (const [name, spec] of Object.entries(table(scope[key]))) into.push({ name, version: versionOf(spec) });
  }
  m.sources = { runtime: `${m.path} dependencies`, dev: `${m.path} dev-dependencies` };
  m.license = text(table(toml.package).license);
  m.cli = toml.bin !== undefined;
  m.library = toml.lib !== undefined;
  m.workspaces = strings(table(toml.workspace).members);
  return m;
}

function parseGemfile(m: ParsedManifest, content: string): ParsedManifest {
  let devGroup = 0;
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^group\b.*\bdo\b/.test(line)) {
      devGroup += /:(development|test)\b/.test(line) ? 1 : 0;
      continue;
    }
    if (line === 'end' && devGroup > 0) devGroup -= 1;
    const gem = /^gem\s+["']([^"']+)["'](?:\s*,\s*["']([^"']+)["'])?/.exec(line);
    if (gem) (devGroup > 0 ? m.dev : m.runtime).push({ name: gem[1]!, version: gem[2] ?? '*' });
  }
  return m;
}

function parseComposer(m: ParsedManifest, content: string): ParsedManifest {
  const pkg = JSON.parse(content) as Record<string, unknown>;
  const keep = (d: Dependency) => d.name !== 'php' && !d.name.startsWith('ext-');
  m.runtime = entries(pkg.require).filter(keep);
  m.dev = entries(pkg['require-dev']).filter(keep);
  m.sources = { runtime: `${m.path} require`, dev: `${m.path} require-dev` };
  m.license = typeof pkg.license === 'string' ? pkg.license : null;
  m.cli = pkg.bin !== undefined;
  return m;
}

const KNOWN: Record<Ecosystem, Record<string, readonly [string, Technology['category']]>> = {
  npm: NPM_PACKAGES,
  python: PYTHON_PACKAGES,
  go: GO_MODULES,
  cargo: CARGO_CRATES,
  ruby: RUBY_GEMS,
  composer: COMPOSER_PACKAGES,
};

/** Root manifests first, so a technology's version and evidence come from the top of the repository. */
function byDepth(a: string, b: string): number {
  return a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0);
}

export function summarizeManifests(files: ReadonlyArray<{ path: string; content: string }>): ManifestFindings {
  const parsed = [...files]
    .sort((a, b) => byDepth(a.path, b.path))
    .map((f) => parseManifest(f.path, f.content))
    .filter((m): m is ParsedManifest => m !== null);
  const runtime = new Map<string, Dependency>();
  const dev = new Map<string, Dependency>();
  const technologies = new Map<string, Technology>();
  for (const m of parsed) {
    for (const [list, into, evidence] of [
      [m.runtime, runtime, m.sources.runtime],
      [m.dev, dev, m.sources.dev],
    ] as const) {
      for (const dep of list) {
        if (!into.has(dep.name) && into.size < MAX_DEPENDENCIES) into.set(dep.name, dep);
        const known = KNOWN[m.ecosystem][dep.name];
        if (known && !technologies.has(known[0])) {
          technologies.set(known[0], { name: known[0], version: dep.version === '*' ? null : dep.version, category: known[1], evidence });
        }
      }
    }
  }
  return {
    manifests: parsed.map((m) => m.path),
    parsed,
    runtime: [...runtime.values()],
    dev: [...dev.values()],
    technologies: [...technologies.values()],
  };
}

/** The technology categories a manifest's own dependencies name (frontend, backend…). */
export function manifestCategories(m: ParsedManifest): Set<Technology['category']> {
  const known = KNOWN[m.ecosystem];
  return new Set([...m.runtime, ...m.dev].map((d) => known[d.name]?.[1]).filter((c): c is Technology['category'] => c !== undefined));
}
