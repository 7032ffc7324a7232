/**
 * Domain knowledge of the rule-based understanding, kept as plain data so that adding a kind of app means
 * adding a row, not a branch. Every name here is already a safe identifier; user text never lands in these
 * tables.
 */
import type { FieldType } from '../../contracts/index.ts';

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
  default?: string | number | boolean;
  enum_values?: string[];
  min?: number;
  max?: number;
  unique?: boolean;
}

const req = (name: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type, required: true, ...extra });
const opt = (name: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type, required: false, ...extra });

/** The usual fields of things people ask apps to keep track of, used when the request names no fields. */
export const DEFAULT_FIELDS: Readonly<Record<string, readonly FieldSpec[]>> = {
  todo: [req('title', 'String'), req('completed', 'Boolean', { default: false }), opt('due_date', 'Date')],
  task: [req('title', 'String'), opt('description', 'Text'), req('done', 'Boolean', { default: false }), opt('due_date', 'Date')],
  note: [req('title', 'String'), opt('body', 'Text')],
  contact: [req('name', 'String'), opt('email', 'Email'), opt('phone', 'Phone'), opt('company', 'String')],
  book: [req('title', 'String'), opt('author', 'String'), opt('pages', 'Integer', { min: 1 })],
  product: [req('name', 'String'), opt('description', 'Text'), req('price', 'Decimal', { min: 0 }), opt('stock', 'Integer', { min: 0, default: 0 })],
  post: [req('title', 'String'), req('body', 'Text'), req('published', 'Boolean', { default: false })],
  event: [req('title', 'String'), req('starts_at', 'DateTime'), opt('location', 'String'), opt('description', 'Text')],
  member: [req('name', 'String'), opt('email', 'Email')],
  review: [req('rating', 'Integer', { min: 1, max: 5 }), opt('comment', 'Text')],
  comment: [req('body', 'Text')],
  message: [req('text', 'String')],
  counter: [req('name', 'String'), req('value', 'Integer', { default: 0 })],
  expense: [req('description', 'String'), req('amount', 'Decimal', { min: 0 }), req('spent_on', 'Date'), opt('category', 'String')],
  habit: [req('name', 'String'), opt('goal', 'String'), req('active', 'Boolean', { default: true })],
  bookmark: [req('title', 'String'), req('url', 'URL'), opt('notes', 'Text')],
  recipe: [req('title', 'String'), opt('ingredients', 'Text'), opt('instructions', 'Text'), opt('servings', 'Integer', { min: 1 })],
  project: [req('name', 'String'), opt('description', 'Text')],
  category: [req('name', 'String')],
  customer: [req('name', 'String'), opt('email', 'Email'), opt('phone', 'Phone')],
  invoice: [req('number', 'String'), req('issued_on', 'Date'), opt('due_on', 'Date'), req('paid', 'Boolean', { default: false })],
  invoice_line: [req('description', 'String'), req('quantity', 'Integer', { min: 1, default: 1 }), req('unit_price', 'Decimal', { min: 0 })],
  person: [req('name', 'String'), opt('email', 'Email')],
  item: [req('name', 'String'), opt('description', 'Text')],
  rating: [req('score', 'Integer', { min: 1, max: 5 }), opt('comment', 'Text')],
  vote: [req('value', 'Integer', { min: -1, max: 1 })],
  loan: [req('borrowed_on', 'Date'), opt('due_on', 'Date'), req('returned', 'Boolean', { default: false })],
  rental: [req('starts_on', 'Date'), opt('ends_on', 'Date')],
  purchase: [req('total', 'Decimal', { min: 0 }), req('status', 'Enum', { enum_values: ['pending', 'paid', 'shipped', 'cancelled'], default: 'pending' })],
  booking: [req('starts_at', 'DateTime'), opt('ends_at', 'DateTime'), opt('note', 'Text')],
  reservation: [req('starts_at', 'DateTime'), opt('ends_at', 'DateTime'), opt('note', 'Text')],
  enrollment: [req('enrolled_on', 'Date')],
  attendance: [req('attended_on', 'Date'), req('present', 'Boolean', { default: true })],
};

/** Kinds of records that are private to one person by nature: with sign-in on, rows default to owned. */
export const PERSONAL_KINDS: ReadonlySet<string> = new Set([
  'todo', 'task', 'note', 'contact', 'expense', 'habit', 'bookmark', 'journal_entry', 'event', 'counter', 'message',
]);

