import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSecrets } from './redact.ts';

test('given secrets and key-shaped strings are redacted, the rest is kept', () => {
  const text =
    'call to http://x/v1 with key abc-secret-1 failed: Incorrect API key sk-proj-AAAAAAAAAAAAAAAAAAAA; Authorization: Bearer tok.en-123456';
  const out = redactSecrets(text, ['abc-secret-1', null, '']);
  assert.equal(out, 'call to http://x/v1 with key [redacted] failed: Incorrect API key [redacted]; Authorization: Bearer [redacted]');
});

test('a secret containing another is hidden whole', () => {
  assert.equal(redactSecrets('k=longsecret-xyz', ['longsecret', 'longsecret-xyz']), 'k=[redacted]');
});
