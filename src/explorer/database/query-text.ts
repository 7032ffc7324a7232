/**
 * Statement texts from pg_stat_statements / performance_schema are normalised ($1, ?), but
 * utility statements can be kept verbatim — `ALTER ROLE … PASSWORD '…'` included — so any text
 * that could carry a credential is withheld rather than copied into the findings.
 */
const CREDENTIAL_STATEMENT =
  /password|identified\s+(by|with|via)|\bsecret\b|create\s+(role|user)|alter\s+(role|user)|set\s+role|grant\s|createUser|pgp_sym/i;
const QUERY_TEXT_LIMIT = 500;

export function safeQueryText(text: string | null | undefined): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  if (flat === '') return '(no statement text)';
  if (CREDENTIAL_STATEMENT.test(flat)) return '(statement withheld: it may contain a credential)';
  return flat.length > QUERY_TEXT_LIMIT ? `${flat.slice(0, QUERY_TEXT_LIMIT)}…` : flat;
}
