import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Domain, DomainEntity } from '../../contracts/index.ts';
import { analyzeRequest, understandRequest } from './index.ts';

const names = (d: Domain): string[] => d.entities.map((e) => e.name);
const entity = (d: Domain, name: string): DomainEntity => {
  const found = d.entities.find((e) => e.name === name);
  assert.ok(found, `expected entity ${name}, got ${names(d).join(', ')}`);
  return found;
};
const field = (e: DomainEntity, name: string) => {
  const found = e.fields.find((f) => f.name === name);
  assert.ok(found, `expected field ${name} on ${e.name}, got ${e.fields.map((f) => f.name).join(', ')}`);
  return found;
};
const links = (e: DomainEntity): string[] => e.relations.map((r) => r.target).sort();

describe('phrase reader: which records a request names', () => {
  const cases: Array<[string, string[]]> = [
    ['manage categories, people and boxes', ['Category', 'Person', 'Box']],
    ['A pet clinic: owners, pets (name, species, birth date) and visits (date, reason, vet notes)', ['Owner', 'Pet', 'Visit']],
    ['build a kanban board with boards, columns and cards', ['Board', 'Column', 'Card']],
    ['Build a quiz app with quizzes, questions and multiple choice answers', ['Quiz', 'Question', 'Answer']],
    ['A meal planner: recipes, weekly meal plans and a generated grocery list', ['Recipe', 'MealPlan', 'GroceryItem']],
    ['a server dashboard: monitored sites (name, url) and check results (status code, response time)', ['Site', 'Check']],
    [
      'Make a classroom attendance tracker: classes, students and attendance records (date, present/absent/late)',
      ['Attendance', 'Class', 'Student'],
    ],
    ['a birthday reminder app: people with name and birthday, and gift ideas for each person', ['Person', 'GiftIdea']],
    ['simple guestbook where visitors leave a name and a message', ['Entry']],
    ['Create an FAQ page backed by an API where admins manage questions and answers grouped by topic', ['Topic', 'Faq']],
    ['Create a coffee shop loyalty app where customers collect stamps and redeem rewards', ['Customer', 'Stamp', 'Reward']],
    ['A sports league tracker with teams, players and matches with scores', ['Team', 'Player', 'Match']],
    ['an inventory app for a small shop with products (name, sku, price, stock) and suppliers', ['Product', 'Supplier']],
    // Joining is a record of its own (issue 17, join records from verbs): a Membership between Member and Club.
    ['a gym app: members join clubs, trainers run sessions', ['Member', 'Club', 'Membership', 'Trainer', 'Session']],
    ['Build an issue tracker with projects and issues', ['Project', 'Issue']],
    ['build a todo app', ['Todo']],
  ];
  for (const [prompt, expected] of cases) {
    test(`"${prompt}" → ${expected.join(', ')}`, () => {
      assert.deepEqual([...names(understandRequest(prompt))].sort(), [...expected].sort());
    });
  }

  test('"a recipe book with ingredients, cooking time and a rating from 1 to 5" is one Recipe, not a Book', () => {
    const d = understandRequest('build a recipe book with ingredients, cooking time and a rating from 1 to 5');
    assert.deepEqual(names(d), ['Recipe']);
    const recipe = entity(d, 'Recipe');
    assert.deepEqual(
      recipe.fields.map((f) => [f.name, f.type]),
      [
        ['title', 'String'],
        ['ingredients', 'Text'],
        ['cooking_time', 'Integer'],
        ['rating', 'Integer'],
      ],
    );
    assert.deepEqual([field(recipe, 'rating').min, field(recipe, 'rating').max], [1, 5]);
    assert.equal(field(recipe, 'title').required, true);
  });

  test('a shopping list: the first plural is the record and the singulars after it are its fields', () => {
    const item = entity(
      understandRequest('Create a shopping list app shared by a household, with items, quantity and a bought checkbox'),
      'Item',
    );
    assert.equal(field(item, 'quantity').type, 'Integer');
    assert.equal(field(item, 'bought').type, 'Boolean');
  });

  test('two records with their own lists after one colon keep their fields apart', () => {
    const d = understandRequest('A newsletter service: subscribers with email and name, and campaigns with subject and body');
    assert.deepEqual(
      entity(d, 'Subscriber').fields.map((f) => f.name),
      ['email', 'name'],
    );
    assert.deepEqual(
      entity(d, 'Campaign').fields.map((f) => f.name),
      ['subject', 'body'],
    );
  });

  test('"each task belongs to a project" and "X of Y" still link records', () => {
    const d = understandRequest('projects have a name; tasks have a title. Each task belongs to a project');
    assert.deepEqual(links(entity(d, 'Task')), ['Project']);
  });
});

