import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLiveFeed } from '../orchestrator/live-feed.ts';
import { showProgress } from './progress-view.ts';

const TASK = '3f1c2a7e-0000-4000-8000-000000000001';
const ESC = String.fromCharCode(27);
// Colour codes only (SGR: ESC [ … m); ora's cursor movements are other escapes.
const COLOUR = new RegExp(`${ESC}\\[[\\d;]*m`);
const green = (s: string) => `${ESC}[32m${s}${ESC}[39m`;
const red = (s: string) => `${ESC}[31m${s}${ESC}[39m`;

/** Runs the planner through the view and returns everything it wrote. */
function run(opts: { tty: boolean; color: boolean }): string {
  const feed = createLiveFeed();
  let written = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    }),
    { isTTY: opts.tty },
  ) as unknown as NodeJS.WriteStream;
  const view = showProgress(feed, () => TASK, { ...opts, stream, write: (line) => (written += `${line}\n`) });
  feed.emit({ type: 'agent_status', task_id: TASK, agent_name: 'planner', status: 'running', duration_ms: null });
  feed.emit({ type: 'agent_status', task_id: TASK, agent_name: 'planner', status: 'done', duration_ms: 900 });
  feed.emit({ type: 'agent_status', task_id: TASK, agent_name: 'architect', status: 'running', duration_ms: null });
  feed.emit({ type: 'agent_status', task_id: TASK, agent_name: 'architect', status: 'failed', duration_ms: 400 });
  view.stop();
  return written;
}

test('on a terminal with colour the finished agents are marked in green and red', () => {
  const out = run({ tty: true, color: true });
  assert.ok(out.includes(`${green('✔')} planner done in 0.9s`), out);
  assert.ok(out.includes(`${red('✖')} architect failed in 0.4s`), out);
});

test('with colour off (NO_COLOR) a terminal gets the same lines without a colour code', () => {
  const out = run({ tty: true, color: false });
  assert.match(out, /✔ planner done in 0\.9s/);
  assert.match(out, /✖ architect failed in 0\.4s/);
  assert.doesNotMatch(out, COLOUR);
});

test('off a terminal the lines are plain unless FORCE_COLOR asks for colour', () => {
  const plain = run({ tty: false, color: false });
  assert.equal(plain, '… planner started\n✔ planner done in 0.9s\n… architect started\n✖ architect failed in 0.4s\n');
  assert.ok(run({ tty: false, color: true }).startsWith(`… planner started\n${green('✔')} planner done in 0.9s\n`));
});
