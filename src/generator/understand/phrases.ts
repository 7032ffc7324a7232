/**
 * Reading English requests phrase by phrase. A clause is cut into list items (commas, "and", parentheses
 * kept together); plural nouns and known nouns name kinds of records, singular nouns after "with"/"have" or
 * inside parentheses name their fields. The app's own description ("a recipe book with …") is recognised by
 * its container word, so "recipe book" gives Recipe rather than a Book. Word classes come from compromise
 * (through inflect.ts); what a word means in an app lives in the tables of vocabulary.ts.
 */
import { nlp } from './nlp.ts';
import { fieldsFromPhrase, negatedField, splitFieldList } from './fields.ts';
import { looksPlural, singularize } from './inflect.ts';
import { isReserved, snakeToPascal } from './identifiers.ts';
import {
  APP_NOUN_ENTITIES,
  APP_WORDS,
  CLASSIFIER_KINDS,
  CONTAINER_WORDS,
  DEFAULT_FIELDS,
  FEATURE_WORDS,
  FIELDISH_NOUNS,
  GENERIC_HEADS,
  JOIN_PARENTS,
  NON_ENTITY_PLURALS,
  NON_MODIFIERS,
  PLURAL_TEXT_FIELDS,
  ROLE_WORDS,
  TYPE_HINTS,
  SETTING_WORDS,
  USER_WORDS,
  VERB_ENTITIES,
  VERB_FORMS,
  WORD_STOPS,
  type FieldSpec,
} from './vocabulary.ts';

/** What the reader needs of the entity collector (entities.ts), named here so the two files do not import each other. */
export interface RecordSink {
  readonly drafts: Map<
    string,
    { key: string; position: number; fields: FieldSpec[] | null; relations: Array<{ target: string }>; excluded: string[] }
  >;
  readonly fieldSpans: Array<[number, number]>;
  mention(words: readonly string[], position: number): string | null;
  addFields(key: string, fields: FieldSpec[]): void;
  relate(from: string, to: string, required: boolean, onDelete: 'cascade' | 'set null' | 'restrict'): void;
  readVerbClause(clause: string, at: number): boolean;
  /** Set by readVerbClause when a clause follows the verb's after a comma. */
  readonly verbRest: { text: string; at: number } | null;
}

interface Item {
  text: string;
  at: number;
}

const LIST_OPENER = /\s+(?:with|has|have|having|including|includes|containing|contains|consisting of|should have|must have|can have)\s+/;
const LINK_TAIL =
  /\s+(?:for|of|per|belonging to|grouped by|organi[sz]ed by|sorted by|by|in|on)\s+(?:(?:a|an|the|each|every|their|its)\s+)?([a-z]+)\b.*$/;
