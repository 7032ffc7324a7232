/**
 * Building from an explorer scan (spec §8.2): "build something similar", "build an admin app for this
 * database". The scanned record kinds replace the ones read from the prompt, while the prompt still decides
 * the app's name, sign-in and language. Pure like analyzeRequest: the same understanding and findings always
 * give the same domain, and every table that is left out, renamed or unlinked is said in the assumptions.
 */
import {
  Domain,
  ExplorerFindings,
  type DiscoveredEntity,
  type DomainEntity,
  type DomainField,
  type DomainRelation,
  type ScanRecord,
} from '../../contracts/index.ts';
import { AppError } from '../../core/errors.ts';
import { safeFieldName } from './fields.ts';
import {
  asciiWords,
  cleanDisplayText,
  isReserved,
  isReservedModelName,
  snakeToLabel,
  snakeToPascal,
  titleCase,
  toSlug,
  toSnake,
} from './identifiers.ts';
import { TEXT_TYPES, summarize, toDomainField, type Understanding } from './index.ts';
import { pluralize, singularizePhrase } from './inflect.ts';
import { ENTITY_RENAMES } from './vocabulary.ts';

const MAX_ENTITIES = 12;
/** A form with more inputs than this is no longer usable; wider tables keep their first columns. */
const MAX_FIELDS = 40;
/** Room for the plural and for `<key>_id`, which must stay within the 63-character identifier limit. */
const MAX_KEY = 56;
/** Tables holding the source app's accounts: a generated app has its own User (or no accounts at all). */
const USER_TABLES: ReadonlySet<string> = new Set(['user', 'account', 'auth_user']);
/** Bookkeeping of migration tools and ORMs, not records anybody keeps. */
const BOOKKEEPING_TABLES =
  /^(?:_?prisma_migrations|schema_migrations|knex_migrations(?:_lock)?|django_migrations|flyway_schema_history|ar_internal_metadata|sequelizemeta|__efmigrationshistory|typeorm_metadata|migrations|sqlite_sequence)$/i;
/** The generated app adds these itself to every record. */
const APP_COLUMNS: ReadonlySet<string> = new Set(['id', 'created_at', 'updated_at']);
/** Letters, digits, `_`, spaces and `-` ("Order Details"): anything else is not a name a generator should echo. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_ -]{0,62}$/;
/** `sales.orders`: a schema-qualified name keeps its table part. */
const QUALIFIED_NAME = /^[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_ -]{0,62})$/;
const STRING_LENGTH = /\b(?:n?varchar2?|character varying|n?char|character)\s*\(\s*(\d{1,6})\s*\)/i;
/** Notes about the prompt's own records that no longer hold once the scan's records replace them. */
const PROMPT_RECORD_NOTES = [/\bwhat should the app keep track of\b/i, /\bnames nothing to store\b/i];

type OnDelete = DomainRelation['on_delete'];

interface Link {
  column: string;
  field: string;
  target: Candidate;
  required: boolean;
  onDelete: OnDelete;
}

interface Candidate {
  /** The name as found, cleaned for display. */
  shown: string;
  key: string;
  name: string;
  fields: DomainField[];
  links: Link[];
  owned: boolean;
  /** Raw references, resolved once every table has a candidate. */
  references: DiscoveredEntity['references'];
  columns: DiscoveredEntity['fields'];
}

interface Skip {
  shown: string;
  why: string;
  /** Worth an open question: a table someone may miss, not bookkeeping or accounts. */
  ask: boolean;
}

/**
 * The findings of a stored scan, or the AppError that says why a build cannot start from it. `scan` is what
 * `StateStore.getScan(id)` returned.
 */
export function findingsOfScan(scan: { record: ScanRecord; findings: unknown } | null, id: string): ExplorerFindings {
  if (scan === null) {
    throw new AppError('scan_not_found', `no explorer scan ${id}`, {
      hint: 'GET /api/explorer/scans (or `catalyst scans`) lists scans',
      retryable: false,
    });
  }
  const { record } = scan;
  if (record.status === 'running') {
    throw new AppError('invalid_option', `scan ${id} is still running; a build can start from it once it has completed`, {
      hint: `GET /api/explorer/scans/${id} (or \`catalyst scans ${id}\`) shows its status`,
      retryable: false,
    });
  }
  if (record.status === 'failed') {
    throw new AppError('invalid_option', `scan ${id} failed: ${record.error ?? 'no reason was recorded'}`, {
      hint: 'scan the target again (POST /api/explorer/scan or `catalyst explore <target>`) and build from the new scan',
      retryable: false,
    });
  }
  const parsed = ExplorerFindings.safeParse(scan.findings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(
      'invalid_artifact',
      `the findings of scan ${id} do not match the explorer contract (${issue.path.join('.') || 'findings'}: ${issue.message})`,
      {
        hint: 'scan the target again and build from the new scan',
        retryable: false,
      },
    );
  }
  return parsed.data;
}

