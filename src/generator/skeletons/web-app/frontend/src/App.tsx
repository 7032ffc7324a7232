import { useEffect, useState } from 'react';
import { increment, reset, START } from './counter.ts';

/** The starting page: one piece of local state and one call to the backend. */
export function App() {
  const [counter, setCounter] = useState(START);
  const [serverTime, setServerTime] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetch('/api/time')
      .then((response) => (response.ok ? (response.json() as Promise<{ now: string }>) : Promise.reject(new Error(response.statusText))))
      .then((body) => setServerTime(body.now))
      .catch((reason: unknown) => setError(reason instanceof Error ? reason.message : 'the server did not answer'));
  }, []);

  return (
    <main>
      <h1>Web App</h1>
      <p className="status" role="status">
        {error ? 'Server unreachable: ' + error : serverTime ? 'Server time: ' + serverTime : 'Asking the server…'}
      </p>
      <section aria-label="Counter">
        <p className="count">
          Count: <output aria-label="Count">{counter.count}</output> (best {counter.best})
        </p>
        <button type="button" onClick={() => setCounter(increment)}>
          Add one
        </button>
        <button type="button" onClick={() => setCounter(reset)}>
          Reset
        </button>
      </section>
    </main>
  );
}
