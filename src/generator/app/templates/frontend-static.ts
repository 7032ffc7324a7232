/**
 * Frontend sources that are the same for every app. They are driven by `app-meta.ts` (generated per
 * app), so one tested set of components renders any resource: forms, lists, toggles, sign-in.
 * Generated code avoids template literals so these sources stay plain inside this module.
 */

export const FORM_VALUES = `/** Pure helpers between API records and form inputs: no DOM, no network, unit-tested. */

export type FieldType =
  | 'UUID' | 'String' | 'Text' | 'Integer' | 'Decimal' | 'Boolean' | 'Date' | 'DateTime'
  | 'Email' | 'URL' | 'Phone' | 'Enum';

export interface FieldMeta {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  enumValues?: readonly string[];
  min?: number;
  max?: number;
  maxLength?: number;
  defaultValue?: string | number | boolean;
  /** Set when the field holds the id of another resource's record. */
  reference?: { resource: string; displayField: string; label: string };
}

export interface ResourceMeta {
  name: string;
  label: string;
  labelPlural: string;
  resource: string;
  displayField: string;
  /** Anyone may read it: visitors see the list read-only before signing in. */
  publicRead: boolean;
  fields: readonly FieldMeta[];
  /** Whether the API answers ?q= text search for this resource. */
  searchable: boolean;
  /** Enum and boolean fields the list can be filtered by (?field=value). */
  filters: readonly string[];
  /** Columns the API sorts by, the default first. */
  sortFields: readonly { name: string; label: string }[];
  /** A boolean that marks a record as finished; such records are shown struck through. */
  doneField?: string;
}

/** What a list shows: one page, narrowed by search and filters, in one order. */
export interface ListState {
  limit: number;
  offset: number;
  q: string;
  filters: Record<string, string>;
  sort: string;
  order: 'asc' | 'desc';
}

/** The query string of a list request; empty search and "All" filters are left out. */
export function listQueryString(state: ListState): string {
  const params = new URLSearchParams();
  params.set('limit', String(state.limit));
  params.set('offset', String(state.offset));
  const q = state.q.trim();
  if (q !== '') params.set('q', q);
  for (const name of Object.keys(state.filters).sort()) {
    const value = state.filters[name];
    if (value) params.set(name, value);
  }
  if (state.sort) {
    params.set('sort', state.sort);
    params.set('order', state.order);
  }
  return '?' + params.toString();
}

export function isFiltered(state: ListState): boolean {
  return state.q.trim() !== '' || Object.values(state.filters).some((value) => value !== '');
}

export type FormValue = string | boolean;
export type FormValues = Record<string, FormValue>;
export type ParseResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; errors: Record<string, string> };

const EMAIL = /^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/;
const PHONE = /^\\+?[0-9][0-9 ().-]{5,24}$/;

export function emptyFormValues(fields: readonly FieldMeta[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    if (field.type === 'Boolean') values[field.name] = field.defaultValue === true;
    else values[field.name] = field.defaultValue === undefined ? '' : String(field.defaultValue);
  }
  return values;
}

/** A datetime-local input wants "YYYY-MM-DDTHH:mm" in local time. */
function toLocalDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T' + pad(date.getHours()) + ':' + pad(date.getMinutes());
}

export function toFormValues(record: Record<string, unknown>, fields: readonly FieldMeta[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = record[field.name];
    if (field.type === 'Boolean') values[field.name] = value === true;
    else if (value === null || value === undefined) values[field.name] = '';
    else if (field.type === 'DateTime') values[field.name] = toLocalDateTime(String(value));
    else values[field.name] = String(value);
  }
  return values;
}

function parseOne(field: FieldMeta, raw: string): { value: unknown } | { error: string } {
  switch (field.type) {
    case 'Integer':
    case 'Decimal': {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { error: 'must be a number' };
      if (field.type === 'Integer' && !Number.isInteger(n)) return { error: 'must be a whole number' };
      // Whole numbers without bounds still have the 32-bit range the backend accepts.
      const min = field.min ?? (field.type === 'Integer' ? -2147483648 : undefined);
      const max = field.max ?? (field.type === 'Integer' ? 2147483647 : undefined);
      if (min !== undefined && n < min) return { error: 'must be at least ' + min };
      if (max !== undefined && n > max) return { error: 'must be at most ' + max };
      return { value: n };
    }
    case 'DateTime': {
      const date = new Date(raw);
      return Number.isNaN(date.getTime()) ? { error: 'must be a date and time' } : { value: date.toISOString() };
    }
    case 'Date':
      return /^\\d{4}-\\d{2}-\\d{2}$/.test(raw) ? { value: raw } : { error: 'must be a date' };
    case 'Enum':
      return (field.enumValues ?? []).includes(raw) ? { value: raw } : { error: 'must be one of ' + (field.enumValues ?? []).join(', ') };
    case 'Email':
      return EMAIL.test(raw) ? { value: raw } : { error: 'must be an email address' };
    case 'URL':
      return /^https?:\\/\\/[^\\s]+$/.test(raw) ? { value: raw } : { error: 'must be a web address (http:// or https://)' };
    case 'Phone':
      return PHONE.test(raw) ? { value: raw } : { error: 'must be a phone number' };
    default:
      if (field.maxLength !== undefined && raw.length > field.maxLength) return { error: 'must be at most ' + field.maxLength + ' characters' };
      return { value: raw };
  }
}

/** Turns form inputs into a request body, or into messages per field the user has to fix first. */
export function parseFormValues(values: FormValues, fields: readonly FieldMeta[]): ParseResult {
  const body: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.type === 'Boolean') {
      body[field.name] = value === true;
      continue;
    }
    const raw = typeof value === 'string' ? value.trim() : '';
    if (raw === '') {
      if (field.required) errors[field.name] = 'is required';
      else body[field.name] = null;
      continue;
    }
    const parsed = parseOne(field, raw);
    if ('error' in parsed) errors[field.name] = parsed.error;
    else body[field.name] = parsed.value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body };
}

/** How a stored value reads in a list. */
export function displayValue(value: unknown, field: FieldMeta): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field.type === 'Boolean') return value === true ? 'Yes' : 'No';
  if (field.type === 'DateTime') {
    const date = new Date(String(value));
    return Number.isNaN(date.getTime()) ? String(value) : date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }
  return String(value);
}
`;

