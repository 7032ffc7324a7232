/**
 * Clones the repository a scan was asked about. The target and the token come from users: the target
 * must be an http(s) URL without credentials or a local repository path, never something git could read
 * as an option or a command transport; the token reaches git only as an Authorization header scoped to
 * the target's origin, passed through the environment, and is scrubbed from anything we report.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../core/errors.ts';
import { GitCommandError, runGit } from './git.ts';

export type AnalysisDepth = 'quick' | 'standard' | 'full';

export interface CloneOptions {
  target: string;
  token?: string;
  /** The folder to clone into; it must not exist yet or be empty. */
  into: string;
  depth: AnalysisDepth;
  signal?: AbortSignal;
  /** Defaults to 120 s. */
  timeoutMs?: number;
  /** The environment git runs with (see GitOptions.baseEnv). */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

export interface ClonedRepository {
  dir: string;
  /** Null for a repository without commits. */
  commit: string | null;
  defaultBranch: string | null;
}

type Source = { kind: 'url'; url: URL } | { kind: 'path'; path: string };

const CLONE_TIMEOUT_MS = 120_000;
const TARGET_HINT = 'give an https:// (or http://) clone URL such as https://github.com/owner/repo, or the path of a local git repository';

function refuse(message: string, hint: string = TARGET_HINT): AppError {
  return new AppError('invalid_option', message, { hint });
}

/** Decides what the target is, refusing anything but a plain http(s) URL or a local repository path. */
export function parseCloneTarget(raw: string): Source {
  const target = raw.trim();
  if (target.length === 0) throw refuse('the repository target is empty');
  if (/[\0\r\n\t]/.test(target)) throw refuse('the repository target contains control characters');
  if (target.startsWith('-')) throw refuse('the repository target looks like a command-line option and was refused');
  // git's "remote helper" syntax (ext::sh -c …) runs commands.
  if (/^[a-z][a-z0-9+.-]*::/i.test(target)) throw refuse('remote-helper targets (transport::address) are not accepted');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (scheme !== undefined) return { kind: 'url', url: parseUrl(target, scheme) };
  // scp-like ssh: git@github.com:owner/repo.git, or host:path
  if (/^[^/\\]*@[^/\\]+:/.test(target) || /^[a-z0-9.-]+\.[a-z]{2,}:[^/]/i.test(target)) {
    throw refuse('ssh targets are not supported', 'give the https:// clone URL of the repository, with a token for a private one');
  }
  return { kind: 'path', path: isAbsolute(target) ? resolve(target) : resolve(process.cwd(), target) };
}

function parseUrl(target: string, scheme: string): URL {
  if (scheme !== 'http' && scheme !== 'https') {
    const hint =
      scheme === 'file'
        ? 'give the plain path of the local repository instead of a file:// URL'
        : /ssh/.test(scheme)
          ? 'ssh needs keys this service does not hold: give the https:// clone URL, with a token for a private repository'
          : TARGET_HINT;
    throw refuse(`${scheme}:// targets are not supported`, hint);
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw refuse('the repository URL could not be parsed');
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo the URL: the part before @ is the secret.
    throw refuse(
      'the repository URL carries credentials (user:password@), which are refused',
      'remove them from the URL and pass the token as credentials.github_token',
    );
  }
  if (url.hostname === '') throw refuse('the repository URL has no host');
  url.hash = '';
  return url;
}

/** A URL or path as it may appear in messages. */
function describe(source: Source): string {
  return source.kind === 'url' ? source.url.href : source.path;
}

async function assertLocalRepository(path: string): Promise<void> {
  const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;
  const exists = async (p: string) => (await stat(p).catch(() => null)) !== null;
  if (!(await isDir(path))) {
    throw new AppError('invalid_option', `no repository at ${path}: the folder does not exist`, {
      hint: 'give the path of a local git repository (a working tree or a bare repository), or its https:// URL',
    });
  }
  const workingTree = await exists(join(path, '.git'));
  const bare = (await exists(join(path, 'HEAD'))) && (await isDir(join(path, 'objects'))) && (await isDir(join(path, 'refs')));
  if (!workingTree && !bare) {
    throw new AppError('invalid_option', `${path} is not a git repository`, {
      hint: 'give the top folder of a working tree (the one holding .git) or a bare repository',
    });
  }
}

