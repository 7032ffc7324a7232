/**
 * Collecting the things a request wants stored. The English phrase reading lives in phrases.ts; this file
 * keeps the drafts, the verb clauses ("members review books": a record linking two others), links ("reviews
 * of books") and the table-driven reading of other languages. Names only ever come from plain words,
 * singularised and checked against reserved identifiers.
 */
import { parseFieldList } from './fields.ts';
import { foreignCompound, foreignNoun, foreignPlural, isForeignLanguage, structuralMentions } from './foreign.ts';
import { asciiWords, isReservedModelName, snakeToPascal, toSnake } from './identifiers.ts';
import { singularizePhrase } from './inflect.ts';
import { isEntityPlural, isFieldLike, PhraseReader } from './phrases.ts';
import { SentenceReader } from './sentences.ts';
import {
  APP_WORDS,
  AUTH_NEGATIONS,
  AUTH_TRIGGERS,
  DEFAULT_FIELDS,
  ENTITY_RENAMES,
  FILLER_WORDS,
  FOREIGN_NOUNS,
  JOIN_PARENTS,
  USER_WORDS,
  VERB_ENTITIES,
  type FieldSpec,
} from './vocabulary.ts';

export interface DraftRelation {
  target: string;
  required: boolean;
  onDelete: 'cascade' | 'set null' | 'restrict';
}

export interface DraftEntity {
  /** snake_case singular, e.g. "invoice_line". */
  key: string;
  /** Where the entity is first mentioned: entities keep the order the user named them in. */
  position: number;
  fields: FieldSpec[] | null;
  relations: DraftRelation[];
  /** Created by the signed-in person ("users review books"): owned when sign-in is on. */
  byUser: boolean;
  /** Fields the request said it does not want ("no due date"). */
  excluded: string[];
  /** The user's own word for a record named in another language ("Séance"), for its labels. */
  label?: { singular: string; plural: string };
}

const MAX_ENTITIES = 12;
const MODALS = new Set(['to', 'can', 'could', 'will', 'would', 'may', 'might', 'should', 'must', 'shall', 'cannot']);
const SUBJECT_STOPS = new Set([
  'build',
  'create',
  'make',
  'track',
  'manage',
  'store',
  'keep',
  'list',
  'add',
  'edit',
  'organize',
  'organise',
  'record',
  'log',
  'write',
  'share',
  'plan',
  'want',
  'need',
  'where',
  'that',
  'which',
  'who',
  'and',
  'or',
  'but',
  'please',
  'all',
  'simple',
  'small',
  'basic',
  'new',
  'little',
  'tiny',
  'see',
  'view',
  'show',
  'only',
  'own',
  'also',
  'then',
  'so',
  'in',
  'on',
  'at',
  'by',
  'from',
  'as',
  'is',
  'are',
  'be',
  'it',
  'this',
  'these',
  'those',
  'there',
  'here',
  'if',
  'when',
  'should',
  'must',
  'can',
  'will',
  'not',
  'no',
  'any',
  'like',
  'let',
  'lets',
  'allow',
  ...MODALS,
  ...FILLER_WORDS,
  ...APP_WORDS,
]);
const VERB_ALTERNATION = Object.keys(VERB_ENTITIES)
  .sort((a, b) => b.length - a.length || a.localeCompare(b))
  .join('|');
const VERB_PATTERN = new RegExp(
  String.raw`\b([a-z]+)\s+(?:(?:can|may|will|should|must)\s+)?(${VERB_ALTERNATION})\s+(?:(?:on|in|for|to)\s+)?(?:(?:the|a|an|their|some|other|one)\s+)?([a-z]+)\b(.*)`,
);
/** Objects that point back at the record named before: "translators bid on them". */
const PRONOUN_OBJECTS = new Set(['them', 'it', 'ones', 'one', 'these', 'those']);

/** Cuts a field list where the sentence moves on ("… and a due date that users can edit"). */
function trimList(list: string): string {
  return list.split(/\s+(?:that|which|where|so that|so|because|while)\s+/)[0] ?? '';
}

export class EntityCollector {
  readonly drafts = new Map<string, DraftEntity>();
  /** Spans of the text that are field lists: a noun inside "with a title and a comment" is a field. */
  readonly fieldSpans: Array<[number, number]> = [];

  constructor(private readonly notes: string[]) {}

