/** Talks to the backend under /api; errors carry the server's message and per-field problems. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

const TOKEN_KEY = 'app.token';

export const tokenStore = {
  get(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set(token: string): void {
    localStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY);
  },
};

export function createApiClient(getToken: () => string | null, onUnauthorized: () => void): ApiClient {
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      const token = getToken();
      if (token) headers.authorization = 'Bearer ' + token;
      const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (response.status === 204) return undefined as T;
      const data: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const error = (data as { error?: { message?: string; fields?: Record<string, string> } } | null)?.error;
        if (response.status === 401 && token) onUnauthorized();
        throw new ApiError(response.status, error?.message ?? 'Request failed (' + response.status + ')', error?.fields ?? {});
      }
      return data as T;
    },
  };
}
