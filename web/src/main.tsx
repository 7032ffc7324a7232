import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { TaskRecord } from '../../src/contracts/records.ts';
import { api, initToken } from './api.ts';
import { useRoute } from './router.ts';
import { Chat, ErrorNote, Link, statusBadge } from './ui.tsx';
import { CostPage } from './cost-page.tsx';
import { ExplorePage } from './explore-page.tsx';
import { PreviewsPage } from './previews-page.tsx';
import { TaskPage } from './task-page.tsx';
import './styles.css';

function HomePage() {
  const [tasks, setTasks] = useState<TaskRecord[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.tasks().then((r) => setTasks(r.tasks), setError);
  }, []);
  const byProject = new Map<string, TaskRecord[]>();
  for (const t of tasks ?? []) byProject.set(t.project_id, [...(byProject.get(t.project_id) ?? []), t]);
  return (
    <main className="home">
      <h1>What should the agents build?</h1>
      <Chat busy={false} />
      <section aria-labelledby="history-title">
        <h2 id="history-title">Past tasks</h2>
        <ErrorNote error={error} />
        {tasks === null && !error ? <p>Loading…</p> : null}
        {tasks?.length === 0 ? <p className="empty">No tasks yet. Type a request above to start one.</p> : null}
        {[...byProject.values()].map((list) => (
          <div key={list[0]!.project_id} className="project">
            <ul aria-label="Tasks of one project">
              {list.map((t) => (
                <li key={t.id}>
                  <Link to={`/tasks/${t.id}`}>{t.user_prompt}</Link> {statusBadge(t.status)}{' '}
                  <time dateTime={t.created_at}>{new Date(t.created_at).toLocaleString()}</time>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
    </main>
  );
}

function App() {
  const route = useRoute();
  const setTitle = useCallback((t: string) => (document.title = t), []);
  useEffect(() => {
    setTitle(route.page === 'task' ? 'Catalyst — task' : route.page === 'explore' ? 'Catalyst — explore' : 'Catalyst');
  }, [route, setTitle]);
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          Catalyst
        </Link>
        <nav aria-label="Main">
          <Link to="/" aria-current={route.page === 'home' ? 'page' : undefined}>
            New request
          </Link>
          <Link to="/previews" aria-current={route.page === 'previews' ? 'page' : undefined}>
            Previews
          </Link>
          <Link to="/explore" aria-current={route.page === 'explore' ? 'page' : undefined}>
            Explore
          </Link>
          <Link to="/cost" aria-current={route.page === 'cost' ? 'page' : undefined}>
            Cost
          </Link>
          <a href="/docs">API docs</a>
        </nav>
      </header>
      {route.page === 'home' ? <HomePage /> : null}
      {route.page === 'task' ? <TaskPage key={route.id} id={route.id} tab={route.tab} /> : null}
      {route.page === 'previews' ? <PreviewsPage /> : null}
      {route.page === 'cost' ? <CostPage /> : null}
      {route.page === 'explore' ? <ExplorePage key={route.scanId ?? 'list'} scanId={route.scanId} /> : null}
      {route.page === 'missing' ? (
        <main>
          <h1>Not found</h1>
          <p>
            Nothing lives at {route.path}. <Link to="/">Start a new request</Link>.
          </p>
        </main>
      ) : null}
    </>
  );
}

initToken();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
