import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createResources } from './resources.ts';

test('closes everything, last opened first, once, even when a part fails; then throws the first failure', async () => {
  const closed: string[] = [];
  const resources = createResources();
  const part = (name: string, fails = false) => ({
    async close() {
      closed.push(name);
      if (fails) throw new Error(`${name} would not close`);
    },
  });
  const state = resources.add(part('state'));
  resources.add(part('bus', true));
  resources.add(part('engine'));
  resources.add(part('explorer', true));
  assert.equal(typeof state.close, 'function', 'add hands the resource back');
  await assert.rejects(resources.closeAll(), /explorer would not close/);
  assert.deepEqual(closed, ['explorer', 'engine', 'bus', 'state']);
  await assert.rejects(resources.closeAll(), /explorer would not close/);
  assert.deepEqual(closed, ['explorer', 'engine', 'bus', 'state'], 'a second close closes nothing again');
});