/**
 * The understanding of a prompt, with its records taken from a scan. With no usable records in the scan the
 * prompt's records stay, and the assumptions say so.
 */
export function applyFindings(understanding: Understanding, findings: ExplorerFindings): Understanding {
  const source = `explorer scan ${findings.scan_id} of ${cleanDisplayText(findings.target, 200)}`;
  const improvements = improvementNote(findings);
  if (findings.entities.length === 0) {
    return withNote(
      understanding,
      `${capitalize(source)} found no records to copy (${stackOf(findings)}), so the records come from the request.`,
      ...improvements,
    );
  }

  const notes: string[] = [...improvements];
  const questions: string[] = [];
  const skipped: Skip[] = [];
  const auth = understanding.domain.auth.enabled;
  // "only their own …" in the prompt: rows that pointed at the source's users now belong to the signed-in user.
  const ownership = auth && understanding.domain.auth.ownership;

  const { candidates, userTables, bySource } = collectCandidates(findings.entities, auth, skipped, notes);
  linkCandidates(candidates, bySource, userTables, { auth, ownership }, notes);
  const ordered = targetsFirst(candidates, notes);
  const kept = ordered.slice(0, MAX_ENTITIES);
  for (const c of ordered.slice(MAX_ENTITIES))
    skipped.push({ shown: c.shown, why: `over the limit of ${MAX_ENTITIES} kinds of records`, ask: true });

  const noun = findings.database?.engine === 'mongodb' ? 'collections' : findings.scan_type === 'database' ? 'tables' : 'record kinds';
  const skipList = listed(skipped.map((s) => `${quote(s.shown)} (${s.why})`));
  if (kept.length === 0) {
    return withNote(
      understanding,
      `${capitalize(source)} listed ${findings.entities.length} ${noun}, but none could be used (${skipList}), so the records come from the request.`,
      ...notes,
    );
  }

  const publicRead = auth && understanding.domain.entities.some((e) => !e.owned && e.access.read === 'public');
  const entities = kept.map((c) => toEntity(c, auth, publicRead));
  const appName = appNameFor(understanding, findings, entities);
  const domain = Domain.parse({
    app_name: appName,
    slug: appName === understanding.domain.app_name ? understanding.domain.slug : toSlug(appName, toSlug(entities[0]!.plural, 'app')),
    summary: summarize(appName, entities, auth),
    language: understanding.domain.language,
    auth: { enabled: auth, ownership: entities.some((e) => e.owned) },
    entities,
  });

  const assumptions = [
    `The data model comes from ${source}: ${entities.map((e) => e.name).join(', ')} (${kept.length} of ${findings.entities.length} ${noun}${skipped.length > 0 ? `; skipped: ${skipList}` : ''}).`,
    'Every record gets its own id, created_at and updated_at; the scanned primary keys and timestamps are not copied.',
    ...accessNotes(entities, auth, understanding.domain.auth.ownership),
    ...notes,
  ];
  const questionable = skipped.filter((s) => s.ask);
  if (questionable.length > 0)
    questions.push(`Should ${listed(questionable.map((s) => quote(s.shown)))} from the scan be part of the app as well?`);
  if (!auth && userTables.length > 0)
    questions.push(
      `The scanned app has user accounts (${userTables.map((u) => quote(u.shown)).join(', ')}); should this app have sign-in too?`,
    );

  const promptEntities = understanding.domain.entities;
  return {
    domain,
    assumptions: unique([...assumptions, ...understanding.assumptions.filter((a) => !aboutPromptRecords(a, promptEntities))]),
    openQuestions: unique([...questions, ...understanding.openQuestions.filter((q) => !aboutPromptRecords(q, promptEntities))]),
  };
}

