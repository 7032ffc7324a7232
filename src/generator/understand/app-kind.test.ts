/**
 * The rules' reading of what kind of app a request asks for (issue 14). Each class is shown with requests
 * written for this test, in several phrasings, and with the near misses that must stay records apps: the
 * same words as a modifier, in the plural, or naming a person.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AppScope } from '../../contracts/app-scope.ts';
import { classifyAppScope, needsModel, needsModelReason, withScopeRecords } from './app-kind.ts';
import { analyzeRequest } from './index.ts';

const scopeOf = (prompt: string) => AppScope.parse(classifyAppScope(prompt, analyzeRequest(prompt)));

const CORE_NOT_RECORDS: ReadonlyArray<readonly [string, AppScope['kind']]> = [
  // games
  ['make me a snake game', 'game'],
  ['I would like to play sudoku in the browser', 'game'],
  ['a sudoku app for my phone', 'game'],
  ['build tic-tac-toe for two players on one screen', 'game'],
  ['I want to play chess against the computer', 'game'],
  ['a game where you guess a number between 1 and 100', 'game'],
  ['Make a simple memory game with cards to flip', 'game'],
  // calculators, converters, timers, generators
  ['build a tip calculator', 'interactive_tool'],
  ['a mortgage calculator app', 'interactive_tool'],
  ['a currency converter', 'interactive_tool'],
  ['Create a countdown timer that beeps at zero', 'interactive_tool'],
  ['a stopwatch with lap times', 'interactive_tool'],
  ['password generator with a length slider', 'interactive_tool'],
  ['a dice roller for board game nights', 'interactive_tool'],
  ['a chatbot that answers questions about my shop', 'interactive_tool'],
  // editors and drawing
  ['a markdown editor with a live preview', 'interactive_tool'],
  ['a drawing app for kids', 'interactive_tool'],
  ['an online whiteboard', 'interactive_tool'],
  // real-time chat
  ['a chat app for my friends', 'real_time'],
  ['Build a real-time chat for our office', 'real_time'],
  ['a messaging app for the night shift', 'real_time'],
];

describe('classifyAppScope: requests whose core is not keeping records', () => {
  for (const [prompt, kind] of CORE_NOT_RECORDS) {
    test(`"${prompt}" → ${kind}`, () => {
      const scope = scopeOf(prompt);
      assert.equal(scope.kind, kind, JSON.stringify(scope));
      assert.equal(scope.decided_by, 'rules');
      assert.equal(needsModel(scope), true);
      assert.equal(scope.behaviours.length, 1, 'the one behaviour the app is');
      assert.equal(scope.behaviours[0]!.built, false);
      assert.match(scope.behaviours[0]!.reason ?? '', /^needs a language model: /);
    });
  }

  test('the reason names what the app is and what needs a model', () => {
    assert.equal(needsModelReason('make me a snake game'), 'a snake game is a game: its moves and rules are code a language model writes');
    assert.equal(
      needsModelReason('a pomodoro timer please'),
      'a pomodoro timer is an interactive tool: its counting and alerts are code a language model writes',
    );
    assert.equal(
      needsModelReason('build a calculator app'),
      'a calculator app is an interactive tool: its calculations are code a language model writes',
    );
    assert.equal(
      needsModelReason('a unit converter'),
      'a unit converter is an interactive tool: its conversions are code a language model writes',
    );
    assert.equal(needsModelReason('a game where you guess a number'), 'a game: its moves and rules are code a language model writes');
    assert.equal(
      needsModelReason('I would like to play sudoku in the browser'),
      'sudoku is a game: its moves and rules are code a language model writes',
    );
    assert.equal(needsModelReason('build a todo app'), null);
  });
});

const MIXED: ReadonlyArray<readonly [string, string]> = [
  ['a URL shortener', 'redirect a short link to its long URL'],
  ['a link shortener with click counts per link', 'redirect a short link to its long URL'],
  ['an app that keeps short codes and redirects visitors to the long address', 'redirect a short link to its long URL'],
  ['a poll with live results', 'live results'],
  ['a sports club app with teams and a live scoreboard', 'live scoreboard'],
  ['a recipe app with a cooking timer', 'the cooking timer'],
  ['a notes app with real-time sync between devices', 'live sync'],
  ['a book club app where members chat with each other about the book of the month', 'real-time chat'],
];

describe('classifyAppScope: records plus a behaviour beyond them', () => {
  for (const [prompt, behaviour] of MIXED) {
    test(`"${prompt}" is mixed: records built, "${behaviour}" not`, () => {
      const scope = scopeOf(prompt);
      assert.equal(scope.kind, 'mixed', JSON.stringify(scope));
      assert.equal(needsModel(scope), false, 'the records part can be built');
      assert.deepEqual(
        scope.behaviours.map((b) => [b.name, b.built]),
        [[behaviour, false]],
      );
    });
  }

  test('a URL shortener keeps links (long URL, unique short code) and is named after what it is', () => {
    const understood = withScopeRecords(analyzeRequest('build a URL shortener'), 'build a URL shortener');
    assert.equal(understood.domain.app_name, 'URL Shortener');
    assert.equal(understood.domain.slug, 'url-shortener');
    const [link] = understood.domain.entities;
    assert.equal(link?.name, 'Link');
    assert.deepEqual(
      link.fields.map((f) => [f.name, f.type, f.required, f.unique ?? false]),
      [
        ['url', 'URL', true, false],
        ['code', 'String', true, true],
        ['title', 'String', false, false],
      ],
    );
    assert.ok(!understood.assumptions.some((a) => /generic items/.test(a)), understood.assumptions.join(' | '));
  });

  test('a request the rules read as generic items is named after what it is', () => {
    assert.equal(withScopeRecords(analyzeRequest('make me a snake game'), 'make me a snake game').domain.app_name, 'Snake Game');
    assert.equal(withScopeRecords(analyzeRequest('a pomodoro timer'), 'a pomodoro timer').domain.slug, 'pomodoro-timer');
    const todo = analyzeRequest('build a todo app');
    assert.equal(withScopeRecords(todo, 'build a todo app'), todo);
  });

  test('a request that names its own records keeps them', () => {
    const prompt = 'a link shortener where links have a target url, a slug and a click count';
    const understood = analyzeRequest(prompt);
    assert.equal(withScopeRecords(understood, prompt), understood);
  });
});

describe('classifyAppScope: records apps stay records apps', () => {
  const RECORDS = [
    'my board game collection, how many players each game takes',
    'a game night planner: events, guests and the games we play',
    'a time tracker for my freelance projects',
    'a magazine app where the editor approves articles before they go out',
    'the calculators and converters our lab owns, with serial numbers',
    'a chess club app with members, tournaments and results',
    'a timetable for the school: lessons, teachers and rooms',
    'a drawings archive for an architect: projects and their drawings with a scale',
    'an app where voters pick a proposal and the final tally is shown after closing',
    'Un juego de la serpiente',
    'a booking app for our meeting rooms',
  ];
  for (const prompt of RECORDS) {
    test(`"${prompt}"`, () => assert.deepEqual(scopeOf(prompt), { kind: 'records_app', behaviours: [], decided_by: 'rules' }));
  }

  test('every benchmark request (public 30, tuning and check halves) is a records app', () => {
    const root = join(import.meta.dirname, '../../..');
    const files = ['bench/prompts.jsonl', 'bench/prompts/tuning.jsonl', 'bench/prompts/check.jsonl'];
    const prompts = files.flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { id: string; prompt: string }),
    );
    assert.ok(prompts.length >= 168);
    const moved = prompts.filter((p) => scopeOf(p.prompt).kind !== 'records_app').map((p) => p.id);
    assert.deepEqual(moved, []);
    const renamed = prompts.filter((p) => {
      const understood = analyzeRequest(p.prompt);
      return withScopeRecords(understood, p.prompt) !== understood;
    });
    assert.deepEqual(
      renamed.map((p) => p.id),
      [],
      'what submit hands the planner is the understanding itself',
    );
  });
});
