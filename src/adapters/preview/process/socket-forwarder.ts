/**
 * Connects the host to a sandboxed app: every TCP connection accepted by `server` is piped, byte for
 * byte, to the app's Unix socket. Forwarding below HTTP keeps keep-alive, streaming and WebSocket
 * upgrades exactly as the app speaks them, with nothing to parse or rewrite; the Host router
 * (src/preview/preview-router.ts) does the HTTP-level proxying with @fastify/http-proxy.
 */
import { connect, type Server, type Socket } from 'node:net';

export function forwardToSocket(server: Server, socketPath: string): Server {
  server.on('connection', (client: Socket) => {
    const upstream = connect(socketPath);
    client.setNoDelay(true);
    // Either side closing or failing (the app restarting, say) ends the pair; no half-open leftovers.
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return server;
}
