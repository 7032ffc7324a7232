/** Identifier and literal helpers for emitting TypeScript, SQL and markup from model names. */

/** snake_case or kebab-case → camelCase. Model names are already PascalCase. */
export function camel(name: string): string {
  const parts = name.split(/[_-]+/).filter(Boolean);
  return parts.map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1))).join('');
}

export function pascal(name: string): string {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

export function kebab(pascalName: string): string {
  return pascalName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** A string literal safe anywhere in TS/JS source, including inside JSX expressions and HTML-hosted scripts. */
export function lit(value: string | number | boolean): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Text for Markdown prose: no raw HTML, no line breaks that could start a new block. */
export function markdownText(text: string): string {
  return htmlEscape(text.replace(/[\r\n]+/g, ' ')).replace(/([\\`*_[\]#|])/g, '\\$1');
}

export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Lines joined with '\n', dropping `null` entries so optional lines can be written inline. */
export function lines(...parts: (string | null | false | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string').join('\n');
}
