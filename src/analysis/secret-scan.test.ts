import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanForSecrets } from './secret-scan.ts';

test('finds provider keys and hard-coded secrets, with file and line', () => {
  const findings = scanForSecrets([
    { path: 'backend/src/config.ts', content: 'const a = 1;\nconst key = "AKIAABCDEFGHIJKLMNOP";\n' },
    { path: 'backend/src/auth.ts', content: 'export const jwt_secret = "s3cr3t-value-that-is-long";\n' },
    { path: 'keys/id_rsa', content: '-----BEGIN OPENSSH PRIVATE KEY-----\n' },
  ]);
  assert.deepEqual(
    findings.map((f) => [f.rule, f.file, f.line]),
    [
      ['aws-access-key-id', 'backend/src/config.ts', 2],
      ['generic-assignment', 'backend/src/auth.ts', 1],
      ['private-key', 'keys/id_rsa', 1],
    ],
  );
});

test('placeholders, environment reads and test fixtures are not secrets', () => {
  const findings = scanForSecrets([
    { path: '.env.example', content: 'JWT_SECRET=change-me\n' },
    { path: 'backend/src/env.ts', content: 'const secret = process.env.JWT_SECRET ?? "";\nconst password = "${PASSWORD}";\n' },
    { path: 'backend/test/auth.test.ts', content: 'const password = "correct-horse-battery";\n' },
    { path: 'frontend/src/Auth.tsx', content: "autoComplete={mode === 'login' ? 'current-password' : 'new-password'}\n" },
    { path: 'architecture/api-guide.md', content: 'curl -d \'{"email":"a@example.com","password":"correct-horse"}\'\n' },
  ]);
  assert.deepEqual(findings, []);
});
