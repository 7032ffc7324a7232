/**
 * The CLI's way into a running `catalyst serve` for the same data folder: its REST API for commands
 * and its WebSocket for a build's live progress (the same messages the UI draws).
 */
import WebSocket from 'ws';
import { ErrorBody, ErrorCodeSchema } from '../contracts/errors.ts';
import { ServerMessage } from '../contracts/messages.ts';
import type { LiveFeed } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';

export class ServerClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async json<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (e) {
      throw new AppError('service_unavailable', `the Catalyst server at ${this.url} did not answer ${method} ${path}`, {
        hint: 'is `catalyst serve` still running? Stop it, or start it again',
        cause: e,
      });
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const error = ErrorBody.safeParse(parsed);
      if (error.success) {
        const code = ErrorCodeSchema.safeParse(error.data.error.code);
        throw new AppError(code.success ? code.data : 'internal', error.data.error.message, {
          ...(error.data.error.hint ? { hint: error.data.error.hint } : {}),
        });
      }
      throw new AppError('internal', `${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    }
    return parsed as T;
  }

  /** The task's live messages (replayed from its start, then live) as a feed; close() hangs up. */
  follow(taskId: string): { feed: LiveFeed; close(): void } {
    const listeners = new Set<Parameters<LiveFeed['on']>[0]>();
    const wsUrl = `${this.url.replace(/^http/, 'ws')}/ws/${taskId}${this.token ? `?token=${encodeURIComponent(this.token)}` : ''}`;
    const socket = new WebSocket(wsUrl);
    socket.on('message', (data) => {
      const message = ServerMessage.safeParse(JSON.parse(String(data)));
      if (message.success) for (const l of listeners) l(message.data);
    });
    // Progress is a courtesy: a dropped stream never fails the build the server is running.
    socket.on('error', () => undefined);
    return {
      feed: {
        emit: () => undefined,
        on(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      close: () => socket.close(),
    };
  }
}
