/** Rough language detection by counting frequent short words; enough to notice a German or French request. */
import { LANGUAGE_MARKERS } from './vocabulary.ts';

export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  pt: 'Portuguese',
  it: 'Italian',
  nl: 'Dutch',
};

/** Lowercase words in any script (keeps ü, é, ñ), for matching against word tables. */
export function unicodeWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter((w) => w.length > 0);
}

/** ISO 639-1 code; English unless another language's markers clearly outnumber it. */
export function detectLanguage(text: string): string {
  const words = unicodeWords(text);
  let best = 'en';
  let bestScore = 0;
  for (const [code, markers] of Object.entries(LANGUAGE_MARKERS)) {
    const set = new Set(markers);
    const score = words.filter((w) => set.has(w)).length;
    // English is listed first, so a tie keeps English.
    if (score > bestScore) {
      best = code;
      bestScore = score;
    }
  }
  return best;
}