/** `Authorization: Basic base64("x-access-token:<token>")`, the form GitHub accepts for tokens over https. */
export function authorizationHeader(token: string): string {
  return `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

function cloneArgs(source: Source, dir: string, depth: AnalysisDepth): string[] {
  const args = ['clone', '--no-tags', '--single-branch', '--template=', '--config', 'core.symlinks=false'];
  if (depth !== 'full') args.push('--depth', '1');
  // Through the transport rather than by copying .git: a local repository is as untrusted as a remote one.
  if (source.kind === 'path') args.push('--no-local');
  args.push('--', source.kind === 'url' ? source.url.href : source.path, dir);
  return args;
}

export async function cloneRepository(opts: CloneOptions): Promise<ClonedRepository> {
  opts.signal?.throwIfAborted();
  const source = parseCloneTarget(opts.target);
  if (source.kind === 'path') await assertLocalRepository(source.path);
  if (opts.token !== undefined && source.kind === 'path') {
    throw refuse(
      'a token was given for a local repository path',
      'tokens are only for https:// repositories; leave it out for a local path',
    );
  }
  const dir = resolve(opts.into);
  const config: Record<string, string> = {};
  if (opts.token !== undefined && source.kind === 'url') {
    if (!/^[\x21-\x7e]+$/.test(opts.token))
      throw refuse('the token contains spaces or characters a token never has', 'paste the token alone, without quotes or line breaks');
    // Scoped to the target's origin, so a redirect to another host never receives it.
    config[`http.${source.url.origin}/.extraHeader`] = `Authorization: ${authorizationHeader(opts.token)}`;
  }
  try {
    await runGit(cloneArgs(source, dir, opts.depth), {
      timeoutMs: opts.timeoutMs ?? CLONE_TIMEOUT_MS,
      signal: opts.signal,
      allowProtocols: source.kind === 'url' ? 'http:https' : 'file',
      config,
      baseEnv: opts.baseEnv,
    });
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw cloneError(e, source, opts.token);
  }
  return { dir, ...(await headOf(dir, opts.signal, opts.baseEnv)) };
}

async function headOf(
  dir: string,
  signal: AbortSignal | undefined,
  baseEnv: CloneOptions['baseEnv'],
): Promise<Omit<ClonedRepository, 'dir'>> {
  const quiet = (args: string[]) =>
    runGit(args, { cwd: dir, timeoutMs: 15_000, signal, baseEnv }).then(
      (r) => r.stdout.trim() || null,
      () => null,
    );
  // An empty repository has no HEAD commit but still names its branch.
  const commit = await quiet(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  const defaultBranch = await quiet(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return { commit, defaultBranch };
}

function scrub(text: string, token: string | undefined): string {
  if (!token) return text;
  return text.split(token).join('***').split(authorizationHeader(token).slice('Basic '.length)).join('***');
}

function cloneError(e: unknown, source: Source, token: string | undefined): AppError {
  const where = describe(source);
  if (!(e instanceof GitCommandError)) return AppError.from(e, 'git_failed');
  const stderr = scrub(e.stderr, token);
  if (e.reason === 'timeout') {
    return new AppError('service_unavailable', `cloning ${where} took longer than the scan allows`, {
      hint: 'try again later, or scan at quick depth (a shallow clone) or a smaller repository',
    });
  }
  if (e.reason === 'spawn') return new AppError('git_failed', e.message, { hint: 'install git on the machine that runs the scans' });
  if (
    /could not read (username|password)|authentication failed|terminal prompts disabled|error: 40[13]\b|HTTP 40[13]\b|invalid credentials/i.test(
      stderr,
    )
  ) {
    return token
      ? new AppError('invalid_option', `${where} refused the token`, {
          hint: 'check that the token is valid, has not expired and can read this repository (GitHub: the "repo" or "Contents: read" permission)',
        })
      : new AppError('invalid_option', `${where} needs authentication`, {
          hint: 'the repository is private: pass a token that can read it as credentials.github_token',
        });
  }
  if (/not found|error: 404\b|does not appear to be a git repository|no such (repository|file or directory)/i.test(stderr)) {
    return new AppError('invalid_option', `repository ${where} was not found`, {
      hint: token
        ? 'check the URL (owner and name), and that the token can see the repository'
        : 'check the URL (owner and name); a private repository also looks missing without a token, so pass one as credentials.github_token',
    });
  }
  if (
    /could not resolve (host|proxy)|failed to connect|couldn't connect|connection (refused|reset|timed out)|network is unreachable|no route to host|timed out|empty reply|recv failure|ssl|certificate|unable to access/i.test(
      stderr,
    )
  ) {
    const host = source.kind === 'url' ? source.url.host : 'the repository';
    return new AppError('service_unavailable', `${host} is unreachable: ${firstFatal(stderr)}`, {
      hint: 'check the address, and that this machine can reach it (DNS, proxy, firewall, TLS certificate)',
    });
  }
  return new AppError('git_failed', `cloning ${where} failed: ${firstFatal(stderr)}`, {
    hint: "check that the target is a git repository; the message above is git's own",
  });
}

function firstFatal(stderr: string): string {
  const line = stderr.split('\n').find((l) => /^(fatal|error):/.test(l.trim())) ?? stderr.trim().split('\n').pop() ?? '';
  return (
    line
      .replace(/^(fatal|error):\s*/, '')
      .trim()
      .slice(0, 300) || 'git gave no reason'
  );
}
