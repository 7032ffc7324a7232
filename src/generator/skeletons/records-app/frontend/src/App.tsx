import { useEffect, useMemo, useState } from 'react';
import { createApiClient, tokenStore } from './api-client.ts';
import { APP_NAME, AUTH_ENABLED, RESOURCES } from './app-meta.ts';
import { AuthPanel } from './components/AuthPanel.tsx';
import { ResourcePage } from './components/ResourcePage.tsx';

export function App() {
  const [token, setToken] = useState<string | null>(() => (AUTH_ENABLED ? tokenStore.get() : null));
  const [active, setActive] = useState(RESOURCES[0]?.resource ?? '');
  const signOut = () => {
    tokenStore.clear();
    setToken(null);
  };
  const api = useMemo(() => createApiClient(() => token, signOut), [token]);
  const [email, setEmail] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  useEffect(() => {
    setEmail(null);
    if (!AUTH_ENABLED || !token) return;
    let live = true;
    api
      .request<{ email?: string }>('GET', '/api/auth/me')
      .then((me) => {
        if (live) setEmail(me.email ?? null);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, token]);

  const visitor = AUTH_ENABLED && !token;
  // A visitor sees what anyone may read; with nothing public, signing in comes first.
  const shown = visitor ? RESOURCES.filter((r) => r.publicRead) : RESOURCES;
  const selected = shown.find((r) => r.resource === active) ?? shown[0];

  if (visitor && (signingIn || shown.length === 0)) {
    return (
      <main className="app">
        <h1>{APP_NAME}</h1>
        <AuthPanel
          api={api}
          onSignedIn={(newToken) => {
            tokenStore.set(newToken);
            setToken(newToken);
            setSigningIn(false);
          }}
        />
        {shown.length > 0 && (
          <button type="button" className="link" onClick={() => setSigningIn(false)}>
            Back to browsing
          </button>
        )}
      </main>
    );
  }

  return (
    <main className="app">
      <header className="app-header">
        <h1>{APP_NAME}</h1>
        {visitor && (
          <div className="account">
            <button type="button" onClick={() => setSigningIn(true)}>
              Sign in to make changes
            </button>
          </div>
        )}
        {AUTH_ENABLED && !visitor && (
          <div className="account">
            {email && (
              <span className="who">
                Signed in as <strong>{email}</strong>
              </span>
            )}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {shown.length > 1 && (
        <nav aria-label="Sections" className="tabs">
          {shown.map((r) => (
            <button key={r.resource} type="button" aria-pressed={r.resource === selected?.resource} onClick={() => setActive(r.resource)}>
              {r.labelPlural}
            </button>
          ))}
        </nav>
      )}
      {selected && <ResourcePage key={(visitor ? 'visitor-' : '') + selected.resource} api={api} meta={selected} readOnly={visitor} />}
    </main>
  );
}
