/**
 * `<data_dir>/server.json`: a running `catalyst serve` says where it listens, so the CLI on the same
 * data folder talks to it over HTTP instead of waiting for a store the server holds. A file left by a
 * server that died is ignored (its pid is gone, or it does not answer /api/health).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const ServerInfo = z.object({
  pid: z.number().int(),
  url: z.string(),
  mode: z.enum(['sequential', 'event_driven']),
  started_at: z.string(),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

const fileIn = (dataDir: string) => join(dataDir, 'server.json');

export function writeServerInfo(dataDir: string, info: ServerInfo): () => void {
  const path = fileIn(dataDir);
  writeFileSync(path, JSON.stringify(info));
  return () => {
    // Only our own file: a newer server on the same folder may have replaced it.
    if (readServerInfo(dataDir)?.pid === info.pid) rmSync(path, { force: true });
  };
}

function readServerInfo(dataDir: string): ServerInfo | null {
  try {
    return ServerInfo.parse(JSON.parse(readFileSync(fileIn(dataDir), 'utf8')));
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The server running for this data folder, if one answers. */
export async function findRunningServer(dataDir: string): Promise<ServerInfo | null> {
  const info = readServerInfo(dataDir);
  if (!info || !alive(info.pid)) return null;
  try {
    const res = await fetch(`${info.url}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? info : null;
  } catch {
    return null;
  }
}
