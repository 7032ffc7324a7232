/**
 * What kind of app a request asks for (issue 14, "honest offline scope"). Without a language model Catalyst
 * writes only apps that keep records, so a request whose core is something else — a game, a calculator or a
 * timer, an editor, drawing, real-time chat — must not quietly become "Item App". This module reads the
 * request by class, from its sentence parse (compromise): the noun phrase the request opens with names what
 * the app *is* ("a snake game", "a pomodoro timer", "a calculator app" → its head noun), later phrases name
 * features it should *have* ("a recipe app with a cooking timer"). Words mean something only as the head of
 * such a phrase, never as a modifier ("a board game collection" keeps games, "a time tracker" keeps times)
 * and never in the plural (plural nouns name records).
 *
 * Conservative on purpose: anything it does not recognise stays a records app, which keeps every records
 * request (the public prompts, the written benchmark) exactly as before. Pure and deterministic: request
 * and understanding in, AppScope out, so the planner's model can take it as context and fall back on it.
 */
import { nlp } from './nlp.ts';
import type { AppKind, AppScope, AskedBehaviour } from '../../contracts/app-scope.ts';
import { Domain, type DomainEntity } from '../../contracts/index.ts';
import { asciiWords, cleanDisplayText, titleCase, toSlug } from './identifiers.ts';
import { summarize, toDomainField, type Understanding } from './index.ts';

/** A family of behaviours beyond keeping records, with what building it takes. */
interface BehaviourClass {
  /** The app's kind when the behaviour is the app's core. */
  kind: Exclude<AppKind, 'records_app' | 'mixed'>;
  /** How the kind reads in a sentence: "a snake game is a game". */
  kindPhrase: string;
  /** A redirect or live results need records to act on: such a request is mixed and builds its records. */
  needsRecords: boolean;
}

const CLASSES = {
  game: { kind: 'game', kindPhrase: 'a game', needsRecords: false },
  tool: { kind: 'interactive_tool', kindPhrase: 'an interactive tool', needsRecords: false },
  editor: { kind: 'interactive_tool', kindPhrase: 'an editor', needsRecords: false },
  drawing: { kind: 'interactive_tool', kindPhrase: 'a drawing tool', needsRecords: false },
  chat: { kind: 'real_time', kindPhrase: 'real-time chat', needsRecords: false },
  redirect: { kind: 'interactive_tool', kindPhrase: 'a redirect service', needsRecords: true },
  live: { kind: 'real_time', kindPhrase: 'real-time', needsRecords: true },
} as const satisfies Record<string, BehaviourClass>;
type ClassName = keyof typeof CLASSES;

interface HeadWord {
  cls: ClassName;
  /** What building it takes, as the end of "… is a game: <this>". */
  needs: string;
  /** The word also names a person ("the editor approves articles"): followed by a verb it is one. */
  alsoPerson?: boolean;
}

const MOVES = 'its moves and rules are code a language model writes';
const TIMING = 'its counting and alerts are code a language model writes';
const DRAWING = 'drawing on a canvas is code a language model writes';
const CHAT = 'messages delivered live to everyone in a conversation are code a language model writes';
const REDIRECT = 'sending a visitor from a short link on to its long URL is code a language model writes';
const LIVE = 'updates shown as they happen, without reloading the page, are code a language model writes';

