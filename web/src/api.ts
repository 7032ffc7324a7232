/** The UI's only way to the server: JSON over fetch, text for files, and the task WebSocket URL. */
import type { CreateTaskResponse, FileList, TaskDetail, TaskProgress } from '../../src/contracts/api.ts';
import type { DependencyGraph, ExplorerFindings, ScanRecord, ScanRequestInput } from '../../src/contracts/explorer.ts';
import type { ConfiguredModel, CostOverview, TaskCost } from '../../src/contracts/llm.ts';
import type { BuildResult } from '../../src/contracts/messages.ts';
import type { PreviewDeployment, TaskRecord } from '../../src/contracts/records.ts';

const TOKEN_KEY = 'catalyst.token';

/** A token given once as ?token= is remembered, then removed from the address bar. */
export function initToken(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token) {
    localStorage.setItem(TOKEN_KEY, token);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}

function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string | null,
  ) {
    super(message);
  }
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const t = token();
  if (t) headers.set('authorization', `Bearer ${t}`);
  if (init.body) headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  if (!res.ok) {
    let body: { error?: { code?: string; message?: string; hint?: string | null } } = {};
    try {
      body = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(
      res.status,
      body.error?.code ?? 'http_error',
      body.error?.message ?? `${res.status} ${res.statusText}`,
      body.error?.hint ?? null,
    );
  }
  return res;
}

const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await request(path, init)).json() as Promise<T>;
const text = async (path: string): Promise<string> => (await request(path)).text();
const segments = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export interface CommitInfo {
  sha: string;
  message: string;
  author: string;
  date: string;
}

/** GET /api/explorer/scans/:id/graph: `graph` and `mermaid` are null until the scan has completed, and `reason` says why. */
export interface ScanGraph {
  scan_id: string;
  status: ScanRecord['status'];
  graph: DependencyGraph | null;
  mermaid: string | null;
  reason: string | null;
}

export const api = {
  /** `explorer_scan_id`: build from a completed scan's findings (its records, stack and improvements). */
  createTask: (prompt: string, from: { explorer_scan_id?: string } = {}) =>
    json<CreateTaskResponse>('/api/tasks', { method: 'POST', body: JSON.stringify({ prompt, ...from }) }),
  tasks: () => json<{ tasks: TaskRecord[] }>('/api/tasks?limit=100'),
  task: (id: string) => json<TaskDetail>(`/api/tasks/${id}`),
  /** What the build amounts to: status, failure code and hint, and what was asked for but not built. */
  result: (id: string) => json<Omit<BuildResult, 'via' | 'duration_ms' | 'preview_supervised'>>(`/api/tasks/${id}/result`),
  progress: (id: string) => json<TaskProgress>(`/api/tasks/${id}/progress`),
  cancel: (id: string) => json<TaskRecord>(`/api/tasks/${id}/cancel`, { method: 'POST' }),
  files: (id: string) => json<FileList>(`/api/tasks/${id}/files`),
  file: (id: string, path: string) => text(`/api/tasks/${id}/files/${segments(path)}`),
  artifacts: (id: string) => json<{ files: Array<{ path: string; size: number }> }>(`/api/tasks/${id}/artifacts`),
  artifact: (id: string, path: string) => text(`/api/tasks/${id}/artifacts/${segments(path)}`),
  artifactUrl: (id: string, path: string) => `/api/tasks/${id}/artifacts/${segments(path)}`,
  /** An image artifact as a data: URL: an <img src> could not send the token, and the UI's CSP allows data: images. */
  artifactImage: async (id: string, path: string): Promise<string> => {
    const blob = await (await request(`/api/tasks/${id}/artifacts/${segments(path)}`)).blob();
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error ?? new Error(`could not read ${path}`));
      reader.readAsDataURL(blob);
    });
  },
  commits: (id: string) => json<{ ref: string; commits: CommitInfo[] }>(`/api/tasks/${id}/commits`),
  previews: () => json<{ previews: PreviewDeployment[] }>('/api/preview?all=true'),
  /** The task's preview record, or null when the task has none (yet). */
  preview: (taskId: string) =>
    json<PreviewDeployment>(`/api/preview/${taskId}`).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  stopPreview: (taskId: string) => json<PreviewDeployment>(`/api/preview/${taskId}`, { method: 'DELETE' }),
  restartPreview: (taskId: string) => json<PreviewDeployment>(`/api/preview/${taskId}/restart`, { method: 'POST' }),
  startScan: (request: ScanRequestInput) =>
    json<{ scan: ScanRecord; links: { self: string } }>('/api/explorer/scan', { method: 'POST', body: JSON.stringify(request) }),
  scans: () => json<{ scans: ScanRecord[] }>('/api/explorer/scans?limit=100'),
  scan: (id: string) => json<{ scan: ScanRecord; findings: ExplorerFindings | null }>(`/api/explorer/scans/${id}`),
  scanGraph: (id: string) => json<ScanGraph>(`/api/explorer/scans/${id}/graph`),
  taskCost: (id: string) => json<TaskCost>(`/api/tasks/${id}/cost`),
  costOverview: () => json<CostOverview>('/api/cost'),
  /** The model each agent uses now (agents without one are absent). */
  models: () => json<ConfiguredModel[]>('/api/models'),
};

export function wsUrl(taskId: string): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const t = token();
  return `${proto}//${window.location.host}/ws/${taskId}${t ? `?token=${encodeURIComponent(t)}` : ''}`;
}
