/**
 * Rule-based understanding of a build request (spec §4.1, step 1): prompt in, `Domain` out, plus the
 * assumptions and open questions the plan records. Pure and deterministic: the same prompt always gives
 * the same result, so plans and generated apps are reproducible.
 */
import { Domain, type DomainEntity, type DomainField, type DomainRelation } from '../../contracts/index.ts';
import { readAuth, readPrivateData, type AuthReading } from './auth.ts';
import { collectEntities, type DraftEntity } from './entities.ts';
import { HOSTILE_TEXT } from './fields.ts';
import { asciiWords, cleanDisplayText, snakeToLabel, snakeToPascal, titleCase, toSlug, toSnake } from './identifiers.ts';
import { pluralize } from './inflect.ts';
import { detectLanguage, LANGUAGE_NAMES } from './language.ts';
import { isSubjectNoun } from './phrases.ts';
import { flattenLists } from './sentences.ts';
import {
  AUTH_SIGNALS,
  DEFAULT_FIELDS,
  PERSONAL_KINDS,
  PRIVATE_RECORDS,
  PUBLIC_READ_PHRASES,
  TRIVIAL_APPS,
  type FieldSpec,
} from './vocabulary.ts';

export { singularize, pluralize } from './inflect.ts';
export { DEFAULT_FIELDS, PERSONAL_KINDS } from './vocabulary.ts';

export interface Understanding {
  domain: Domain;
  /** What was decided without being asked for, in plain words for the plan. */
  assumptions: string[];
  /** What a person should confirm before the app grows further. */
  openQuestions: string[];
}

const MAX_PROMPT = 4000;
/** Field types the generated list search looks through. */
export const TEXT_TYPES: ReadonlySet<DomainField['type']> = new Set(['String', 'Text', 'Email']);
const DEFAULT_MAX_LENGTH: Partial<Record<DomainField['type'], number>> = { String: 200, Text: 10000, Email: 254, URL: 2048, Phone: 32 };
const GENERIC_FIELDS: readonly FieldSpec[] = [
  { name: 'name', type: 'String', required: true },
  { name: 'description', type: 'Text', required: false },
];
const NAME_STOPS = new Set([
  'build',
  'create',
  'make',
  'write',
  'generate',
  'me',
  'us',
  'a',
  'an',
  'the',
  'my',
  'our',
  'simple',
  'small',
  'basic',
  'little',
  'tiny',
  'quick',
  'new',
  'please',
  'i',
  'want',
  'need',
  'would',
  'like',
  'web',
  'full',
  'stack',
  'fullstack',
  'erstelle',
  'baue',
  'eine',
  'ein',
  'einen',
  'crée',
  'créer',
  'une',
  'un',
  'crea',
  'crear',
  'una',
  'to',
  'with',
  'for',
  // Words before "app" in other languages: "quero um app", "een app voor", "ich möchte eine App".
  'um',
  'uma',
  'quero',
  'preciso',
  'een',
  'ik',
  'wil',
  'möchte',
  'je',
  'veux',
  'voglio',
  'quiero',
  'necesito',
  'uno',
]);
const NAME_NOUNS = [
  'app',
  'application',
  'website',
  'site',
  'tool',
  'tracker',
  'manager',
  'dashboard',
  'platform',
  'system',
  'planner',
  'journal',
  'diary',
  'list',
  'catalog',
  'catalogue',
];

export function understandRequest(prompt: string): Domain {
  return analyzeRequest(prompt).domain;
}

