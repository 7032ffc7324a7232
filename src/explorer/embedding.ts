/**
 * Text → vector for the vector store without a model: the hashing trick over word unigrams and
 * bigrams, signed and L2-normalised, so cosine similarity measures shared vocabulary (stack names,
 * record names, improvements). Deterministic and offline; an LLM embedding can replace it behind the
 * same function when a provider is configured.
 */
export const EMBEDDING_DIMENSIONS = 256;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function embedText(text: string, dimensions = EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[a-z0-9][a-z0-9_.+#-]*/g) ?? [];
  const features = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
  for (const feature of features) {
    const h = fnv1a(feature);
    vector[h % dimensions]! += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}
