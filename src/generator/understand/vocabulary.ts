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
  order: [req('total', 'Decimal', { min: 0 }), req('status', 'Enum', { enum_values: ['pending', 'paid', 'shipped', 'cancelled'], default: 'pending' })],
  booking: [req('starts_at', 'DateTime'), opt('ends_at', 'DateTime'), opt('note', 'Text')],
  reservation: [req('starts_at', 'DateTime'), opt('ends_at', 'DateTime'), opt('note', 'Text')],
  enrollment: [req('enrolled_on', 'Date')],
  attendance: [req('attended_on', 'Date'), req('present', 'Boolean', { default: true })],
  entry: [req('name', 'String'), req('message', 'Text')],
  journal_entry: [req('title', 'String'), req('body', 'Text'), req('written_on', 'Date')],
  faq: [req('question', 'String'), req('answer', 'Text')],
  shipment: [req('tracking_number', 'String'), opt('destination', 'String'), req('status', 'Enum', { enum_values: ['pending', 'in_transit', 'delivered'], default: 'pending' })],
  payment: [req('amount', 'Decimal', { min: 0 }), req('paid_on', 'Date'), opt('note', 'Text')],
  tenant: [req('name', 'String'), opt('email', 'Email'), opt('phone', 'Phone')],
  apartment: [req('address', 'String'), opt('rooms', 'Integer', { min: 1 }), opt('monthly_rent', 'Decimal', { min: 0 })],
  employee: [req('name', 'String'), opt('email', 'Email'), opt('title', 'String')],
  student: [req('name', 'String'), opt('email', 'Email')],
  course: [req('title', 'String'), opt('description', 'Text')],
  lesson: [req('title', 'String'), opt('content', 'Text')],
  question: [req('text', 'String')],
  answer: [req('text', 'String'), req('correct', 'Boolean', { default: false })],
  score: [req('points', 'Integer', { min: 0 })],
  team: [req('name', 'String')],
  player: [req('name', 'String'), opt('position', 'String')],
  match: [req('played_on', 'Date'), opt('home_score', 'Integer', { min: 0 }), opt('away_score', 'Integer', { min: 0 })],
  board: [req('name', 'String')],
  column: [req('name', 'String'), req('position', 'Integer', { min: 0, default: 0 })],
  card: [req('title', 'String'), opt('description', 'Text')],
  owner: [req('name', 'String'), opt('phone', 'Phone'), opt('email', 'Email')],
  pet: [req('name', 'String'), opt('species', 'String'), opt('birth_date', 'Date')],
  visit: [req('visited_on', 'Date'), opt('reason', 'String'), opt('notes', 'Text')],
  car: [req('make', 'String'), req('model', 'String'), opt('daily_rate', 'Decimal', { min: 0 })],
  tool: [req('name', 'String'), opt('description', 'Text')],
  stamp: [req('earned_on', 'Date')],
  reward: [req('name', 'String'), req('points', 'Integer', { min: 0 })],
  department: [req('name', 'String')],
  topic: [req('name', 'String')],
  subscriber: [req('email', 'Email'), opt('name', 'String')],
  campaign: [req('subject', 'String'), opt('body', 'Text')],
  trip: [req('name', 'String'), opt('starts_on', 'Date'), opt('ends_on', 'Date')],
  meal_plan: [req('week_of', 'Date'), opt('notes', 'Text')],
  grocery_item: [req('name', 'String'), opt('quantity', 'Integer', { min: 1 }), req('bought', 'Boolean', { default: false })],
  gift_idea: [req('title', 'String'), opt('price', 'Decimal', { min: 0 })],
  appointment: [req('starts_at', 'DateTime'), opt('note', 'Text')],
  subscription: [req('started_on', 'Date')],
  registration: [req('registered_on', 'Date')],
  order_line: [req('quantity', 'Integer', { min: 1, default: 1 }), req('unit_price', 'Decimal', { min: 0 })],
  class: [req('name', 'String')],
};

