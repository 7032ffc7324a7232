/**
 * One CLI whether a server runs or not: when `catalyst serve` runs for this data folder, commands go
 * through its API; otherwise they open the store themselves (embedded).
 */
import type { CatalystConfig } from '../config/index.ts';
import { findRunningServer } from '../server/server-info.ts';
import { ServerClient } from './server-client.ts';

export async function serverFor(config: Readonly<CatalystConfig>): Promise<ServerClient | null> {
  const server = await findRunningServer(config.paths.dataDir);
  return server ? new ServerClient(server.url, config.auth.token) : null;
}
