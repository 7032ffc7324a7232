/**
 * A generated file, syntax-highlighted with shiki. Shiki is imported on first use (its own chunks, so
 * the first page stays small), fine-grained: the core, the JavaScript regex engine (no wasm), one
 * light theme and only the grammars generated apps contain, each fetched when a file needs it.
 * Until then, and for unknown extensions or very large files, the text is shown plain (React escapes it).
 */
import { useEffect, useState } from 'react';
import type { HighlighterCore, LanguageInput } from 'shiki/core';

const THEME = 'github-light';
/** Past this size the grammar would freeze the tab for seconds; such files are generated, not read. */
export const MAX_HIGHLIGHT_CHARS = 200_000;

/** Grammar loaders by shiki language id; the import() calls are static so Vite splits each into a chunk. */
const GRAMMARS: Record<string, () => Promise<{ default: LanguageInput }>> = {
  typescript: () => import('shiki/langs/typescript.mjs'),
  tsx: () => import('shiki/langs/tsx.mjs'),
  javascript: () => import('shiki/langs/javascript.mjs'),
  json: () => import('shiki/langs/json.mjs'),
  yaml: () => import('shiki/langs/yaml.mjs'),
  markdown: () => import('shiki/langs/markdown.mjs'),
  css: () => import('shiki/langs/css.mjs'),
  html: () => import('shiki/langs/html.mjs'),
  sql: () => import('shiki/langs/sql.mjs'),
  dockerfile: () => import('shiki/langs/dockerfile.mjs'),
  shellscript: () => import('shiki/langs/shellscript.mjs'),
  ini: () => import('shiki/langs/ini.mjs'),
  dotenv: () => import('shiki/langs/dotenv.mjs'),
};

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'tsx',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  md: 'markdown',
  css: 'css',
  html: 'html',
  sql: 'sql',
  sh: 'shellscript',
  bash: 'shellscript',
  ini: 'ini',
  toml: 'ini',
  env: 'dotenv',
};

/** The shiki language of a path, or null when it is shown as plain text. */
export function languageOf(path: string): string | null {
  const name = path.split('/').pop()!.toLowerCase();
  if (name === 'dockerfile' || name.startsWith('dockerfile.') || name.endsWith('.dockerfile')) return 'dockerfile';
  if (name === '.env' || name.startsWith('.env.')) return 'dotenv';
  if (name === '.npmrc' || name === '.editorconfig') return 'ini';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[name.slice(dot + 1)] ?? null) : null;
}

let highlighter: Promise<HighlighterCore> | null = null;

function getHighlighter(): Promise<HighlighterCore> {
  highlighter ??= Promise.all([import('shiki/core'), import('shiki/engine/javascript')]).then(([core, engine]) =>
    core.createHighlighterCore({
      themes: [import('shiki/themes/github-light.mjs')],
      langs: [],
      // forgiving: a grammar pattern the JS engine cannot translate is skipped rather than failing the file.
      engine: engine.createJavaScriptRegexEngine({ forgiving: true }),
    }),
  );
  highlighter.catch(() => (highlighter = null));
  return highlighter;
}

/** Shiki's HTML for `code` (shiki escapes the text itself), loading the grammar on first use. */
export async function highlight(code: string, lang: string): Promise<string> {
  const h = await getHighlighter();
  if (!h.getLoadedLanguages().includes(lang)) await h.loadLanguage((await GRAMMARS[lang]!()).default);
  return h.codeToHtml(code, { lang, theme: THEME });
}

export function CodeView({ path, text }: { path: string; text: string | null }) {
  const lang = languageOf(path);
  const tooLarge = text !== null && text.length > MAX_HIGHLIGHT_CHARS;
  const [html, setHtml] = useState<{ text: string; html: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    setFailure(null);
    if (text === null || lang === null || tooLarge) return;
    let live = true;
    highlight(text, lang).then(
      (out) => live && setHtml({ text, html: out }),
      (e: unknown) => live && setFailure(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [text, lang, tooLarge]);
  const highlighted = html && html.text === text ? html.html : null;
  return (
    <div
      role="region"
      aria-label={`Content of ${path}`}
      className="code-view"
      data-language={lang ?? 'text'}
      aria-busy={text === null || (lang !== null && !tooLarge && !highlighted && !failure)}
    >
      {tooLarge ? <p className="note">{`Large file (${Math.round(text.length / 1024)} KB): shown without highlighting.`}</p> : null}
      {failure ? <p className="note">{`Highlighting failed (${failure}); shown as plain text.`}</p> : null}
      {highlighted ? (
        // The only HTML injected: shiki's output, in which the file's text is escaped.
        <div className="code-highlighted" dangerouslySetInnerHTML={{ __html: highlighted }} />
      ) : (
        <pre className="code">
          <code>{text ?? 'Loading…'}</code>
        </pre>
      )}
    </div>
  );
}
