/** Small shared pieces: client-side links, error notes, the chat box. */
import { useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { ApiError, api } from './api.ts';
import { navigate } from './router.ts';

export function Link(props: { to: string; children: ReactNode; className?: string; 'aria-current'?: 'page' | undefined }) {
  return (
    <a
      href={props.to}
      className={props.className}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <div role="alert" className="error">
      <strong>{e ? e.message : String(error instanceof Error ? error.message : error)}</strong>
      {e?.hint ? <p>{e.hint}</p> : null}
    </div>
  );
}

/** The chat box: Enter sends, Shift+Enter adds a line; disabled with a visible state while agents work. */
export function Chat({ busy, busyLabel }: { busy: boolean; busyLabel?: string }) {
  const [prompt, setPrompt] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const disabled = busy || sending;
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (disabled || !prompt.trim()) return;
    setSending(true);
    setError(null);
    try {
      const created = await api.createTask(prompt);
      setPrompt('');
      navigate(`/tasks/${created.task_id}`);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <form className={`chat ${disabled ? 'chat-busy' : ''}`} onSubmit={submit} aria-label="Request a new app">
      <label htmlFor="prompt" className="visually-hidden">
        Describe the app to build
      </label>
      <textarea
        id="prompt"
        name="prompt"
        rows={2}
        value={prompt}
        disabled={disabled}
        placeholder={disabled ? 'Agents are working on your request…' : 'Describe the app to build, e.g. "build a todo app with user auth"'}
        onChange={(e) => setPrompt(e.target.value)}
        onKeyDown={onKey}
      />
      <button type="submit" disabled={disabled || !prompt.trim()}>
        Build
      </button>
      {busy ? (
        <p role="status" className="working">
          <span className="spinner" aria-hidden="true" /> {busyLabel ?? 'Agents working…'}
        </p>
      ) : null}
      <ErrorNote error={error} />
    </form>
  );
}

export function statusBadge(status: string) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}
