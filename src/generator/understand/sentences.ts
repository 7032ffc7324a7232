/**
 * Sentence shapes that name a record by their structure rather than by a known noun, read before the
 * phrase reader (phrases.ts) so that what they consume is not read again as records or field names:
 * - forms and messages: "a contact form", "a refund request form (…)", "fans mail us letters";
 * - logs and events: "a diary of hikes with …", "log each seizure: …", "each time I feed the cat";
 * - a record described field by field: "each tutoring has a subject and a room";
 * - search, sort and filter: "sort my sneakers by brand and size" is a Sneaker with those fields, and
 *   "filter by weight" adds a field to the record before it, never a record of its own.
 * And list layout: bullet lines become sentences, "- hives: name, location" a record with its fields,
 * and a heading followed by lines that are single details ("Kayaks" / "- colour" / "- hull") that record's fields.
 */
import { parseFieldList, splitFieldList } from './fields.ts';
import { snakeToPascal } from './identifiers.ts';
import { singularize } from './inflect.ts';
import { isEntityPlural, nameAt, type RecordSink } from './phrases.ts';
import { ROLE_WORDS, USER_WORDS, WORD_STOPS } from './vocabulary.ts';

const BULLET = /^\s*(?:[-*•·+]|\d{1,2}[.)])\s+/;
/** Words before "form" that describe the form rather than name what it collects. */
const FORM_FILLERS = new Set(['online', 'web', 'simple', 'small', 'short', 'little', 'basic', 'digital', 'public', 'new', 'html', 'input']);
/** What a contact form collects: a message from the visitor. */
const MESSAGE_FORMS = new Set(['contact', 'enquiry', 'inquiry', 'message', 'contact us']);
/** Verbs whose object is what a form or a visitor hands in: "type in their email and a question". */
const HAND_IN = String.raw`(?:leave|leaves|enter|enters|give|gives|provide|provides|fill in|fills in|fill out|fills out|type|types|submit|submits|send|sends|write|writes|post|posts)`;
/** Verbs that turn "each time I …" into the record of that act. */
const ACT_NOUNS: Readonly<Record<string, string>> = {
  donate: 'donation',
  run: 'run',
  swim: 'swim',
  walk: 'walk',
  ride: 'ride',
  cycle: 'ride',
  hike: 'hike',
  climb: 'climb',
  train: 'workout',
  exercise: 'workout',
  work: 'shift',
  feed: 'feeding',
  water: 'watering',
  meditate: 'meditation',
  practise: 'practice_session',
  practice: 'practice_session',
  study: 'study_session',
  read: 'reading',
  drink: 'drink',
  eat: 'meal',
  cook: 'meal',
  sleep: 'sleep',
  travel: 'trip',
  fly: 'flight',
  drive: 'drive',
  play: 'game',
  visit: 'visit',
  pay: 'payment',
  spend: 'expense',
  buy: 'purchase',
  refuel: 'refuel',
  fill: 'fill_up',
  weigh: 'weigh_in',
  measure: 'measurement',
  clean: 'cleaning',
  mow: 'mowing',
  fish: 'catch',
  catch: 'catch',
  brew: 'brew',
  bake: 'bake',
  dive: 'dive',
  call: 'call',
};
/** Plurals that name the choices of a record ("a prompt and four answers"): records, never fields. */
const CHOICE_PLURALS = new Set(['options', 'choices', 'answers', 'candidates', 'nominees', 'variants', 'alternatives']);
/** Nouns that never name a record after "each"/"every": times and amounts. */
const NOT_RECORDS = new Set([
  'time',
  'day',
  'week',
  'month',
  'year',
  'morning',
  'evening',
  'night',
  'one',
  'other',
  'of',
  'minute',
  'hour',
  'few',
  'single',
  'so',
]);

/**
 * Bullet and numbered lists, to sentences the reader understands: "- hives: name, location" becomes
 * "hives with name, location."; a run of lines that are single details joins the heading above it.
 */
export function flattenLists(prompt: string): string {
  if (!/\n/.test(prompt)) return prompt;
  const lines = prompt
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!BULLET.test(lines[i]!)) {
      out.push(lines[i]!);
      i += 1;
      continue;
    }
    const run: string[] = [];
    while (i < lines.length && BULLET.test(lines[i]!)) run.push(lines[i++]!.replace(BULLET, '').trim());
    const heading = out.at(-1);
    if (heading !== undefined && run.length >= 2 && run.every(isDetailLine)) {
      out[out.length - 1] = `${heading.replace(/[\s:.;,-]+$/, '')} with ${run.map((l) => l.replace(/[.;,]+$/, '')).join(', ')}.`;
      continue;
    }
    if (heading !== undefined && !/[.!?:;]$/.test(heading)) out[out.length - 1] = `${heading}.`;
    for (const item of run) out.push(sentence(recordLine(item)));
  }
  return out.map(sentence).join(' ');
}

