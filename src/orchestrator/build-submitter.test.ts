/**
 * The build use case over a real runtime whose engine runs no agents (so submitting only records the
 * task): the request is understood once, the project is named from that understanding, and the very
 * same understanding is what task.initiated hands the planner.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tempWorkspace } from '../../test/e2e/helpers.ts';
import { understandBuild } from '../agents/planner/understand-build.ts';
import { parseEvent, type AgentEventOf, type BuildUnderstanding } from '../contracts/events.ts';
import { systemClock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { createBuildSubmitter, type SubmitBuild } from './build-submitter.ts';

describe('build submitter', () => {
  const ws = tempWorkspace('build-submitter');
  let runtime: Runtime;
  let submit: SubmitBuild;
  const understood: Array<{ prompt: string; result: BuildUnderstanding }> = [];

  before(async () => {
    runtime = await createRuntime(ws.config, { mode: 'sequential', detachedPreviews: false, agents: [] });
    const { state, git } = runtime.ports;
    submit = createBuildSubmitter({
      state,
      git,
      engine: runtime.engine,
      clock: systemClock,
      logger: runtime.logger,
      mode: 'sequential',
      maxPromptChars: ws.config.limits.max_prompt_chars,
      async understand(prompt, scanId) {
        const result = await understandBuild(prompt, scanId, state);
        understood.push({ prompt, result });
        return result;
      },
    });
  });
  after(async () => {
    await runtime?.close();
    ws.cleanup();
  });

  async function initiatedOf(taskId: string): Promise<AgentEventOf<'task.initiated'>> {
    const [first] = await runtime.ports.state.listEvents(taskId);
    return parseEvent(first!.envelope) as AgentEventOf<'task.initiated'>;
  }

  test('understands the request once, names the project from it and hands that understanding to the planner', async () => {
    const task = await submit({ prompt: 'build a recipe box where cooks save recipes with ingredients' });
    assert.equal(understood.length, 1, 'one reading of the request per build');
    const [{ result }] = understood as [{ prompt: string; result: BuildUnderstanding }];
    const project = (await runtime.ports.state.getProject(task.project_id))!;
    assert.equal(project.name, result.domain.app_name);
    assert.equal(project.slug, result.domain.slug);
    assert.equal(project.description, result.domain.summary);
    const initiated = await initiatedOf(task.id);
    assert.deepEqual(initiated.payload.understanding, result);
    assert.equal(initiated.payload.project_name, result.domain.app_name);
    assert.equal(initiated.payload.requirements, 'build a recipe box where cooks save recipes with ingredients');
  });

  test('a project name given with the request wins over the understood one; the understanding still travels', async () => {
    const task = await submit({ prompt: 'build a todo app', project_name: 'My Errands' });
    const initiated = await initiatedOf(task.id);
    assert.equal(initiated.payload.project_name, 'My Errands');
    assert.equal(initiated.payload.project_slug, 'my-errands');
    assert.equal(initiated.payload.understanding?.domain.app_name, understood.at(-1)?.result.domain.app_name);
  });

  test('two requests whose derived names coincide become two projects with two repositories', async () => {
    const first = await submit({ prompt: 'build a todo app' });
    const second = await submit({ prompt: 'build a todo app with due dates' });
    const [a, b] = await Promise.all([first, second].map(async (t) => (await runtime.ports.state.getProject(t.project_id))!));
    assert.equal(understood.at(-1)?.result.domain.app_name, understood.at(-2)?.result.domain.app_name, 'the names coincide');
    assert.notEqual(a!.id, b!.id);
    assert.equal(b!.slug, `${a!.slug}-2`);
    assert.equal(b!.name, `${a!.name} (2)`);
    assert.notEqual(a!.repo_path, b!.repo_path);
    assert.equal(b!.repo_path, runtime.ports.git.repoPath(b!.slug));
    const initiated = await initiatedOf(second.id);
    assert.equal(initiated.payload.project_slug, b!.slug);
    assert.equal(initiated.payload.project_name, b!.name);
  });

  test('requests submitted at once with the same name each get their own project', async () => {
    const tasks = await Promise.all(Array.from({ length: 3 }, () => submit({ prompt: 'build a notes app', project_name: 'Same Name' })));
    const projects = await Promise.all(tasks.map(async (t) => (await runtime.ports.state.getProject(t.project_id))!));
    assert.deepEqual(projects.map((p) => p.slug).sort(), ['same-name', 'same-name-2', 'same-name-3']);
    assert.deepEqual(projects.map((p) => p.name).sort(), ['Same Name', 'Same Name (2)', 'Same Name (3)']);
  });

  test('an invalid request is refused before anything is understood or recorded', async () => {
    const before = understood.length;
    const tasks = (await runtime.ports.state.listTasks({})).length;
    await assert.rejects(submit({ prompt: '   ' }), (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_prompt');
    await assert.rejects(
      submit({ prompt: 'build a shop', explorer_scan_id: 'latest' }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_option',
    );
    assert.equal(understood.length, before);
    assert.equal((await runtime.ports.state.listTasks({})).length, tasks);
  });
});
