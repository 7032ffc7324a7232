/**
 * New dependencies for a generated app. Apps resolve packages from Catalyst's own node_modules (linked
 * into the worktree) and the sandbox has no network, so the only packages that can work are the ones
 * Catalyst has installed — and pinning their exact installed version keeps the app's package.json true.
 * Anything else is refused with a message the model can act on, never fetched from a registry.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../core/errors.ts';

/** Catalyst's direct dependencies and devDependencies that are installed, each with its installed version. */
export function installedDependencyVersions(catalystRoot: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(catalystRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})].sort();
  const out: Record<string, string> = {};
  for (const name of names) {
    const file = join(catalystRoot, 'node_modules', name, 'package.json');
    if (!existsSync(file)) continue;
    const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    if (typeof version === 'string') out[name] = version;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Allowed names that look like what was asked for: sharing a word with it, or a few edits away. */
export function nearNames(name: string, allowed: readonly string[], max = 5): string[] {
  const bare = (n: string) => n.replace(/^@[^/]+\//, '').toLowerCase();
  const want = bare(name);
  const words = want.split(/[-_.]/).filter((w) => w.length >= 3);
  return allowed
    .map((n) => ({ n, d: editDistance(want, bare(n)), shares: words.some((w) => bare(n).includes(w)) }))
    .filter((c) => c.shares || c.d <= Math.max(2, Math.floor(want.length / 3)))
    .sort((x, y) => Number(y.shares) - Number(x.shares) || x.d - y.d || (x.n < y.n ? -1 : 1))
    .slice(0, max)
    .map((c) => c.n);
}

export interface DependencyEdit {
  name: string;
  version: string;
  dev: boolean;
  /** The new package.json text, or null when it already lists the package that way. */
  manifest: string | null;
}

/**
 * Adds `name` at its allowed version to the manifest text (moving it between dependencies and
 * devDependencies when asked), or throws a refusal for the model.
 */
export function addDependency(
  manifestText: string,
  requested: string,
  dev: boolean,
  allowed: Readonly<Record<string, string>>,
): DependencyEdit {
  // "zod@3" or "zod@^3.22": the version is Catalyst's, so keep only the name.
  const name = requested.trim().replace(/(.)@[^/]*$/, '$1');
  const version = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
  if (version === undefined) {
    const near = nearNames(name, Object.keys(allowed));
    throw new AppError(
      'invalid_request',
      `refused: "${name.slice(0, 100)}" is not available. Apps can only use packages Catalyst has installed (there is no registry access)` +
        (near.length > 0 ? `; close names that are available: ${near.join(', ')}` : '') +
        '. Otherwise write the code yourself or use what Node and the browser provide.',
      { retryable: false, details: { refused: true, reason: 'dependency not allowed' } },
    );
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestText) as Record<string, unknown>;
  } catch {
    throw new AppError('invalid_request', 'package.json does not parse as JSON; it cannot be changed', { retryable: false });
  }
  const target = dev ? 'devDependencies' : 'dependencies';
  const other = dev ? 'dependencies' : 'devDependencies';
  const section = (key: string) => {
    const value = manifest[key];
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
  };
  if (section(target)[name] === version && !(name in section(other))) return { name, version, dev, manifest: null };
  const rest = { ...section(other) };
  delete rest[name];
  // npm keeps each section sorted by name; so do we, so the diff shows one added line.
  const sorted = (deps: Record<string, string>) => Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
  const next: Record<string, unknown> = { ...manifest, [target]: sorted({ ...section(target), [name]: version }) };
  if (other in manifest) next[other] = sorted(rest);
  return { name, version, dev, manifest: JSON.stringify(next, null, 2) + '\n' };
}
