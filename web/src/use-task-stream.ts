/**
 * Live state of one task from its WebSocket (spec §11.2). The server replays everything on connect,
 * so each (re)connection starts from a clean slate: a reload or a dropped connection loses nothing.
 * Reconnects back off from 0.5 s to 8 s and say so ("reconnecting").
 */
import { useEffect, useReducer } from 'react';
import type { ServerMessage } from '../../src/contracts/messages.ts';
import { wsUrl } from './api.ts';

export const AGENTS = ['planner', 'architect', 'coder', 'tester', 'reviewer', 'deployer'] as const;
export type AgentName = (typeof AGENTS)[number];
export type AgentState = { status: 'queued' | 'running' | 'done' | 'failed'; duration_ms: number | null; started_at: number | null };
type Log = Extract<ServerMessage, { type: 'agent_log' }>;

export interface TaskStream {
  connection: 'connecting' | 'open' | 'reconnecting';
  agents: Record<AgentName, AgentState>;
  logs: Log[];
  progress: { phase: string; progress: number; files_created: number; total_estimated_files: number } | null;
  preview: { preview_url: string; fallback_url: string | null } | null;
  complete: { status: 'completed' | 'failed' | 'cancelled'; error: string | null } | null;
  error: { code: string; message: string; hint: string | null } | null;
  /** Bumped on every agent_status change, so views refetch what an agent just produced. */
  revision: number;
  /** `llm_call` messages seen: each one is a model call whose cost the cost views fetch. */
  modelCalls: number;
}

const MAX_LOGS = 2000;

function initial(connection: TaskStream['connection']): TaskStream {
  const agents = Object.fromEntries(AGENTS.map((a) => [a, { status: 'queued', duration_ms: null, started_at: null }])) as Record<
    AgentName,
    AgentState
  >;
  return { connection, agents, logs: [], progress: null, preview: null, complete: null, error: null, revision: 0, modelCalls: 0 };
}

type Action = { type: 'connection'; value: TaskStream['connection']; reset: boolean } | { type: 'message'; message: ServerMessage };

function reduce(state: TaskStream, action: Action): TaskStream {
  if (action.type === 'connection')
    return action.reset ? { ...initial(action.value), revision: state.revision + 1 } : { ...state, connection: action.value };
  const m = action.message;
  switch (m.type) {
    case 'agent_log':
      return { ...state, logs: state.logs.length >= MAX_LOGS ? [...state.logs.slice(-MAX_LOGS + 1), m] : [...state.logs, m] };
    case 'agent_status': {
      if (!(m.agent_name in state.agents)) return state;
      const prev = state.agents[m.agent_name as AgentName];
      const next: AgentState = {
        status: m.status,
        duration_ms: m.duration_ms ?? prev.duration_ms,
        started_at: m.status === 'running' ? Date.now() : null,
      };
      return { ...state, agents: { ...state.agents, [m.agent_name]: next }, revision: state.revision + 1 };
    }
    case 'progress':
      return {
        ...state,
        progress: { phase: m.phase, progress: m.progress, files_created: m.files_created, total_estimated_files: m.total_estimated_files },
      };
    case 'preview_ready':
      return { ...state, preview: { preview_url: m.preview_url, fallback_url: m.fallback_url } };
    case 'task_complete': {
      const agents = { ...state.agents };
      // A finished task has no running agent: a cancelled or failed run leaves it as failed.
      for (const a of AGENTS)
        if (agents[a].status === 'running')
          agents[a] = { ...agents[a], status: m.status === 'completed' ? 'done' : 'failed', started_at: null };
      return { ...state, agents, complete: { status: m.status, error: m.error ?? null }, revision: state.revision + 1 };
    }
    case 'llm_call':
      // Live only (not replayed on connect): the cost views refetch the recorded totals on each one.
      return { ...state, modelCalls: state.modelCalls + 1 };
    case 'error':
      return { ...state, error: { code: m.code, message: m.message, hint: m.hint } };
    default:
      // A message type this UI does not know yet (a newer server) changes nothing.
      return state;
  }
}

export function useTaskStream(taskId: string): TaskStream {
  const [state, dispatch] = useReducer(reduce, 'connecting', initial);
  useEffect(() => {
    let socket: WebSocket | null = null;
    let stopped = false;
    let delay = 500;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      socket = new WebSocket(wsUrl(taskId));
      socket.onopen = () => {
        delay = 500;
        dispatch({ type: 'connection', value: 'open', reset: true });
      };
      socket.onmessage = (e) => {
        try {
          dispatch({ type: 'message', message: JSON.parse(String(e.data)) as ServerMessage });
        } catch {
          /* ignore a malformed frame */
        }
      };
      socket.onclose = () => {
        if (stopped) return;
        dispatch({ type: 'connection', value: 'reconnecting', reset: false });
        timer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 8000);
      };
    };
    dispatch({ type: 'connection', value: 'connecting', reset: true });
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, [taskId]);
  return state;
}
