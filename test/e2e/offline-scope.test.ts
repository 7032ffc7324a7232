/**
 * Honest offline scope through the `catalyst` command (issue 14), as a user without a model meets it:
 * a game fails before any code with needs_model, exit 2 and a hint on configuring a model; a URL
 * shortener builds its links and the output says the redirect was not built, and why.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { Plan, ReviewDecision } from '../../src/contracts/artifacts.ts';
import { BuildResult } from '../../src/contracts/messages.ts';
import { runCatalyst } from './helpers.ts';

const cwd = mkdtempSync(join(tmpdir(), 'catalyst-offline-scope-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

describe('catalyst build without a language model', () => {
  test('a snake game fails in planning with needs_model and exit 2, saying what needs a model and how to configure one', async () => {
    const json = await runCatalyst(cwd, ['build', 'build a snake game', '--json'], 120_000);
    assert.equal(json.code, 2, json.stderr);
    const result = BuildResult.parse(JSON.parse(json.stdout));
    assert.equal(result.status, 'failed');
    assert.equal(result.phase, 'planning');
    assert.equal(result.error?.code, 'needs_model');
    assert.match(result.error.message, /^a snake game is a game: its moves and rules are code a language model writes\./);
    assert.match(result.error.hint ?? '', /CATALYST_LLM_PROVIDER \(openai, anthropic or openai-compatible\) and CATALYST_LLM_MODEL/);
    assert.deepEqual(
      result.phases.filter((p) => p.status !== 'skipped').map((p) => p.agent),
      ['planner'],
      'nothing after planning ran',
    );
    assert.equal(result.phases.find((p) => p.agent === 'planner')?.status, 'failed', 'the planning phase is shown failed, not done');
    assert.equal(existsSync(result.repo_path), false, 'no repository was made');

    const human = await runCatalyst(cwd, ['build', 'a pomodoro timer', '--progress', 'none'], 120_000);
    assert.equal(human.code, 2, human.stderr);
    assert.match(human.stdout, /✖ Build failed in phase planning: a pomodoro timer is an interactive tool: its counting and alerts/);
    assert.match(human.stdout, /hint {6}configure a language model and build again: set CATALYST_LLM_PROVIDER/);
    assert.doesNotMatch(human.stdout, /^ {2}(repo|artifacts) /m, 'no folder is named that the failed build never made');
    assert.doesNotMatch(human.stderr, /✔ planner done/, 'planning is not reported done');
  });

  test('a URL shortener builds its links; the output, the plan and the review say the redirect was not built', async () => {
    const build = await runCatalyst(cwd, ['build', 'build a URL shortener', '--json'], 300_000);
    assert.equal(build.code, 0, build.stderr);
    const result = BuildResult.parse(JSON.parse(build.stdout));
    try {
      assert.equal(result.status, 'completed');
      assert.equal(result.project_name, 'URL Shortener');
      assert.deepEqual(result.not_built, [
        'redirect a short link to its long URL: needs a language model: sending a visitor from a short link on to its long URL is code a language model writes',
      ]);
      const plan = Plan.parse(parseYaml(readFileSync(join(result.artifacts_dir, 'planning/plan.yaml'), 'utf8')));
      assert.deepEqual(
        plan.domain.entities.map((e) => e.name),
        ['Link'],
      );
      assert.equal(plan.scope?.kind, 'mixed');
      const review = ReviewDecision.parse(JSON.parse(readFileSync(join(result.artifacts_dir, 'review/review-decision.json'), 'utf8')));
      assert.equal(review.decision, 'approved', 'the records part is approved…');
      assert.ok(
        review.issues.some((i) => !i.blocking && i.message.startsWith('not built: redirect a short link to its long URL')),
        '…and the review lists what it lacks',
      );
      assert.ok(review.recommendations.some((r) => r.includes('redirect a short link to its long URL')));
    } finally {
      await runCatalyst(cwd, ['preview', 'stop', result.task_id]);
    }
  });
});
