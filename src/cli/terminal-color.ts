/**
 * Whether the CLI colours what it writes, decided once from the environment the CLI was started with and
 * the stream it writes to, the way Node itself decides (see `FORCE_COLOR` and `NO_COLOR` in Node's CLI docs,
 * https://no-color.org): a non-empty NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb turn colour off; FORCE_COLOR
 * turns it on even off a terminal and wins over those ('0' or 'false' turn it off); otherwise a terminal gets
 * colour and a pipe or file does not.
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR || env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return false;
  return isTTY;
}

const SGR = { green: [32, 39], red: [31, 39], yellow: [33, 39], cyan: [36, 39], dim: [2, 22] } as const;

export type Paint = (style: keyof typeof SGR, text: string) => string;

/** Wraps text in an ANSI style when colour is on, and returns it as it is otherwise. */
export function painter(color: boolean): Paint {
  return (style, text) => (color ? `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m` : text);
}
