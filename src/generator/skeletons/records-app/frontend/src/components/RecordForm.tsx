import { useState } from 'react';
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
    Integer: 'number',
    Decimal: 'number',
    Date: 'date',
    DateTime: 'datetime-local',
    Email: 'email',
    URL: 'url',
    Phone: 'tel',
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
            <select
              id={id}
              value={text}
              aria-required={field.required}
              aria-invalid={Boolean(error)}
              aria-describedby={described}
              onChange={(e) => set(field.name, e.target.value)}
            >
              <option value="">{field.required ? 'Choose…' : 'None'}</option>
              {(field.enumValues ?? []).map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          );
        } else if (field.type === 'Text') {
          control = (
            <textarea
              id={id}
              value={text}
              aria-required={field.required}
              aria-invalid={Boolean(error)}
              aria-describedby={described}
              onChange={(e) => set(field.name, e.target.value)}
            />
          );
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
