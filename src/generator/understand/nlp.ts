/**
 * compromise, loaded on first use. Its ES module build is some 440 files, each one more trip through the
 * TypeScript loader when the CLI or a server starts; every runtime imports the understanding code, while
 * only a build request parses a sentence. The CommonJS bundle is the same library in one file.
 */
import { createRequire } from 'node:module';
import type compromise from 'compromise';

type Nlp = typeof compromise;

let loaded: Nlp | null = null;

export function nlp(...args: Parameters<Nlp>): ReturnType<Nlp> {
  loaded ??= createRequire(import.meta.url)('compromise') as Nlp;
  return loaded(...args);
}
