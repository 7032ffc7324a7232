import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { createTestApp, send, signUp } from './test-app.ts';

test('registers, signs in and tells who is signed in', async () => {
  const app = await createTestApp();
  try {
    const registered = await send(app, 'POST', '/api/auth/register', { email: 'Ada@Example.com', password: 'correct horse battery' });
    assert.equal(registered.status, 201);
    assert.match(registered.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(registered.body.token.split('.').length, 3);

    const login = await send(app, 'POST', '/api/auth/login', { email: 'ada@example.com', password: 'correct horse battery' });
    assert.equal(login.status, 200);
    assert.equal(typeof login.body.token, 'string');

    const me = await send(app, 'GET', '/api/auth/me', undefined, login.body.token);
    assert.equal(me.status, 200);
    assert.equal(me.body.id, registered.body.id);
    assert.equal(me.body.email, 'ada@example.com');
    assert.equal('password_hash' in me.body, false);
  } finally {
    await app.close();
  }
});

test('refuses a second account with the same email', async () => {
  const app = await createTestApp();
  try {
    await signUp(app, 'taken@example.com');
    const again = await send(app, 'POST', '/api/auth/register', { email: 'TAKEN@example.com', password: 'another password' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'conflict');
  } finally {
    await app.close();
  }
});

test('rejects short passwords and malformed emails with field errors', async () => {
  const app = await createTestApp();
  try {
    const short = await send(app, 'POST', '/api/auth/register', { email: 'short@example.com', password: 'seven77' });
    assert.equal(short.status, 400);
    assert.ok(short.body.error.fields.password);
    const malformed = await send(app, 'POST', '/api/auth/register', { email: 'not-an-email', password: 'long enough password' });
    assert.equal(malformed.status, 400);
    assert.ok(malformed.body.error.fields.email);
    const empty = await send(app, 'POST', '/api/auth/login', {});
    assert.equal(empty.status, 400);
    assert.ok(empty.body.error.fields.email);
  } finally {
    await app.close();
  }
});

test('refuses wrong credentials with 401', async () => {
  const app = await createTestApp();
  try {
    await signUp(app, 'user@example.com');
    const wrongPassword = await send(app, 'POST', '/api/auth/login', { email: 'user@example.com', password: 'wrong password' });
    assert.equal(wrongPassword.status, 401);
    assert.equal(wrongPassword.body.error.code, 'unauthorized');
    const unknown = await send(app, 'POST', '/api/auth/login', { email: 'nobody@example.com', password: 'whatever it is' });
    assert.equal(unknown.status, 401);
  } finally {
    await app.close();
  }
});

test('refuses missing, malformed and foreign tokens', async () => {
  const app = await createTestApp();
  try {
    assert.equal((await send(app, 'GET', '/api/auth/me')).status, 401);
    assert.equal((await send(app, 'GET', '/api/auth/me', undefined, 'garbage')).status, 401);
    const { userId } = await signUp(app);
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a different secret'));
    assert.equal((await send(app, 'GET', '/api/auth/me', undefined, foreign)).status, 401);
  } finally {
    await app.close();
  }
});
