import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Domain, RESERVED_IDENTIFIERS, type DomainEntity } from '../../contracts/index.ts';
import { analyzeRequest, pluralize, singularize, understandRequest } from './index.ts';

const entity = (d: Domain, name: string): DomainEntity => {
  const found = d.entities.find((e) => e.name === name);
  assert.ok(found, `expected entity ${name}, got ${d.entities.map((e) => e.name).join(', ')}`);
  return found;
};
const field = (e: DomainEntity, name: string) => {
  const found = e.fields.find((f) => f.name === name);
  assert.ok(found, `expected field ${name} on ${e.name}, got ${e.fields.map((f) => f.name).join(', ')}`);
  return found;
};

describe('understandRequest: the todo case', () => {
  test('"build a todo app with user auth" gives an owned Todo with the usual fields', () => {
    const { domain, assumptions } = analyzeRequest('build a todo app with user auth');
    assert.equal(domain.app_name, 'Todo App');
    assert.equal(domain.slug, 'todo-app');
    assert.deepEqual(domain.auth, { enabled: true, ownership: true });
    const todo = entity(domain, 'Todo');
    assert.deepEqual(
      todo.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['title', 'String', true],
        ['completed', 'Boolean', true],
        ['due_date', 'Date', false],
      ],
    );
    assert.equal(field(todo, 'completed').default, false);
    assert.equal(todo.owned, true);
    assert.deepEqual(todo.access, { read: 'owner', write: 'owner' });
    assert.ok(
      assumptions.some((a) => /owned rows/.test(a)),
      'ownership by default is recorded as an assumption',
    );
  });

  test('"build a todo app" has no sign-in and public access', () => {
    const { domain, openQuestions } = analyzeRequest('build a todo app');
    assert.deepEqual(domain.auth, { enabled: false, ownership: false });
    assert.deepEqual(entity(domain, 'Todo').access, { read: 'public', write: 'public' });
    assert.ok(openQuestions.some((q) => /sign in/.test(q)));
  });

  test('hello world and counter requests get a small sensible entity and say so', () => {
    const hello = analyzeRequest('build a hello world app');
    assert.equal(hello.domain.app_name, 'Hello World App');
    assert.equal(hello.domain.slug, 'hello-world-app');
    assert.deepEqual(
      hello.domain.entities.map((e) => e.name),
      ['Message'],
    );
    assert.ok(hello.assumptions.some((a) => /hello-world/.test(a)));
    const counter = analyzeRequest('simple counter');
    assert.deepEqual(
      counter.domain.entities.map((e) => e.name),
      ['Counter'],
    );
    assert.equal(field(entity(counter.domain, 'Counter'), 'value').type, 'Integer');
    assert.ok(counter.assumptions.some((a) => /counter/i.test(a)));
  });
});

describe('understandRequest: explicit fields', () => {
  test('title, due date, priority enum and a done flag', () => {
    const task = entity(understandRequest('tasks have a title, due date, priority (low, medium, high) and a done flag'), 'Task');
    assert.deepEqual(
      task.fields.map((f) => f.name),
      ['title', 'due_date', 'priority', 'done'],
    );
    assert.equal(field(task, 'title').required, true);
    assert.equal(field(task, 'due_date').type, 'Date');
    assert.deepEqual([field(task, 'priority').type, field(task, 'priority').enum_values], ['Enum', ['low', 'medium', 'high']]);
    assert.equal(field(task, 'done').type, 'Boolean');
  });

  test('ranges, optional markers and type hints', () => {
    const d = understandRequest(
      'products have a name, a rating from 1 to 5, score 0-10, an optional note, price, email, support url, product link, phone, release date, start time',
    );
    const p = entity(d, 'Product');
    assert.deepEqual([field(p, 'rating').type, field(p, 'rating').min, field(p, 'rating').max], ['Integer', 1, 5]);
    assert.deepEqual([field(p, 'score').min, field(p, 'score').max], [0, 10]);
    assert.equal(field(p, 'note').required, false);
    assert.equal(field(p, 'price').type, 'Decimal');
    assert.equal(field(p, 'email').type, 'Email');
    assert.equal(field(p, 'support_url').type, 'URL');
    assert.equal(field(p, 'product_link').type, 'URL');
    assert.equal(field(p, 'phone').type, 'Phone');
    assert.equal(field(p, 'release_date').type, 'Date');
    assert.equal(field(p, 'start_time').type, 'DateTime');
  });

  test('"between 1 and 5" is a range, not two fields', () => {
    const review = entity(understandRequest('reviews have a rating between 1 and 5 and a comment'), 'Review');
    assert.deepEqual(
      review.fields.map((f) => f.name),
      ['rating', 'comment'],
    );
    assert.deepEqual([field(review, 'rating').min, field(review, 'rating').max], [1, 5]);
  });
});

