/**
 * Shared set-up for the event-driven integration tests: a temp folder with a config file pointing at
 * a fresh PostgreSQL database and a private RabbitMQ prefix, and `catalyst worker` child processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type CatalystConfig } from '../../src/config/index.ts';
import { freshDatabase } from '../support/postgres.ts';
import { RABBITMQ_URL, deleteByPrefix, testPrefix } from '../support/rabbitmq.ts';

const BIN = resolve(import.meta.dirname, '../../bin/catalyst.js');
const CRASHING_WORKER = resolve(import.meta.dirname, 'crashing-worker.ts');
// Resolved here: the child runs in a temp folder, where a bare `--import tsx` would not be found.
const TSX_LOADER = import.meta.resolve('tsx');

export interface Infra {
  dir: string;
  prefix: string;
  postgresUrl: string;
  config: Readonly<CatalystConfig>;
  cleanup(): Promise<void>;
}

export async function eventDrivenInfra(label: string, opts: { redisUrl?: string } = {}): Promise<Infra> {
  const dir = mkdtempSync(join(tmpdir(), `catalyst-${label}-`));
  const db = await freshDatabase(label.replace(/\W/g, '_'));
  const prefix = testPrefix(label);
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'catalyst.yaml'),
    [
      'orchestration:',
      '  mode: event_driven',
      '  event_driven:',
      `    rabbitmq_url: "${RABBITMQ_URL}"`,
      `    topology_prefix: "${prefix}"`,
      '    retry_delay_ms: 200',
      'storage:',
      '  databases:',
      '    postgres:',
      `      url: "${db.url}"`,
      '      pool_size: 4',
      ...(opts.redisUrl ? ['  redis:', `    url: "${opts.redisUrl}"`] : []),
      'logging:',
      '  level: error',
    ].join('\n'),
  );
  const config = loadConfig({ env: { PATH: process.env.PATH, HOME: process.env.HOME }, cwd: dir });
  return {
    dir,
    prefix,
    postgresUrl: db.url,
    config,
    async cleanup() {
      await deleteByPrefix(prefix).catch(() => undefined);
      await db.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts `catalyst worker` in `dir` and resolves once it reports it is consuming. With `crashAt`, starts
 * the crashing worker instead (crashing-worker.ts), which SIGKILLs itself at that point of a step.
 */
export async function startWorkerProcess(dir: string, args: string[] = [], opts: { crashAt?: string } = {}): Promise<WorkerProcess> {
  const command = opts.crashAt ? ['--import', TSX_LOADER, CRASHING_WORKER] : [BIN, 'worker', ...args];
  const child = spawn(process.execPath, command, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(opts.crashAt ? { CATALYST_TEST_CRASH_AT: opts.crashAt } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | string>((r) => child.once('exit', (code, signal) => r(code ?? signal ?? -1)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 60 s:\n${err}`)), 60_000);
    const onData = () => {
      if (err.includes('worker ready')) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolveReady();
      }
    };
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${err}`));
    });
  });
  return {
    child,
    stderr: () => err,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