export const API_CLIENT = `/** Talks to the backend under /api; errors carry the server's message and per-field problems. */

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
`;

export const MAIN = `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><App /></StrictMode>);
`;

export const APP = `import { useEffect, useMemo, useState } from 'react';
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
`;

export const AUTH_PANEL = `import { useState } from 'react';
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
`;

export const RECORD_FORM = `import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api-client.ts';
import { parseFormValues } from '../form-values.ts';
import type { FieldMeta, FormValues } from '../form-values.ts';

export interface ReferenceOption {
  id: string;
  label: string;
}

interface RecordFormProps {
  /** The form's accessible name ("New Todo", "Edit Buy milk"), so the same labels in two forms stay distinguishable. */
  ariaLabel: string;
  idPrefix: string;
  fields: readonly FieldMeta[];
  initial: FormValues;
  submitLabel: string;
  references: Record<string, readonly ReferenceOption[]>;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel?: () => void;
  resetOnSuccess?: boolean;
}

function inputType(field: FieldMeta): string {
  const types: Partial<Record<FieldMeta['type'], string>> = {
    Integer: 'number', Decimal: 'number', Date: 'date', DateTime: 'datetime-local', Email: 'email', URL: 'url', Phone: 'tel',
  };
  return types[field.type] ?? 'text';
}

export function RecordForm(props: RecordFormProps) {
  const { ariaLabel, idPrefix, fields, initial, submitLabel, references, onSubmit, onCancel, resetOnSuccess } = props;
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: string, value: string | boolean) => setValues((current) => ({ ...current, [name]: value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseFormValues(values, fields);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      setFormError('Please correct the highlighted fields');
      return;
    }
    setBusy(true);
    try {
      await onSubmit(parsed.body);
      setErrors({});
      setFormError(null);
      if (resetOnSuccess) setValues(initial);
    } catch (caught) {
      if (caught instanceof ApiError) {
        setErrors(caught.fields);
        setFormError(caught.message);
      } else {
        setFormError('Could not reach the server');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="record-form" aria-label={ariaLabel}>
      {fields.map((field) => {
        const id = idPrefix + '-' + field.name;
        const error = errors[field.name];
        const described = error ? id + '-error' : undefined;
        const value = values[field.name];
        const text = typeof value === 'string' ? value : '';
        let control;
        if (field.type === 'Boolean') {
          control = <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(field.name, e.target.checked)} />;
        } else if (field.reference) {
          const options = references[field.name];
          control = (
            <select
              id={id}
              value={text}
              disabled={options === undefined}
              aria-required={field.required}
              aria-invalid={Boolean(error)}
              aria-describedby={described}
              onChange={(e) => set(field.name, e.target.value)}
            >
              <option value="">{options === undefined ? 'Loading…' : field.required ? 'Choose…' : 'None'}</option>
              {(options ?? []).map((option) => (
                <option key={option.id} value={option.id}>
                  {option.label}
                </option>
              ))}
            </select>
          );
        } else if (field.type === 'Enum') {
          control = (
            <select id={id} value={text} aria-required={field.required} aria-invalid={Boolean(error)} aria-describedby={described} onChange={(e) => set(field.name, e.target.value)}>
              <option value="">{field.required ? 'Choose…' : 'None'}</option>
              {(field.enumValues ?? []).map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          );
        } else if (field.type === 'Text') {
          control = <textarea id={id} value={text} aria-required={field.required} aria-invalid={Boolean(error)} aria-describedby={described} onChange={(e) => set(field.name, e.target.value)} />;
        } else {
          control = (
            <input
              id={id}
              type={inputType(field)}
              value={text}
              min={field.min}
              max={field.max}
              step={field.type === 'Decimal' ? 'any' : undefined}
              aria-required={field.required}
              aria-invalid={Boolean(error)}
              aria-describedby={described}
              onChange={(e) => set(field.name, e.target.value)}
            />
          );
        }
        return (
          <div key={field.name} className={field.type === 'Boolean' ? 'field checkbox' : 'field'}>
            <label htmlFor={id}>
              {field.label}
              {field.required && field.type !== 'Boolean' ? ' (required)' : ''}
            </label>
            {control}
            {field.reference && references[field.name]?.length === 0 && (
              <p className="hint">{'Add a ' + field.reference.label + ' first.'}</p>
            )}
            {error && (
              <p id={id + '-error'} className="error">
                {field.label} {error}
              </p>
            )}
          </div>
        );
      })}
      {formError && (
        <p role="alert" className="error">
          {formError}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
`;

