/**
 * The preview of one task as its record says now: the task page shows the app only while the preview
 * answers, and says so when it is stopped, expired or failed. Stops and expiries may happen in another
 * process (`catalyst preview stop`, the supervisor, the server's monitor), so the record is polled rather
 * than learnt from this page's WebSocket alone.
 */
import { useCallback, useEffect, useState } from 'react';
import type { PreviewDeployment } from '../../src/contracts/records.ts';
import { api } from './api.ts';

const POLL_MS = 3000;

export interface PreviewState {
  record: PreviewDeployment | null;
  restarting: boolean;
  error: unknown;
  restart(): void;
}

/** `announcedUrl`: the preview URL the task or its stream gave; until there is one, nothing is asked. */
export function usePreview(taskId: string, announcedUrl: string | null): PreviewState {
  const [record, setRecord] = useState<PreviewDeployment | null>(null);
  const [restarting, setRestarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api.preview(taskId).then((r) => {
      setRecord(r);
      setError(null);
    }, setError);
  }, [taskId]);
  useEffect(() => {
    if (announcedUrl === null) return;
    load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [load, announcedUrl]);
  const restart = useCallback(() => {
    setRestarting(true);
    setError(null);
    api
      .restartPreview(taskId)
      .then(setRecord, setError)
      .finally(() => {
        setRestarting(false);
        load();
      });
  }, [taskId, load]);
  return { record, restarting, error, restart };
}

/** What a person reads about a preview: "running" only when it answers. */
export function previewLabel(p: PreviewState): string {
  if (p.restarting) return 'restarting';
  const status = p.record?.status;
  if (status === 'healthy') return 'running';
  if (status === 'starting') return p.record && p.record.restart_count > 0 ? 'restarting' : 'starting';
  if (status === 'unhealthy') return 'not answering';
  return status ?? 'none';
}