function collectCandidates(
  discovered: readonly DiscoveredEntity[],
  auth: boolean,
  skipped: Skip[],
  notes: string[],
): { candidates: Candidate[]; userTables: Skip[]; bySource: Map<string, Candidate | Skip> } {
  const candidates: Candidate[] = [];
  const userTables: Skip[] = [];
  const bySource = new Map<string, Candidate | Skip>();
  const keys = new Map<string, string>();
  const skip = (entity: DiscoveredEntity, why: string, ask = true): Skip => {
    const s = { shown: shown(entity.source_name), why, ask };
    skipped.push(s);
    // Two tables reported under one name (in different schemas): links go to the one that is kept.
    if (!bySource.has(entity.source_name)) bySource.set(entity.source_name, s);
    return s;
  };
  for (const entity of discovered) {
    const plain = plainName(entity.source_name);
    if (plain === null) {
      skip(entity, 'not a plain name: only letters, digits, _, - and spaces are used');
      continue;
    }
    if (BOOKKEEPING_TABLES.test(plain)) {
      skip(entity, 'bookkeeping of a migration tool', false);
      continue;
    }
    let key =
      toSnake(singularizePhrase(sourceWords(plain)))
        ?.slice(0, MAX_KEY)
        .replace(/_+$/, '') ?? null;
    if (key === null) {
      skip(entity, 'no letters to name it by');
      continue;
    }
    if (USER_TABLES.has(key)) {
      userTables.push(skip(entity, auth ? 'user accounts: the app has its own' : 'user accounts: the app has no sign-in', false));
      continue;
    }
    const rename = ENTITY_RENAMES[key] ?? (isReservedModelName(key) || isReservedModelName(snakeToPascal(key)) ? `${key}_record` : null);
    if (rename !== null) {
      notes.push(
        `${quote(shown(entity.source_name))} would be called ${snakeToPascal(key)}, a reserved word in JavaScript or SQL, so the entity is called ${snakeToPascal(rename)}.`,
      );
      key = rename;
    }
    const earlier = keys.get(key);
    if (earlier !== undefined) {
      skip(entity, `same record name as ${quote(earlier)}`);
      continue;
    }
    const candidate: Candidate = {
      shown: shown(entity.source_name),
      key,
      name: snakeToPascal(key),
      fields: [],
      links: [],
      owned: false,
      references: entity.references,
      columns: entity.fields,
    };
    candidate.fields = fieldsOf(candidate, notes);
    // Links are not fields: a table of nothing but links (a pure join table) has nothing to show or edit.
    if (candidate.fields.length === 0) {
      skip(entity, entity.references.length > 0 ? 'only links other tables' : 'no columns left to keep');
      continue;
    }
    keys.set(key, candidate.shown);
    candidates.push(candidate);
    bySource.set(entity.source_name, candidate);
  }
  return { candidates, userTables, bySource };
}

/** Columns to fields: keys, timestamps and foreign keys are not fields; names become snake_case. */
function fieldsOf(c: Candidate, notes: string[]): DomainField[] {
  const linked = new Set(c.references.map((r) => r.field));
  const fields: DomainField[] = [];
  const replacedKeys: string[] = [];
  for (const column of c.columns) {
    if (linked.has(column.name)) continue;
    const plain = plainName(column.name);
    if (plain === null) {
      notes.push(`${c.name}: the column ${quote(shown(column.name))} is not a plain name, so it was left out.`);
      continue;
    }
    const snake = toSnake(sourceWords(plain));
    if (snake === null || column.name === '__v') continue;
    if (APP_COLUMNS.has(snake)) continue;
    if (column.primary_key) {
      replacedKeys.push(snake);
      continue;
    }
    const name = safeFieldName(snake, c.name, notes);
    if (name === null) continue;
    if (fields.some((f) => f.name === name)) {
      notes.push(
        `${c.name}: the column ${quote(shown(column.name))} has the same name as another column once written as ${name}, so it was left out.`,
      );
      continue;
    }
    if (fields.length === MAX_FIELDS) {
      notes.push(`${c.name}: only the first ${MAX_FIELDS} columns were kept; ${quote(shown(column.name))} and later ones were left out.`);
      break;
    }
    fields.push(fieldOf(name, column));
  }
  if (replacedKeys.length > 0) notes.push(`${c.name}: the primary key ${replacedKeys.join(', ')} is replaced by the app's own id.`);
  const enums = c.columns.filter((col) => col.type === 'Enum' && !linked.has(col.name)).map((col) => shown(col.name));
  if (enums.length > 0)
    notes.push(
      `${c.name}: ${enums.join(', ')} ${enums.length === 1 ? 'has' : 'have'} a fixed set of values the scan could not read, so ${enums.length === 1 ? 'it is' : 'they are'} plain text.`,
    );
  return fields;
}

function fieldOf(name: string, column: DiscoveredEntity['fields'][number]): DomainField {
  // The scan cannot know an enum's values (a CHECK, a native enum, a convention in code), so it stays text.
  const type = column.type === 'Enum' ? 'String' : column.type;
  const field = toDomainField({ name, type, required: column.required, ...(column.unique ? { unique: true } : {}) });
  const length = type === 'String' ? Number(STRING_LENGTH.exec(column.source_type)?.[1] ?? 0) : 0;
  if (length > 0) field.max_length = length;
  return field;
}