/** Words that name the app itself; a known noun right before one is the app's main record ("recipe book"). */
export const CONTAINER_WORDS: ReadonlySet<string> = new Set([
  'app', 'application', 'website', 'webapp', 'tool', 'system', 'platform', 'service', 'dashboard', 'portal', 'page',
  'manager', 'tracker', 'planner', 'list', 'catalog', 'catalogue', 'directory', 'board', 'library', 'log', 'program',
  'organizer', 'organiser', 'backend', 'api', 'site', 'software', 'crm', 'hub',
]);

/** Single words that name both the app and its one kind of record. */
export const APP_NOUN_ENTITIES: Readonly<Record<string, string>> = {
  guestbook: 'entry', blog: 'post', diary: 'journal_entry', journal: 'journal_entry', faq: 'faq', chat: 'message',
  addressbook: 'contact', phonebook: 'contact', wiki: 'page_record', forum: 'post',
};

/** Plurals that never name records ("things", "minutes", "details"). */
export const NON_ENTITY_PLURALS: ReadonlySet<string> = new Set([
  'things', 'stuff', 'details', 'fields', 'properties', 'attributes', 'times', 'minutes', 'hours', 'seconds', 'days',
  'weeks', 'months', 'years', 'euros', 'dollars', 'pounds', 'others', 'ones', 'lots', 'kinds', 'types', 'sorts', 'ways',
  'features', 'options', 'flags', 'checkboxes', 'basics', 'means', 'sports', 'news', 'apps', 'applications', 'pages',
  'screens', 'views', 'forms', 'buttons', 'crud', 'tests', 'yes', 'this', 'is', 'has', 'was', 'does', 'its', 'us',
]);

/** Third-person verbs that look like plurals ("each task belongs to …"). */
export const VERB_FORMS: ReadonlySet<string> = new Set([
  'belongs', 'contains', 'includes', 'needs', 'wants', 'lets', 'allows', 'gets', 'keeps', 'makes', 'takes', 'uses',
  'looks', 'works', 'runs', 'creates', 'manages', 'stores', 'holds', 'marks', 'adds', 'edits', 'deletes', 'updates',
  'gives', 'sends', 'receives', 'collects', 'redeems', 'lends', 'borrows', 'leaves', 'logs', 'signs', 'enrolls',
  'enrols', 'attends', 'says', 'comes', 'becomes', 'appears', 'assigns', 'consists', 'requires', 'supports', 'offers',
  'provides', 'displays', 'sees', 'goes', 'helps', 'shares', 'tracks', 'rates', 'writes', 'reads', 'owns', 'earns',
  'sells', 'buys', 'pays', 'asks', 'submits', 'chooses', 'picks', 'selects', 'wins', 'loses',
]);

/** Function words: never part of a record's name. */
export const WORD_STOPS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'this', 'that', 'these', 'those', 'some', 'any', 'each', 'every', 'all', 'both', 'either', 'neither',
  'no', 'not', 'my', 'our', 'your', 'their', 'his', 'her', 'its', 'of', 'for', 'to', 'in', 'on', 'at', 'by', 'with',
  'from', 'into', 'onto', 'about', 'as', 'per', 'via', 'and', 'or', 'but', 'also', 'plus', 'than', 'then', 'so', 'if',
  'when', 'where', 'which', 'who', 'whose', 'what', 'how', 'many', 'much', 'more', 'most', 'few', 'several',
  'multiple', 'one', 'two', 'three', 'own', 'other', 'others', 'only', 'just', 'very', 'really', 'simple', 'small',
  'basic', 'little', 'tiny', 'quick', 'new', 'old', 'full', 'complete', 'whole', 'same', 'different', 'various', 'main',
  'is', 'are', 'be', 'can', 'will', 'would', 'should', 'must', 'may', 'might', 'let', 'track', 'manage', 'build',
  'create', 'make', 'keep', 'store', 'list', 'add', 'see', 'view', 'show', 'mark', 'redeem', 'collect', 'lend', 'leave',
  'up', 'down', 'out', 'over', 'under', 'between', 'among', 'like', 'such', 'etc', 'please', 'want', 'need', 'it',
  'they', 'them', 'we', 'you', 'i', 'me', 'he', 'she', 'someone', 'everyone', 'anyone', 'there', 'here', 'optional',
  'required', 'mandatory', 'unique', 'generated', 'shared', 'backed',
]);

