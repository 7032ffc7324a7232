import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeRequest } from './index.ts';
import { foreignNoun, foreignPlural, singularCandidates } from './foreign.ts';

const names = (prompt: string): string[] => analyzeRequest(prompt).domain.entities.map((e) => e.name);

describe('other languages: nouns, plurals and structure', () => {
  test('plural rules of each language find the singular in the noun table', () => {
    assert.equal(foreignNoun('sesiones', 'es'), 'session');
    assert.equal(foreignNoun('inscrições', 'pt'), 'registration');
    assert.equal(foreignNoun('prenotazioni', 'it'), 'reservation');
    assert.equal(foreignNoun('activiteiten', 'nl'), 'activity');
    assert.equal(foreignNoun('lessen', 'nl'), 'lesson');
    assert.equal(foreignNoun('bestellungen', 'de'), 'order');
    assert.equal(foreignNoun('animaux', 'fr'), 'pet');
    assert.ok(singularCandidates('straten', 'nl').includes('straat'));
  });

  test("labels take the language's plural", () => {
    assert.equal(foreignPlural('Séance', 'fr'), 'Séances');
    assert.equal(foreignPlural('Canción', 'es'), 'Canciones');
    assert.equal(foreignPlural('Prenotazione', 'it'), 'Prenotazioni');
    assert.equal(foreignPlural('Fahrt', 'de'), 'Fahrten');
    assert.equal(foreignPlural('Kundin', 'de'), 'Kundinnen');
  });

  test('Italian, Portuguese and Dutch requests are recognised and read through the table', () => {
    const it = analyzeRequest('Vorrei gestire i clienti e le prenotazioni della mia palestra');
    assert.equal(it.domain.language, 'it');
    assert.deepEqual(it.domain.entities.map((e) => e.name).sort(), ['Customer', 'Reservation']);
    assert.equal(analyzeRequest('Uma lista das encomendas dos meus fornecedores').domain.language, 'pt');
    assert.deepEqual(names('Een app met de klanten en de facturen van mijn bedrijf').sort(), ['Customer', 'Invoice']);
  });

  test('the noun after "each" is a record, in the user\'s own word when the table does not know it', () => {
    const { domain, assumptions } = analyzeRequest('Je veux noter chaque randonnée avec la date et la distance');
    const hike = domain.entities.find((e) => e.name === 'Randonnee');
    assert.ok(hike, domain.entities.map((e) => e.name).join(', '));
    assert.equal(hike.label, 'Randonnée');
    assert.equal(hike.label_plural, 'Randonnées');
    assert.ok(assumptions.some((a) => /keep the request's own word/.test(a)));
    assert.ok(!names('cada vez que corro quiero apuntar la distancia').includes('Vez'));
  });

  test('a container names its records ("un registro de …", "een logboek van …")', () => {
    assert.ok(names('Un registro de podas de mis árboles').includes('Poda'));
    assert.ok(names('Un registro de vacunas de mis perros').includes('Vaccination'));
    assert.ok(names('Een logboek van duiken met de diepte').includes('Duik'));
  });

  test('a verb that makes a record gives the record of the act', () => {
    assert.ok(names('Los vecinos votan las propuestas del barrio').includes('Vote'));
    assert.ok(names('Les parents inscrivent leurs enfants aux ateliers').includes('Registration'));
  });

  test('"ohne Anmeldung", "a Fahrtenbuch": sign-in words and container compounds name no record', () => {
    const d = analyzeRequest('Ein Kontaktformular ohne Anmeldung für Nachrichten von Kunden');
    assert.ok(!d.domain.entities.some((e) => e.name === 'Registration'));
    assert.ok(!names('Ein Kassenbuch mit jeder Zahlung').includes('Book'));
  });
});