describe('understandRequest: several entities and links', () => {
  test('books, members and reviews with links from Review', () => {
    const d = understandRequest('books with title, author and pages; members review books with a rating 1-5 and a comment');
    assert.deepEqual(
      d.entities.map((e) => e.name),
      ['Book', 'Member', 'Review'],
    );
    assert.deepEqual(
      entity(d, 'Book').fields.map((f) => f.name),
      ['title', 'author', 'pages'],
    );
    const review = entity(d, 'Review');
    assert.deepEqual(
      review.fields.map((f) => f.name),
      ['rating', 'comment'],
    );
    assert.deepEqual([field(review, 'rating').min, field(review, 'rating').max], [1, 5]);
    const book = review.relations.find((r) => r.target === 'Book');
    assert.deepEqual(book, { kind: 'belongs_to', target: 'Book', field: 'book_id', required: true, on_delete: 'cascade' });
    assert.ok(review.relations.some((r) => r.target === 'Member'));
  });

  test('"reviews of books" links Review to Book; parents come first', () => {
    const d = understandRequest('an app for reviews of books');
    assert.deepEqual(
      d.entities.map((e) => e.name),
      ['Book', 'Review'],
    );
    assert.equal(entity(d, 'Review').relations[0]?.target, 'Book');
  });

  test('a field named after another entity becomes an optional link', () => {
    const d = understandRequest('projects have a name; tasks have a title and a project');
    const task = entity(d, 'Task');
    assert.ok(!task.fields.some((f) => f.name === 'project'));
    assert.deepEqual(
      task.relations.map((r) => [r.field, r.required, r.on_delete]),
      [['project_id', false, 'set null']],
    );
  });

  test('plurals and compound nouns become singular PascalCase names', () => {
    const d = understandRequest('manage categories, people and boxes');
    assert.deepEqual(
      d.entities.map((e) => e.name),
      ['Category', 'Person', 'Box'],
    );
    assert.deepEqual(
      d.entities.map((e) => e.plural),
      ['categories', 'people', 'boxes'],
    );
    const lines = understandRequest('invoice lines have a description, a quantity and a unit price');
    assert.deepEqual(
      lines.entities.map((e) => e.name),
      ['InvoiceLine'],
    );
    assert.equal(lines.entities[0]?.plural, 'invoice_lines');
    assert.equal(lines.entities[0]?.label_plural, 'Invoice Lines');
  });

  test('singularize and pluralize handle irregular and -es nouns', () => {
    assert.deepEqual(['categories', 'people', 'boxes', 'statuses', 'tasks'].map(singularize), [
      'category',
      'person',
      'box',
      'status',
      'task',
    ]);
    assert.deepEqual(['category', 'person', 'box', 'status'].map(pluralize), ['categories', 'people', 'boxes', 'statuses']);
  });
});

describe('understandRequest: sign-in and ownership', () => {
  test('"Users log in and see only their own tasks" turns on auth and ownership', () => {
    const d = understandRequest('Users log in and see only their own tasks');
    assert.deepEqual(d.auth, { enabled: true, ownership: true });
    assert.equal(entity(d, 'Task').owned, true);
  });

  for (const phrase of [
    'a notes app with login',
    'notes app where people sign in',
    'notes app with accounts',
    'a notes app with authentication',
    'notes app for users',
  ]) {
    test(`"${phrase}" turns on sign-in`, () => assert.equal(understandRequest(phrase).auth.enabled, true));
  }

  test('"no login needed" declines sign-in even though it says login', () => {
    const { domain, assumptions } = analyzeRequest('a notes app, no login needed');
    assert.deepEqual(domain.auth, { enabled: false, ownership: false });
    assert.ok(assumptions.some((a) => /declined/.test(a)));
  });

  test('shared team apps with sign-in keep rows shared', () => {
    const d = understandRequest('a shared task board for my team with login');
    assert.deepEqual(d.auth, { enabled: true, ownership: false });
    assert.deepEqual(entity(d, 'Task').access, { read: 'authenticated', write: 'authenticated' });
  });
});