describe('phrase reader: fields, types, ranges and negations', () => {
  test('money is a non-negative decimal; "in euros" is a unit, not part of the name', () => {
    const product = entity(understandRequest('products have a name and a price in euros'), 'Product');
    assert.deepEqual([field(product, 'price').type, field(product, 'price').min], ['Decimal', 0]);
  });

  test('ranges: "between 0 and 100", "1-5" and decimals', () => {
    const d = understandRequest('exams have a score between 0 and 100, a difficulty 1-5 and a weight from 0.5 to 2.5');
    const exam = entity(d, 'Exam');
    assert.deepEqual([field(exam, 'score').type, field(exam, 'score').min, field(exam, 'score').max], ['Integer', 0, 100]);
    assert.deepEqual([field(exam, 'difficulty').min, field(exam, 'difficulty').max], [1, 5]);
    assert.deepEqual([field(exam, 'weight').type, field(exam, 'weight').max], ['Decimal', 2.5]);
  });

  test('durations are whole minutes; points in time stay dates', () => {
    const d = understandRequest('episodes have a title, duration in minutes, a response time, a start time and a publish date');
    const episode = entity(d, 'Episode');
    assert.equal(field(episode, 'duration').type, 'Integer');
    assert.equal(field(episode, 'response_time').type, 'Integer');
    assert.equal(field(episode, 'start_time').type, 'DateTime');
    assert.equal(field(episode, 'publish_date').type, 'Date');
  });

  test('distances are decimals; a plain "number" is an identifier, not a count', () => {
    const d = understandRequest('races have a distance and a bib number; invoices have a number');
    assert.equal(field(entity(d, 'Race'), 'distance').type, 'Decimal');
    assert.equal(field(entity(d, 'Race'), 'bib_number').type, 'String');
    assert.equal(field(entity(d, 'Invoice'), 'number').type, 'String');
  });

  test('a time range is a start and an end', () => {
    const booking = entity(understandRequest('bookings with plate number and time range'), 'Booking');
    assert.deepEqual(
      booking.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['plate_number', 'String', true],
        ['starts_at', 'DateTime', true],
        ['ends_at', 'DateTime', false],
      ],
    );
  });

  test('enum values in parentheses, after a colon and as a bare slash list', () => {
    const d = understandRequest('spots (number, level, type: compact/regular/ev); records (date, present/absent/late)');
    assert.deepEqual(field(entity(d, 'Spot'), 'type').enum_values, ['compact', 'regular', 'ev']);
    assert.deepEqual(field(entity(d, 'Record'), 'status').enum_values, ['present', 'absent', 'late']);
  });

  test('"optional" and "required" are read per field', () => {
    const contact = entity(understandRequest('contacts have a name, an optional phone and a required email'), 'Contact');
    assert.equal(field(contact, 'name').required, true);
    assert.deepEqual([field(contact, 'phone').type, field(contact, 'phone').required], ['Phone', false]);
    assert.equal(field(contact, 'email').required, true);
  });

  test('negations leave fields out, also of the usual defaults', () => {
    const { domain, assumptions } = analyzeRequest('a todo app without due dates');
    assert.deepEqual(
      entity(domain, 'Todo').fields.map((f) => f.name),
      ['title', 'completed'],
    );
    assert.ok(assumptions.some((a) => /leaves out due_date/.test(a)));
    assert.deepEqual(
      entity(understandRequest('tasks with a title and no description'), 'Task').fields.map((f) => f.name),
      ['title'],
    );
  });

  test('plural values stay one field: "ingredients" is long text, "scores" a number', () => {
    const d = understandRequest('matches with scores; recipes with a title and ingredients');
    assert.equal(field(entity(d, 'Match'), 'score').type, 'Integer');
    assert.equal(field(entity(d, 'Recipe'), 'ingredients').type, 'Text');
  });
});

