import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Domain, DomainEntity } from '../../contracts/index.ts';
import { analyzeRequest } from './index.ts';
import { flattenLists } from './sentences.ts';

const entity = (d: Domain, name: string): DomainEntity => {
  const found = d.entities.find((e) => e.name === name);
  assert.ok(found, `expected entity ${name}, got ${d.entities.map((e) => e.name).join(', ')}`);
  return found;
};
const fieldNames = (e: DomainEntity): string[] => e.fields.map((f) => f.name);

describe('forms and messages', () => {
  test('a contact form keeps messages with what visitors hand in', () => {
    const { domain } = analyzeRequest('a contact form on the site of my bike shop where customers leave their name, phone and a question');
    const message = entity(domain, 'Message');
    assert.deepEqual(fieldNames(message), ['name', 'phone', 'question']);
    assert.equal(domain.auth.enabled, false);
  });

  test('"<thing> form (…)" names the record the form collects, with the fields in parentheses', () => {
    const { domain } = analyzeRequest('a volunteer signup form (full name, email, shirt size) for the river cleanup');
    assert.deepEqual(fieldNames(entity(domain, 'VolunteerSignup')), ['full_name', 'email', 'shirt_size']);
  });

  test('"a <thing> form with a and b" gives the form\'s record those fields', () => {
    const { domain } = analyzeRequest('a warranty claim form with serial number and purchase date');
    assert.deepEqual(fieldNames(entity(domain, 'WarrantyClaim')), ['serial_number', 'purchase_date']);
  });

  test('a form with no name keeps what people send through it', () => {
    const { domain } = analyzeRequest('put a form on my portfolio where recruiters can send me offers');
    entity(domain, 'Offer');
  });

  test('"request an estimate" is an estimate request, with its details', () => {
    const { domain } = analyzeRequest('a page where homeowners may request an estimate about roof repairs with the roof size');
    assert.ok(fieldNames(entity(domain, 'EstimateRequest')).includes('roof_size'));
  });
});

describe('logs and events of a thing', () => {
  test('"a diary of swims with …" keeps one record per swim, even where the word reads as a verb', () => {
    const { domain } = analyzeRequest('the diary of my swims with pool, laps and minutes');
    assert.deepEqual(fieldNames(entity(domain, 'Swim')), ['pool', 'laps', 'minutes']);
    assert.ok(!domain.entities.some((e) => e.name === 'JournalEntry'));
  });

  test('"log each <thing>: …" and "record every <thing> with …" are records with those fields', () => {
    const a = analyzeRequest('log each seizure: start time, length and trigger');
    assert.deepEqual(fieldNames(entity(a.domain, 'Seizure')), ['start_time', 'length', 'trigger']);
    const b = analyzeRequest('record every oil change of the tractor with the mileage and the oil brand');
    entity(b.domain, 'OilChange');
  });

  test('"each time I <act>" keeps the act as a record', () => {
    const { domain } = analyzeRequest('Please note each time I feed the neighbour cat, with the food and the amount');
    assert.deepEqual(fieldNames(entity(domain, 'Feeding')), ['food', 'amount']);
  });
});

describe('records described field by field, lists and layout', () => {
  test('"each <thing> has …" is a record with those fields, an -ing noun included', () => {
    const { domain } = analyzeRequest('tutors are matched with pupils; each tutoring has a subject, a weekday and a room');
    assert.deepEqual(fieldNames(entity(domain, 'Tutoring')), ['subject', 'weekday', 'room']);
  });

  test('"a list of <things>" names a record', () => {
    entity(analyzeRequest('the referee needs lists of fouls').domain, 'Foul');
  });

  test('bullet lines become sentences; "- things: a, b" is a record with fields', () => {
    const { domain } = analyzeRequest('Bee keeping\n- hives: name, location, queen age\n- inspections: date, brood, honey yield');
    assert.deepEqual(fieldNames(entity(domain, 'Hive')), ['name', 'location', 'queen_age']);
    assert.deepEqual(fieldNames(entity(domain, 'Inspection')), ['date', 'brood', 'honey_yield']);
  });

  test("a heading followed by single details gives the heading's record those fields", () => {
    assert.equal(flattenLists('Kayaks for rent\n- colour\n- hull material'), 'Kayaks for rent with colour, hull material.');
    assert.equal(flattenLists('Club\n- members: name\n- show totals'), 'Club. members with name. show totals.');
    const { domain } = analyzeRequest('Kayaks for rent\n- colour\n- hull material\n- hourly price');
    assert.deepEqual(fieldNames(entity(domain, 'Kayak')), ['colour', 'hull_material', 'hourly_price']);
  });
});

describe('attributes: search, sort and filter "by" name fields, never records', () => {
  test('"sort my <things> by a, b and c" is one record with those fields', () => {
    const { domain } = analyzeRequest('sort my sneakers by brand, size and release year');
    assert.deepEqual(
      domain.entities.map((e) => e.name),
      ['Sneaker'],
    );
    assert.deepEqual(fieldNames(entity(domain, 'Sneaker')), ['brand', 'size', 'release_year']);
  });

  test('"… and filter them by …" after a described record adds fields to it, not a field named after the sentence', () => {
    const { domain } = analyzeRequest(
      'Each tent has a brand, a weight and a price. Campers browse the tents, sort them by weight and filter by capacity.',
    );
    const tent = entity(domain, 'Tent');
    assert.ok(fieldNames(tent).includes('capacity'));
    assert.ok(!fieldNames(tent).some((f) => /sort|filter/.test(f)));
    assert.ok(!domain.entities.some((e) => e.name === 'Capacity' || e.name === 'Weight'));
  });
});