export function analyzeRequest(prompt: string): Understanding {
  const text = cleanDisplayText(flattenLists(prompt), MAX_PROMPT);
  const lower = text.toLowerCase().replace(/\bbetween\s+(-?\d+(?:\.\d+)?)\s+and\s+(-?\d+(?:\.\d+)?)/g, 'from $1 to $2');
  const assumptions: string[] = [];
  const openQuestions: string[] = [];
  const notes: string[] = [];

  const language = detectLanguage(text);
  const auth = readAuth(lower);
  let drafts = collectEntities(lower, language, notes);

  for (const [pattern, kind, why] of TRIVIAL_APPS) {
    if (!pattern.test(lower)) continue;
    if (drafts.length === 0) drafts = [{ key: kind, position: 0, fields: null, relations: [], byUser: false, excluded: [] }];
    if (drafts.some((d) => d.key === kind)) assumptions.push(why);
    break;
  }
  if (drafts.length === 0) {
    // "a plant tracker", "a wine catalog": the thing the app is a tracker of is what it stores.
    const subject =
      /\b(?:a|an|my|our|the)\s+([a-z]+)\s+(?:tracker|library|catalog|catalogue|manager|log|organi[sz]er|collection|database|directory|app)\b/.exec(
        lower,
      )?.[1];
    const key = subject !== undefined && isSubjectNoun(subject, true) ? toSnake([subject]) : null;
    drafts = [{ key: key ?? 'item', position: 0, fields: null, relations: [], byUser: false, excluded: [] }];
    if (key === null) assumptions.push('The request names nothing to store, so the app keeps generic items with a name and a description.');
    else
      assumptions.push(
        `The request names one kind of thing, ${subject}, so the app keeps ${snakeToPascal(key)} records with the usual fields.`,
      );
    openQuestions.push('What should the app keep track of, and what information does each record hold?');
  }

  const signal = auth.enabled || auth.declined ? null : authSignal(lower, drafts);
  // Personal or business data gets sign-in by default, said as an assumption the person can overturn.
  const data = signal === null && !auth.enabled && !auth.declined && auth.ownershipAt.length === 0 ? readPrivateData(lower) : null;
  const authEnabled = !auth.declined && (auth.enabled || auth.ownershipAt.length > 0 || signal !== null || data !== null);
  if (signal !== null && !auth.enabled && auth.ownershipAt.length === 0) {
    assumptions.push(`The request does not mention accounts, but ${signal}, so the app has sign-in (email and password).`);
    openQuestions.push('Is sign-in wanted, and should each person see only their own records?');
  } else if (data !== null) {
    assumptions.push(
      `The request does not mention accounts, but ${data.why}, so by default the app has sign-in (email and password)` +
        `${data.personal ? ' and each user sees only their own records' : ' and signed-in users share the records'}.`,
    );
    openQuestions.push(
      data.personal
        ? 'Sign-in is on because the records look personal: should the app be open without accounts instead?'
        : 'Sign-in is on because the records look internal to a business or team: should the app be open without accounts instead, or should each person see only their own records?',
    );
  } else {
    noteAuth(auth, authEnabled, assumptions, openQuestions);
  }

  const owned = decideOwnership(drafts, auth, authEnabled, lower, data?.personal === true, assumptions);
  const entities = orderParentsFirst(drafts).map((draft) =>
    buildEntity(draft, drafts, owned.has(draft.key), authEnabled, assumptions, openQuestions),
  );
  if (authEnabled && PUBLIC_READ_PHRASES.some((p) => p.test(lower))) {
    const opened = entities.filter((e) => !e.owned);
    for (const e of opened) e.access = { read: 'public', write: 'authenticated' };
    if (opened.length > 0)
      assumptions.push(
        `Anyone can read ${opened.map((e) => e.label_plural.toLowerCase()).join(', ')}; creating, changing and deleting needs sign-in.`,
      );
  }

  if (language !== 'en') {
    const what = entities.map((e) => e.label_plural.toLowerCase()).join(', ');
    assumptions.push(
      `The request looks ${LANGUAGE_NAMES[language] ?? language} (${language}); it was understood as an app for ${what}` +
        `${authEnabled ? ' with sign-in' : ''}. ${
          drafts.some((d) => d.label !== undefined)
            ? "Names in the generated code are English where the word is a known kind of record; other records keep the request's own word, and their labels keep its spelling."
            : 'Names in the generated code are English.'
        }`,
    );
    openQuestions.push(`Should the app's screens be in ${LANGUAGE_NAMES[language] ?? language} rather than English?`);
  }
  assumptions.push(...notes);

  const appName = deriveAppName(text, lower, entities);
  const domain = Domain.parse({
    app_name: appName,
    slug: toSlug(appName, toSlug(entities[0]?.plural ?? 'app', 'app')),
    summary: summarize(appName, entities, authEnabled),
    language,
    auth: { enabled: authEnabled, ownership: entities.some((e) => e.owned) },
    entities,
  });
  return { domain, assumptions: unique(assumptions), openQuestions: unique(openQuestions) };
}

