/**
 * The server's view of the live feed: the latest file counts per task (so `GET …/progress` and a
 * reconnecting client see files the coder is writing right now), and per-task subscriptions that turn
 * feed messages into spec §11.2 WebSocket messages, serialised once however many clients listen.
 */
import { join } from 'node:path';
import type { AgentEvent } from '../contracts/events.ts';
import type { ServerMessage } from '../contracts/messages.ts';
import type { LiveFeed } from '../core/agent.ts';
import type { Runtime } from '../runtime.ts';
import type { TaskProgress } from '../contracts/api.ts';
import type { LiveFiles } from './task-view.ts';

type FeedMessage = Parameters<LiveFeed['emit']>[0];

const MAX_TRACKED_TASKS = 1000;

export interface LiveState {
  files(taskId: string): LiveFiles | null;
  /**
   * A task's progress, kept as "hot task progress" in the cache port (spec §3.1: the in-process LRU, or
   * Redis shared by every server when REDIS_URL is set) for `server.progress_cache_ttl_ms`. Any live
   * message of the task drops the cached value, and the TTL bounds staleness when another process (an
   * event-driven worker) changes the task without this process's feed seeing it.
   */
  progress(taskId: string, compute: () => Promise<TaskProgress>): Promise<TaskProgress>;
  /** Calls `send` with each message for `taskId` as JSON text; returns the unsubscribe function. */
  subscribe(taskId: string, send: (json: string, message: ServerMessage) => void): () => void;
  /** Raw catalog events of one task, for the SSE stream. */
  onEvent(taskId: string, listener: (event: AgentEvent) => void): () => void;
  close(): void;
}

export function messagesFor(
  m: FeedMessage,
  artifactsDir: (taskId: string) => string,
  repoOf: (event: AgentEvent) => string,
): ServerMessage[] {
  if (m.type !== 'event') return [m];
  const e = m.event;
  if (e.event_type === 'deploy.status' && e.payload.status === 'deployed' && e.payload.preview_url) {
    return [{ type: 'preview_ready', task_id: e.task_id, preview_url: e.payload.preview_url, fallback_url: e.payload.fallback_url }];
  }
  if (e.event_type === 'deploy.complete' || e.event_type === 'task.failed') {
    const completed = e.event_type === 'deploy.complete' && e.payload.status === 'completed';
    return [
      {
        type: 'task_complete',
        task_id: e.task_id,
        status: completed ? 'completed' : 'failed',
        artifacts: {
          code: `file://${repoOf(e)}`,
          tests: `file://${artifactsDir(e.task_id)}/test-results/`,
          preview: e.event_type === 'deploy.complete' ? e.payload.preview_url : null,
        },
        error: e.event_type === 'task.failed' ? e.payload.reason : completed ? null : 'deployment failed',
      },
    ];
  }
  return [];
}

export function createLiveState(runtime: Runtime): LiveState {
  const files = new Map<string, LiveFiles>();
  const subscribers = new Map<string, Set<(json: string, message: ServerMessage) => void>>();
  const eventListeners = new Map<string, Set<(event: AgentEvent) => void>>();
  const progressCache = runtime.ports.cache.namespace('task-progress');
  const progressTtlMs = runtime.config.server.progress_cache_ttl_ms;
  // Bumped by every live message of a task: a computation that started before the message must not
  // store its (now stale) result after the invalidation.
  const generations = new Map<string, number>();
  // One computation per task at a time in this process, however many clients poll.
  const computing = new Map<string, { generation: number; value: Promise<TaskProgress> }>();
  let cacheWarned = false;
  const cacheFailed = (e: unknown) => {
    // The cache is an optimisation: without it progress is computed on every request, which is correct.
    if (!cacheWarned)
      runtime.logger.warn(
        { err: e instanceof Error ? e.message : String(e), adapter: progressCache.kind },
        'progress cache unavailable; computing progress per request',
      );
    cacheWarned = true;
  };
  const artifactsDir = (taskId: string) => runtime.ports.artifacts.location(taskId);
  const repoOf = (e: AgentEvent) => join(runtime.config.paths.repos, e.repo.split('/').pop() ?? '');

  const off = runtime.feed.on((m) => {
    const taskId = m.type === 'event' ? m.event.task_id : m.task_id;
    if (!taskId) return;
    generations.delete(taskId);
    generations.set(taskId, (generations.get(taskId) ?? 0) + 1);
    if (generations.size > MAX_TRACKED_TASKS) generations.delete(generations.keys().next().value!);
    progressCache.delete(taskId).catch(cacheFailed);
    if (m.type === 'progress' && m.total_estimated_files > 0) {
      files.delete(taskId);
      files.set(taskId, { files_created: m.files_created, total_estimated_files: m.total_estimated_files });
      if (files.size > MAX_TRACKED_TASKS) files.delete(files.keys().next().value!);
    }
    if (m.type === 'event') for (const l of eventListeners.get(taskId) ?? []) l(m.event);
    const subs = subscribers.get(taskId);
    if (!subs || subs.size === 0) return;
    for (const message of messagesFor(m, artifactsDir, repoOf)) {
      const json = JSON.stringify(message);
      for (const send of subs) send(json, message);
    }
  });

  function add<T>(map: Map<string, Set<T>>, key: string, value: T): () => void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
    return () => {
      set.delete(value);
      if (set.size === 0) map.delete(key);
    };
  }

  return {
    files: (taskId) => files.get(taskId) ?? null,
    async progress(taskId, compute) {
      const generation = generations.get(taskId) ?? 0;
      const hit = await progressCache.get<TaskProgress>(taskId).catch((e: unknown) => (cacheFailed(e), null));
      // A message may have arrived while the cache answered: then the hit predates it.
      if (hit && generation === (generations.get(taskId) ?? 0)) return hit;
      const running = computing.get(taskId);
      if (running && running.generation === generation) return running.value;
      const value = compute();
      const entry = { generation, value };
      computing.set(taskId, entry);
      try {
        const progress = await value;
        if (generation === (generations.get(taskId) ?? 0))
          await progressCache.set(taskId, progress, { ttlMs: progressTtlMs }).catch(cacheFailed);
        return progress;
      } finally {
        // Failures (unknown task, store errors) are never cached.
        if (computing.get(taskId) === entry) computing.delete(taskId);
      }
    },
    subscribe: (taskId, send) => add(subscribers, taskId, send),
    onEvent: (taskId, listener) => add(eventListeners, taskId, listener),
    close() {
      off();
      subscribers.clear();
      eventListeners.clear();
    },
  };
}
