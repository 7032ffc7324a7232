/**
 * Secrets never reach a log, event, artifact, error or the UI (ARCHITECTURE.md §5). Provider SDKs echo
 * request details into their errors (URLs, headers, bodies), so every text that leaves the model adapter
 * goes through here.
 */
const REDACTED = '[redacted]';

// Key shapes worth hiding even when nobody told us the value (a key pasted into a prompt or a base URL).
const KEY_SHAPES = [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, /\bsk-[A-Za-z0-9_-]{16,}/g, /\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g];

/** Replaces every given secret (and anything shaped like a provider key) with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  // Longest first, so a secret that contains another is hidden whole.
  const known = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.split(secret).join(REDACTED);
  for (const shape of KEY_SHAPES) out = out.replace(shape, (m) => (m.startsWith('Bearer') ? `Bearer ${REDACTED}` : REDACTED));
  return out;
}