/** Nouns that name the application itself rather than something it stores. */
export const APP_WORDS: ReadonlySet<string> = new Set([
  'app', 'apps', 'application', 'website', 'site', 'tool', 'system', 'platform', 'service', 'dashboard', 'api',
  'webapp', 'program', 'page', 'portal', 'backend', 'frontend', 'manager', 'tracker', 'list',
]);

/** Words that stand for the signed-in person; they become the auth User, never a domain entity. */
export const USER_WORDS: ReadonlySet<string> = new Set(['user', 'users', 'i', 'we', 'everyone', 'someone', 'me', 'you']);

/** Phrases that ask for sign-in (English, German, French, Spanish). Matched on whole words, lowercase. */
export const AUTH_TRIGGERS: readonly RegExp[] = [
  /\blog(?:s|ged|ging)?[\s-]?in\b/, /\blogins?\b/, /\bsign(?:s|ed|ing)?[\s-]?(?:in|up)\b/, /\bregist(?:er|ration)\b/,
  /\baccounts?\b/, /\bauth(?:entication|enticated|orization)?\b/, /\busers?\b/, /\bpasswords?\b/, /\bmulti[\s-]?user\b/,
  /anmeld/, /einlogg/, /benutzer/, /\bkont(?:o|en)\b/, /registrier/, /\bconnexion\b/, /\butilisateurs?\b/, /\bcomptes?\b/,
  /\busuarios?\b/, /\bcuentas?\b/, /iniciar sesi[oó]n/,
];

/** "no login needed", "without accounts", "login is not required": sign-in explicitly declined. */
export const AUTH_NEGATIONS: readonly RegExp[] = [
  /\b(?:no|without|not|never|skip|don'?t need|doesn'?t need|no need for)\s+(?:\w+\s+){0,2}?(?:auth\w*|log[\s-]?ins?|logging in|sign[\s-]?(?:ins?|ups?)|accounts?|users?|passwords?|registration)\b/g,
  /\b(?:auth\w*|log[\s-]?ins?|sign[\s-]?(?:ins?|ups?)|accounts?|registration)\s+(?:is\s+|are\s+)?(?:not\s+(?:needed|required|necessary)|unnecessary|optional)\b/g,
  /\bohne\s+(?:\w+\s+)?(?:anmeld\w*|login|konto|benutzer\w*)/g,
];

/** Phrases that say rows belong to the person who made them. */
export const OWNERSHIP_PHRASES: readonly RegExp[] = [
  /\btheir own\b/, /\bonly (?:their|his|her|my)\b/, /\bmy own\b/, /\bown (?:\w+ )?(?:list|data|items?|records?)\b/,
  /\bprivate\b/, /\bper[\s-]user\b/, /\beach user\b/, /\bonly (?:see|sees|view|views|edit|edits)\b/, /\bpersonal\b/,
];

/** Phrases that say everyone signed in works on the same rows. */
export const SHARED_PHRASES: readonly RegExp[] = [
  /\bshared\b/, /\beveryone can\b/, /\ball users can\b/, /\bteam(?:s|mates)?\b/, /\bcollaborat\w*/, /\btogether\b/,
];

/** A verb between two nouns ("members review books") names a record of its own. */
export const VERB_ENTITIES: Readonly<Record<string, string>> = {
  review: 'review', reviews: 'review', rate: 'rating', rates: 'rating', comment: 'comment', comments: 'comment',
  borrow: 'loan', borrows: 'loan', rent: 'rental', rents: 'rental', order: 'purchase', orders: 'purchase',
  enroll: 'enrollment', enrolls: 'enrollment', attend: 'attendance', attends: 'attendance', vote: 'vote', votes: 'vote',
  book: 'booking', books: 'booking', reserve: 'reservation', reserves: 'reservation', buy: 'purchase', buys: 'purchase',
};

/** Entity names that would be reserved words get a readable replacement. */
export const ENTITY_RENAMES: Readonly<Record<string, string>> = {
  order: 'purchase', class: 'course', group: 'team', table: 'data_table', object: 'item', function: 'feature',
  default: 'preset', select: 'choice', new: 'news_item', this: 'item',
};

/** Field names that would be reserved words get a readable replacement. */
export const FIELD_RENAMES: Readonly<Record<string, string>> = {
  order: 'position', group: 'group_name', class: 'class_name', default: 'default_value', from: 'sender',
  table: 'table_name', select: 'selection', delete: 'deleted', new: 'is_new', function: 'purpose',
  object: 'subject', constructor: 'builder', prototype: 'prototype_name', this: 'this_value', where: 'location',
};