/** Modifier nouns that describe rather than name ("multiple choice answers" are answers). */
export const NON_MODIFIERS: ReadonlySet<string> = new Set([
  'choice', 'time', 'status', 'type', 'kind', 'data', 'info', 'information', 'lot', 'world', 'app', 'management', 'web',
  'online', 'digital', 'custom', 'default', 'free', 'paid', 'public', 'private', 'personal', 'favorite', 'favourite',
]);

/** A head noun that only says "record of": "attendance records" are Attendance. */
export const GENERIC_HEADS: ReadonlySet<string> = new Set(['record', 'entry_record', 'datum', 'result']);

/** Singular nouns that are values of a record, never records of their own, when listed among its fields. */
export const FIELDISH_NOUNS: ReadonlySet<string> = new Set([
  'priority', 'status', 'tag', 'label', 'color', 'colour', 'rating', 'score', 'photo', 'image', 'picture',
  'attachment', 'deadline', 'reminder', 'point', 'star', 'level', 'size', 'weight', 'amount', 'price', 'cost',
  'quantity', 'duration', 'address', 'location', 'name', 'title', 'description', 'comment_text', 'genre', 'author',
]);

/** Places and organisations an app is for ("a gym app", "an app for a bakery"): the setting, not a record. */
export const SETTING_WORDS: ReadonlySet<string> = new Set([
  'gym', 'school', 'clinic', 'restaurant', 'shop', 'store', 'bakery', 'cafe', 'company', 'business', 'team', 'family',
  'office', 'church', 'club', 'hotel', 'salon', 'studio', 'farm', 'hospital', 'university', 'classroom', 'home',
  'household', 'startup', 'agency', 'campus', 'community', 'neighborhood', 'neighbourhood', 'personal', 'simple',
  'inventory', 'uptime', 'server', 'project', 'web', 'mobile', 'online', 'internal', 'admin',
]);

/** Kinds that sort other records: asked for in the plural ("with categories") they become records of their own. */
export const CLASSIFIER_KINDS: ReadonlySet<string> = new Set(['category', 'folder', 'collection', 'genre']);

/** Plural fields kept as one long text ("ingredients", "tags"). */
export const PLURAL_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'ingredients', 'instructions', 'directions', 'steps', 'notes', 'tags', 'keywords', 'skills', 'labels',
  'requirements', 'symptoms', 'allergies', 'remarks', 'hobbies', 'interests', 'toppings', 'materials',
]);

/** Words for app features, not records ("with search and filters"). */
export const FEATURE_WORDS: ReadonlySet<string> = new Set([
  'search', 'searches', 'filters', 'filtering', 'sorting', 'pagination', 'exports', 'imports', 'notifications',
  'charts', 'graphs', 'stats', 'statistics', 'analytics', 'settings', 'permissions', 'roles', 'logins', 'passwords',
]);

/** People who use the app in a role; they sign in, they are not records ("admins manage …"). */
export const ROLE_WORDS: ReadonlySet<string> = new Set([
  'admin', 'admins', 'administrator', 'administrators', 'moderator', 'moderators', 'visitor', 'visitors', 'guest',
  'guests', 'staff', 'anyone', 'everyone', 'someone', 'nobody', 'editors', 'editor',
]);

/** Records about other records (a booking is of a spot; a loan is of a tool to a member): how many parents. */
export const JOIN_PARENTS: Readonly<Record<string, number>> = {
  booking: 1, reservation: 1, visit: 1, appointment: 1, payment: 1, purchase: 1, order: 1, loan: 2, rental: 2, enrollment: 2,
  attendance: 2, review: 2, rating: 2, subscription: 2, registration: 2, stamp: 1, check: 1, check_result: 1, episode: 1,
  lesson: 1, invoice_line: 1, order_line: 1,
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
  borrow: 'loan', borrows: 'loan', rent: 'rental', rents: 'rental', order: 'order', orders: 'order',
  enroll: 'enrollment', enrolls: 'enrollment', attend: 'attendance', attends: 'attendance', vote: 'vote', votes: 'vote',
  book: 'booking', books: 'booking', reserve: 'reservation', reserves: 'reservation', buy: 'purchase', buys: 'purchase',
  lend: 'loan', lends: 'loan', loan: 'loan', loans: 'loan',
};

