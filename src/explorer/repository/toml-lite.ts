/**
 * Just enough TOML for Cargo.toml and pyproject.toml: `[section]` and `[[array-of-tables]]` headers,
 * `key = value` lines whose value may be a string, an inline table or an array spanning lines. Values
 * come back as raw text for the callers to pick strings from; anything fancier is left alone.
 */
export type TomlSections = Map<string, Map<string, string>>;

export function parseTomlLite(text: string): TomlSections {
  const sections: TomlSections = new Map([['', new Map()]]);
  let current = sections.get('')!;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = stripComment(lines[i]!).trim();
    if (line === '') continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      const name = header[1]!.replace(/\s*\.\s*/g, '.').replace(/"/g, '');
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const kv = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2]!;
    // Arrays and inline tables may continue over several lines until their brackets balance.
    while (unbalanced(value) && i + 1 < lines.length) value += `\n${stripComment(lines[++i]!)}`;
    current.set(kv[1]!.replace(/^["']|["']$/g, ''), value.trim());
  }
  return sections;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

function unbalanced(value: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth += 1;
    else if (c === ']' || c === '}') depth -= 1;
  }
  return depth > 0;
}

/** The string literals inside a raw value, in order (`["a>=1", 'b']` → a>=1, b). */
export function tomlStrings(raw: string): string[] {
  return [...raw.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');
}

/** A bare string value, or `version = "…"` inside an inline table. */
export function tomlVersion(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) return /\bversion\s*=\s*["']([^"']*)["']/.exec(trimmed)?.[1] ?? null;
  return tomlStrings(trimmed)[0] ?? null;
}