  /** Registers a mention and returns its key, or null for the signed-in user and unusable words. */
  mention(words: readonly string[], position: number): string | null {
    // "fill-ups" is one name of two words.
    const singular = singularizePhrase(words.flatMap((w) => w.toLowerCase().split('-')).filter((w) => w.length > 0));
    let key = toSnake(singular);
    if (key === null || USER_WORDS.has(key) || (singular.length === 1 && USER_WORDS.has(words[0]!.toLowerCase()))) return null;
    if (key === 'user') return null;
    const rename = ENTITY_RENAMES[key] ?? (isReservedModelName(key) ? `${key}_record` : null);
    if (rename !== null) {
      this.notes.push(`"${snakeToPascal(key)}" is a reserved word in JavaScript or SQL, so the entity is called ${snakeToPascal(rename)}.`);
      key = rename;
    }
    const existing = this.drafts.get(key);
    if (existing) {
      existing.position = Math.min(existing.position, position);
      return key;
    }
    if (this.drafts.size >= MAX_ENTITIES) {
      this.notes.push(`Only the first ${MAX_ENTITIES} kinds of records were kept; ${snakeToPascal(key)} was left out.`);
      return null;
    }
    this.drafts.set(key, { key, position, fields: null, relations: [], byUser: false, excluded: [] });
    return key;
  }

  addFields(key: string, fields: FieldSpec[]): void {
    const draft = this.drafts.get(key);
    if (!draft || fields.length === 0) return;
    const merged = [...(draft.fields ?? [])];
    for (const f of fields) if (!merged.some((m) => m.name === f.name)) merged.push(f);
    draft.fields = merged;
  }

  relate(from: string, to: string, required: boolean, onDelete: DraftRelation['onDelete']): void {
    const draft = this.drafts.get(from);
    if (!draft || from === to || draft.relations.some((r) => r.target === to)) return;
    draft.relations.push({ target: to, required, onDelete });
  }