describe('understandRequest: names, safety and language', () => {
  test('"called X" sets the app name; the slug stays [a-z0-9-]', () => {
    const d = understandRequest("a recipe app called Grandma's Kitchen");
    assert.equal(d.app_name, "Grandma's Kitchen");
    assert.equal(d.slug, 'grandmas-kitchen');
  });

  test('reserved names are renamed or dropped and the change is recorded', () => {
    const { domain, assumptions } = analyzeRequest('orders have an id, a constructor, an order and a total');
    const names = domain.entities.flatMap((e) => [e.plural, ...e.fields.map((f) => f.name)]);
    for (const n of names) assert.ok(!RESERVED_IDENTIFIERS.has(n), `${n} is reserved`);
    // "Order" is only reserved in lower case; as a model name it is what the person asked for.
    assert.deepEqual(
      domain.entities.map((e) => e.name),
      ['Order'],
    );
    assert.deepEqual(
      domain.entities[0]?.fields.map((f) => f.name),
      ['builder', 'position', 'total'],
    );
    assert.ok(assumptions.some((a) => /"id" is managed/.test(a)));
    const object = analyzeRequest('objects have a name');
    assert.deepEqual(
      object.domain.entities.map((e) => e.name),
      ['Item'],
    );
    assert.ok(object.assumptions.some((a) => /"Object" is a reserved word/.test(a)));
  });

  test('orders, classes, groups and tables keep their names', () => {
    const names = (p: string) =>
      understandRequest(p)
        .entities.map((e) => e.name)
        .sort();
    assert.deepEqual(names('a gym where members book classes'), ['Booking', 'Class', 'Member']);
    assert.deepEqual(names('a shop with products and orders'), ['Order', 'Product']);
    assert.deepEqual(names('a restaurant where guests reserve tables'), ['Guest', 'Reservation', 'Table']);
  });

  test('"book appointments with doctors": the appointment is the booking and links both people', () => {
    const d = understandRequest('a clinic where patients book appointments with doctors');
    assert.deepEqual(d.entities.map((e) => e.name).sort(), ['Appointment', 'Doctor', 'Patient']);
    const appointment = d.entities.find((e) => e.name === 'Appointment')!;
    assert.deepEqual(appointment.relations.map((r) => r.target).sort(), ['Doctor', 'Patient']);
  });

  test('the thing an app is a library, catalog or tracker of is its main record', () => {
    const names = (p: string) =>
      understandRequest(p)
        .entities.map((e) => e.name)
        .sort();
    assert.deepEqual(names('a movie library with genres'), ['Genre', 'Movie']);
    assert.deepEqual(names('a podcast app with episodes'), ['Episode', 'Podcast']);
    assert.deepEqual(names('a plant tracker'), ['Plant']);
    // Not when the list names the records itself, nor for the setting an app is for.
    assert.deepEqual(names('A sports league tracker with teams, players and matches with scores'), ['Match', 'Player', 'Team']);
    assert.deepEqual(names('a gym app with members and classes'), ['Class', 'Member']);
    const wine = understandRequest('a wine catalog with ratings').entities[0]!;
    assert.deepEqual(
      wine.fields.map((f) => f.name),
      ['name', 'rating'],
      'a kind with no usual fields is still called by a name',
    );
  });

  test('"users post messages in rooms": post is the verb, not part of the name', () => {
    const d = understandRequest('a chat app where users post messages in rooms');
    assert.deepEqual(d.entities.map((e) => e.name).sort(), ['Message', 'Room']);
    assert.deepEqual(
      d.entities.find((e) => e.name === 'Message')!.relations.map((r) => r.target),
      ['Room'],
    );
  });

  test('"with categories" makes categories records the main record points at', () => {
    const d = understandRequest('an expense tracker with categories');
    const expense = d.entities.find((e) => e.name === 'Expense')!;
    assert.ok(d.entities.some((e) => e.name === 'Category'));
    assert.deepEqual(
      expense.relations.map((r) => [r.target, r.field, r.required, r.on_delete]),
      [['Category', 'category_id', false, 'set null']],
    );
    assert.ok(
      expense.fields.some((f) => f.name === 'amount'),
      'the expense keeps its usual fields',
    );
  });

  test('hostile text never reaches identifiers or the slug', () => {
    const prompt =
      'build a todo app called $(rm -rf ~) <script>alert(1)</script>; todos have a title, `whoami`, ../../etc/passwd and __proto__; ../../x have a name';
    const { domain, assumptions } = analyzeRequest(prompt);
    assert.match(domain.slug, /^[a-z0-9][a-z0-9-]*$/);
    const identifiers = domain.entities.flatMap((e) => [e.name, e.plural, ...e.fields.map((f) => f.name)]);
    for (const id of identifiers) assert.match(id, /^[A-Za-z][A-Za-z0-9_]*$/);
    assert.ok(!identifiers.some((id) => /proto|passwd|whoami|script|rm_rf/i.test(id)), identifiers.join(','));
    assert.deepEqual(
      entity(domain, 'Todo').fields.map((f) => f.name),
      ['title'],
    );
    assert.ok(assumptions.some((a) => /looks like code/.test(a)));
    assert.doesNotThrow(() => Domain.parse(domain));
  });

  test('a German request is detected and understood roughly', () => {
    const { domain, assumptions } = analyzeRequest('Erstelle eine App für Aufgaben mit Benutzeranmeldung');
    assert.equal(domain.language, 'de');
    assert.deepEqual(
      domain.entities.map((e) => e.name),
      ['Task'],
    );
    assert.equal(domain.auth.enabled, true);
    assert.ok(assumptions.some((a) => /German \(de\)/.test(a)));
  });

  test('a vague request records assumptions and open questions', () => {
    const { domain, assumptions, openQuestions } = analyzeRequest('make something cool');
    assert.equal(domain.entities.length, 1);
    assert.ok(assumptions.some((a) => /names nothing to store/.test(a)));
    assert.ok(openQuestions.some((q) => /keep track of/.test(q)));
  });

  test('the same prompt gives the same domain', () => {
    const p = 'books with title and pages; members review books with a rating 1-5';
    assert.equal(JSON.stringify(understandRequest(p)), JSON.stringify(understandRequest(p)));
  });
});
