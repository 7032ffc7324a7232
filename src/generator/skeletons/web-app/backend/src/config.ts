/** Reads the environment once; everything else receives these values. */
export interface ServerConfig {
  port: number;
  host: string;
  /** A Unix socket to listen on instead of PORT (Catalyst's sandboxed previews have no network). */
  socketPath: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  return { port, host: env.HOST || '127.0.0.1', socketPath: env.SOCKET_PATH || undefined };
}
