/** History-API routes (/, /tasks/:id[/:tab], /previews, /cost, /explore[/:scan_id]): shareable, reload-safe URLs without a router library. */
import { useEffect, useState } from 'react';

export type Route =
  | { page: 'home' }
  | { page: 'task'; id: string; tab: string }
  | { page: 'previews' }
  | { page: 'cost' }
  | { page: 'explore'; scanId: string | null }
  | { page: 'missing'; path: string };

export function parseRoute(path: string): Route {
  if (path === '/' || path === '') return { page: 'home' };
  if (path === '/previews') return { page: 'previews' };
  if (path === '/cost' || path === '/cost/') return { page: 'cost' };
  if (path === '/explore' || path === '/explore/') return { page: 'explore', scanId: null };
  const scan = /^\/explore\/([0-9a-f-]{36})\/?$/.exec(path);
  if (scan) return { page: 'explore', scanId: scan[1]! };
  const m = /^\/tasks\/([0-9a-f-]{36})(?:\/([a-z]+))?\/?$/.exec(path);
  if (m) return { page: 'task', id: m[1]!, tab: m[2] ?? 'activity' };
  return { page: 'missing', path };
}

export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return route;
}
