import { EventEmitter } from 'node:events';
import type { LiveFeed } from '../core/agent.ts';

type Message = Parameters<LiveFeed['emit']>[0];

/** In-process fan-out of live messages; a failing listener never breaks the pipeline. */
export function createLiveFeed(onListenerError?: (e: unknown) => void): LiveFeed {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    emit(message) {
      for (const listener of emitter.listeners('message') as Array<(m: Message) => void>) {
        try {
          listener(message);
        } catch (e) {
          onListenerError?.(e);
        }
      }
    },
    on(listener) {
      emitter.on('message', listener);
      return () => emitter.off('message', listener);
    },
  };
}
