/** Every recorded preview with restart and stop (checked against reality by the server on each load). */
import { useCallback, useEffect, useState } from 'react';
import type { PreviewDeployment } from '../../src/contracts/records.ts';
import { api } from './api.ts';
import { ErrorNote, Link, statusBadge } from './ui.tsx';

export function PreviewsPage() {
  const [previews, setPreviews] = useState<PreviewDeployment[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(() => {
    api.previews().then((r) => setPreviews(r.previews), setError);
  }, []);
  useEffect(load, [load]);
  const act = async (taskId: string, action: 'restart' | 'stop') => {
    setBusy(taskId);
    setError(null);
    try {
      await (action === 'restart' ? api.restartPreview(taskId) : api.stopPreview(taskId));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
      load();
    }
  };
  return (
    <main>
      <h1>Previews</h1>
      <ErrorNote error={error} />
      {previews === null && !error ? <p>Loading…</p> : null}
      {previews?.length === 0 ? <p className="empty">No previews yet: every finished build starts one.</p> : null}
      {previews && previews.length > 0 ? (
        <table aria-label="Previews">
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">URL</th>
              <th scope="col">Restarts</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {previews.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/tasks/${p.task_id}`}>{p.task_id.slice(0, 8)}</Link>
                </td>
                <td>{statusBadge(p.status)}</td>
                <td>
                  <a href={p.url} target="_blank" rel="noopener noreferrer">
                    {p.url}
                  </a>
                </td>
                <td>{p.restart_count}</td>
                <td>
                  <button
                    type="button"
                    disabled={busy === p.task_id}
                    onClick={() => act(p.task_id, 'restart')}
                    aria-label={`Restart preview of ${p.task_id.slice(0, 8)}`}
                  >
                    Restart
                  </button>{' '}
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy === p.task_id || p.status === 'stopped'}
                    onClick={() => act(p.task_id, 'stop')}
                    aria-label={`Stop preview of ${p.task_id.slice(0, 8)}`}
                  >
                    Stop
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
