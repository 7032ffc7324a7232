/**
 * bench:coder's arithmetic (bench/coder-timeline.ts) on a hand-made timeline: which gaps count as a tool
 * step's overhead, how a check inside a gap is taken out, and where a round begins and ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, median } from '../bench/coder-timeline.ts';

test('median: the middle value, the mean of the two middle ones, null for none', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
});

test('a build of two rounds: gaps within a round are tool steps, the loop between rounds is a round cost', () => {
  const steps = [{ start: 0, end: 1000 }];
  const requests = [
    // Round 1: three answers; the second runs a check (100..300) in its gap; the third is finish.
    { at: 50, handledMs: 10, opensRound: true, toolCalls: 2 },
    { at: 100, handledMs: 10, opensRound: false, toolCalls: 1 },
    { at: 330, handledMs: 10, opensRound: false, toolCalls: 1 },
    // Round 2 opens after the loop's own check (400..600).
    { at: 700, handledMs: 20, opensRound: true, toolCalls: 1 },
  ];
  const checks = [
    { start: 150, end: 310, durationMs: 150 },
    { start: 400, end: 600, durationMs: 200 },
  ];
  const t = analyse(steps, requests, checks);
  assert.deepEqual(t.setupMs, [50]);
  // 60→100 is 40; 110→330 is 220 less the 150 ms check. The finish answer's gap crosses into round 2: not a step.
  assert.deepEqual(t.stepOverheadMs, [40, 70]);
  assert.deepEqual(t.callOverheadMs, [20, 20, 70]);
  // Round 1: 50→700 less 30 ms of model and 350 ms of checks; round 2: 700→1000 less 20 ms of model.
  assert.deepEqual(t.roundOverheadMs, [270, 280]);
  assert.equal(t.rounds, 2);
  assert.equal(t.wallMs, 1000);
  assert.equal(t.checkMs, 350);
  assert.equal(t.modelMs, 50);
  assert.equal(t.toolCalls, 5);
});

test('two coder steps (a build, then the review round) are timed apart: the time between them is nobody’s', () => {
  const steps = [
    { start: 0, end: 100 },
    { start: 500, end: 600 },
  ];
  const requests = [
    { at: 10, handledMs: 5, opensRound: true, toolCalls: 1 },
    { at: 520, handledMs: 5, opensRound: true, toolCalls: 1 },
  ];
  const t = analyse(steps, requests, []);
  assert.deepEqual(t.setupMs, [10, 20]);
  assert.deepEqual(t.stepOverheadMs, []);
  assert.deepEqual(t.roundOverheadMs, [85, 75]);
  assert.equal(t.wallMs, 200);
});