/** Why an app that never mentions accounts still needs them (AUTH_SIGNALS, PRIVATE_RECORDS), or null. */
function authSignal(lower: string, drafts: readonly DraftEntity[]): string | null {
  for (const [pattern, why] of AUTH_SIGNALS) if (pattern.test(lower)) return why;
  const privateKeys = drafts.filter((d) => PRIVATE_RECORDS.has(d.key)).map((d) => snakeToPascal(d.key));
  if (privateKeys.length > 0) return `it stores personal or payment records (${privateKeys.join(', ')})`;
  return null;
}

function noteAuth(auth: AuthReading, enabled: boolean, assumptions: string[], questions: string[]): void {
  if (auth.declined) {
    assumptions.push('Sign-in was declined in the request, so the app has no accounts and every record is public.');
  } else if (enabled && auth.trigger === null) {
    assumptions.push('Records are meant to be private, which needs accounts, so the app has sign-in (email and password).');
  } else if (enabled) {
    assumptions.push(`The request mentions "${auth.trigger}", so the app has sign-in with email and password and JWT bearer tokens.`);
  } else {
    assumptions.push(
      'The request does not mention accounts, so the app has no sign-in and anyone who can reach it can read and change every record.',
    );
    questions.push('Should people sign in, and should each person see only their own records?');
  }
}

function decideOwnership(
  drafts: readonly DraftEntity[],
  auth: AuthReading,
  enabled: boolean,
  lower: string,
  personal: boolean,
  assumptions: string[],
): Set<string> {
  const owned = new Set<string>();
  if (!enabled) return owned;
  if (auth.ownershipAt.length > 0) {
    // "see only their own tasks": the records named right after the phrase are the private ones.
    for (const at of auth.ownershipAt) {
      const following = asciiWords(lower.slice(at, at + 60)).slice(0, 4);
      for (const d of drafts) {
        const words = d.key.split('_');
        const last = words.at(-1)!;
        if (following.some((w) => w === last || w === pluralize(last))) owned.add(d.key);
      }
    }
    for (const d of drafts) if (d.byUser) owned.add(d.key);
    if (owned.size === 0) for (const d of drafts) owned.add(d.key);
    const names = drafts.filter((d) => owned.has(d.key)).map((d) => snakeToPascal(d.key));
    assumptions.push(`Each user sees and changes only their own ${names.join(', ')} records; other users get 404 for them.`);
    return owned;
  }
  if (auth.shared) {
    assumptions.push('Signed-in users share all records (the request describes shared or team use); nothing is private per user.');
    return owned;
  }
  for (const d of drafts) if (PERSONAL_KINDS.has(d.key) || d.byUser || personal) owned.add(d.key);
  if (owned.size > 0) {
    const names = drafts.filter((d) => owned.has(d.key)).map((d) => snakeToPascal(d.key));
    assumptions.push(`With sign-in on, personal records default to owned rows: each user sees only their own ${names.join(', ')} records.`);
  }
  const sharedNames = drafts.filter((d) => !owned.has(d.key)).map((d) => snakeToPascal(d.key));
  if (sharedNames.length > 0) {
    assumptions.push(`${sharedNames.join(', ')} records are shared: every signed-in user can read and change them.`);
  }
  return owned;
}