/** Head nouns that make an app something other than records, by class. */
const HEAD_WORDS: ReadonlyMap<string, HeadWord> = new Map<string, HeadWord>([
  ...['game', 'tetris', 'sudoku', 'minesweeper', 'hangman', 'wordle', 'solitaire', 'crossword', 'chess', 'pong', 'platformer'].map(
    (w) => [w, { cls: 'game', needs: MOVES }] as const,
  ),
  ['calculator', { cls: 'tool', needs: 'its calculations are code a language model writes' }],
  ['converter', { cls: 'tool', needs: 'its conversions are code a language model writes' }],
  ['generator', { cls: 'tool', needs: 'what it generates, and how, is code a language model writes' }],
  ['randomizer', { cls: 'tool', needs: 'what it picks, and how, is code a language model writes' }],
  ['solver', { cls: 'tool', needs: 'its solving is code a language model writes' }],
  ...['timer', 'stopwatch', 'countdown', 'metronome'].map((w) => [w, { cls: 'tool', needs: TIMING }] as const),
  ['editor', { cls: 'editor', needs: 'its editing and preview are code a language model writes', alsoPerson: true }],
  ...['drawing', 'painting', 'sketching', 'sketchpad', 'doodle', 'paint', 'whiteboard'].map(
    (w) => [w, { cls: 'drawing', needs: DRAWING }] as const,
  ),
  ...['chat', 'chatroom', 'messenger', 'messaging'].map((w) => [w, { cls: 'chat', needs: CHAT }] as const),
  ['chatbot', { cls: 'tool', needs: 'its conversation is code a language model writes' }],
  ['shortener', { cls: 'redirect', needs: REDIRECT }],
]);

/** Words that name the app itself rather than what it is: "a calculator app" is a calculator. */
const APP_HEADS = new Set([
  'app',
  'application',
  'webapp',
  'website',
  'site',
  'page',
  'tool',
  'program',
  'utility',
  'widget',
  'extension',
  'service',
]);

/** Classes recognised from a phrase rather than a head noun; `core` when it opens the request. */
const PHRASES: ReadonlyArray<{
  pattern: RegExp;
  cls: ClassName;
  name: (m: RegExpExecArray) => string;
  needs: string;
  /** A name that takes no article: "tic-tac-toe", not "a tic-tac-toe". */
  bare?: boolean;
}> = [
  {
    // Games known by name that the parse cuts into several nouns.
    pattern: /\b(tic[- ]?tac[- ]?toe|noughts and crosses|connect (?:four|4)|rock,? paper,? scissors)\b/,
    cls: 'game',
    name: (m) => m[1]!,
    needs: MOVES,
    bare: true,
  },
  {
    // Chance tools the parse reads as records of a kind ("a dice roller", "a random name picker").
    pattern: /\b(dice roll(?:er|ing)?|random (?:[a-z]+ )?(?:picker|chooser|selector))\b/,
    cls: 'tool',
    name: (m) => m[1]!,
    needs: 'what it picks, and how, is code a language model writes',
  },
  {
    pattern: /\b(?:real[- ]?time|live)\s+(chat(?:ting)?|messag(?:es|ing))\b/,
    cls: 'chat',
    name: (m) => `real-time ${m[1]!}`,
    needs: CHAT,
  },
  {
    // People chatting with each other is the same behaviour, said with a verb.
    pattern: /\b(?:can|to|and|who|users|people|members|players|visitors|customers|friends)\s+(chat)\s+(?:with|together|live)\b/,
    cls: 'chat',
    name: () => 'real-time chat',
    needs: CHAT,
  },
  {
    pattern:
      /\b(?:real[- ]?time|live(?:-updating)?)\s+(results|scores|scoreboards?|leaderboards?|standings|tall(?:y|ies)|vote counts|counts|updates|feed|dashboard|map|tracking|location|cursors|collaboration|editing|sync(?:ing)?)\b/,
    cls: 'live',
    name: (m) => `live ${m[1]!}`,
    needs: LIVE,
  },
  {
    pattern: /\b(results|scores|votes|counts|standings|updates)\s+(?:update|refresh|appear|change)\s+(?:live|in real[- ]?time|instantly)\b/,
    cls: 'live',
    name: (m) => `live ${m[1]!}`,
    needs: LIVE,
  },
  {
    pattern: /\b(redirect(?:s|ed|ing)?|shorten(?:s|ed|ing)?)\b/,
    cls: 'redirect',
    name: () => 'redirect a short link to its long URL',
    needs: REDIRECT,
  },
];

