import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api-client.ts';
import type { ApiClient } from '../api-client.ts';

type Mode = 'login' | 'register';

export function AuthPanel({ api, onSignedIn }: { api: ApiClient; onSignedIn: (token: string) => void }) {
  const [mode, setMode] = useState<Mode>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = mode === 'login' ? 'Sign in' : 'Create account';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const path = mode === 'login' ? '/api/auth/login' : '/api/auth/register';
      const result = await api.request<{ token: string }>('POST', path, { email, password });
      onSignedIn(result.token);
    } catch (caught) {
      if (caught instanceof ApiError) {
        const details = Object.entries(caught.fields).map(([field, message]) => field + ' ' + message);
        setError(details.length > 0 ? details.join('; ') : caught.message);
      } else {
        setError('Could not reach the server');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="auth-title">
      <h2 id="auth-title">{title}</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="auth-email">Email</label>
          <input id="auth-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="auth-password">Password</label>
          <input
            id="auth-password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {title}
        </button>
      </form>
      <p>
        {mode === 'login' ? 'New here? ' : 'Already have an account? '}
        <button type="button" className="link" onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
          {mode === 'login' ? 'Create an account' : 'Sign in instead'}
        </button>
      </p>
    </section>
  );
}