  /** "members review books with a rating 1-5": Review belongs to Member and Book. */
  readVerbClause(clause: string, at: number): boolean {
    this.verbRest = null;
    const m = VERB_PATTERN.exec(clause);
    if (!m) return false;
    const verb = m[2] ?? '';
    const object = m[3] ?? '';
    let actor = m[1] ?? '';
    let rest = m[4] ?? '';
    let actorAt = at + m.index;
    if (actor === 'and') {
      // "guests browse the menu and order dishes": the subject is the clause's first plural noun.
      const first = [...clause.slice(0, m.index).matchAll(/[a-z]+/g)].find((w) => isEntityPlural(w[0]) && !USER_WORDS.has(w[0]));
      if (first === undefined) return false;
      actor = first[0];
      actorAt = at + first.index;
    }
    if (SUBJECT_STOPS.has(actor) && !USER_WORDS.has(actor) && actor !== 'to') return false;
    if (USER_WORDS.has(object) || object === verb) return false;
    const verbAt = at + m.index + m[0].indexOf(` ${verb} `) + 1;
    // "riders join them", "fans pick those": the thing acted on is the record named last.
    const pronoun = PRONOUN_OBJECTS.has(object);
    if (SUBJECT_STOPS.has(object) && !pronoun) return false;
    const objectWords = [object];
    // "members book squash courts": a plural right after the object finishes its name.
    const next = /^\s+([a-z][a-z'-]*)\b/.exec(rest);
    if (!pronoun && next && !isEntityPlural(object) && isEntityPlural(next[1]!) && !SUBJECT_STOPS.has(next[1]!)) {
      objectWords.push(next[1]!);
      rest = rest.slice(next[0].length);
    }
    let previous = [...this.drafts.values()].filter((d) => d.position < verbAt).sort((a, b) => b.position - a.position)[0]?.key;
    if (pronoun && previous === undefined) {
      // "editors post briefs and writers bid on them": the plural before the actor is what they act on.
      const before = [...clause.slice(0, verbAt - at).matchAll(/[a-z]+/g)].filter(
        (w) => isEntityPlural(w[0]) && !USER_WORDS.has(w[0]) && w[0] !== actor,
      );
      const last = before.at(-1);
      previous = last === undefined ? undefined : (this.mention([last[0]], at + last.index) ?? undefined);
    }
    if (pronoun && previous === undefined) return false;
    // "patients book appointments": the object already records the act, so it is the record itself.
    const objectIsAct = !pronoun && JOIN_PARENTS[singularizePhrase(objectWords).join('_')] !== undefined;
    const recordKey = objectIsAct
      ? this.mention(objectWords, verbAt + verb.length + 1)
      : this.mention([VERB_ENTITIES[verb] ?? verb], verbAt);
    const objectKey = objectIsAct ? recordKey : pronoun ? previous! : this.mention(objectWords, verbAt + verb.length + 1);
    if (recordKey === null || objectKey === null) return false;
    // "an app to rate movies": nobody named, so the person using the app is the one who rates.
    if (USER_WORDS.has(actor) || actor === 'to') {
      this.drafts.get(recordKey)!.byUser = true;
    } else {
      const actorKey = this.mention([actor], actorAt);
      if (actorKey !== null) this.relate(recordKey, actorKey, true, 'cascade');
    }
    this.relate(recordKey, objectKey, true, 'cascade');
    const withList = /^\s+with\s+(.+)$/.exec(rest);
    if (withList) {
      const list = withList[1]!;
      const listText = trimList(list);
      const listAt = at + m.index + m[0].length - list.length;
      this.fieldSpans.push([listAt, listAt + listText.length]);
      // "book appointments with doctors": a plural that is no value names who else the record is with.
      const others = /^([a-z]+)$/.exec(listText.trim())?.[1];
      const other =
        others !== undefined && isEntityPlural(others) && !isFieldLike(singularizePhrase([others]).join('_'))
          ? this.mention([others], listAt)
          : null;
      if (other !== null) this.relate(recordKey, other, true, 'cascade');
      else this.addFields(recordKey, parseFieldList(listText, snakeToPascal(recordKey), this.notes));
    } else {
      // "rate recipes from 1 to 5": the range belongs to the record's score.
      const range = /^\s+(?:from\s+)?(-?\d+)\s*(?:-|–|to)\s*(-?\d+)\b/.exec(rest);
      const defaults = DEFAULT_FIELDS[recordKey];
      const scoreAt = defaults?.findIndex((f) => f.type === 'Integer') ?? -1;
      if (range && defaults && scoreAt >= 0) {
        const fields = defaults.map((f) => ({ ...f }));
        fields[scoreAt] = {
          ...fields[scoreAt]!,
          min: Math.min(Number(range[1]), Number(range[2])),
          max: Math.max(Number(range[1]), Number(range[2])),
        };
        this.addFields(recordKey, fields);
      }
      // "members join clubs, trainers run sessions": the clause after the comma is read on its own.
      const next = /^\s*[,;]\s*/.exec(rest);
      if (next) this.verbRest = { text: rest.slice(next[0].length), at: at + m.index + m[0].length - rest.length + next[0].length };
    }
    return true;
  }

  /** What follows a verb clause after a comma, for the phrase reader to read on its own (or null). */
  verbRest: { text: string; at: number } | null = null;

  /** Known nouns outside field lists ("a todo app", "track my expenses"); foreign words through a table. */
  scanKnownNouns(text: string, language: string): void {
    let masked = text;
    for (const [start, end] of this.fieldSpans) masked = masked.slice(0, start) + ' '.repeat(end - start) + masked.slice(end);
    const tokens = [...masked.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({ word: m[0], at: m.index }));
    tokens.forEach((token, i) => {
      const previous = tokens[i - 1]?.word ?? '';
      if (MODALS.has(previous)) return;
      if (language !== 'en') {
        let translated: string | null = FOREIGN_NOUNS[token.word] ?? FOREIGN_NOUNS[lastCompoundPart(token.word)] ?? null;
        // "Benutzeranmeldung", "Registrierung": words that ask for sign-in are not records of the app.
        if (translated === null && isForeignLanguage(language) && !AUTH_TRIGGERS.some((p) => p.test(token.word)))
          translated = foreignNoun(token.word, language) ?? foreignCompound(token.word, language);
        if (translated) this.mention([translated], token.at);
        return;
      }
      if (!/^[a-z]+$/.test(token.word)) return;
      const [singular = token.word] = singularizePhrase([token.word]);
      const next = tokens[i + 1]?.word;
      if (next !== undefined && /^[a-z]+$/.test(next)) {
        const ahead = `${singular}_${singularizePhrase([next])[0]}`;
        if (DEFAULT_FIELDS[ahead] || this.drafts.has(ahead)) return;
      }
      const compound = `${previous}_${singular}`;
      if (previous.length > 0 && DEFAULT_FIELDS[compound] && !this.drafts.has(singular)) {
        this.mention([previous, token.word], tokens[i - 1]!.at);
      } else if (DEFAULT_FIELDS[singular] && singular !== 'item' && singular !== 'person') {
        this.mention([token.word], token.at);
      }
    });
  }

  /** Records another language's sentence structure names ("chaque séance", "un diário de leituras"). */
  readForeignStructure(text: string, language: string): void {
    if (!isForeignLanguage(language)) return;
    for (const found of structuralMentions(text, language)) {
      if (found.english !== null) {
        this.mention([found.english], found.at);
        continue;
      }
      const key = this.mention(asciiWords(found.word.replace(/ß/g, 'ss')), found.at);
      const draft = key === null ? undefined : this.drafts.get(key);
      if (draft && draft.label === undefined) {
        const singular = found.word[0]!.toUpperCase() + found.word.slice(1);
        draft.label = { singular, plural: foreignPlural(singular, language) };
      }
    }
  }

  /** "reviews of books", "projects have many tasks", "each task belongs to a project". */
  readLinks(text: string): void {
    const forms = new Map<string, string>();
    for (const key of this.drafts.keys()) {
      const words = key.split('_');
      forms.set(
        key,
        `${words.join(' ')}|${words.join(' ')}s|${words
          .slice(0, -1)
          .concat(pluralGuess(words.at(-1)!))
          .join(' ')}`,
      );
    }
    for (const [child, childForms] of forms) {
      for (const [parent, parentForms] of forms) {
        if (child === parent) continue;
        const patterns = [
          String.raw`\b(?:${childForms})\s+(?:of|for|on|about|belonging to)\s+(?:(?:a|an|the|each|their|its)\s+)?(?:${parentForms})\b`,
          String.raw`\b(?:${parentForms})\s+(?:have|has|with|contains?)\s+(?:many|multiple|several|some|one or more)\s+(?:${childForms})\b`,
          String.raw`\b(?:${childForms})\s+belongs?\s+to\s+(?:a|an|one|the)\s+(?:${parentForms})\b`,
        ];
        if (patterns.some((p) => new RegExp(p).test(text))) this.relate(child, parent, true, 'cascade');
      }
    }
  }
}

function lastCompoundPart(word: string): string {
  // German compounds ("Einkaufsaufgaben") end in the noun that matters; a "Fahrtenbuch" is a log, not a book.
  if (/(?:buch|bücher|liste|listen|formular)$/.test(word)) return word;
  for (let i = 1; i < word.length - 3; i += 1) if (FOREIGN_NOUNS[word.slice(i)]) return word.slice(i);
  return word;
}

/** The text with "no login", "sans compte", "ohne Anmeldung" blanked: words there name no record. */
function withoutDeclinedSignIn(text: string): string {
  let out = text;
  for (const negation of AUTH_NEGATIONS) out = out.replace(negation, (m) => ' '.repeat(m.length));
  return out;
}

function pluralGuess(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/**
 * Clauses for the phrase reader: sentences, colons and "where"/"so that" end a clause, except inside
 * parentheses ("type: compact/regular/ev" stays one field).
 */
function phraseClauses(text: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  let depth = 0;
  let start = 0;
  const push = (end: number): void => {
    if (end > start) out.push({ text: text.slice(start, end), at: start });
  };
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '(') depth += 1;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (/[;:!?\n]/.test(ch) || (ch === '.' && !/\S/.test(text[i + 1] ?? ' ')))) {
      push(i);
      start = i + 1;
    } else if (depth === 0 && ch === ' ') {
      const soft = /^ (?:where|so that|whereas|while) /.exec(text.slice(i, i + 10));
      if (soft) {
        push(i);
        start = i + soft[0].length;
        i = start - 1;
      }
    }
  }
  push(text.length);
  return out
    .map((c) => {
      const lead = c.text.length - c.text.trimStart().length;
      return { text: c.text.trim(), at: c.at + lead };
    })
    .filter((c) => c.text.length > 0);
}

/** All entities of a request, in the order they were mentioned. */
export function collectEntities(lower: string, language: string, notes: string[]): DraftEntity[] {
  const collector = new EntityCollector(notes);
  const reader = new PhraseReader(collector, notes);
  if (language === 'en') {
    // Sentence shapes first (forms, logs, "each X has", "… by"); the phrase reader reads what they left.
    const sentences = new SentenceReader(collector, notes);
    const rest = sentences.read(lower);
    for (const clause of phraseClauses(rest)) reader.readClause(clause.text, clause.at);
    sentences.finish();
  } else {
    const scanned = withoutDeclinedSignIn(lower);
    collector.scanKnownNouns(scanned, language);
    collector.readForeignStructure(scanned, language);
  }
  collector.readLinks(lower);
  reader.linkLeftovers(lower);
  return [...collector.drafts.values()].sort((a, b) => a.position - b.position || a.key.localeCompare(b.key));
}