function linkCandidates(
  candidates: readonly Candidate[],
  bySource: ReadonlyMap<string, Candidate | Skip>,
  userTables: readonly Skip[],
  auth: { auth: boolean; ownership: boolean },
  notes: string[],
): void {
  const lowerSource = new Map([...bySource].map(([k, v]) => [k.toLowerCase(), v]));
  for (const c of candidates) {
    for (const ref of c.references) {
      const target = bySource.get(ref.target) ?? lowerSource.get(ref.target.toLowerCase());
      const column = c.columns.find((f) => f.name === ref.field);
      const label = `${c.name}.${shown(ref.field)}`;
      if (target === undefined) {
        notes.push(`${label} referred to ${quote(shown(ref.target))}, which the scan did not list, so the link was dropped.`);
      } else if (!('key' in target)) {
        if (userTables.includes(target)) linkToUsers(c, label, target, auth, notes);
        else notes.push(`${label} referred to ${quote(target.shown)}, which is not generated, so the link was dropped.`);
      } else if (target === c) {
        notes.push(`${label} referred to ${c.name} itself; links within one kind of record are not generated, so it was dropped.`);
      } else if (c.links.some((l) => l.target === target)) {
        notes.push(
          `${label} was a second link from ${c.name} to ${target.name}; only one link per pair of records is generated, so it was dropped.`,
        );
      } else {
        const field = linkField(ref.field, target.key, c);
        if (field === null) notes.push(`${label} has the same name as one of ${c.name}'s fields, so the link was dropped.`);
        else {
          const required = (column?.required ?? false) && ref.on_delete !== 'set null';
          c.links.push({ column: shown(ref.field), field, target, required, onDelete: ref.on_delete });
        }
      }
    }
  }
}

function linkToUsers(c: Candidate, label: string, users: Skip, auth: { auth: boolean; ownership: boolean }, notes: string[]): void {
  if (!auth.auth) {
    notes.push(`${label} referred to the user accounts in ${quote(users.shown)}; the app has no sign-in, so the link was dropped.`);
  } else if (!auth.ownership) {
    notes.push(
      `${label} referred to the user accounts in ${quote(users.shown)}; the request does not ask for private records, so signed-in users share ${c.name} records and the link was dropped.`,
    );
  } else if (c.owned) {
    notes.push(`${label} was a second link to the user accounts; only the owner is kept, so it was dropped.`);
  } else {
    c.owned = true;
    notes.push(
      `${label} referred to the user accounts in ${quote(users.shown)}, so each ${c.name} belongs to the signed-in user who creates it.`,
    );
  }
}

/** `customer_id` stays, `customer`/`customerId` become `customer_id`; a reserved or taken name falls back to `<target>_id`. */
function linkField(column: string, targetKey: string, c: Candidate): string | null {
  const taken = (name: string) => c.fields.some((f) => f.name === name) || c.links.some((l) => l.field === name);
  const plain = plainName(column);
  const snake = plain === null ? null : toSnake(sourceWords(plain));
  const named = snake === null ? null : snake.endsWith('_id') ? snake : `${snake.slice(0, 59)}_id`;
  if (named !== null && !isReserved(named) && !taken(named)) return named;
  const fallback = `${targetKey}_id`;
  return taken(fallback) ? null : fallback;
}

/** Targets before the records that refer to them; a link that would close a cycle is the one dropped. */
function targetsFirst(candidates: readonly Candidate[], notes: string[]): Candidate[] {
  const ordered: Candidate[] = [];
  const visiting = new Set<Candidate>();
  const visit = (c: Candidate): void => {
    if (ordered.includes(c)) return;
    visiting.add(c);
    c.links = c.links.filter((l) => {
      if (visiting.has(l.target)) {
        notes.push(
          `${c.name}.${l.column} → ${l.target.name} closed a cycle of links (${l.target.name} already leads to ${c.name}), so it was dropped.`,
        );
        return false;
      }
      visit(l.target);
      return true;
    });
    visiting.delete(c);
    ordered.push(c);
  };
  for (const c of candidates) visit(c);
  return ordered;
}

