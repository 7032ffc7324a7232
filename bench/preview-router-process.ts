/**
 * The Host router in its own process for `bench/preview.ts`, as it runs in production (inside
 * `catalyst serve`, not inside the load generator): routes `todo-<task>.localhost` to the port given as
 * the first argument, prints `{"port":…,"host":…}` on one line when ready, and stops on SIGTERM.
 */
import { openStateStore } from '../src/adapters/state/index.ts';
import { previewHostLabel, startPreviewRouter } from '../src/preview/preview-router.ts';
import { seedPreview, seedTask } from '../test/support/preview-seed.ts';

const upstreamPort = Number(process.argv[2]);
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0) throw new Error('usage: preview-router-process.ts <preview port>');
const state = await openStateStore({ kind: 'pglite', memory: true });
const task = await seedTask(state, 'todo');
await seedPreview(state, task.id, { port: upstreamPort });
const router = await startPreviewRouter({ state, port: 0 });
process.stdout.write(`${JSON.stringify({ port: router.port, host: `${previewHostLabel('todo', task.id)}.localhost:${router.port}` })}\n`);
process.once('SIGTERM', () => {
  void router
    .close()
    .then(() => state.close())
    .then(() => process.exit(0));
});
