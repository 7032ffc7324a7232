/** Pure helpers between API records and form inputs: no DOM, no network, unit-tested. */

export type FieldType =
  'UUID' | 'String' | 'Text' | 'Integer' | 'Decimal' | 'Boolean' | 'Date' | 'DateTime' | 'Email' | 'URL' | 'Phone' | 'Enum';

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
export type ParseResult = { ok: true; body: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ().-]{5,24}$/;

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
  return (
    date.getFullYear() +
    '-' +
    pad(date.getMonth() + 1) +
    '-' +
    pad(date.getDate()) +
    'T' +
    pad(date.getHours()) +
    ':' +
    pad(date.getMinutes())
  );
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
      return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? { value: raw } : { error: 'must be a date' };
    case 'Enum':
      return (field.enumValues ?? []).includes(raw) ? { value: raw } : { error: 'must be one of ' + (field.enumValues ?? []).join(', ') };
    case 'Email':
      return EMAIL.test(raw) ? { value: raw } : { error: 'must be an email address' };
    case 'URL':
      return /^https?:\/\/[^\s]+$/.test(raw) ? { value: raw } : { error: 'must be a web address (http:// or https://)' };
    case 'Phone':
      return PHONE.test(raw) ? { value: raw } : { error: 'must be a phone number' };
    default:
      if (field.maxLength !== undefined && raw.length > field.maxLength)
        return { error: 'must be at most ' + field.maxLength + ' characters' };
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