function toEntity(c: Candidate, auth: boolean, publicRead: boolean): DomainEntity {
  const words = c.key.split('_');
  words.push(pluralize(words.pop()!));
  const plural = words.join('_');
  const level = c.owned ? 'owner' : auth ? 'authenticated' : 'public';
  const relations: DomainRelation[] = c.links.map((l) => ({
    kind: 'belongs_to',
    target: l.target.name,
    field: l.field,
    required: l.required,
    on_delete: l.onDelete,
  }));
  return {
    name: c.name,
    plural,
    label: snakeToLabel(c.key),
    label_plural: snakeToLabel(plural),
    fields: c.fields,
    relations,
    owned: c.owned,
    access: publicRead && !c.owned ? { read: 'public', write: 'authenticated' } : { read: level, write: level },
    searchable: c.fields.filter((f) => TEXT_TYPES.has(f.type)).map((f) => f.name),
  };
}

function accessNotes(entities: readonly DomainEntity[], auth: boolean, ownershipAsked: boolean): string[] {
  if (!auth) return [];
  const owned = entities.filter((e) => e.owned).map((e) => e.name);
  const shared = entities.filter((e) => !e.owned).map((e) => e.name);
  const out: string[] = [];
  if (owned.length > 0) out.push(`Each user sees and changes only their own ${owned.join(', ')} records; other users get 404 for them.`);
  if (shared.length > 0) out.push(`${shared.join(', ')} records are shared: every signed-in user can read and change them.`);
  if (ownershipAsked && owned.length === 0)
    out.push(
      'The request asks for private records, but no scanned table refers to user accounts, so records are shared by signed-in users.',
    );
  return out;
}

/**
 * The prompt's name stays unless it only named the generic fallback record ("build something similar" →
 * "Item App"): then the scanned database, repository or host names the app.
 */
function appNameFor(understanding: Understanding, findings: ExplorerFindings, entities: readonly DomainEntity[]): string {
  const { app_name: name, entities: promptEntities } = understanding.domain;
  const generic = promptEntities.length === 1 && promptEntities[0]!.name === 'Item' && name === 'Item App';
  if (!generic) return name;
  const words = asciiWords(targetName(findings)).slice(0, 3);
  return words.length > 0 && !words.every((w) => /^\d+$/.test(w))
    ? cleanDisplayText(titleCase([...words, 'app']), 80)
    : `${entities[0]!.label} App`;
}

function targetName(findings: ExplorerFindings): string {
  if (findings.database) return findings.database.database;
  const target = findings.target.trim();
  if (findings.scan_type === 'deployment') {
    try {
      return new URL(target).hostname.split('.').find((p) => p !== 'www') ?? '';
    } catch {
      return '';
    }
  }
  return (
    target
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
      .split(/[/\\:]/)
      .pop()
      ?.replace(/\.git$/, '') ?? ''
  );
}

function aboutPromptRecords(text: string, entities: readonly DomainEntity[]): boolean {
  if (PROMPT_RECORD_NOTES.some((p) => p.test(text))) return true;
  const names = entities.flatMap((e) => [e.name, e.label, e.label_plural]);
  return names.some((n) => new RegExp(`\\b${n.replace(/[^A-Za-z0-9 ]/g, '')}\\b`, 'i').test(text));
}

/** A database with hundreds of tables must not turn one assumption into a page. */
function listed(items: readonly string[], max = 10): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function withNote(understanding: Understanding, ...notes: string[]): Understanding {
  return { ...understanding, assumptions: unique([...understanding.assumptions, ...notes]) };
}

/**
 * Spec §8.2: a build from a scan is "the same, but better". The scan's first improvements go into the
 * plan's assumptions, where a person reviewing the plan sees what this build is meant to fix.
 */
function improvementNote(findings: ExplorerFindings): string[] {
  const items = findings.improvements.slice(0, 3).map((i) => cleanDisplayText(i, 200).replace(/[.\s]+$/, ''));
  return items.length === 0 ? [] : [`The scan suggested improving: ${items.join('; ')}.`];
}

function stackOf(findings: ExplorerFindings): string {
  const names = [...new Set(findings.technologies.map((t) => cleanDisplayText(t.name, 40)))].slice(0, 6);
  return names.length > 0 ? `stack: ${names.join(', ')}` : 'no stack recognised';
}

/** A name as found, if it is one a generated app may be built from; the table part of `schema.table`. */
function plainName(name: string): string | null {
  const table = QUALIFIED_NAME.exec(name)?.[1] ?? name;
  return PLAIN_NAME.test(table) && /[A-Za-z]/.test(table) ? table : null;
}

/** "OrderItems" / "order_items" / "placedAt" → lowercase words. */
function sourceWords(name: string): string[] {
  return asciiWords(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2'));
}

/** Names as found go into plan.yaml and logs: no control characters, bounded length. */
function shown(name: string): string {
  return cleanDisplayText(name, 64);
}

function quote(name: string): string {
  return `"${name.replace(/"/g, "'")}"`;
}

function capitalize(text: string): string {
  return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : text;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