const WORD = /^[a-z][a-z'-]*$/;
const MANAGED = new Set(['id', 'user_id', 'created_at', 'updated_at']);
const MODAL_WORDS = new Set(['can', 'cannot', 'could', 'may', 'might', 'must', 'should', 'will', 'would', 'to', 'shall']);
/** A field phrase never holds a modal verb: "only logged in users can write" is a rule, not a field. */
const RULE_TEXT = /\b(?:can|cannot|could|may|might|must|should|will|would|shall|users?|people|everyone|anyone)\b/;

/** Splits a clause into list items and keeps each item's offset in the original text. */
function itemsOf(text: string, at: number): Item[] {
  const items: Item[] = [];
  let from = 0;
  for (const part of splitFieldList(text)) {
    const found = text.indexOf(part, from);
    const offset = found >= 0 ? found : from;
    items.push({ text: part.replace(/^(?:with|and|or|also)\s+/, ''), at: at + offset });
    from = offset + part.length;
  }
  return items;
}

const tagCache = new Map<string, Set<string>>();
function tags(word: string): Set<string> {
  let found = tagCache.get(word);
  if (!found) {
    const terms = nlp(word).json() as Array<{ terms: Array<{ tags: string[] }> }>;
    found = new Set(terms[0]?.terms[0]?.tags ?? []);
    tagCache.set(word, found);
  }
  return found;
}

/** Is this word a plural noun that can name records ("tasks", "people"), rather than a verb ("belongs")? */
export function isEntityPlural(word: string): boolean {
  if (!WORD.test(word) || word.length < 3) return false;
  if (NON_ENTITY_PLURALS.has(word) || VERB_FORMS.has(word) || USER_WORDS.has(word) || ROLE_WORDS.has(word) || WORD_STOPS.has(word))
    return false;
  if (FEATURE_WORDS.has(word)) return false;
  return looksPlural(word);
}

/** A word that may stand before a head noun as part of the name ("invoice" lines, "gift" ideas). */
function isModifier(word: string | undefined): boolean {
  if (word === undefined || !WORD.test(word) || WORD_STOPS.has(word) || NON_MODIFIERS.has(word)) return false;
  if (USER_WORDS.has(word) || ROLE_WORDS.has(word) || CONTAINER_WORDS.has(word) || VERB_FORMS.has(word)) return false;
  if (/(?:ing|ed|ly)$/.test(word) && !DEFAULT_FIELDS[word]) return false;
  if (looksPlural(word) && singularize(word) !== word) return false;
  const t = tags(word);
  return !(t.has('Adjective') && !t.has('Noun')) && !t.has('Determiner') && !t.has('Preposition') && !t.has('Conjunction');
}

/** The record name of a head noun at words[i]: "weekly meal plans" → ["meal", "plan"]; "attendance records" → ["attendance"]. */
export function nameAt(words: readonly string[], i: number): string[] {
  const head = singularize(words[i]!);
  const before = words[i - 1];
  // "can read posts", "trainers run sessions": the word before is a verb, not part of the name.
  // "users post messages": after the people using the app comes a verb too.
  const twoBefore = words[i - 2] ?? '';
  if (
    isModifier(before) &&
    !MODAL_WORDS.has(twoBefore) &&
    !isEntityPlural(twoBefore) &&
    !USER_WORDS.has(twoBefore) &&
    !ROLE_WORDS.has(twoBefore)
  ) {
    if (GENERIC_HEADS.has(head)) return [before!];
    return [before!, head];
  }
  return [head];
}

/**
 * "movie" in "a movie library": a singular noun that names a thing, not a setting ("gym") or a quality.
 * Right after an article ("a plant tracker") the position already says noun, whatever the word's other uses.
 */
export function isSubjectNoun(word: string | undefined, afterArticle = false): boolean {
  if (!isModifier(word) || SETTING_WORDS.has(word!) || FEATURE_WORDS.has(word!) || APP_WORDS.has(word!)) return false;
  return afterArticle || tags(word!).has('Noun');
}

export function isFieldLike(singular: string): boolean {
  if (FIELDISH_NOUNS.has(singular)) return true;
  return TYPE_HINTS.some(([pattern, type]) => type !== 'Text' && pattern.test(singular));
}

export class PhraseReader {
  /** The entity that receives fields from the items that follow (the last one named). */
  private current: string | null = null;
  /** The record the app's description named ("a todo app"), for "without due dates" that follows it. */
  private main: string | null = null;

  constructor(
    private readonly collector: RecordSink,
    private readonly notes: string[],
  ) {}

  /** Reads one clause (the text between . ; : ! ? and "where"). */
  readClause(clause: string, at: number): void {
    this.current = null;
    let text = clause;
    let offset = at;
    const descriptor = this.readDescriptor(text, offset);
    if (descriptor > 0) {
      offset += descriptor;
      text = text.slice(descriptor);
    }
    if (this.readIntransitive(text, offset)) return;
    if (this.collector.readVerbClause(text, offset)) {
      const rest = this.collector.verbRest;
      if (rest !== null && rest.text.trim().length > 0) this.readClause(rest.text, rest.at);
      return;
    }
    for (const item of itemsOf(text, offset)) this.readItem(item, false);
  }

  /**
   * "build a recipe book with", "A sports league tracker with": the words up to the app's container word
   * describe the app. A known noun among them ("recipe", "todo", "guestbook") is the app's main record, and
   * the list that follows holds its fields. Returns how many characters the description took.
   */
  private readDescriptor(text: string, at: number): number {
    const words = [...text.matchAll(/[a-z][a-z'-]*|[^\sa-z]+/g)];
    let end = -1;
    for (let i = 0; i < Math.min(words.length, 9); i += 1) {
      const w = words[i]![0];
      if (!WORD.test(w)) break;
      // "a recipe book", "an address book"; but "members book classes" is the verb.
      const before = words[i - 1]?.[0] ?? '';
      const bookOf =
        w === 'book' && i > 0 && !isEntityPlural(before) && (DEFAULT_FIELDS[singularize(before)] !== undefined || before === 'address');
      if (CONTAINER_WORDS.has(w) || APP_NOUN_ENTITIES[w] || bookOf) {
        end = i;
        // "a tool library", "a recipe book app": keep going while container words follow each other.
        while (end + 1 < words.length && (CONTAINER_WORDS.has(words[end + 1]![0]) || words[end + 1]![0] === 'management')) end += 1;
        break;
      }
    }
    if (end < 0) return 0;
    const described = words.slice(0, end + 1).map((m) => m[0]);
    for (let i = 0; i <= end; i += 1) {
      const w = described[i]!;
      const mapped = APP_NOUN_ENTITIES[w];
      if (mapped) {
        this.current = this.collector.mention([mapped], at + words[i]!.index);
        this.main = this.current;
        continue;
      }
      // "recipe book", "task manager", "todo list": a known record kind right before the container word.
      const next = described[i + 1] ?? '';
      if ((CONTAINER_WORDS.has(next) || (next === 'book' && i + 1 === end)) && DEFAULT_FIELDS[singularize(w)] && !APP_NOUN_ENTITIES[w]) {
        this.current = this.collector.mention([w], at + words[i]!.index);
        this.main = this.current;
      }
      // "a grocery list": the list holds grocery items.
      if (described[i + 1] === 'list' && i + 1 === end && isModifier(w) && !DEFAULT_FIELDS[singularize(w)] && i > 0) {
        this.current = this.collector.mention([w, 'item'], at + words[i]!.index);
      }
    }
    const last = words[end]!;
    let cut = last.index + last[0].length;
    const opener =
      /^\s+(?:with|for|of|to (?:manage|track|store|keep track of|organi[sz]e|plan|record|log)|that (?:has|tracks|manages|stores)|where|which|that)\b/.exec(
        text.slice(cut),
      );
    // "a movie library with genres", "a podcast app with episodes": the noun before the container word is
    // the main record even when it is not a known kind, since the list that follows is about it.
    // Not when the list names several records itself ("a league tracker with teams, players and matches").
    const before = described[end - 1];
    const listed = (text.slice(cut + (opener?.[0].length ?? 0)).split(/[.;:!?]/)[0] ?? '').match(/[a-z][a-z'-]*/g) ?? [];
    const records = listed.filter((w) => isEntityPlural(w) && !isFieldLike(singularize(w)) && !CLASSIFIER_KINDS.has(singularize(w)));
    if (this.main === null && end >= 1 && /^\s+with$/.test(opener?.[0] ?? '') && records.length <= 1 && isSubjectNoun(before)) {
      this.current = this.collector.mention([before!], at + words[end - 1]!.index);
      this.main = this.current;
    }
    if (opener) cut += opener[0].length;
    // Only "a recipe book with …" lists the main record's fields; "… for a campus" does not.
    if (!opener || !/^\s+with$/.test(opener[0])) this.current = null;
    return cut;
  }

  /** "students enroll", "members attend": a record of the act, linked to the actor and the thing acted on. */
  private readIntransitive(text: string, at: number): boolean {
    const m =
      /\b([a-z]+)\s+(enrol{1,2}s?|attends?|subscribes?|registers?)(?:\s+(?:in|for|to|on))?\b(?!\s+(?:the|a|an|their)?\s*[a-z]+s\b)/.exec(
        text,
      );
    if (!m || !isEntityPlural(m[1]!)) return false;
    const verb = m[2]!.replace(/s$/, '');
    const record = VERB_ENTITIES[verb] ?? (verb === 'subscribe' ? 'subscription' : verb === 'register' ? 'registration' : null);
    if (record === null) return false;
    // Intransitive: enrolled in the app's main record, the first one named that belongs to nothing else.
    const previous = [...this.collector.drafts.values()]
      .sort((a, b) => a.position - b.position)
      .find((d) => d.relations.length === 0 && JOIN_PARENTS[d.key] === undefined && d.key !== singularize(m[1]!))?.key;
    const actor = this.collector.mention(nameAt([m[1]!], 0), at + m.index);
    const key = this.collector.mention([record], at + m.index + m[0].indexOf(m[2]!));
    if (actor === null || key === null) return false;
    this.collector.relate(key, actor, true, 'cascade');
    if (previous && previous !== actor) this.collector.relate(key, previous, true, 'cascade');
    // The rest of the sentence ("… and mark lessons complete") may still name records.
    for (const item of itemsOf(text.slice(m.index + m[0].length), at + m.index + m[0].length)) this.scanPlurals(item.text, item.at, false);
    return true;
  }

  /** nested: the item is inside "X with …" or "X ( … )", so a bare plural there is a child of X. */
  private readItem(item: Item, nested: boolean): void {
    const raw = item.text.trim();
    const negated = negatedField(raw);
    const owner = this.current ?? this.main;
    if (negated !== null && owner !== null && raw.split(/\s+/).length <= 4) {
      this.collector.drafts.get(owner)?.excluded.push(negated);
      return;
    }
    if (raw.length === 0 || /\b(?:auth(?:entication|orization)?|log[\s-]?ins?|sign[\s-]?(?:in|up)s?|passwords?|user accounts?)\b/.test(raw))
      return;
    // Parentheses right after a noun hold that record's fields: "pets (name, species, birth date)".
    const paren = /^([^()]*?)\s*\(([^)]*)\)?\s*(.*)$/.exec(raw);
    const opener = LIST_OPENER.exec(raw);
    let head = raw;
    let list: string | null = null;
    let hasExamples = false;
    let listAt = item.at;
    if (paren && (!opener || paren.index + paren[1]!.length <= opener.index)) {
      head = paren[1]!;
      list = paren[2]!;
      listAt = item.at + raw.indexOf('(') + 1;
    } else if (opener) {
      head = raw.slice(0, opener.index);
      list = raw.slice(opener.index + opener[0].length);
      listAt = item.at + opener.index + opener[0].length;
    }
    // "dishes (soups, salads, desserts)": plurals in parentheses are examples of the record, not its fields.
    if (paren && list !== null && isEntityPlural(head.trim().split(/\s+/).at(-1) ?? '')) {
      const inner = splitFieldList(list).map((p) => p.trim());
      if (inner.length >= 2 && inner.every((p) => /^[a-z][a-z'-]*$/.test(p) && isEntityPlural(p) && !isFieldLike(singularize(p)))) {
        list = null;
        hasExamples = true;
      }
    }
    const link = LINK_TAIL.exec(head);
    const linkWord = link?.[1];
    if (link) head = head.slice(0, link.index);
    let words = head.split(/\s+/).filter((w) => w.length > 0);
    let hasList = list !== null && !hasExamples;
    // "priority (low, medium, high)" among fields: the parentheses hold values, not fields.
    if (paren && hasList && this.current !== null && !isEntityPlural(words.at(-1) ?? '')) {
      head = raw;
      words = raw
        .replace(/\([^)]*\)?/g, ' ')
        .split(/\s+/)
        .filter((w) => w.length > 0);
      hasList = false;
      list = null;
    }
    const content = words.filter((w) => /^[a-z]/.test(w) && !WORD_STOPS.has(w) && w !== 'from');

    // Inside a field list: a plain field, a plural field ("ingredients"), or a record of its own.
    if (this.current !== null && !hasList) {
      const last = words.at(-1) ?? '';
      const singular = isEntityPlural(last) ? singularize(last) : null;
      const ownDefaults = DEFAULT_FIELDS[this.current]?.some((f) => f.name === singular);
      // "expenses with categories": the plural asks for categories kept as records the expense points at.
      if ((nested || this.current === this.main) && singular !== null && CLASSIFIER_KINDS.has(singular) && words.length === 1) {
        const classifier = this.collector.mention([singular], item.at + raw.lastIndexOf(last));
        if (classifier !== null) this.collector.relate(this.current, classifier, false, 'set null');
        return;
      }
      const isField = singular === null || PLURAL_TEXT_FIELDS.has(last) || isFieldLike(singular) || ownDefaults === true;
      if (!nested && !isField) {
        // A sibling in a list of records: "cars (…), customers and rentals (…)".
        const key = this.scanPlurals(head, item.at, false).at(-1);
        if (key !== undefined) {
          if (linkWord) {
            const target = this.linkTarget(linkWord);
            if (target && target !== key) this.collector.relate(key, target, true, 'cascade');
          }
          this.current = key;
        }
        return;
      }
      if (last === 'list' && words.length >= 2) {
        this.scanPlurals(raw, item.at, false);
        return;
      }
      if (isField || content.length > 3) {
        if (content.length > 4 || RULE_TEXT.test(raw)) {
          this.scanPlurals(raw, item.at, false);
          return;
        }
        this.addField(this.current, hasList || !paren ? raw : item.text.trim());
        return;
      }
      // "courses with lessons", "gift ideas for each person": a child record.
      const parent = this.current;
      const child = this.collector.mention(nameAt(words, words.length - 1), item.at + raw.lastIndexOf(last));
      if (child !== null && child !== parent)
        this.collector.relate(child, linkWord && this.linkTarget(linkWord) ? this.linkTarget(linkWord)! : parent, true, 'cascade');
      return;
    }

    const named = this.scanPlurals(head, item.at, true);
    let key = named.at(-1) ?? null;
    if (key === null && hasList && list !== null) {
      // "a small shop with products (…) and suppliers": the list names records, the subject is the setting.
      const firstHead = /^[^(,]*?([a-z][a-z'-]*)\s*(?:\(|,|$|\s+(?:and|with|have|has)\b)/.exec(list.trim())?.[1] ?? '';
      if (isEntityPlural(firstHead) && !PLURAL_TEXT_FIELDS.has(firstHead)) {
        this.current = null;
        for (const sub of itemsOf(list, listAt)) this.readItem(sub, false);
        return;
      }
      // A singular subject with a list: "each post has a title and a body".
      const last = words.at(-1) ?? '';
      if (isModifier(last) || DEFAULT_FIELDS[last]) key = this.collector.mention(nameAt(words, words.length - 1), item.at);
    }
    if (key !== null) {
      if (linkWord) {
        const target = this.linkTarget(linkWord);
        if (target && target !== key) this.collector.relate(key, target, true, 'cascade');
      }
      this.current = key;
      if (list !== null) this.readFieldList(key, list, listAt);
      return;
    }
  }

  /** The items of "with …" or "( … )", which may name child records too. */
  private readFieldList(owner: string, list: string, at: number): void {
    const previous = this.current;
    this.current = owner;
    this.collector.fieldSpans.push([at, at + list.length]);
    for (const item of itemsOf(list, at)) this.readItem(item, true);
    if (this.current === owner) this.current = previous ?? owner;
  }

  private addField(owner: string, phrase: string): void {
    const words = phrase.split(/\s+/);
    const last = words.at(-1) ?? '';
    // "scores", "due dates": a plural that is a value is stored as one value.
    let text = phrase;
    if (isEntityPlural(last) && !PLURAL_TEXT_FIELDS.has(last)) text = [...words.slice(0, -1), singularize(last)].join(' ');
    const draft = this.collector.drafts.get(owner);
    if (!draft) return;
    const negated = negatedField(phrase);
    if (negated !== null) {
      draft.excluded.push(negated);
      return;
    }
    const fields = fieldsFromPhrase(text, snakeToPascal(owner), this.notes);
    for (const field of fields) {
      // "ratings from 1 to 10": one value per record, so the name is singular.
      const parts = field.name.split('_');
      const tail = parts.at(-1)!;
      const singularName = [...parts.slice(0, -1), singularize(tail)].join('_');
      if (
        !PLURAL_TEXT_FIELDS.has(tail) &&
        isEntityPlural(tail) &&
        field.type !== 'Text' &&
        !isReserved(singularName) &&
        !MANAGED.has(singularName)
      )
        field.name = singularName;
      if (PLURAL_TEXT_FIELDS.has(last) && field.type === 'String') field.type = 'Text';
      // The first field a record is given is what it is called by: required unless said otherwise.
      if ((draft.fields ?? []).length === 0 && field.type !== 'Boolean' && !/\boptional/.test(phrase)) field.required = true;
    }
    this.collector.addFields(owner, fields);
  }

  /** Every plural noun in a phrase names a record ("customers collect stamps"); returns their keys. */
  scanPlurals(phrase: string, at: number, allowKnown: boolean): string[] {
    const words = [...phrase.matchAll(/[a-z][a-z'-]*/g)];
    const keys: string[] = [];
    const list = words.map((m) => m[0]);
    for (let i = 0; i < list.length; i += 1) {
      const w = list[i]!;
      const prev = list[i - 1] ?? '';
      if (prev === 'to' || prev === 'can' || prev === 'will' || prev === 'must' || prev === 'should') continue;
      if (w === 'list' && i > 0 && WORD.test(prev) && !WORD_STOPS.has(prev) && !CONTAINER_WORDS.has(list[i + 1] ?? '')) {
        // "a grocery list" holds grocery items; "a todo list" holds todos.
        const key = this.collector.mention(DEFAULT_FIELDS[singularize(prev)] ? [prev] : [prev, 'item'], at + words[i - 1]!.index);
        if (key !== null && !keys.includes(key)) keys.push(key);
        continue;
      }
      const plural = isEntityPlural(w);
      const known = allowKnown && !plural && i === list.length - 1 && DEFAULT_FIELDS[w] !== undefined && !CONTAINER_WORDS.has(w);
      if (!plural && !known) continue;
      const singular = singularize(w);
      // "questions and answers" of a FAQ: fields the main record already has by default.
      if ([...this.collector.drafts.values()].some((d) => d.fields === null && DEFAULT_FIELDS[d.key]?.some((f) => f.name === singular)))
        continue;
      const key = this.collector.mention(nameAt(list, i), at + words[i]!.index);
      if (key !== null && !keys.includes(key)) keys.push(key);
    }
    return keys;
  }

  /** "for each person", "grouped by topic": the record that word names, created if needed. */
  private linkTarget(word: string): string | null {
    if (USER_WORDS.has(word) || ROLE_WORDS.has(word) || WORD_STOPS.has(word) || CONTAINER_WORDS.has(word)) return null;
    if (!isModifier(word) && !isEntityPlural(word)) return null;
    return this.collector.mention([singularize(word)], Number.MAX_SAFE_INTEGER);
  }

  /** "grouped by topic", "for each person" outside lists, and default parents of join records (a loan's tool). */
  linkLeftovers(lower: string): void {
    for (const m of lower.matchAll(
      /\b(?:grouped|organi[sz]ed|sorted|categori[sz]ed|filed)\s+(?:by|into|under)\s+(?:a\s+|an\s+|the\s+)?([a-z]+)/g,
    )) {
      const target = this.linkTarget(m[1]!);
      if (target === null) continue;
      const before = [...this.collector.drafts.values()]
        .filter((d) => d.position < m.index && d.key !== target)
        .sort((a, b) => b.position - a.position);
      const child = before[0] ?? [...this.collector.drafts.values()].find((d) => d.key !== target);
      if (child) this.collector.relate(child.key, target, false, 'set null');
      const draft = this.collector.drafts.get(target);
      if (draft) draft.position = Math.min(draft.position, m.index);
    }
    const drafts = [...this.collector.drafts.values()].sort((a, b) => a.position - b.position);
    // "invoice lines" next to "invoices": the compound's first word names its parent.
    for (const d of drafts) {
      const first = d.key.split('_')[0]!;
      if (first !== d.key && this.collector.drafts.has(first)) this.collector.relate(d.key, first, true, 'cascade');
    }
    for (const d of drafts) {
      const parents = JOIN_PARENTS[d.key];
      if (parents === undefined || d.relations.length > 0) continue;
      // A booking, loan or visit is about the records named before it: the nearest ones that are not joins.
      const others = drafts.filter((o) => o.key !== d.key && JOIN_PARENTS[o.key] === undefined);
      const candidates = [
        ...others.filter((o) => o.position < d.position).reverse(),
        ...others.filter((o) => o.position > d.position),
      ].slice(0, parents);
      for (const parent of candidates) this.collector.relate(d.key, parent.key, true, 'cascade');
    }
  }
}
