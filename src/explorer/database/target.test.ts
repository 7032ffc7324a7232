import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../core/errors.ts';
import { analyzeDatabase } from './index.ts';
import { looksLikePlaintextPassword } from './report.ts';
import { safeQueryText } from './query-text.ts';
import { parseDatabaseTarget, redact } from './target.ts';

test('targets are shown as scheme://host:port/db, never with the credentials', () => {
  const t = parseDatabaseTarget('postgresql://admin:p%40ss%2Fw0rd@db.example.com/shop?sslmode=require');
  assert.equal(t.display, 'postgresql://db.example.com:5432/shop');
  assert.equal(t.username, 'admin');
  assert.equal(t.password, 'p@ss/w0rd');
  assert.equal(t.params.get('sslmode'), 'require');
  assert.ok(!t.display.includes('p@ss'));

  assert.equal(parseDatabaseTarget('mysql://root@127.0.0.1/app').display, 'mysql://127.0.0.1:3306/app');
  assert.equal(parseDatabaseTarget('mariadb://u:x@h:3307').display, 'mariadb://h:3307/');
  assert.equal(parseDatabaseTarget('mongodb://u:unescaped@pw@a:27017,b:27018/crm?replicaSet=rs0').display, 'mongodb://a:27017,b:27018/crm');
  assert.equal(parseDatabaseTarget('mongodb://u:unescaped@pw@a/crm').password, 'unescaped@pw');
  assert.equal(parseDatabaseTarget('mongodb+srv://cluster0.example.net/crm').display, 'mongodb+srv://cluster0.example.net/crm');
  assert.equal(parseDatabaseTarget('postgres://[::1]:6543/x').display, 'postgres://[::1]:6543/x');
});

test('credentials given with the scan replace those in the URL', () => {
  const t = parseDatabaseTarget('postgres://url-user:url-secret@h/db', { username: 'scanner', password: 'given-secret' });
  assert.equal(t.username, 'scanner');
  assert.equal(t.password, 'given-secret');
  // Both passwords are scrubbed from anything a driver says.
  assert.equal(redact('oops url-secret and given-secret', t.secrets), 'oops *** and ***');
  const partial = parseDatabaseTarget('postgres://url-user:url-secret@h/db', { username: 'scanner' });
  assert.equal(partial.password, 'url-secret');
});

test('other schemes are refused with a hint listing the accepted ones, without echoing the target', () => {
  for (const target of ['http://admin:hunter2@example.com/db', 'sqlite:///tmp/x.db', 'redis://:hunter2@h:6379', 'not a url hunter2']) {
    assert.throws(
      () => parseDatabaseTarget(target),
      (e: unknown) =>
        AppError.isInstance(e) &&
        e.code === 'invalid_option' &&
        /postgres:\/\//.test(e.hint ?? '') &&
        /mysql:\/\//.test(e.hint ?? '') &&
        /mariadb:\/\//.test(e.hint ?? '') &&
        /mongodb:\/\//.test(e.hint ?? '') &&
        !e.message.includes('hunter2'),
    );
  }
  assert.throws(
    () => parseDatabaseTarget('postgres://:secret@/db'),
    (e: unknown) => AppError.isInstance(e) && /no host/.test(e.message),
  );
  assert.throws(
    () => parseDatabaseTarget('mysql://h:99999/db'),
    (e: unknown) => AppError.isInstance(e) && /port/.test(e.message),
  );
});

test('analyzeDatabase refuses bad limits and unsupported targets before connecting', async () => {
  const signal = new AbortController().signal;
  await assert.rejects(
    analyzeDatabase({ target: 'ftp://h/x', signal }),
    (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
  );
  await assert.rejects(
    analyzeDatabase({ target: 'postgres://h/x', signal, maxTables: 0 }),
    (e: unknown) => AppError.isInstance(e) && /maxTables/.test(e.message),
  );
  await assert.rejects(
    analyzeDatabase({ target: 'postgres://h/x', signal, timeoutMs: 1.5 }),
    (e: unknown) => AppError.isInstance(e) && /timeoutMs/.test(e.message),
  );
});

test('password columns are flagged unless their name says they hold a hash or something about the password', () => {
  const flagged = (name: string, textual = true) => looksLikePlaintextPassword({ name, textual });
  for (const name of ['password', 'passwd', 'pwd', 'user_password', 'adminPassword', 'PASSWORD']) assert.ok(flagged(name), name);
  for (const name of [
    'password_hash',
    'hashed_password',
    'passwordDigest',
    'encrypted_password',
    'password_salt',
    'password_reset_token',
    'password_changed_at',
    'passwordUpdatedAt',
    'username',
  ]) {
    assert.ok(!flagged(name), name);
  }
  assert.ok(!flagged('password', false), 'a boolean or timestamp column named password holds no password');
});

test('slow-query texts that could carry a credential are withheld; long ones are cut', () => {
  assert.equal(safeQueryText(`ALTER ROLE app PASSWORD 'hunter2'`), '(statement withheld: it may contain a credential)');
  assert.equal(safeQueryText("CREATE USER `x`@`%` IDENTIFIED BY 'hunter2'"), '(statement withheld: it may contain a credential)');
  assert.equal(safeQueryText('SELECT *\n  FROM orders WHERE id = $1'), 'SELECT * FROM orders WHERE id = $1');
  assert.equal(safeQueryText(`select ${'x, '.repeat(400)}1`).length, 501);
  assert.equal(safeQueryText(null), '(no statement text)');
});
