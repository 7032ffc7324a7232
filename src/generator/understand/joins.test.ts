import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Domain, DomainEntity } from '../../contracts/index.ts';
import { analyzeRequest } from './index.ts';

const entity = (d: Domain, name: string): DomainEntity => {
  const found = d.entities.find((e) => e.name === name);
  assert.ok(found, `expected entity ${name}, got ${d.entities.map((e) => e.name).join(', ')}`);
  return found;
};
const targets = (e: DomainEntity): string[] => e.relations.map((r) => r.target).sort();

describe('join records from verbs', () => {
  test('"<people> apply to <things>" is an Application between them', () => {
    const { domain } = analyzeRequest('landlords list flats and tenants apply for flats');
    assert.deepEqual(targets(entity(domain, 'Application')), ['Flat', 'Tenant']);
  });

  test('a pronoun object points back at the record named before ("… and writers bid on them")', () => {
    const { domain } = analyzeRequest('editors post briefs and writers submit to them');
    assert.deepEqual(targets(entity(domain, 'Submission')), ['Brief', 'Writer']);
  });

  test('"and <verb>" takes the clause\'s subject: "cyclists browse rides and join those they fancy"', () => {
    const { domain } = analyzeRequest('cyclists browse group rides and join those they fancy');
    const membership = entity(domain, 'Membership');
    assert.ok(targets(membership).includes('Cyclist'), targets(membership).join(', '));
  });

  test('a two-word object keeps its name ("members book squash courts")', () => {
    const { domain } = analyzeRequest('members book squash courts for an hour');
    assert.deepEqual(targets(entity(domain, 'Booking')), ['Member', 'SquashCourt']);
  });

  test('"sign up for", "pair", "nominate" and "donate" make records of the act', () => {
    assert.ok(analyzeRequest('parents sign up for bake sale shifts').domain.entities.some((e) => e.name === 'Signup'));
    assert.ok(analyzeRequest('the trainer pairs puppies with owners').domain.entities.some((e) => e.name === 'Pairing'));
    assert.ok(analyzeRequest('staff nominate colleagues for awards').domain.entities.some((e) => e.name === 'Nomination'));
  });
});

describe('lists of options and choices', () => {
  test('"a prompt and several choices" in a described record makes the answers records, not a field', () => {
    const { domain } = analyzeRequest('each quiz card has a prompt and several choices, and players vote for one choice');
    const card = entity(domain, 'QuizCard');
    assert.ok(!card.fields.some((f) => /choice/.test(f.name)), card.fields.map((f) => f.name).join(', '));
    assert.deepEqual(targets(entity(domain, 'Choice')), ['QuizCard']);
  });

  test('"pick a, b and c from the lists" makes each a list to keep', () => {
    const { domain } = analyzeRequest('behind the bar our cook picks a bread, a filling and two sauces from the lists we keep');
    for (const name of ['Bread', 'Filling', 'Sauce']) entity(domain, name);
  });

  test('options are records when people vote or choose among them', () => {
    entity(analyzeRequest('a ballot where members choose between options').domain, 'Option');
  });

  test('plurals in parentheses are examples of the record ("dishes (soups, salads, desserts)")', () => {
    const { domain } = analyzeRequest('a cafe menu with dishes (soups, salads, desserts) and drinks (name, price)');
    entity(domain, 'Dish');
    assert.ok(!domain.entities.some((e) => ['Soup', 'Salad', 'Dessert'].includes(e.name)));
  });
});