function sentence(line: string): string {
  return /[.!?;:]$/.test(line) ? line : `${line}.`;
}

/** "hives: name, queen age" → "hives with name, queen age": a short label before a colon names the record. */
function recordLine(line: string): string {
  const m = /^([^:()]{1,40}):\s*(.+)$/.exec(line);
  if (!m || m[1]!.trim().split(/\s+/).length > 4) return line;
  return `${m[1]!.trim()} with ${m[2]!.trim()}`;
}

/** "colour", "hull material", "repaired yes/no": a line that is one detail, not a record or a sentence. */
function isDetailLine(line: string): boolean {
  if (line.includes(':')) return false;
  const head = line.replace(/\(.*$/, '').trim().toLowerCase();
  const words = head.split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0 || words.length > 4) return false;
  const last = words.at(-1)!.replace(/[^a-z'-]/g, '');
  return !isEntityPlural(last) && last !== 'form' && last !== 'list';
}

interface Span {
  start: number;
  end: number;
}

/** Where a list that starts at `from` ends: the sentence's end or a clause that moves on. */
function listEnd(text: string, from: number): number {
  const rest = text.slice(from);
  const stop =
    /[.;!?:]\s|[.;!?]$|\s+(?:so that|so|because|while|until|which|where|that|who|to see|and then)\s|,\s*(?:no|without)\s|,\s+and\s+(?:people|users|everyone|anyone|they|we|i|visitors|members|guests)\s|,\s+and\s+[a-z]+(?:s|ple)\s+(?:can\s+|may\s+|will\s+)?(?:vote|pick|choose|select|rate|review|book|reserve|see|view|browse|add|leave|write|comment|join|apply|sign)\b|,?\s+(?:and\s+)?(?:sort|sorts|filter|filters|search|searches|find|browse|order|group)\s+(?:them|it|by|on|the)\b/.exec(
      rest,
    );
  return from + (stop ? stop.index : rest.length);
}

export class SentenceReader {
  private readonly consumed: Span[] = [];
  private readonly byLists: Array<{ key: string | null; at: number; list: string }> = [];

  constructor(
    private readonly collector: RecordSink,
    private readonly notes: string[],
  ) {}

  /** Reads the shapes above and returns the text with what they took blanked out (offsets kept). */
  read(text: string): string {
    this.readForms(text);
    this.readOptions(text);
    this.readLogs(text);
    this.readDescribedRecords(text);
    this.readSearchBy(text);
    this.readListsOf(text);
    let out = text;
    for (const span of this.consumed) {
      // "Bakers bake, and each loaf …": the joining word goes with what was taken.
      const joint = /(?:,\s*|\s+)(?:and|or|but|also)\s+$|,\s*$/.exec(text.slice(Math.max(0, span.start - 8), span.start));
      const start = joint ? span.start - joint[0].length : span.start;
      out = out.slice(0, start) + ' '.repeat(span.end - start) + out.slice(span.end);
    }
    return out;
  }

  private taken(at: number): boolean {
    return this.consumed.some((s) => at >= s.start && at < s.end);
  }

  private record(words: readonly string[], at: number): string | null {
    return this.collector.mention(words, at);
  }

  private fields(key: string, text: string, start: number, end: number): void {
    const list = text.slice(start, end).replace(/^\s*(?:their|his|her|its|the|a|an)\s+/, '');
    // "a prompt and four answers": the choices are records of their own, the rest are fields.
    const kept: string[] = [];
    for (const item of splitFieldList(list)) {
      const words = item.trim().split(/\s+/);
      const last = words.at(-1) ?? '';
      if (CHOICE_PLURALS.has(last) && words.length <= 3) {
        const child = this.record([last], start + Math.max(0, text.slice(start, end).indexOf(item)));
        if (child !== null && child !== key) this.collector.relate(child, key, true, 'cascade');
      } else kept.push(item);
    }
    this.collector.addFields(key, parseFieldList(kept.join(', '), snakeToPascal(key), this.notes));
    this.consumed.push({ start, end });
  }

  /**
   * Options and choices: "guests pick a bread, a filling and two sauces from the lists we keep" makes each
   * of them a list to maintain; "options"/"choices" are records when people vote or choose among them.
   */
  private readOptions(text: string): void {
    for (const m of text.matchAll(
      /\b(?:choose|chooses|choosing|pick|picks|picking|select|selects|selecting)\s+(.{3,160}?)\s+from\s+(?:the|our|their|a|its)?\s*(?:lists?|options|choices|catalogue|catalog|ranges?)\b/g,
    )) {
      if (this.taken(m.index)) continue;
      const listAt = m.index + m[0].indexOf(m[1]!);
      for (const item of splitFieldList(m[1]!)) {
        const words = item
          .replace(/\b(?:for|of|with)\b.*$/, '')
          .trim()
          .split(/\s+/)
          .filter((w) => !WORD_STOPS.has(w) && !/^(?:more|one|two|three)$/.test(w));
        if (words.length === 0 || words.length > 3) continue;
        // "a crust shape" is a shape: the list to keep is named by its head noun.
        this.record([singularize(words.at(-1)!)], listAt + m[1]!.indexOf(item));
      }
      this.consumed.push({ start: m.index, end: m.index + m[0].length });
    }
    if (!/\b(?:vote|votes|voting|voted|choose|chooses|pick|picks|select|selects|poll|polls|ballot|survey)\b/.test(text)) return;
    for (const m of text.matchAll(/\b(options|choices)\b/g)) {
      if (this.taken(m.index)) continue;
      this.record([m[1]!], m.index);
    }
  }

  /** "a contact form …", "a refund request form (order, reason)", "a form where fans send letters". */
  private readForms(text: string): void {
    for (const m of text.matchAll(/\b((?:[a-z][a-z'-]*\s+){0,3})form\b/g)) {
      const before = m[1]!
        .trim()
        .split(/\s+/)
        .filter((w) => w.length > 0);
      let start = before.length;
      while (start > 0 && !WORD_STOPS.has(before[start - 1]!) && !FORM_FILLERS.has(before[start - 1]!) && !/'s$/.test(before[start - 1]!))
        start -= 1;
      const named = before.slice(start).slice(-2);
      const after = m.index + m[0].length;
      const sentenceEnd = listEnd(text, after) + 1;
      let key: string | null;
      if (named.length > 0 && MESSAGE_FORMS.has(named.join(' '))) key = this.record(['message'], m.index);
      else if (named.length > 0) key = this.record(named, m.index + m[0].indexOf(named[0]!));
      else {
        // "a form on the portfolio where recruiters send offers": what is sent is the record.
        const sent = new RegExp(String.raw`\b${HAND_IN}\s+(?:me|us)?\s*(?:a|an|their|some)?\s*([a-z]+)\b`).exec(
          text.slice(after, after + 160),
        );
        const noun = sent?.[1];
        if (noun === undefined || WORD_STOPS.has(noun)) continue;
        key = this.record([noun], after + sent!.index + sent![0].length - noun.length);
      }
      if (key === null) continue;
      this.consumed.push({ start: m.index + m[0].indexOf(named[0] ?? 'form'), end: after });
      // Its fields: "(name, email)", ": name, email", "with name and email", or what people hand in.
      const tail = text.slice(after, Math.min(text.length, after + 400));
      const paren = /^[^.;]*?\(([^)]*)\)/.exec(tail);
      const colon = /^[^.;]*?:\s*/.exec(tail);
      // "with name and email", "asking for a phone number": right after the form, the list is its fields.
      const withList =
        /^\s+(?:with|asking for|that asks for|which asks for|collecting|to collect|that collects|capturing)\s+(?:their|the|a|an)?\s*/.exec(
          tail,
        ) ?? /^\s+for\s+(?:their|the|a|an)?\s*(?=[a-z]+\s*,)/.exec(tail);
      const handIn = new RegExp(String.raw`\b${HAND_IN}\s+(?:in\s+)?(?:me|us)?\s*(?:their|his|her|a|an|the)\s+`).exec(tail);
      if (paren && (!colon || paren.index <= colon.index) && paren[1]!.includes(',')) {
        const open = after + paren[0].length - paren[1]!.length - 1;
        this.fields(key, text, open, open + paren[1]!.length);
        this.consumed.push({ start: open - 1, end: open + paren[1]!.length + 1 });
      } else if (colon && colon[0].length < 120) {
        const from = after + colon[0].length;
        this.fields(key, text, from, Math.max(from, listEnd(text, from)));
      } else if (withList) {
        const from = after + withList[0].length;
        this.fields(key, text, from, Math.max(from, listEnd(text, from)));
      } else if (handIn && after + handIn.index < sentenceEnd + 400) {
        const from = after + handIn.index + handIn[0].length;
        // "tourists type …", "patrons can send …": who fills in a form is not a record of it.
        const who = /\b[a-z]+s\s+(?:can\s+|may\s+|will\s+)?$/.exec(
          text.slice(Math.max(0, after + handIn.index - 30), after + handIn.index),
        );
        this.consumed.push({ start: after + handIn.index - (who?.[0].length ?? 0), end: from });
        this.fields(key, text, from, Math.max(from, listEnd(text, from)));
      }
    }
    // "homeowners request a survey of …": a request for something is a record of that request.
    for (const m of text.matchAll(/\b(?:can|to|may)?\s*request\s+(?:a|an)\s+([a-z]+)\b/g)) {
      if (this.taken(m.index)) continue;
      const key = this.record([m[1]!, 'request'], m.index);
      if (key === null) continue;
      const end = m.index + m[0].length;
      this.consumed.push({ start: m.index, end });
      const withList = /^[^.;]*?\s+with\s+/.exec(text.slice(end));
      if (withList) this.fields(key, text, end + withList[0].length, listEnd(text, end + withList[0].length));
    }
  }

  /** "a diary of hikes with …", "log each seizure: …", "each time I feed the cat, plus the food …". */
  private readLogs(text: string): void {
    for (const m of text.matchAll(
      /\b(?:diary|diaries|log|logbook|journal|history|record)\s+of\s+(?:my|our|the|all|each|every|his|her|their)?\s*((?:[a-z-]+\s+)?[a-z-]+?s)\b/g,
    )) {
      // Right after "a journal of our" the word is a noun even when it could be a verb ("swims").
      const words = m[1]!.split(/\s+/);
      const last = words.at(-1)!;
      if (singularize(last) === last || USER_WORDS.has(last) || WORD_STOPS.has(last)) continue;
      const key = this.record(nameAt(words, words.length - 1), m.index + m[0].length - m[1]!.length);
      if (key === null) continue;
      this.consumed.push({ start: m.index, end: m.index + m[0].length });
      this.listAfter(key, text, m.index + m[0].length);
    }
    for (const m of text.matchAll(
      /\b(?:log|logs|record|records|note|notes|track|tracks|write down|enter)\s+(?:each|every)\s+([a-z][a-z-]*)(\s+[a-z][a-z-]*)?/g,
    )) {
      if (this.taken(m.index)) continue;
      const first = m[1]!;
      if (first === 'time') {
        // "each time I feed the cat": the act is the record.
        const act = /^\s+(?:i|we|they|you|he|she|my\s+\w+)\s+([a-z]+)/.exec(text.slice(m.index + m[0].length - (m[2]?.length ?? 0)));
        const verb = act?.[1]?.replace(/(?:s|ed)$/, '');
        const noun = verb === undefined ? undefined : (ACT_NOUNS[verb] ?? ACT_NOUNS[act![1]!]);
        if (noun === undefined) continue;
        const key = this.record([noun], m.index);
        if (key === null) continue;
        const end = m.index + m[0].length;
        this.consumed.push({ start: m.index, end });
        // "… each time I water the ferns, with the amount": the list after the act.
        const withList = /^[^.;:]{0,60}?(?:,\s*|\s+)with\s+/.exec(text.slice(end));
        if (withList) this.fields(key, text, end + withList[0].length, listEnd(text, end + withList[0].length));
        else this.listAfter(key, text, end);
        continue;
      }
      if (NOT_RECORDS.has(first) || WORD_STOPS.has(first) || USER_WORDS.has(first)) continue;
      const second = m[2]?.trim();
      const pair = second !== undefined && !WORD_STOPS.has(second) && /^[a-z-]+$/.test(second) && !/(?:ed|ing|ly)$/.test(second);
      const words = pair ? nameAt([first, second], 1) : [singularize(first)];
      if (pair && words.length === 1 && words[0] !== singularize(second)) continue;
      const key = this.record(words, m.index + m[0].indexOf(first));
      if (key === null) continue;
      const end = m.index + m[0].indexOf(first) + (pair ? first.length + 1 + second.length : first.length);
      this.consumed.push({ start: m.index, end });
      this.listAfter(key, text, end);
    }
  }

  /** "a list of fouls", "plus lists of referees": what the list holds is a record. */
  private readListsOf(text: string): void {
    for (const m of text.matchAll(/\blists?\s+of\s+(?:all\s+)?(?:the\s+|my\s+|our\s+|their\s+)?([a-z][a-z-]*)\b/g)) {
      const word = m[1]!;
      if (this.taken(m.index) || !isEntityPlural(word) || USER_WORDS.has(word) || ROLE_WORDS.has(word)) continue;
      const at = m.index + m[0].length - word.length;
      const key = this.record([word], at);
      if (key !== null) this.consumed.push({ start: m.index, end: m.index + m[0].length });
    }
  }

  /** A list right after a record's mention: ": start, length", " with its trigger …". */
  private listAfter(key: string, text: string, from: number): void {
    const m = /^(?:\s+(?:for|of)\s+(?:my|our|the|a|an)?\s*[a-z]+)?(?:\s*:\s*|,?\s+with\s+|\s+-\s+)/.exec(text.slice(from));
    if (!m) return;
    const start = from + m[0].length;
    const end = listEnd(text, start);
    if (end > start) this.fields(key, text, start, end);
  }

  /** "each tutoring has a subject and a room", "every catch is logged with its species and weight". */
  private readDescribedRecords(text: string): void {
    for (const m of text.matchAll(
      /\b(?:each|every)\s+((?:[a-z][a-z'-]*\s+)?[a-z][a-z'-]*)\s+(?:has|have|is recorded with|is logged with|is stored with|records|stores|gets|holds|shows|lists|keeps|with)\s+/g,
    )) {
      if (this.taken(m.index)) continue;
      const words = m[1]!.split(/\s+/);
      const head = words.at(-1)!;
      if (NOT_RECORDS.has(head) || WORD_STOPS.has(head) || USER_WORDS.has(head) || ROLE_WORDS.has(head)) continue;
      const name = words.length === 2 && !WORD_STOPS.has(words[0]!) ? nameAt(words, 1) : [head];
      const key = this.record(name, m.index + m[0].indexOf(m[1]!));
      if (key === null) continue;
      const start = m.index + m[0].length;
      const end = listEnd(text, start);
      if (end <= start) continue;
      this.consumed.push({ start: m.index, end: start });
      this.fields(key, text, start, end);
    }
  }

  /**
   * "search leases by tenant and expiry", "sort my sneakers by brand": the thing searched is the record
   * and what it is searched by are its fields; "filter by weight" alone adds to the record before it.
   */
  private readSearchBy(text: string): void {
    for (const m of text.matchAll(
      /\b(?:search|searches|searching|sort|sorts|sorting|filter|filters|filtering|find|finds|browse|order|group|list)(?:\s+(?:them|it|their|our|my|the|all|through))*(?:\s+((?:[a-z][a-z'-]*\s+){0,2}?[a-z][a-z'-]*s))?\s+(?:by|on)\s+/g,
    )) {
      if (this.taken(m.index)) continue;
      const start = m.index + m[0].length;
      const end = listEnd(text, start);
      if (end <= start) continue;
      const named = m[1]?.split(/\s+/).filter((w) => !WORD_STOPS.has(w) && !/'s$/.test(w));
      let key: string | null = null;
      if (named !== undefined && named.length > 0 && isEntityPlural(named.at(-1)!)) {
        key = this.record(nameAt(named, named.length - 1), m.index + m[0].indexOf(m[1]!));
        if (key === null) continue;
      }
      this.consumed.push({ start: m.index, end });
      this.byLists.push({ key, at: m.index, list: text.slice(start, end) });
    }
  }

  /** After the phrase reader: "… by" lists join their record, or the record named last before them. */
  finish(): void {
    for (const { key: named, at, list } of this.byLists) {
      // "Campers browse the tents and filter by weight": the record with details, not the people browsing.
      const before = [...this.collector.drafts.values()].filter((d) => d.position < at).sort((a, b) => b.position - a.position);
      const key = named ?? (before.find((d) => d.fields !== null) ?? before[0])?.key;
      const draft = key === undefined ? undefined : this.collector.drafts.get(key);
      if (key === undefined || draft === undefined) continue;
      // Only details not given already: "filter by colour" after "the colour code (…)" adds nothing.
      const have = (draft.fields ?? []).map((f) => f.name);
      const found = parseFieldList(list, snakeToPascal(key), []).filter(
        (f) => !have.some((h) => h === f.name || h.startsWith(`${f.name}_`) || h.endsWith(`_${f.name}`)),
      );
      if (draft.fields === null && found.length > 0) found[0]!.required = true;
      this.collector.addFields(
        key,
        found.map((f, i) => ({ ...f, required: draft.fields === null && i === 0 })),
      );
    }
  }
}
