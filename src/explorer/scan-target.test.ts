import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../core/errors.ts';
import { checkAllowedHost, hostOf, redactTarget } from './scan-target.ts';

describe('scan targets', () => {
  test('credentials never survive redaction: user:password@ and secret-looking query parameters', () => {
    assert.equal(redactTarget('postgres://admin:s3cret@db.example:5432/shop'), 'postgres://db.example:5432/shop');
    assert.equal(redactTarget('https://x-access-token:ghp_abc@github.com/me/app.git'), 'https://github.com/me/app.git');
    assert.equal(redactTarget('https://app.example/?api_key=k1&page=2'), 'https://app.example/?api_key=REDACTED&page=2');
    assert.equal(redactTarget('mongodb://me:pw@[bad'), 'mongodb://[bad');
    assert.equal(redactTarget('/srv/repos/app'), '/srv/repos/app');
  });

  test('explorer.allow_hosts: empty allows any host, entries and *.wildcards restrict, local paths need none', () => {
    const repo = { type: 'github', target: 'https://github.com/me/app.git', analysis_depth: 'quick' } as const;
    const db = { type: 'database', target: 'postgres://db.internal:5432/shop', read_only: true } as const;
    assert.doesNotThrow(() => checkAllowedHost(repo, []));
    assert.doesNotThrow(() => checkAllowedHost(repo, ['github.com']));
    assert.doesNotThrow(() => checkAllowedHost(db, ['*.internal']));
    assert.throws(
      () => checkAllowedHost(db, ['github.com']),
      (e: unknown) =>
        AppError.isInstance(e) && e.code === 'invalid_option' && /db\.internal/.test(e.message) && /allow_hosts/.test(e.hint ?? ''),
    );
    assert.equal(hostOf({ type: 'github', target: '/srv/repos/app', analysis_depth: 'quick' }), null);
    assert.doesNotThrow(() => checkAllowedHost({ type: 'github', target: '/srv/repos/app', analysis_depth: 'quick' }, ['github.com']));
    assert.throws(
      () => checkAllowedHost({ type: 'github', target: '/srv/repos/app', analysis_depth: 'quick' }, [], false),
      /allow_local_paths/,
    );
    assert.doesNotThrow(() => checkAllowedHost(repo, [], false));
  });
});
