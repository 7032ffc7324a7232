#!/usr/bin/env node
// Proves that a production install works: a clean clone of this repository at HEAD, `npm ci --omit=dev`,
// the UI built (`npm start` does that first), then a real `catalyst build "build a todo app" --json` on the
// embedded defaults, which must complete. A package Catalyst (or a generated app linked to Catalyst's
// node_modules) loads at run time but lists under devDependencies fails it. Takes a few minutes; only
// committed files count. `KEEP=1` keeps the temp folder for a look afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'catalyst-production-install-'));
const clone = join(work, 'catalyst');
const home = join(work, 'user');
// Only what a user's shell has: nothing of this checkout (NODE_OPTIONS, npm_config_*) leaks into the clone.
const env = { PATH: process.env.PATH, HOME: process.env.HOME };

function step(title, command, args, opts = {}) {
  console.error(`▶ ${title}`);
  const r = spawnSync(command, args, { env, encoding: 'utf8', stdio: opts.capture ? 'pipe' : 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0 && !opts.allowFailure) {
    if (opts.capture) process.stderr.write(`${r.stdout}\n${r.stderr}`);
    throw new Error(`${title}: exit ${r.status ?? r.signal}`);
  }
  return r;
}

let taskId = null;
try {
  const head = step('HEAD', 'git', ['-C', root, 'rev-parse', 'HEAD'], { capture: true }).stdout.trim();
  step(`clone at ${head.slice(0, 8)}`, 'git', ['clone', '--quiet', '--no-checkout', root, clone]);
  step('checkout', 'git', ['-C', clone, 'checkout', '--quiet', '--detach', head]);
  step('npm ci --omit=dev', 'npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: clone });
  for (const devOnly of ['prettier', 'dependency-cruiser']) {
    if (existsSync(join(clone, 'node_modules', devOnly))) throw new Error(`${devOnly} is installed: this is not a production install`);
  }
  step('npm run build:web', 'npm', ['run', 'build:web'], { cwd: clone });

  mkdirSync(home);
  // The build returns once its preview is handed to the supervisor (stopped below).
  const build = step(
    'catalyst build "build a todo app" --json',
    process.execPath,
    [join(clone, 'bin', 'catalyst.js'), 'build', 'build a todo app', '--json'],
    { cwd: home, capture: true, allowFailure: true, timeout: 15 * 60_000 },
  );
  let result;
  try {
    result = JSON.parse(build.stdout);
  } catch {
    throw new Error(`build printed no JSON (exit ${build.status ?? build.signal})\n${build.stdout}\n${build.stderr}`);
  }
  taskId = result.task_id ?? null;
  if (build.status !== 0 || result.status !== 'completed') {
    throw new Error(`build did not complete (exit ${build.status}): ${JSON.stringify(result, null, 2)}\n${build.stderr}`);
  }
  const phases = result.phases.map((p) => `${p.agent} ${p.status}`).join(', ');
  console.error(`✔ a production install builds an app: ${result.project_slug} in ${(result.duration_ms / 1000).toFixed(1)} s (${phases})`);
} catch (e) {
  console.error(`✖ production install check failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  if (taskId) {
    step('catalyst preview stop', process.execPath, [join(clone, 'bin', 'catalyst.js'), 'preview', 'stop', taskId], {
      cwd: home,
      capture: true,
      allowFailure: true,
    });
  }
  if (process.env.KEEP) console.error(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