export const RESOURCE_PAGE = `import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api-client.ts';
import type { ApiClient } from '../api-client.ts';
import { displayValue, emptyFormValues, isFiltered, listQueryString, toFormValues } from '../form-values.ts';
import type { FieldMeta, ListState, ResourceMeta } from '../form-values.ts';
import { RecordForm } from './RecordForm.tsx';
import type { ReferenceOption } from './RecordForm.tsx';

type ApiRecord = Record<string, unknown> & { id: string };
interface Page {
  items: ApiRecord[];
  total: number;
  limit: number;
  offset: number;
}

const PAGE_SIZE = 20;

function describe(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Could not reach the server';
}

/** Every record a picker may offer, page by page (the API caps a page at 100), up to PICKER_LIMIT. */
const PICKER_LIMIT = 1000;
async function allRecords(api: ApiClient, path: string): Promise<ApiRecord[]> {
  const items: ApiRecord[] = [];
  for (let offset = 0; offset < PICKER_LIMIT; offset += 100) {
    const page = await api.request<Page>('GET', path + '?limit=100&offset=' + offset);
    items.push(...page.items);
    if (page.items.length < 100 || items.length >= page.total) break;
  }
  return items;
}

function initialList(meta: ResourceMeta): ListState {
  return { limit: PAGE_SIZE, offset: 0, q: '', filters: {}, sort: meta.sortFields[0]?.name ?? '', order: 'asc' };
}

export function ResourcePage({ api, meta, readOnly = false }: { api: ApiClient; meta: ResourceMeta; readOnly?: boolean }) {
  const [page, setPage] = useState<Page | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [list, setList] = useState<ListState>(() => initialList(meta));
  const [editing, setEditing] = useState<string | null>(null);
  const [references, setReferences] = useState<Record<string, ReferenceOption[]>>({});
  const latest = useRef(0);
  const base = '/api/' + meta.resource;
  const query = listQueryString(list);
  const ids = 'list-' + meta.resource;
  const filterFields = meta.fields.filter((f) => meta.filters.includes(f.name));

  const load = useCallback(async () => {
    // Only the answer to the latest request is shown, so fast typing in the search box cannot reorder results.
    const ticket = ++latest.current;
    try {
      const result = await api.request<Page>('GET', base + query);
      if (ticket !== latest.current) return;
      setPage(result);
      setLoadError(null);
    } catch (caught) {
      if (ticket === latest.current) setLoadError(describe(caught));
    }
  }, [api, base, query]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    for (const field of meta.fields) {
      const ref = field.reference;
      if (!ref) continue;
      allRecords(api, '/api/' + ref.resource)
        .then((items) => {
          const options = items.map((item) => ({ id: item.id, label: String(item[ref.displayField] ?? item.id) }));
          setReferences((current) => ({ ...current, [field.name]: options }));
        })
        .catch(() => setReferences((current) => ({ ...current, [field.name]: [] })));
    }
  }, [api, meta]);

  function shown(record: ApiRecord, fieldName: string): string {
    const field = meta.fields.find((f) => f.name === fieldName);
    if (!field) return String(record[fieldName] ?? '');
    const match = references[field.name]?.find((o) => o.id === record[field.name]);
    return match ? match.label : displayValue(record[field.name], field);
  }

  const title = (record: ApiRecord) => {
    const value = shown(record, meta.displayField);
    return value === '' || value === '—' ? meta.label : value;
  };

  async function run(action: () => Promise<unknown>) {
    try {
      await action();
      setError(null);
      await load();
    } catch (caught) {
      setError(describe(caught));
    }
  }

  /** Shows the new state at once and rolls it back if the server refuses. */
  async function toggle(record: ApiRecord, field: FieldMeta, checked: boolean) {
    const setValue = (value: boolean) =>
      setPage((current) => current && { ...current, items: current.items.map((item) => (item.id === record.id ? { ...item, [field.name]: value } : item)) });
    setValue(checked);
    try {
      const saved = await api.request<ApiRecord>('PATCH', base + '/' + record.id, { [field.name]: checked });
      setPage((current) => current && { ...current, items: current.items.map((item) => (item.id === saved.id ? saved : item)) });
      setError(null);
    } catch (caught) {
      setValue(!checked);
      setError('Could not update ' + title(record) + ': ' + describe(caught));
    }
  }

  const change = (changes: Partial<ListState>) => setList((current) => ({ ...current, ...changes, offset: 0 }));
  const filterBy = (name: string, value: string) => setList((current) => ({ ...current, offset: 0, filters: { ...current.filters, [name]: value } }));
  const hasControls = meta.searchable || filterFields.length > 0 || meta.sortFields.length > 1;

  return (
    <section aria-labelledby={meta.resource + '-title'}>
      <h2 id={meta.resource + '-title'}>{meta.labelPlural}</h2>
      {!readOnly && (
        <div className="card">
          <h3>New {meta.label}</h3>
          <RecordForm
            ariaLabel={'New ' + meta.label}
            idPrefix={'new-' + meta.resource}
            fields={meta.fields}
            initial={emptyFormValues(meta.fields)}
            submitLabel={'Add ' + meta.label}
            references={references}
            resetOnSuccess
            onSubmit={async (body) => {
              await api.request('POST', base, body);
              await load();
            }}
          />
        </div>
      )}
      {hasControls && (
        <div className="list-controls" role="search" aria-label={'Find ' + meta.labelPlural}>
          {meta.searchable && (
            <div className="field">
              <label htmlFor={ids + '-q'}>Search</label>
              <input id={ids + '-q'} type="search" value={list.q} onChange={(e) => change({ q: e.target.value })} />
            </div>
          )}
          {filterFields.map((field) => (
            <div className="field" key={field.name}>
              <label htmlFor={ids + '-filter-' + field.name}>{'Filter by ' + field.label}</label>
              <select id={ids + '-filter-' + field.name} value={list.filters[field.name] ?? ''} onChange={(e) => filterBy(field.name, e.target.value)}>
                <option value="">All</option>
                {field.type === 'Boolean' ? (
                  <>
                    <option value="true">Yes</option>
                    <option value="false">No</option>
                  </>
                ) : (
                  (field.enumValues ?? []).map((value) => (
                    <option key={value} value={value}>
                      {value}
                    </option>
                  ))
                )}
              </select>
            </div>
          ))}
          {meta.sortFields.length > 1 && (
            <>
              <div className="field">
                <label htmlFor={ids + '-sort'}>Sort by</label>
                <select id={ids + '-sort'} value={list.sort} onChange={(e) => change({ sort: e.target.value })}>
                  {meta.sortFields.map((option) => (
                    <option key={option.name} value={option.name}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={ids + '-order'}>Order</label>
                <select id={ids + '-order'} value={list.order} onChange={(e) => change({ order: e.target.value === 'desc' ? 'desc' : 'asc' })}>
                  <option value="asc">Ascending</option>
                  <option value="desc">Descending</option>
                </select>
              </div>
            </>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {loadError ? (
        <div role="alert" className="error load-error">
          <p>
            Could not load {meta.labelPlural.toLowerCase()}: {loadError}
          </p>
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      ) : page === null ? (
        <p role="status">Loading {meta.labelPlural.toLowerCase()}…</p>
      ) : page.items.length === 0 ? (
        <p className="empty">
          {isFiltered(list) ? 'No ' + meta.labelPlural.toLowerCase() + ' match these filters.' : 'No ' + meta.labelPlural.toLowerCase() + ' yet.'}
        </p>
      ) : (
        <ul className="records" aria-label={meta.labelPlural}>
          {page.items.map((record) => {
            const done = meta.doneField !== undefined && record[meta.doneField] === true;
            return (
              <li key={record.id} className={done ? 'card record done' : 'card record'}>
                {editing === record.id ? (
                  <RecordForm
                    ariaLabel={'Edit ' + title(record)}
                    idPrefix={'edit-' + meta.resource + '-' + record.id}
                    fields={meta.fields}
                    initial={toFormValues(record, meta.fields)}
                    submitLabel="Save"
                    references={references}
                    onCancel={() => setEditing(null)}
                    onSubmit={async (body) => {
                      await api.request('PUT', base + '/' + record.id, body);
                      setEditing(null);
                      await load();
                    }}
                  />
                ) : (
                  <>
                    <div className="record-head">
                      <h3 className="record-title">{title(record)}</h3>
                      {done && <span className="badge">Done</span>}
                    </div>
                    <dl>
                      {meta.fields
                        .filter((f) => f.name !== meta.displayField && f.type !== 'Boolean')
                        .filter((f) => record[f.name] !== null && record[f.name] !== undefined && record[f.name] !== '')
                        .map((f) => (
                          <div key={f.name}>
                            <dt>{f.label}</dt>
                            <dd>{shown(record, f.name)}</dd>
                          </div>
                        ))}
                    </dl>
                    {!readOnly && meta.fields
                      .filter((f) => f.type === 'Boolean')
                      .map((f) => (
                        <label key={f.name} className="toggle">
                          <input
                            type="checkbox"
                            aria-label={f.label + ': ' + title(record)}
                            checked={record[f.name] === true}
                            onChange={(e) => void toggle(record, f, e.target.checked)}
                          />
                          <span>{f.label}</span>
                        </label>
                      ))}
                    {!readOnly && <div className="actions">
                      <button type="button" aria-label={'Edit ' + title(record)} onClick={() => setEditing(record.id)}>
                        Edit
                      </button>
                      <button
                        type="button"
                        aria-label={'Delete ' + title(record)}
                        onClick={() => void run(() => api.request('DELETE', base + '/' + record.id))}
                      >
                        Delete
                      </button>
                    </div>}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {page && page.total > PAGE_SIZE && (
        <nav aria-label={meta.labelPlural + ' pages'} className="actions">
          <button type="button" disabled={list.offset === 0} onClick={() => setList({ ...list, offset: Math.max(0, list.offset - PAGE_SIZE) })}>
            Previous page
          </button>
          <span>
            {list.offset + 1}–{Math.min(list.offset + PAGE_SIZE, page.total)} of {page.total}
          </span>
          <button type="button" disabled={list.offset + PAGE_SIZE >= page.total} onClick={() => setList({ ...list, offset: list.offset + PAGE_SIZE })}>
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}
`;

