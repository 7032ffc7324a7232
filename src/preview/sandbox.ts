/**
 * The OS sandbox for untrusted generated code (spec §7, issue 5): bubblewrap with an allow-list view
 * of the file system. Shared by the preview runtime and the sandboxed command runner, which is why it
 * lives here and builds arguments only (it starts nothing long-lived).
 *
 * Why an allow-list instead of `--ro-bind / /`: a read-only mount still lets a process connect() to
 * Unix sockets on it (the kernel's read-only check covers files, folders and links, not sockets), so
 * `/run/postgresql/.s.PGSQL.5432` would be reachable with trust auth. Binding only the system folders
 * a Node app needs keeps `/run`, `/var`, `/home`, `/root`, `/tmp` and Catalyst's data folder out of
 * sight; `--unshare-all` gives the app its own network namespace, so host TCP ports are unreachable too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** System folders a Node app and npm need, bound read-only when present (symlinks are recreated as such). */
export const SYSTEM_PATHS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'] as const;
/** Readable by the sandbox user's host uid but none of its business; masked with an empty file. */
const MASKED_FILES = ['/etc/shadow', '/etc/gshadow', '/etc/sudoers'] as const;
/** A non-root identity inside the sandbox (spec: non-root uid). */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;
/** sun_path is 108 bytes on Linux, including the terminating NUL. */
export const MAX_SOCKET_PATH = 107;

export interface SandboxSpec {
  /** The only folders the sandboxed process may write (its workspace). Must exist. */
  writable: string[];
  /** Extra folders visible read-only (Catalyst's node_modules, Node's install prefix, …). */
  readOnly: string[];
  /** Working directory inside the sandbox (same path as on the host). */
  cwd: string;
  /**
   * Folders inside a read-only one that tools insist on writing (vite bundles its config into
   * `node_modules/.vite-temp`): each gets a private, empty tmpfs, so writes stay in the sandbox.
   * Created on the host (empty) when missing, since bwrap cannot make a mount point in a read-only bind.
   */
  scratch?: string[];
}

/** Where the tools of a generated app write inside the shared node_modules. */
export function nodeModulesScratch(nodeModulesDir: string): string[] {
  return ['.vite-temp', '.vite'].map((d) => join(nodeModulesDir, d));
}

export interface BwrapProbe {
  path: string | null;
  /** Why bwrap is not used; null when it is. */
  reason: string | null;
}

function underAny(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(r.endsWith(sep) ? r : `${r}${sep}`));
}

function findOnPath(name: string, pathEnv: string): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

const probeCache = new Map<string, BwrapProbe>();

/**
 * Finds bwrap and checks it can really create the namespaces we ask for (it exists but fails inside
 * many containers, where unprivileged user namespaces are off). Cached per PATH: one probe per process.
 */
/** `pathEnv` comes from config (childEnv.PATH): this module never reads the environment itself. */
export function probeBwrap(pathEnv: string | undefined): BwrapProbe {
  pathEnv ??= '/usr/bin:/bin';
  const cached = probeCache.get(pathEnv);
  if (cached) return cached;
  const path = findOnPath('bwrap', pathEnv);
  let result: BwrapProbe;
  if (!path) {
    result = { path: null, reason: 'bubblewrap (bwrap) is not installed' };
  } else {
    const args = [...bwrapArgs({ writable: [], readOnly: [], cwd: '/' }), '/bin/true'];
    const run = spawnSync(path, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    result =
      run.status === 0
        ? { path, reason: null }
        : { path: null, reason: `bwrap cannot create a sandbox here: ${(run.stderr?.toString() ?? '').trim() || `exit ${run.status}`}` };
  }
  probeCache.set(pathEnv, result);
  return result;
}

/** The folder holding Node's `bin/` (e.g. `/usr` or `~/.nvm/versions/node/v20…`), so `node` runs inside. */
export function nodePrefix(execPath = process.execPath): string {
  return dirname(dirname(realpathSync(execPath)));
}

/** Arguments for `bwrap <args> <command…>`; every path must be absolute. */
export function bwrapArgs(spec: SandboxSpec): string[] {
  for (const p of [...spec.writable, ...spec.readOnly, spec.cwd]) {
    if (!isAbsolute(p)) throw new Error(`sandbox paths must be absolute: ${p}`);
  }
  const args: string[] = [];
  for (const p of SYSTEM_PATHS) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    // Merged-/usr systems make /bin a link to usr/bin; binding it would follow the link twice.
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(p), p);
    else args.push('--ro-bind', p, p);
  }
  for (const f of MASKED_FILES) if (existsSync(f)) args.push('--ro-bind', '/dev/null', f);
  args.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp');
  for (const p of spec.readOnly) {
    const real = resolve(realpathSync(p));
    // Already visible through a system folder; binding again would only shadow it.
    if (underAny(real, SYSTEM_PATHS)) continue;
    args.push('--ro-bind', real, real);
    // A link to it (e.g. a working copy's node_modules) may name it by another path.
    if (real !== resolve(p)) args.push('--ro-bind', real, resolve(p));
  }
  for (const p of spec.scratch ?? []) {
    mkdirSync(p, { recursive: true });
    const real = realpathSync(p);
    args.push('--tmpfs', real);
    // Reached through a link (a git worktree's node_modules), the folder is also bound at the linked path
    // above, and that bind does not see a mount made later on the real path: it needs its own tmpfs.
    if (real !== resolve(p)) args.push('--tmpfs', resolve(p));
  }
  for (const p of spec.writable) args.push('--bind', resolve(p), resolve(p));
  // The sandbox's own root is a tmpfs holding the mount points; nothing should be written there.
  args.push('--remount-ro', '/');
  args.push(
    '--chdir',
    resolve(spec.cwd),
    '--unshare-all',
    '--hostname',
    'catalyst-sandbox',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_GID),
    '--cap-drop',
    'ALL',
    '--new-session',
    '--die-with-parent',
    '--',
  );
  return args;
}

/** The environment inside the sandbox: HOME and TMPDIR point at the sandbox's own tmpfs. */
export function sandboxEnv(env: Record<string, string>): Record<string, string> {
  return { ...env, HOME: '/tmp', TMPDIR: '/tmp' };
}

/**
 * Why a process-mode preview runs without a CPU cap when its runtime gave no reason of its own (the
 * runtime caps CPU with a cgroup quota where it may write a CPU controller: see cpu-cgroup.ts).
 * bubblewrap has no CPU control, and RLIMIT_CPU (`prlimit --cpu`) kills a process after N CPU-seconds
 * instead of throttling it, which would end a long-running preview.
 */
export const PROCESS_CPU_NOT_LIMITED =
  'CPU is not limited: this preview runtime had no writable cgroup CPU controller (needs root or a delegated cgroup v2 subtree); bubblewrap has no CPU control. Use preview.mode: docker for a CPU limit.';
