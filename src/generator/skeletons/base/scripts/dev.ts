// `npm run dev`: the backend restarting on every change (tsx watch) next to Vite's dev server with hot
// reload, which forwards /api to the backend. Both read .env; Ctrl-C stops both.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './node-tests.ts';

const envFile = join(root, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

const children: ChildProcess[] = ['dev:backend', 'dev:frontend'].map((script) =>
  spawn('npm', ['run', '--silent', script], { cwd: root, env: process.env, stdio: 'inherit' }),
);

let exiting = false;
function stopAll(code: number): void {
  if (exiting) return;
  exiting = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopAll(0));
// One half without the other is no dev server: when either stops, stop the other too.
for (const child of children) child.once('exit', (code) => stopAll(code ?? 1));
