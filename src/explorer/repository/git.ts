/**
 * Runs the git CLI for a scan. The repository is a stranger's, so git runs hermetically: no global or
 * system config (a user's credential helper or `url.insteadOf` must not apply), never a prompt, only the
 * transports the caller allows, a minimal environment, a timeout and the caller's AbortSignal.
 */
import { spawn } from 'node:child_process';

/** Environment variables git may need to reach a host (proxies, CA bundles); nothing else is passed on. */
const PASSED_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GIT_SSL_CAINFO',
  'GIT_SSL_CAPATH',
] as const;

export interface GitOptions {
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** `GIT_ALLOW_PROTOCOL`: the transports this command may use, e.g. `http:https` or `file`. */
  allowProtocols?: string;
  /**
   * Config given through GIT_CONFIG_COUNT/KEY/VALUE: unlike `-c`, it stays out of the command line,
   * where any local user could read it with `ps`.
   */
  config?: Record<string, string>;
  maxBuffer?: number;
  /**
   * Where PATH, proxies and CA bundles come from: Catalyst passes its configured child environment
   * (`config.childEnv`); a direct caller (a test, a script) without one gets this process's.
   */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
}

/** What went wrong, for callers to turn into the right AppError. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly reason: 'exit' | 'timeout' | 'aborted' | 'spawn',
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

export function gitEnv(opts: Pick<GitOptions, 'allowProtocols' | 'config' | 'baseEnv'> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const base = opts.baseEnv ?? process.env;
  for (const key of PASSED_ENV) if (base[key] !== undefined) env[key] = base[key];
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // English messages, so failures can be told apart by their text.
    LC_ALL: 'C',
    LANG: 'C',
  });
  if (opts.allowProtocols) env.GIT_ALLOW_PROTOCOL = opts.allowProtocols;
  const config = Object.entries(opts.config ?? {});
  if (config.length > 0) {
    env.GIT_CONFIG_COUNT = String(config.length);
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
  }
  return env;
}

/**
 * git runs in its own process group, and a timeout or cancel kills the whole group: killing only
 * `git` would leave its `git-remote-https` helper waiting on a silent server for ever.
 */
export function runGit(args: readonly string[], opts: GitOptions): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new GitCommandError(`git ${args[0]} was cancelled`, '', 'aborted'));
      return;
    }
    const maxBuffer = opts.maxBuffer ?? 16 * 1024 * 1024;
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: gitEnv(opts),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let stopped: 'timeout' | 'aborted' | 'overflow' | null = null;
    const stop = (why: NonNullable<typeof stopped>) => {
      stopped ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBuffer) stop('overflow');
      else into.push(chunk);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let spawnError: NodeJS.ErrnoException | null = null;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const failedSpawn = spawnError as NodeJS.ErrnoException | null;
      if (stopped === 'aborted') reject(new GitCommandError(`git ${args[0]} was cancelled`, stderr, 'aborted'));
      else if (stopped === 'timeout')
        reject(new GitCommandError(`git ${args[0]} took longer than ${Math.round(opts.timeoutMs / 1000)} s`, stderr, 'timeout'));
      else if (stopped === 'overflow') reject(new GitCommandError(`git ${args[0]} printed more than ${maxBuffer} bytes`, stderr, 'exit'));
      else if (failedSpawn)
        reject(
          new GitCommandError(
            failedSpawn.code === 'ENOENT' ? 'the git command is not installed' : `git could not start: ${failedSpawn.message}`,
            '',
            'spawn',
          ),
        );
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new GitCommandError(`git ${args[0]} failed: ${lastLines(stderr)}`, stderr, 'exit'));
    });
  });
}

/** The last few meaningful lines of git's stderr: the ones that say what failed. */
export function lastLines(stderr: string, count = 3): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^(Cloning into|remote: (Counting|Compressing|Enumerating|Total))/.test(l));
  return lines.slice(-count).join(' / ') || 'no message';
}
