/**
 * `catalyst serve`: one process that owns the runtime (the embedded PGlite store is single-process,
 * so the server holds it while it runs), runs the agents (sequential, or event-driven consumers plus
 * the outbox relay), serves the API and the built UI, and stops cleanly on SIGTERM/SIGINT.
 * Previews are detached: they outlive a restart of the server and are managed through the API.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalystConfig } from '../config/index.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { createRuntime } from '../runtime.ts';
import { startPreviewServices } from '../runtime/preview-services.ts';
import { untilShutdownSignal } from '../core/shutdown-signal.ts';
import { buildServer } from './app.ts';
import { writeServerInfo } from './server-info.ts';
import { startArtifactRetention } from '../orchestrator/artifact-retention.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  config: Readonly<CatalystConfig>,
  opts: { webDir?: string | null; agents?: readonly AgentDefinition[] } = {},
): Promise<RunningServer> {
  // The server takes over tasks whose process died (a killed server, a killed `catalyst build`).
  const runtime = await createRuntime(config, {
    detachedPreviews: true,
    resumeOwnerless: true,
    storeLock: { purpose: 'catalyst serve' },
    ...(opts.agents ? { agents: opts.agents } : {}),
  });
  const webDir = opts.webDir === undefined ? config.paths.webDist : opts.webDir;
  let app;
  let previewServices;
  // A long-running server is where artifacts pile up; one-off CLI builds leave the sweeping to it.
  const retention = startArtifactRetention(
    { state: runtime.ports.state, artifacts: runtime.ports.artifacts, clock: runtime.clock, logger: runtime.logger },
    config.storage.artifacts.retention_days,
  );
  try {
    // The preview monitor (health, restarts, TTL) and, when enabled, the Host router live as long as the server.
    previewServices = await startPreviewServices(runtime, { detached: true });
    app = await buildServer(runtime, { webDir });
    await app.listen({ host: config.server.host, port: config.server.port });
  } catch (e) {
    await app?.close();
    await previewServices?.close();
    await retention.close();
    await runtime.close();
    throw e;
  }
  const services = previewServices;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  runtime.logger.info({ url, mode: runtime.mode, ui: webDir && existsSync(join(webDir, 'index.html')) }, 'server listening');
  // A wildcard address is not one a client can dial: the CLI on this machine uses loopback.
  const dialable = url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  const forgetServer = writeServerInfo(config.paths.dataDir, {
    pid: process.pid,
    url: dialable,
    mode: runtime.mode,
    started_at: new Date().toISOString(),
  });
  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        forgetServer();
        await app.close();
        await services.close();
        await retention.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}

/** Runs until SIGTERM or SIGINT; returns the exit code. */
export async function serveUntilSignal(config: Readonly<CatalystConfig>, write: (line: string) => void): Promise<number> {
  const server = await startServer(config);
  const hasUi = existsSync(join(config.paths.webDist, 'index.html'));
  write(
    `Catalyst is serving ${hasUi ? 'the UI and ' : ''}the API at ${server.url} (${config.orchestration.mode}; API docs at ${server.url}/docs)`,
  );
  if (!hasUi) write('The web UI is not built: run `npm run build:web` to serve it here.');
  if (config.auth.token) write('An API token is required (auth.token): open the UI once with ?token=<token>.');
  await untilShutdownSignal();
  write('Stopping: finishing writes, closing the store (previews keep running; `catalyst preview list`).');
  await server.close();
  return 0;
}
