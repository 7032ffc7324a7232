/**
 * The `catalyst` command as a new user runs it: exit codes, exactly one JSON object on stdout with
 * --json, a detached preview that outlives the build and is managed by `preview list|stop`, the event
 * list, and clear refusals of bad input (exit 2) that leave the stores untouched.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BuildResult } from '../../src/contracts/messages.ts';
import { PIPELINE_EVENT_ORDER } from '../../src/contracts/events.ts';
import { runCatalyst } from './helpers.ts';

const cwd = mkdtempSync(join(tmpdir(), 'catalyst-cli-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

function catalyst(args: string[], opts: { timeoutMs?: number } = {}): ReturnType<typeof runCatalyst> {
  return runCatalyst(cwd, args, opts.timeoutMs);
}

describe('catalyst CLI', () => {
  test('build --json returns with the preview supervised, then preview list, events and preview stop by short id', async () => {
    const build = await catalyst(['build', 'build a todo app with user auth', '--json'], { timeoutMs: 240_000 });
    assert.equal(build.code, 0, build.stderr);
    const result = BuildResult.parse(JSON.parse(build.stdout));
    assert.equal(result.status, 'completed');
    assert.equal(result.error, null);
    assert.equal(result.via, 'embedded');
    assert.equal(result.preview_supervised, true);
    assert.ok(result.repo_path.startsWith(join(cwd, '.catalyst/repos/')));
    assert.ok(result.worktree_path && result.branch, 'the output names the worktree and the branch holding the app');
    assert.ok(result.main_commit, 'the approved app was merged into main');
    assert.match(build.stderr, /planner done in/, 'progress went to stderr, a line per phase');
    assert.deepEqual(
      result.phases.map((p) => [p.agent, p.status]),
      [
        ['planner', 'done'],
        ['architect', 'done'],
        ['coder', 'done'],
        ['tester', 'done'],
        ['reviewer', 'done'],
        ['deployer', 'done'],
      ],
    );
    assert.ok(result.preview_url);

    // The build process has exited; the preview lives on under its supervisor.
    assert.equal((await fetch(`${result.preview_url}/health`)).status, 200);
    const list = await catalyst(['preview', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const { previews } = JSON.parse(list.stdout) as { previews: Array<{ task_id: string; status: string; url: string }> };
    assert.deepEqual(
      previews.map((p) => [p.task_id, p.status, p.url]),
      [[result.task_id, 'healthy', result.preview_url]],
    );

    const events = await catalyst(['events', result.task_id.slice(0, 8), '--json']);
    assert.equal(events.code, 0, events.stderr);
    const trail = JSON.parse(events.stdout) as { trace_id: string; events: Array<{ event_type: string; trace_id: string }> };
    assert.deepEqual(
      trail.events.map((e) => e.event_type),
      PIPELINE_EVENT_ORDER,
    );
    assert.ok(trail.events.every((e) => e.trace_id === result.trace_id));
    const table = await catalyst(['events', result.task_id]);
    assert.match(table.stdout, /review\.decision\s+decision=approved/);

    const stop = await catalyst(['preview', 'stop', result.task_id.slice(0, 8)]);
    assert.equal(stop.code, 0, stop.stderr);
    await assert.rejects(fetch(`${result.preview_url}/health`, { signal: AbortSignal.timeout(2000) }));
    const after = JSON.parse((await catalyst(['preview', 'list', '--all', '--json'])).stdout) as { previews: Array<{ status: string }> };
    assert.deepEqual(
      after.previews.map((p) => p.status),
      ['stopped'],
    );
  });

  test('bad input exits 2 with a message that says what to change', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['build', ''], /prompt is empty or blank/],
      [['build', '   \n\t  '], /prompt is empty or blank/],
      [['build', 'build a todo app '.repeat(20000).slice(0, 100_000)], /over 4000 characters \(limits\.max_prompt_chars\)/],
      [['build', 'x', '--turbo'], /unknown option '--turbo'/],
      [['build', 'x', '--mode', 'fast'], /Allowed choices are sequential, event_driven/],
      [['build', 'build something similar', '--from-scan', 'latest'], /explorer_scan_id \(--from-scan\) must be a scan id/],
      [['events', 'not-a-task'], /is not a task id/],
      [['preview', 'stop', '../../etc'], /is not a task id/],
    ];
    for (const [args, message] of cases) {
      const run = await catalyst(args);
      assert.equal(run.code, 2, `${args.join(' ').slice(0, 40)} → ${run.code}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const json = await catalyst(['build', '', '--json']);
    assert.deepEqual(JSON.parse(json.stdout).error.code, 'invalid_prompt', 'with --json the error is the one JSON object on stdout');
    const usage = await catalyst(['build', 'x', '--bogus', '--json']);
    assert.equal(usage.code, 2);
    assert.deepEqual(JSON.parse(usage.stdout), {
      error: { code: 'invalid_option', message: "unknown option '--bogus'", hint: 'run `catalyst --help` for usage', phase: 'usage' },
    });
  });

  test('--version prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await catalyst([flag]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${version}\n`);
    }
  });

  test('a broken config names the file, the key and the problem', async () => {
    const file = join(cwd, 'broken.yaml');
    writeFileSync(file, 'agents:\n  tester:\n    min_coverage: lots\n');
    const run = await catalyst(['--config', file, 'build', 'build a todo app']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`${file}: agents\\.tester\\.min_coverage: `));
    assert.match(readFileSync(file, 'utf8'), /lots/, 'the file is left as it was');
  });

  test('unknown task ids are reported, not crashed on', async () => {
    const run = await catalyst(['events', '00000000-0000-4000-8000-000000000000']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no task 00000000-0000-4000-8000-000000000000/);
    const scan = await catalyst(['build', 'build something similar', '--from-scan', '00000000-0000-4000-8000-000000000000']);
    assert.equal(scan.code, 1, scan.stderr);
    assert.match(scan.stderr, /no explorer scan 00000000-0000-4000-8000-000000000000\nhint: GET \/api\/explorer\/scans/);
  });
});