/** One behaviour the request asks for: its class, how to name it, and whether it is what the app is. */
export interface AskedBeyondRecords {
  cls: ClassName;
  /** In the request's words: "snake game", "cooking timer", "live results". */
  phrase: string;
  needs: string;
  /** The request opens with it: it is what the app is, not a feature of a records app. */
  core: boolean;
  /** A name that takes no article ("tic-tac-toe"). */
  bare: boolean;
}

interface Term {
  normal: string;
  tags: ReadonlySet<string>;
}
interface NounPhrase {
  start: number;
  end: number;
  terms: Term[];
  /** The phrase's own words, lower case, without its article, fillers ("simple") and what follows a preposition. */
  text: string;
}

const PRONOUNS = new Set(['i', 'me', 'we', 'us', 'you', 'it', 'they', 'them', "i'd", "i'm", "we'd", 'something', 'someone']);
const FILLERS = new Set([
  'simple',
  'small',
  'basic',
  'little',
  'tiny',
  'quick',
  'new',
  'online',
  'web',
  'mobile',
  'browser',
  'classic',
  'fun',
]);
const MAX_TEXT = 4000;

/** Where a phrase's own words end: a preposition, or "against"/"versus", which the parse may call adjectives. */
const isStop = (t: Term): boolean => t.tags.has('Preposition') || t.normal === 'against' || t.normal === 'versus' || t.normal === 'vs';