/** Parents before children, otherwise in the order the user mentioned them. */
function orderParentsFirst(drafts: readonly DraftEntity[]): DraftEntity[] {
  const byKey = new Map(drafts.map((d) => [d.key, d]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const result: DraftEntity[] = [];
  const visit = (d: DraftEntity): void => {
    if (done.has(d.key) || visiting.has(d.key)) return;
    visiting.add(d.key);
    for (const r of d.relations) {
      const parent = byKey.get(r.target);
      if (parent) visit(parent);
    }
    visiting.delete(d.key);
    done.add(d.key);
    result.push(d);
  };
  for (const d of drafts) visit(d);
  return result;
}

function buildEntity(
  draft: DraftEntity,
  all: readonly DraftEntity[],
  owned: boolean,
  authEnabled: boolean,
  assumptions: string[],
  questions: string[],
): DomainEntity {
  const name = snakeToPascal(draft.key);
  let specs = draft.fields;
  if (specs === null) {
    specs = [...(DEFAULT_FIELDS[draft.key] ?? GENERIC_FIELDS)];
    const list = specs.map((f) => snakeToLabel(f.name).toLowerCase()).join(', ');
    assumptions.push(`${name} has no fields in the request, so it gets the usual ones: ${list}.`);
    questions.push(`Are ${list} the right fields for ${name}, or should it hold more?`);
  }
  const stated = draft.fields !== null;
  // "a recipe book with ingredients and a rating": the record still needs what it is called by.
  // A kind with no usual fields and nothing textual to tell rows apart ("a wine catalog with ratings") gets a name.
  const untitled = draft.relations.length === 0 && !(specs ?? []).some((f) => f.type === 'String' || f.type === 'Text');
  const usual = DEFAULT_FIELDS[draft.key]?.[0] ?? (untitled ? GENERIC_FIELDS[0] : undefined);
  if (stated && usual && (usual.name === 'title' || usual.name === 'name') && !specs.some((f) => f.name === 'title' || f.name === 'name')) {
    specs = [{ ...usual }, ...specs.map((f, i) => (i === 0 && f.type !== 'Boolean' && f.required ? { ...f, required: false } : f))];
    assumptions.push(`${name} gets a ${usual.name} as well, so each record can be told apart in lists.`);
  }
  if (draft.excluded.length > 0) {
    const before = specs.length;
    specs = specs.filter((f) => !draft.excluded.includes(f.name));
    if (specs.length < before) assumptions.push(`${name} leaves out ${draft.excluded.join(', ')}, as the request asked.`);
  }

  const keys = new Set(all.map((d) => d.key));
  const relations: DomainRelation[] = draft.relations
    .filter((r) => keys.has(r.target))
    .map((r) => ({
      kind: 'belongs_to',
      target: snakeToPascal(r.target),
      field: `${r.target.slice(0, 59)}_id`,
      required: r.required,
      on_delete: r.onDelete,
    }));
  const fields: DomainField[] = [];
  for (const spec of specs) {
    // A field named after another entity ("tasks have a project") is a link to it, not a text column.
    const target = spec.name.replace(/_id$/, '');
    if (keys.has(target) && target !== draft.key) {
      if (!relations.some((r) => r.field === `${target}_id`)) {
        relations.push({
          kind: 'belongs_to',
          target: snakeToPascal(target),
          field: `${target}_id`,
          required: spec.required,
          on_delete: spec.required ? 'cascade' : 'set null',
        });
        assumptions.push(`${name}.${spec.name} refers to a ${snakeToPascal(target)}, so it is stored as a link (${target}_id).`);
      }
      continue;
    }
    if (relations.some((r) => r.field === spec.name)) continue;
    fields.push(toDomainField(spec));
  }
  if (fields.length === 0) fields.push(toDomainField({ name: 'name', type: 'String', required: true }));
  const optional = fields.filter((f) => !f.required).map((f) => f.name);
  if (stated && fields.length > 1 && optional.length > 0) {
    const required = fields.filter((f) => f.required).map((f) => f.name);
    assumptions.push(
      `${name}: ${required.join(', ')} ${required.length === 1 ? 'is' : 'are'} required; ${optional.join(', ')} ${optional.length === 1 ? 'is' : 'are'} optional.`,
    );
  }

  const pluralWords = draft.key.split('_');
  pluralWords.push(pluralize(pluralWords.pop()!));
  const plural = pluralWords.join('_');
  const level = owned ? 'owner' : authEnabled ? 'authenticated' : 'public';
  return {
    name,
    plural,
    label: draft.label?.singular ?? snakeToLabel(draft.key),
    label_plural: draft.label?.plural ?? snakeToLabel(plural),
    fields,
    relations,
    owned,
    access: { read: level, write: level },
    searchable: fields.filter((f) => TEXT_TYPES.has(f.type)).map((f) => f.name),
  };
}

export function toDomainField(spec: FieldSpec): DomainField {
  const field: DomainField = { name: spec.name, label: snakeToLabel(spec.name), type: spec.type, required: spec.required };
  if (spec.enum_values) field.enum_values = [...spec.enum_values];
  if (spec.min !== undefined) field.min = spec.min;
  if (spec.max !== undefined) field.max = spec.max;
  const maxLength = DEFAULT_MAX_LENGTH[spec.type];
  if (maxLength !== undefined) field.max_length = maxLength;
  if (spec.default !== undefined) field.default = spec.default;
  if (spec.unique) field.unique = true;
  return field;
}

/** "named X"/"called X" wins; then the words before "app"; then the main entity. */
function deriveAppName(text: string, lower: string, entities: readonly DomainEntity[]): string {
  const named =
    /\b(?:named|called|titled)\s+(?:"([^"]{1,80})"|'([^']{1,80})'|“([^”]{1,80})”|(.+?))(?=\s+(?:with|that|where|which|for|to|and)\b|[,.;:!?]|$)/i.exec(
      text,
    );
  if (named) {
    const name = cleanDisplayText(named[1] ?? named[2] ?? named[3] ?? named[4] ?? '', 80);
    if (name.length > 0) return name;
  }
  if (/\bhello[\s,-]*world\b/.test(lower)) return 'Hello World App';
  const nounPattern = new RegExp(String.raw`((?:[a-z0-9]+[\s-]+){0,3})(${NAME_NOUNS.join('|')})\b`);
  const phrase = nounPattern.exec(lower.replace(/[^a-z0-9\s-]/g, ' '));
  if (phrase && !HOSTILE_TEXT.test(phrase[0])) {
    const words = asciiWords(phrase[1] ?? '');
    let start = 0;
    for (let i = 0; i < words.length; i += 1) if (NAME_STOPS.has(words[i]!)) start = i + 1;
    const kept = words.slice(start);
    const noun = phrase[2] === 'application' ? 'app' : phrase[2]!;
    if (kept.length > 0) return titleCase([...kept, noun]);
  }
  const main = entities[0];
  return main ? `${main.label} App` : 'App';
}

export function summarize(appName: string, entities: readonly DomainEntity[], authEnabled: boolean): string {
  const parts = entities.map((e) => `${e.label_plural.toLowerCase()} (${e.fields.map((f) => f.label.toLowerCase()).join(', ')})`);
  const owned = entities.filter((e) => e.owned).map((e) => e.label_plural.toLowerCase());
  let access = 'no sign-in; every record is public';
  if (authEnabled)
    access =
      owned.length > 0
        ? `email/password sign-in; each user sees only their own ${owned.join(' and ')}`
        : 'email/password sign-in; records are shared by signed-in users';
  return `${appName}: keeps ${parts.join('; ')}. Access: ${access}.`;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