/** Fields the generated app manages itself; a request naming them gets no duplicate. */
export const MANAGED_FIELDS: ReadonlySet<string> = new Set(['id', 'user_id', 'created_at', 'updated_at']);

/** How a field's name suggests its type. First match wins; tested against the whole snake name. */
export const TYPE_HINTS: ReadonlyArray<readonly [RegExp, FieldType]> = [
  [/(^|_)e?mail(_address)?$/, 'Email'],
  [/(^|_)(url|link|website|homepage|web_site)$/, 'URL'],
  [/(^|_)(phone|telephone|mobile|cell|phone_number)$/, 'Phone'],
  [/(^|_)(price|cost|amount|total|salary|budget|balance|fee|unit_price|weight|rate)$/, 'Decimal'],
  [/(^|_)(time|timestamp|datetime)$|_at$/, 'DateTime'],
  [/(^|_)(date|day|birthday|deadline|dob)$|_on$/, 'Date'],
  [/(^|_)(count|quantity|qty|pages|page_count|age|year|stock|score|points|rank|position|number_of_\w+|servings|votes|rating|stars)$/, 'Integer'],
  [/^(done|completed|complete|finished|active|published|archived|paid|verified|enabled|visible|favorite|favourite|read|is_\w+|has_\w+)$/, 'Boolean'],
  [/(^|_)(description|body|content|notes?|comment|bio|summary|details|text_body|instructions|ingredients|message)$/, 'Text'],
];

/** Words that never name a field on their own. */
export const FILLER_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'some', 'its', 'their', 'his', 'her', 'my', 'our', 'your', 'each', 'every', 'one', 'field',
  'fields', 'property', 'properties', 'attribute', 'attributes', 'also', 'plus', 'optionally', 'maybe', 'just',
  'flag', 'checkbox', 'value', 'with', 'of', 'for', 'to',
]);

/** Request words in other languages mapped to the English nouns the tables above know. */
export const FOREIGN_NOUNS: Readonly<Record<string, string>> = {
  aufgabe: 'task', aufgaben: 'task', todo: 'todo', todos: 'todo', notiz: 'note', notizen: 'note', kontakt: 'contact',
  kontakte: 'contact', buch: 'book', 'bücher': 'book', produkt: 'product', produkte: 'product', termin: 'event',
  termine: 'event', veranstaltung: 'event', veranstaltungen: 'event', rezept: 'recipe', rezepte: 'recipe',
  ausgabe: 'expense', ausgaben: 'expense', 'tâche': 'task', 'tâches': 'task', livre: 'book', livres: 'book',
  produit: 'product', produits: 'product', 'événement': 'event', 'événements': 'event', recette: 'recipe',
  recettes: 'recipe', tarea: 'task', tareas: 'task', nota: 'note', notas: 'note', contacto: 'contact',
  contactos: 'contact', libro: 'book', libros: 'book', producto: 'product', productos: 'product', evento: 'event',
  eventos: 'event', receta: 'recipe', recetas: 'recipe', gasto: 'expense', gastos: 'expense',
};

/** Frequent short words per language; the language with most hits wins (ties go to English). */
export const LANGUAGE_MARKERS: Readonly<Record<string, readonly string[]>> = {
  en: ['a', 'an', 'the', 'with', 'and', 'for', 'build', 'create', 'make', 'app', 'that', 'have', 'has', 'of', 'to', 'can', 'users', 'my'],
  de: ['eine', 'ein', 'einen', 'mit', 'und', 'für', 'die', 'der', 'das', 'erstelle', 'baue', 'bitte', 'ich', 'meine', 'können', 'sollen', 'sehen', 'nur', 'ihre', 'ohne'],
  fr: ['une', 'un', 'avec', 'et', 'pour', 'les', 'le', 'la', 'des', 'crée', 'créer', 'construis', 'application', 'mes', 'leurs', 'sans'],
  es: ['una', 'un', 'con', 'y', 'para', 'los', 'las', 'el', 'crea', 'crear', 'construye', 'aplicación', 'mis', 'sus', 'sin'],
};

/** Requests with nothing to store still get one small, sensible entity. */
export const TRIVIAL_APPS: ReadonlyArray<readonly [RegExp, string, string]> = [
  [/\bhello[\s,-]*world\b/, 'message', 'A hello-world app stores greeting messages: one Message entity with a text field.'],
  [/\bcounters?\b/, 'counter', 'A counter app keeps named counters with an integer value that starts at 0.'],
];
