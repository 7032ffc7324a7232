/**
 * Singular and plural of English nouns, through compromise. Single words out of context are often tagged as
 * verbs ("tasks", "boxes"), so the tag is forced from what the word looks like before inflecting.
 */
import { nlp } from './nlp.ts';

/** Words compromise inflects in a way that reads wrong as a table or resource name. */
const SINGULAR_OVERRIDES: Readonly<Record<string, string>> = {
  data: 'data',
  media: 'media',
  news: 'news',
  series: 'series',
  status: 'status',
};
const PLURAL_OVERRIDES: Readonly<Record<string, string>> = {
  data: 'data',
  media: 'media',
  news: 'news',
  series: 'series',
  status: 'statuses',
  person: 'people',
  index: 'indexes',
};

function tagsOf(word: string): Set<string> {
  const terms = nlp(word).json() as Array<{ terms: Array<{ tags: string[] }> }>;
  return new Set(terms[0]?.terms[0]?.tags ?? []);
}

export function looksPlural(word: string): boolean {
  const tags = tagsOf(word);
  if (tags.has('Plural')) return true;
  if (tags.has('Singular') || tags.has('Uncountable')) return false;
  // Untagged or verb-tagged ("tasks", "boxes"): an -s that is not -ss/-us/-is reads as a plural noun.
  return /[^su]s$/.test(word) || /ies$/.test(word);
}

/** "categories" → "category", "people" → "person", "boxes" → "box"; singular words come back unchanged. */
export function singularize(word: string): string {
  const lower = word.toLowerCase();
  const override = SINGULAR_OVERRIDES[lower];
  if (override) return override;
  if (!looksPlural(lower)) return lower;
  const doc = nlp(lower);
  doc.tag('Noun');
  doc.tag('Plural');
  const singular = doc.nouns().toSingular().text().toLowerCase();
  return singular.length > 0 ? singular : lower.replace(/s$/, '');
}

/** "category" → "categories", "box" → "boxes", "person" → "people". */
export function pluralize(word: string): string {
  const lower = word.toLowerCase();
  const override = PLURAL_OVERRIDES[lower];
  if (override) return override;
  const doc = nlp(lower);
  doc.tag('Noun');
  doc.tag('Singular');
  const plural = doc.nouns().toPlural().text().toLowerCase();
  return plural.length > 0 ? plural : `${lower}s`;
}

/** Inflects the last word of a compound: "invoice lines" → "invoice line". */
export function singularizePhrase(words: readonly string[]): string[] {
  if (words.length === 0) return [];
  return [...words.slice(0, -1), singularize(words[words.length - 1] as string)];
}

export function pluralizePhrase(words: readonly string[]): string[] {
  if (words.length === 0) return [];
  return [...words.slice(0, -1), pluralize(words[words.length - 1] as string)];
}
