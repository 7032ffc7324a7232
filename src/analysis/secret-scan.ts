/**
 * A documented secret-scanning rule set (the spec names gitleaks; none installs from npm or Debian
 * here, so these are the same kinds of rules gitleaks ships for the providers we care about).
 * Generic `password = "…"` assignments are only checked outside test files, where fixtures
 * legitimately hold throwaway credentials.
 */
export interface SecretRule {
  id: string;
  description: string;
  pattern: RegExp;
  severity: 'critical' | 'high';
  includeTests: boolean;
  skipProse?: boolean;
}

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    description: 'PEM private key block',
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY-----/,
    severity: 'critical',
    includeTests: true,
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id',
    pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
    severity: 'critical',
    includeTests: true,
  },
  { id: 'github-token', description: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, severity: 'critical', includeTests: true },
  { id: 'slack-token', description: 'Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, severity: 'critical', includeTests: true },
  {
    id: 'openai-key',
    description: 'OpenAI / Anthropic style API key',
    pattern: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}\b/,
    severity: 'critical',
    includeTests: true,
  },
  {
    id: 'generic-assignment',
    description: 'hard-coded secret, password, token or API key assigned a literal',
    // The name must stand alone (not `new-password` inside a string), and prose is left out: API
    // guides legitimately show example request bodies.
    pattern:
      /(?<![\w-])(?:secret|password|passwd|api[_-]?key|access[_-]?token|auth[_-]?token|jwt[_-]?secret)["']?\s*[:=]\s*["']([^"'\s$]{12,})["']/i,
    severity: 'high',
    includeTests: false,
    skipProse: true,
  },
];

const PLACEHOLDERS = /change-?me|example|placeholder|your[-_]|xxx|dummy|<.*>|\$\{/i;

export interface SecretFinding {
  rule: string;
  description: string;
  severity: SecretRule['severity'];
  file: string;
  line: number;
}

function isTestFile(path: string): boolean {
  return /(^|\/)(test|tests|__tests__|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/.test(path);
}

export function scanForSecrets(files: ReadonlyArray<{ path: string; content: string }>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const file of files) {
    const lines = file.content.split('\n');
    for (const rule of SECRET_RULES) {
      if (!rule.includeTests && isTestFile(file.path)) continue;
      if (rule.skipProse && /\.(md|markdown|txt|rst)$/i.test(file.path)) continue;
      lines.forEach((text, i) => {
        const match = rule.pattern.exec(text);
        if (!match) return;
        if (rule.id === 'generic-assignment' && PLACEHOLDERS.test(match[1] ?? '')) return;
        findings.push({ rule: rule.id, description: rule.description, severity: rule.severity, file: file.path, line: i + 1 });
      });
    }
  }
  return findings;
}
