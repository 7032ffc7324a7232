import { useCallback, useEffect, useRef, useState } from 'react';
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
      setPage(
        (current) =>
          current && { ...current, items: current.items.map((item) => (item.id === record.id ? { ...item, [field.name]: value } : item)) },
      );
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
  const filterBy = (name: string, value: string) =>
    setList((current) => ({ ...current, offset: 0, filters: { ...current.filters, [name]: value } }));
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
              <select
                id={ids + '-filter-' + field.name}
                value={list.filters[field.name] ?? ''}
                onChange={(e) => filterBy(field.name, e.target.value)}
              >
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
                <select
                  id={ids + '-order'}
                  value={list.order}
                  onChange={(e) => change({ order: e.target.value === 'desc' ? 'desc' : 'asc' })}
                >
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
          {isFiltered(list)
            ? 'No ' + meta.labelPlural.toLowerCase() + ' match these filters.'
            : 'No ' + meta.labelPlural.toLowerCase() + ' yet.'}
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
                    {!readOnly &&
                      meta.fields
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
                    {!readOnly && (
                      <div className="actions">
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
                      </div>
                    )}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {page && page.total > PAGE_SIZE && (
        <nav aria-label={meta.labelPlural + ' pages'} className="actions">
          <button
            type="button"
            disabled={list.offset === 0}
            onClick={() => setList({ ...list, offset: Math.max(0, list.offset - PAGE_SIZE) })}
          >
            Previous page
          </button>
          <span>
            {list.offset + 1}–{Math.min(list.offset + PAGE_SIZE, page.total)} of {page.total}
          </span>
          <button
            type="button"
            disabled={list.offset + PAGE_SIZE >= page.total}
            onClick={() => setList({ ...list, offset: list.offset + PAGE_SIZE })}
          >
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}