describe('phrase reader: relations, join records and access', () => {
  test('"students enroll in courses" is an Enrollment joining both', () => {
    const d = understandRequest('courses with a title; students enroll in courses');
    assert.deepEqual(links(entity(d, 'Enrollment')), ['Course', 'Student']);
  });

  test('an intransitive "students enroll" joins the app\'s main record', () => {
    const d = understandRequest('A course platform: instructors create courses with lessons; students enroll and mark lessons complete');
    assert.deepEqual(links(entity(d, 'Enrollment')), ['Course', 'Student']);
    assert.deepEqual(links(entity(d, 'Lesson')), ['Course']);
  });

  test('"members lend tools to each other" is a Loan of a Tool by a Member, with sign-in', () => {
    const d = understandRequest('Build a tool library for a neighbourhood where members lend tools to each other');
    assert.deepEqual(links(entity(d, 'Loan')), ['Member', 'Tool']);
    assert.equal(d.auth.enabled, true);
  });

  test('join records without stated links belong to the records named around them', () => {
    const d = understandRequest(
      'Create a car rental system with cars (make, model, daily rate), customers and rentals (pickup date, return date, total price)',
    );
    assert.deepEqual(links(entity(d, 'Rental')), ['Car', 'Customer']);
    assert.deepEqual(links(entity(d, 'Customer')), []);
    assert.deepEqual(links(entity(understandRequest('parking spots (number, level) and bookings with plate number'), 'Booking')), ['Spot']);
  });

  test('compound nouns link to the record they are part of: invoice lines belong to invoices', () => {
    const d = understandRequest('customers, invoices (number, issue date) and invoice lines (description, quantity, unit price)');
    assert.deepEqual(links(entity(d, 'InvoiceLine')), ['Invoice']);
  });

  test('"anyone can read, only logged in users can write" opens reading and guards writing', () => {
    const { domain, assumptions } = analyzeRequest('a blog where anyone can read posts, only logged in users can write');
    assert.equal(domain.auth.enabled, true);
    assert.deepEqual(entity(domain, 'Post').access, { read: 'public', write: 'authenticated' });
    assert.ok(assumptions.some((a) => /Anyone can read posts/.test(a)));
  });

  test('sign-in without being asked: private and money records, roles, personal planners', () => {
    for (const prompt of [
      'Build a simple invoicing tool: customers and invoices',
      'Create an FAQ page where admins manage questions',
      'A travel itinerary planner with trips and stops',
    ]) {
      const { domain, assumptions } = analyzeRequest(prompt);
      assert.equal(domain.auth.enabled, true, prompt);
      assert.ok(
        assumptions.some((a) => /does not mention accounts, but/.test(a)),
        prompt,
      );
    }
    for (const prompt of ['A pet clinic: owners, pets and visits', 'Make a podcast catalog with shows and episodes', 'build a todo app']) {
      assert.equal(understandRequest(prompt).auth.enabled, false, prompt);
    }
  });

  test('a German request: common nouns are translated and the language is recorded', () => {
    const { domain, assumptions, openQuestions } = analyzeRequest(
      'Erstelle eine App zur Verwaltung von Mietwohnungen mit Mietern und Mietzahlungen',
    );
    assert.equal(domain.language, 'de');
    assert.deepEqual(names(domain), ['Apartment', 'Tenant', 'Payment']);
    assert.deepEqual(links(entity(domain, 'Payment')), ['Tenant']);
    assert.ok(assumptions.some((a) => /German \(de\)/.test(a)));
    assert.ok(openQuestions.some((q) => /German/.test(q)));
  });

  test('vague requests get a small app and say what was assumed', () => {
    const { domain, assumptions, openQuestions } = analyzeRequest('build an app');
    assert.deepEqual(names(domain), ['Item']);
    assert.ok(assumptions.some((a) => /names nothing to store/.test(a)));
    assert.ok(openQuestions.length > 0);
  });
});

describe('phrase reader: any ordinary request gives a valid, stable domain', () => {
  const prompts = [
    'build an expense tracker with categories',
    'a habit tracker where I log habits daily',
    'A library system: books (title, isbn, published year), authors and loans; members borrow books',
    'Build a CRM with companies, contacts (name, email, phone) and deals (amount, stage: lead/qualified/won/lost)',
    'a blog with posts and comments; users can like posts',
    'a restaurant reservation system where guests reserve tables',
    'make a movie watchlist with movies (title, year, genre) and ratings from 1 to 10',
    'shops with orders and ids from 1 to 3',
    'Simple note taking app',
    'an app',
    'tasks tasks tasks',
    'with with with',
    '(((',
    'users',
    'a, b, c and d',
  ];
  for (const prompt of prompts) {
    test(`"${prompt}"`, () => {
      const first = understandRequest(prompt);
      assert.ok(first.entities.length >= 1 && first.entities.length <= 12);
      for (const e of first.entities) {
        assert.match(e.name, /^[A-Z][A-Za-z0-9]*$/);
        assert.ok(e.fields.length >= 1, e.name);
        assert.equal(new Set(e.fields.map((f) => f.name)).size, e.fields.length, `${e.name} has duplicate fields`);
        for (const r of e.relations)
          assert.ok(
            first.entities.some((o) => o.name === r.target),
            `${e.name} links to missing ${r.target}`,
          );
      }
      assert.equal(JSON.stringify(understandRequest(prompt)), JSON.stringify(first));
    });
  }
});
