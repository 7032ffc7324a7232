import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRequest } from './index.ts';
import { readPrivateData } from './auth.ts';

describe('sign-in by default for personal or business data', () => {
  test('one person\'s records ("my houseplants") get sign-in and owned rows, said as an assumption with a question', () => {
    const { domain, assumptions, openQuestions } = analyzeRequest('a tracker for my houseplants with watering dates');
    assert.deepEqual(domain.auth, { enabled: true, ownership: true });
    assert.ok(domain.entities.every((e) => e.owned && e.access.read === 'owner'));
    assert.ok(assumptions.some((a) => /does not mention accounts.*by default the app has sign-in/.test(a)));
    assert.ok(openQuestions.some((q) => /open without accounts/.test(q)));
  });

  test('health readings get sign-in even without "my"', () => {
    assert.equal(analyzeRequest('record blood sugar readings with the value and the meal').domain.auth.enabled, true);
  });

  test('a business\'s internal records ("our warehouse") get sign-in with shared rows', () => {
    const { domain, openQuestions } = analyzeRequest('an inventory of our warehouse pallets with a barcode and a weight');
    assert.deepEqual(domain.auth, { enabled: true, ownership: false });
    assert.ok(openQuestions.some((q) => /internal to a business or team/.test(q)));
  });

  test('people acting in their own name ("volunteers reserve …") are told apart by sign-in', () => {
    assert.notEqual(readPrivateData('volunteers reserve a table at the charity dinner'), null);
  });

  test('apps for the public stay open: a directory, a form, a poll, visitors browsing', () => {
    for (const prompt of [
      'a directory of the plumbers in my town',
      'a feedback form for our bakery with a rating and a comment',
      'a poll where we pick the date of the picnic',
      'our museum shows artworks that visitors browse',
    ])
      assert.equal(analyzeRequest(prompt).domain.auth.enabled, false, prompt);
  });

  test('a request that declines accounts in French, Spanish, Portuguese, Italian or Dutch stays open', () => {
    for (const prompt of [
      'un carnet pour mes plantes, sans compte',
      'una lista de mis plantas sin cuenta',
      'uma lista das minhas plantas sem necessidade de conta',
      'un elenco delle mie piante senza registrazione',
      'een lijst van mijn planten zonder account',
    ]) {
      const { domain, assumptions } = analyzeRequest(prompt);
      assert.equal(domain.auth.enabled, false, prompt);
      assert.ok(
        assumptions.some((a) => /declined/.test(a)),
        prompt,
      );
    }
  });

  test('"my" in another language ("mes plantes", "mijn planten") is personal data too', () => {
    assert.equal(analyzeRequest('un carnet pour mes plantes').domain.auth.enabled, true);
    assert.equal(analyzeRequest('een lijst van mijn planten').domain.auth.enabled, true);
  });
});
