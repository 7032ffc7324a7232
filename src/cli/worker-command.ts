/** `catalyst worker [--agents a,b]`: runs until SIGINT/SIGTERM, then finishes in-flight steps and exits. */
import type { CatalystConfig } from '../config/index.ts';
import { startWorker } from '../worker/worker.ts';
import { untilShutdownSignal } from '../core/shutdown-signal.ts';
import { EXIT } from './output.ts';

export async function workerCommand(opts: { agents?: string; relay: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const agents = opts.agents
    ? opts.agents
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
  const runtime = await startWorker(config, { agents, relay: opts.relay });
  const ids = runtime.agents.filter((a) => !agents || agents.includes(a.id)).map((a) => a.id);
  process.stderr.write(
    `worker ready: pid ${process.pid}, agents ${ids.join(',')}, bus ${runtime.ports.bus?.kind}, state ${runtime.ports.state.kind}\n`,
  );
  await untilShutdownSignal();
  process.stderr.write('worker stopping: finishing in-flight steps\n');
  await runtime.close();
  process.stderr.write('worker stopped\n');
  return EXIT.ok;
}
