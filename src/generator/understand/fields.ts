/**
 * Reading field lists such as "a title, due date, priority (low, medium, high) and a done flag" into field
 * specs. Each phrase is reduced to ASCII words before it becomes a name, so only safe identifiers come out;
 * what was guessed or renamed is reported as a note for the plan's assumptions.
 */
import type { FieldType } from '../../contracts/index.ts';
import { asciiWords, isReserved, toSnake } from './identifiers.ts';
import { FIELD_RENAMES, FILLER_WORDS, MANAGED_FIELDS, TYPE_HINTS, type FieldSpec } from './vocabulary.ts';

const MAX_FIELDS = 25;
const MAX_NAME_WORDS = 4;
const RANGE = /(?:\bfrom\s+)?(-?\d+(?:\.\d+)?)\s*(?:-|–|—|\.\.|\bto\b)\s*(-?\d+(?:\.\d+)?)/;
const BOOLEAN_MARKERS = /\b(?:flag|checkbox|toggle|yes\/no|true\/false|boolean)\b/;
/** Markup, shell and path syntax: such a phrase is code someone pasted, not the name of a field. */
export const HOSTILE_TEXT = /[<>$`{}\\|]|\.\.[\\/]|__/;
const MODIFIER_WORDS = new Set([
  'optional',
  'optionally',
  'required',
  'mandatory',
  'unique',
  'from',
  'between',
  'whether',
  'is',
  'an',
  'integer',
  'text',
  'string',
]);
/** "duration in minutes", "price in euros": the unit says the type and is not part of the name. */
const UNIT_PHRASE =
  /\b(?:in|as)\s+(?:(minutes?|hours?|seconds?|days?|mins?)|(euros?|dollars?|usd|eur|gbp|pounds?|cents?|money))\b|\s*[€$£]\s*/;
/** Fields that are really two: "time range" is a start and an end. */
const EXPANSIONS: Readonly<Record<string, readonly FieldSpec[]>> = {
  time_range: [
    { name: 'starts_at', type: 'DateTime', required: true },
    { name: 'ends_at', type: 'DateTime', required: false },
  ],
  date_range: [
    { name: 'start_date', type: 'Date', required: true },
    { name: 'end_date', type: 'Date', required: false },
  ],
  period: [
    { name: 'start_date', type: 'Date', required: true },
    { name: 'end_date', type: 'Date', required: false },
  ],
};

/** Splits at commas, semicolons and "and"/"or"/"plus" that are not inside parentheses. */
export function splitFieldList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === ',' || ch === ';')) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts
    .flatMap((part) => splitOutsideParens(part, /\s+(?:and|or|plus|&)\s+/))
    .map((p) => p.replace(/^\s*(?:and|or|plus)\s+/, '').trim())
    .filter((p) => p.length > 0);
}

function splitOutsideParens(text: string, separator: RegExp): string[] {
  if (text.includes('(')) {
    const open = text.indexOf('(');
    const close = text.indexOf(')', open);
    if (close > open) {
      const before = text.slice(0, open).split(separator);
      const last = before.pop() ?? '';
      const after = splitOutsideParens(text.slice(close + 1), separator);
      const head = `${last}${text.slice(open, close + 1)}${after.shift() ?? ''}`;
      return [...before, head, ...after];
    }
  }
  return text.split(separator);
}

function enumValues(inner: string): string[] {
  const values = inner
    .split(/\s*(?:,|\/|\||\bor\b|\band\b)\s*/)
    .map((v) =>
      v
        .replace(/^\s*(?:one of|either)\s+/, '')
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .trim()
        .slice(0, 40),
    )
    .filter((v) => v.length > 0);
  return [...new Set(values)];
}

function typeFromName(name: string): FieldType {
  for (const [pattern, type] of TYPE_HINTS) if (pattern.test(name)) return type;
  return 'String';
}

/** Renames or drops names that would collide with managed columns or reserved words. */
export function safeFieldName(raw: string, owner: string, notes: string[]): string | null {
  if (MANAGED_FIELDS.has(raw)) {
    notes.push(
      `${owner}: "${raw}" is managed by the app itself (every record gets id, created_at and updated_at), so it is not a separate field.`,
    );
    return null;
  }
  const renamed = FIELD_RENAMES[raw] ?? (isReserved(raw) ? `${raw}_value` : null);
  if (renamed !== null) {
    notes.push(`${owner}: the field "${raw}" is a reserved word in JavaScript or SQL, so it is called "${renamed}".`);
    return renamed;
  }
  return raw;
}

/** One phrase ("a rating 1-5", "optional note", "priority (low, medium, high)") to a field, or null. */
export function parseFieldPhrase(phrase: string, owner: string, notes: string[]): FieldSpec | null {
  if (HOSTILE_TEXT.test(phrase)) {
    notes.push(`${owner}: "${shorten(phrase)}" looks like code or a path, not a field name, so it was left out.`);
    return null;
  }
  let text = phrase.toLowerCase();
  let unitType: FieldType | null = null;
  const unit = UNIT_PHRASE.exec(text);
  if (unit) {
    unitType = unit[1] ? 'Integer' : 'Decimal';
    text = text.replace(unit[0], ' ');
  }
  const optional = /\b(?:optional(?:ly)?|may be empty|if any)\b/.test(text);
  const required = /\b(?:required|mandatory|must have)\b/.test(text);
  const unique = /\bunique\b/.test(text);
  let values: string[] = [];
  let range: { min: number; max: number; decimal: boolean } | null = null;

  const paren = /\(([^)]*)\)?/.exec(text);
  if (paren) {
    const inner = paren[1] ?? '';
    const rangeInParen = RANGE.exec(inner);
    if (rangeInParen) range = toRange(rangeInParen);
    else if (!/^\s*(?:optional|required)\s*$/.test(inner)) values = enumValues(inner);
    text = text.replace(paren[0], ' ');
  }
  const slashList = /\b[\p{L}\p{N}_-]+(?:\s*\/\s*[\p{L}\p{N}_-]+)+/u.exec(text);
  if (values.length === 0 && slashList && !BOOLEAN_MARKERS.test(slashList[0])) {
    values = enumValues(slashList[0]);
    text = text.replace(slashList[0], ' ');
  }
  const rangeMatch = range === null ? RANGE.exec(text) : null;
  if (rangeMatch) {
    range = toRange(rangeMatch);
    text = text.replace(rangeMatch[0], ' ');
  }
  const isBoolean = BOOLEAN_MARKERS.test(text) || /^\s*(?:is|whether)\s/.test(text);

  const words = asciiWords(text).filter((w) => !FILLER_WORDS.has(w) && !MODIFIER_WORDS.has(w) && !/^\d/.test(w));
  // "present/absent/late" alone is a status with those values.
  if (words.length === 0 && values.length >= 2) words.push('status');
  const raw = toSnake(words.slice(-MAX_NAME_WORDS));
  if (raw === null) {
    if (phrase.trim().length > 0) notes.push(`${owner}: "${shorten(phrase)}" does not name a field, so it was left out.`);
    return null;
  }
  const name = safeFieldName(raw, owner, notes);
  if (name === null) return null;

  let type: FieldType;
  if (values.length >= 2) type = 'Enum';
  else if (range) type = range.decimal ? 'Decimal' : 'Integer';
  else if (isBoolean) type = 'Boolean';
  else if (unitType !== null) type = unitType;
  else type = typeFromName(name);

  const field: FieldSpec = { name, type, required: type === 'Boolean' ? !optional : required };
  if (type === 'Enum') field.enum_values = values;
  if (range) {
    field.min = Math.min(range.min, range.max);
    field.max = Math.max(range.min, range.max);
  }
  if (type === 'Boolean') field.default = false;
  if (unique) field.unique = true;
  if (type === 'Integer' && unitType === 'Integer' && field.min === undefined) field.min = 0;
  if ((type === 'Decimal' || (/(^|_)(duration|interval)$|_time$/.test(name) && type === 'Integer')) && field.min === undefined)
    field.min = 0;
  return field;
}

/** One list item to zero, one or two fields (a "time range" is two); negated items give none. */
export function fieldsFromPhrase(phrase: string, owner: string, notes: string[]): FieldSpec[] {
  if (negatedField(phrase) !== null) return [];
  const parsed = parseFieldPhrase(phrase, owner, notes);
  if (parsed === null) return [];
  const expanded = EXPANSIONS[parsed.name];
  return expanded ? expanded.map((f) => ({ ...f })) : [parsed];
}

/** "no due date", "without a description": the field is left out even if it is usual for the record. */
export function negatedField(phrase: string): string | null {
  const m = /^\s*(?:no|without|not|never|except|but not)\s+(?:a\s+|an\s+|the\s+|any\s+)?(.+)$/.exec(phrase.toLowerCase());
  if (!m) return null;
  const words = asciiWords(m[1]!).filter((w) => !FILLER_WORDS.has(w));
  const last = words.at(-1);
  if (last !== undefined && /[^s]s$/.test(last)) words[words.length - 1] = last.slice(0, -1);
  return toSnake(words);
}

function toRange(m: RegExpExecArray): { min: number; max: number; decimal: boolean } {
  const a = m[1] ?? '0';
  const b = m[2] ?? '0';
  return { min: Number(a), max: Number(b), decimal: a.includes('.') || b.includes('.') };
}

function shorten(text: string): string {
  const clean = text
    .replace(/[^\p{L}\p{N} ,.'-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}

/**
 * A whole list. The first field is required unless said otherwise (it is what the record is called by);
 * the others are optional unless marked required, and booleans are required with a default of false.
 */
export function parseFieldList(text: string, owner: string, notes: string[]): FieldSpec[] {
  const fields: FieldSpec[] = [];
  for (const phrase of splitFieldList(text)) {
    if (negatedField(phrase) !== null) continue;
    const parsed = parseFieldPhrase(phrase, owner, notes);
    if (parsed === null) continue;
    const expanded = EXPANSIONS[parsed.name];
    if (expanded) {
      for (const f of expanded) if (!fields.some((g) => g.name === f.name)) fields.push({ ...f });
      continue;
    }
    const field = parsed;
    if (fields.some((f) => f.name === field.name)) continue;
    if (fields.length === 0 && field.type !== 'Boolean' && !/\boptional/.test(phrase.toLowerCase())) field.required = true;
    fields.push(field);
    if (fields.length === MAX_FIELDS) {
      notes.push(`${owner}: only the first ${MAX_FIELDS} fields were kept.`);
      break;
    }
  }
  return fields;
}