export const STYLES = `:root {
  font-family: system-ui, sans-serif;
  color: #1d2430;
  background: #f5f6f8;
}
body { margin: 0; }
.app { max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
.app-header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
.tabs { display: flex; gap: 0.5rem; margin-bottom: 1rem; }
.tabs button[aria-pressed='true'] { background: #1d4ed8; color: #fff; }
.card { background: #fff; border: 1px solid #d8dce3; border-radius: 8px; padding: 1rem; margin-bottom: 1rem; }
.records { list-style: none; padding: 0; }
.field { display: flex; flex-direction: column; gap: 0.25rem; margin-bottom: 0.75rem; }
.field.checkbox { flex-direction: row-reverse; justify-content: flex-end; align-items: center; gap: 0.5rem; }
.actions { display: flex; gap: 0.5rem; align-items: center; }
.error { color: #b91c1c; }
.empty { color: #5b6472; }
.toggle { display: flex; gap: 0.5rem; align-items: center; }
.account { display: flex; gap: 0.75rem; align-items: center; white-space: nowrap; }
.who { color: #5b6472; }
.list-controls { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-end; }
.record-head { display: flex; gap: 0.75rem; align-items: baseline; }
.record-title { margin: 0 0 0.5rem; }
.record.done .record-title { text-decoration: line-through; color: #6b7280; }
.badge { font-size: 0.8rem; padding: 0.1rem 0.5rem; border-radius: 999px; background: #dcfce7; color: #166534; }
.hint { color: #5b6472; margin: 0; font-size: 0.9rem; }
.load-error { display: flex; gap: 1rem; align-items: center; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl div { display: contents; }
dt { font-weight: 600; }
dd { margin: 0; }
button { font: inherit; padding: 0.4rem 0.8rem; border-radius: 6px; border: 1px solid #9aa3b2; background: #fff; cursor: pointer; }
button.link { border: none; padding: 0; color: #1d4ed8; text-decoration: underline; }
input, select, textarea { font: inherit; padding: 0.4rem; border: 1px solid #9aa3b2; border-radius: 6px; }
`;