/** The request's noun phrases in order, each with its offsets and terms (compromise). */
function nounPhrases(text: string): NounPhrase[] {
  type Json = { offset: { start: number; length: number }; terms: Array<{ normal: string; tags: string[] }> };
  const found = nlp(text).nouns().json({ offset: true }) as Json[];
  return found.map((n) => {
    const terms = n.terms.map((t) => ({ normal: t.normal.replace(/[^a-z0-9'-]/g, ''), tags: new Set(t.tags) }));
    // The phrase's words before any preposition ("sudoku in the browser" → sudoku).
    const stop = terms.findIndex(isStop);
    const kept = (stop < 0 ? terms : terms.slice(0, stop)).filter(
      (t) => !t.tags.has('Determiner') && !t.tags.has('Possessive') && !FILLERS.has(t.normal),
    );
    return {
      start: n.offset.start,
      end: n.offset.start + n.offset.length,
      terms,
      text: kept
        .map((t) => t.normal)
        .join(' ')
        .replace(/\breal time\b/, 'real-time'),
    };
  });
}

/** The noun the phrase is about: its last noun before any preposition; "calculator app" → calculator. */
function headOf(phrase: NounPhrase): { word: string; term: Term } | null {
  const stop = phrase.terms.findIndex(isStop);
  const terms = stop < 0 ? phrase.terms : phrase.terms.slice(0, stop);
  let at = -1;
  for (let i = terms.length - 1; i >= 0; i -= 1)
    if (terms[i]!.tags.has('Noun') && !terms[i]!.tags.has('Pronoun')) {
      at = i;
      break;
    }
  if (at < 0) return null;
  // "a drawing app", "a messaging app": the word before may be a gerund.
  if (APP_HEADS.has(terms[at]!.normal) && at > 0 && (terms[at - 1]!.tags.has('Noun') || terms[at - 1]!.tags.has('Gerund'))) at -= 1;
  return { word: terms[at]!.normal, term: terms[at]! };
}

/** Is the phrase's head followed by a verb ("the editor approves")? Then the head is someone acting. */
function actsAsSubject(text: string, phrase: NounPhrase): boolean {
  const next = (nlp(text.slice(phrase.end)).json() as Array<{ terms: Array<{ tags: string[] }> }>)[0]?.terms[0];
  if (!next) return false;
  const tags = new Set(next.tags);
  return tags.has('Verb') && !tags.has('Gerund') && !tags.has('Participle');
}

/**
 * Every asked-for behaviour beyond keeping records, in the order the request names them. English only:
 * requests in other languages stay records apps (no rules read them for this yet).
 */
export function behavioursBeyondRecords(prompt: string, language = 'en'): AskedBeyondRecords[] {
  if (language !== 'en') return [];
  const text = cleanDisplayText(prompt, MAX_TEXT);
  const lower = text.toLowerCase();
  const phrases = nounPhrases(text);
  const first = phrases.find((p) => !(p.terms.length === 1 && PRONOUNS.has(p.terms[0]!.normal)));
  const found: Array<AskedBeyondRecords & { at: number }> = [];

  for (const phrase of phrases) {
    const head = headOf(phrase);
    if (!head) continue;
    const word = HEAD_WORDS.get(head.word);
    if (!word || head.term.tags.has('Plural')) continue;
    const core = phrase === first;
    // A feature is asked for with an article ("with a cooking timer"); a bare word in a list is a record's value.
    if (!core && !phrase.terms.some((t) => t.normal === 'a' || t.normal === 'an')) continue;
    if (word.alsoPerson && actsAsSubject(text, phrase)) continue;
    // A game known by name takes no article: "sudoku is a game", "play sudoku".
    const bare = word.cls === 'game' && head.word !== 'game' && phrase.text === head.word;
    found.push({ cls: word.cls, phrase: phrase.text, needs: word.needs, core, bare, at: phrase.start });
  }
  for (const { pattern, cls, name, needs, bare = false } of PHRASES) {
    const m = pattern.exec(lower);
    if (!m) continue;
    if (found.some((f) => f.cls === cls)) continue;
    const core = first !== undefined && m.index < first.end && m.index + m[0].length > first.start;
    found.push({ cls, phrase: name(m), needs, core, bare, at: m.index });
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...b }) => b);
}

/** "a snake game", "an editor", "tic-tac-toe": the phrase as a sentence names it. */
function named(b: AskedBeyondRecords): string {
  if (b.bare) return b.phrase;
  // "a unit converter", "a URL shortener": a leading u mostly sounds like "you".
  return `${/^[aeio]/.test(b.phrase) ? 'an' : 'a'} ${b.phrase}`;
}

/** The behaviour as the plan lists it: "play the snake game", "the cooking timer", "live results". */
function behaviourName(b: AskedBeyondRecords): string {
  if (b.cls === 'game') return b.bare ? `play ${b.phrase}` : `play the ${b.phrase}`;
  if (b.cls === 'redirect') return 'redirect a short link to its long URL';
  if (b.cls === 'live' || b.phrase.startsWith('real-time')) return b.phrase;
  return `the ${b.phrase}`;
}

/**
 * The app's scope as the rules read it. A records app: kind `records_app`, no behaviours. A request whose
 * core is a game, a tool, an editor, drawing or chat: that kind, with its behaviour not built (it needs a
 * model). Records plus a redirect, live results or a feature such as a timer: `mixed`, the records built
 * and the rest listed as not built.
 */
export function classifyAppScope(prompt: string, understanding?: Pick<Understanding, 'domain'>): AppScope {
  const asked = behavioursBeyondRecords(prompt, understanding?.domain.language ?? 'en');
  if (asked.length === 0) return { kind: 'records_app', behaviours: [], decided_by: 'rules' };
  const core = asked.find((b) => b.core && !CLASSES[b.cls].needsRecords);
  const behaviours: AskedBehaviour[] = (core ? [core] : asked).map((b) => ({
    name: behaviourName(b),
    built: false,
    reason: `needs a language model: ${b.needs}`,
  }));
  return { kind: core ? CLASSES[core.cls].kind : 'mixed', behaviours, decided_by: 'rules' };
}

/** Does this scope leave nothing to build without a model (its core is not keeping records)? */
export function needsModel(scope: AppScope): boolean {
  return scope.kind !== 'records_app' && scope.kind !== 'mixed';
}

/**
 * Why a request cannot be built without a model, in one sentence naming what needs one:
 * "a snake game is a game: its moves and rules are code a language model writes". Null when it can.
 */
export function needsModelReason(prompt: string, understanding?: Pick<Understanding, 'domain'>): string | null {
  const asked = behavioursBeyondRecords(prompt, understanding?.domain.language ?? 'en');
  const core = asked.find((b) => b.core && !CLASSES[b.cls].needsRecords);
  if (!core) return null;
  const { kindPhrase } = CLASSES[core.cls];
  const subject = named(core);
  // "a game: its moves …" rather than "a game is a game".
  return subject === kindPhrase ? `${subject}: ${core.needs}` : `${subject} is ${kindPhrase}: ${core.needs}`;
}

/** The plan's line for a mixed build: what was built and what was left out. */
export function notBuiltAssumption(scope: AppScope, domain: Domain): string | null {
  const left = scope.behaviours.filter((b) => !b.built);
  if (left.length === 0) return null;
  const kept = domain.entities.map((e) => e.label_plural.toLowerCase()).join(', ');
  return (
    `Planned by the rules, without a language model: the app keeps ${kept}; not built: ${left.map((b) => b.name).join('; ')} ` +
    '(each needs a language model, see scope in plan.yaml).'
  );
}

/** "URL Shortener", "Snake Game": an app named after what it is, from the request's own words. */
function nameOf(b: AskedBeyondRecords): string | null {
  const words = asciiWords(b.phrase);
  return words.length > 0 ? titleCase(words).replace(/\bUrl\b/, 'URL') : null;
}

/**
 * A request the understanding could only read as generic items ("a URL shortener", "a snake game" name
 * nothing to store) is named after what it is, so its project is not "Item App"; and a redirect keeps what
 * it acts on: links with their long URL and short code. Any other understanding is returned as it is.
 */
export function withScopeRecords(understood: Understanding, prompt: string): Understanding {
  const asked = behavioursBeyondRecords(prompt, understood.domain.language);
  const only = understood.domain.entities;
  const generic = only.length === 1 && only[0]!.name === 'Item' && !/\bitems?\b/i.test(prompt);
  if (!generic) return understood;
  const redirect = asked.find((b) => b.cls === 'redirect');
  const core = asked.find((b) => b.core);
  if (!redirect) {
    const name = core && understood.domain.app_name === 'Item App' ? nameOf(core) : null;
    if (name === null) return understood;
    const domain = Domain.parse({
      ...understood.domain,
      app_name: name,
      slug: toSlug(name, understood.domain.slug),
      summary: summarize(name, understood.domain.entities, understood.domain.auth.enabled),
    });
    return { ...understood, domain };
  }
  const level = understood.domain.auth.enabled ? 'authenticated' : 'public';
  const link: DomainEntity = {
    name: 'Link',
    plural: 'links',
    label: 'Link',
    label_plural: 'Links',
    fields: [
      toDomainField({ name: 'url', type: 'URL', required: true }),
      toDomainField({ name: 'code', type: 'String', required: true, unique: true }),
      toDomainField({ name: 'title', type: 'String', required: false }),
    ],
    relations: [],
    owned: false,
    access: { read: level, write: level },
    searchable: ['code', 'title'],
  };
  // "Item App" came from the generic item; the app is named after what it is ("a URL shortener").
  const generated = understood.domain.app_name === 'Item App';
  const appName = generated ? ((redirect.core ? nameOf(redirect) : null) ?? 'Link App') : understood.domain.app_name;
  const domain = Domain.parse({
    ...understood.domain,
    app_name: appName,
    slug: generated ? toSlug(appName, 'links') : understood.domain.slug,
    summary: summarize(appName, [link], understood.domain.auth.enabled),
    entities: [link],
  });
  // The understanding's notes about the generic item no longer describe the app.
  const dropped = (line: string) =>
    !line.includes('Item') && !/generic items|names nothing to store|What should the app keep track of/.test(line);
  return {
    domain,
    assumptions: [
      'A short link is a record: each Link keeps the long URL, its short code (unique) and an optional title.',
      ...understood.assumptions.filter(dropped),
    ],
    openQuestions: understood.openQuestions.filter(dropped),
  };
}