/** Entity names that would be reserved words get a readable replacement. */
export const ENTITY_RENAMES: Readonly<Record<string, string>> = {
  object: 'item', function: 'feature',
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
  // Durations are whole minutes ("cooking time", "response time"), not points in time.
  [/(^|_)(duration|interval|minutes|hours|seconds|status_code|http_status)$|^(cooking|cook|prep|preparation|baking|response|reading|travel|waiting|wait|running|processing|loading|load|build|total|brewing|screen|play|study|work)_time$/, 'Integer'],
  [/(^|_)(number|code|sku|isbn|plate|zip|postcode|postal_code)$/, 'String'],
  [/(^|_)(price|cost|amount|total|salary|budget|balance|fee|unit_price|weight|rate|distance|height|width|length|km|miles|kilometers|kilometres)$/, 'Decimal'],
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
  contactos: 'contact', wohnung: 'apartment', wohnungen: 'apartment', mietwohnung: 'apartment',
  mietwohnungen: 'apartment', mieter: 'tenant', mietern: 'tenant', zahlung: 'payment', zahlungen: 'payment',
  kunde: 'customer', kunden: 'customer', rechnung: 'invoice', rechnungen: 'invoice', mitglied: 'member',
  mitglieder: 'member', mitgliedern: 'member', schüler: 'student', schülern: 'student', kurs: 'course', kurse: 'course',
  auto: 'car', autos: 'car', client: 'customer', clients: 'customer', facture: 'invoice', factures: 'invoice',
  appartement: 'apartment', appartements: 'apartment', locataire: 'tenant', locataires: 'tenant', paiement: 'payment',
  paiements: 'payment', cliente: 'customer', clientes: 'customer', factura: 'invoice', facturas: 'invoice',
  apartamento: 'apartment', apartamentos: 'apartment', inquilino: 'tenant', inquilinos: 'tenant', pago: 'payment',
  pagos: 'payment', libro: 'book', libros: 'book', producto: 'product', productos: 'product', evento: 'event',
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

/**
 * What makes an app need sign-in when the request does not say so: people in roles, records shared within a
 * group, private or money-related records, and personal planning tools. Each row: pattern, reason.
 */
export const AUTH_SIGNALS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:admins?|administrators?|moderators?|staff)\b/, 'people in different roles (admins) must sign in to act as them'],
  [/\b(?:assignees?|assigned to)\b/, 'work is assigned to people, who need accounts'],
  [/\b(?:each other|households?|families|family members|roommates|flatmates)\b/, 'several people share the records, each with an account'],
  [/\b(?:planners?|reminders?|kanban|itinerar(?:y|ies)|budgets?|loyalty|dashboards?|diary|journal)\b/, 'a personal or internal tool keeps data only its users should see'],
];

/** Records that hold personal or money data: an app that stores them has sign-in by default. */
export const PRIVATE_RECORDS: ReadonlySet<string> = new Set([
  'customer', 'tenant', 'payment', 'invoice', 'rental', 'student', 'subscriber', 'enrollment', 'patient', 'salary',
  'account', 'loan', 'purchase', 'order', 'shipment', 'transaction', 'expense', 'subscription', 'grade',
]);

/** "anyone can read, only logged in users can write": reading is public while writing needs sign-in. */
export const PUBLIC_READ_PHRASES: readonly RegExp[] = [
  /\b(?:anyone|everyone|everybody|visitors?|guests?|the public|people)\s+(?:can|may|should be able to)\s+(?:read|see|view|browse)\b/,
  /\b(?:publicly|public(?:ly)?)\s+(?:readable|visible|viewable)\b/, /\bread[\s-]only\s+(?:for|to)\s+(?:guests|visitors|everyone|anyone)\b/,
];
