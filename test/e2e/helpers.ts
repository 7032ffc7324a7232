import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type CatalystConfig } from '../../src/config/index.ts';

/** A fresh data folder and config per test: nothing shared between tests or with a developer's .catalyst. */
export function tempWorkspace(
  label: string,
  overrides: Record<string, unknown> = {},
): { dir: string; config: Readonly<CatalystConfig>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `catalyst-${label}-`));
  const config = loadConfig({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd: dir,
    overrides: { 'logging.level': 'warn', ...overrides },
  });
  return { dir, config, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
}

export async function http(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}

export const CATALYST_BIN = resolve(import.meta.dirname, '../../bin/catalyst.js');

/**
 * Runs `catalyst <args>` in `cwd` as a user's shell would (only PATH and HOME, plus `env`: no
 * test-runner variables), and kills it after `timeoutMs`.
 */
export function runCatalyst(
  cwd: string,
  args: string[],
  timeoutMs = 60_000,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [CATALYST_BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`catalyst ${args.join(' ')} timed out\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
