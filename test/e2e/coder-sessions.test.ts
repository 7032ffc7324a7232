/**
 * The model-driven coder end to end (issue 15): the scripted sessions of test/support/coder-sessions played
 * by an OpenAI-format stand-in over HTTP. The three apps are real builds on the embedded default (sequential,
 * PGlite, process previews) with a model for the coder only, plus the reviewer where the session has
 * review rounds; each must end approved with a healthy preview whose asked-for behaviour works in Chromium.
 * The hostile sessions go through the real coder agent on a harness, each ending contained, with nothing
 * written outside the worktree and no secret in any request to the model or any check's output.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { openAgentHarness, runChain, type AgentHarness } from '../support/agent-harness.ts';
import { launchChromium } from '../support/chromium.ts';
import {
  APP_SESSIONS,
  call,
  hostileSessions,
  playSession,
  type FixtureApp,
  type HostileSession,
  type SessionPlayer,
} from '../support/coder-sessions/index.ts';
import { startStandin, type ReceivedRequest, type Standin, type Step } from '../support/llm-standins/standin-server.ts';
import { standinModels } from '../support/mock-models.ts';
import { architectAgent } from '../../src/agents/architect/architect-agent.ts';
import { coderAgent } from '../../src/agents/coder/coder-agent.ts';
import type { ModelReview } from '../../src/agents/reviewer/model-review.ts';
import { plannerAgent } from '../../src/agents/planner/planner-agent.ts';
import { loadConfig } from '../../src/config/index.ts';
import { ReviewDecision, TestSummary } from '../../src/contracts/artifacts.ts';
import type { AgentEventOf } from '../../src/contracts/events.ts';
import type { Logger } from '../../src/core/logger.ts';
import { stopPreview } from '../../src/preview/preview-control.ts';
import { probeBwrap } from '../../src/preview/sandbox.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { git } from './helpers.ts';

type FeedMessage = Parameters<Parameters<Runtime['feed']['on']>[0]>[0];

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

// Secrets that must reach neither the model nor the sandbox: the test process's own keys (a leak through
// process.env) and the stand-in model's key (a leak from the configuration into a prompt or a check).
const PROCESS_OPENAI_KEY = 'sk-process-env-openai-5f1c9a';
const PROCESS_CATALYST_KEY = 'catalyst-process-env-key-7d2e4b';
const MODEL_KEY = 'standin-model-own-key-3a8f60';
const SECRETS = [PROCESS_OPENAI_KEY, PROCESS_CATALYST_KEY, MODEL_KEY, 'sk-standin-test-key'];
process.env.OPENAI_API_KEY = PROCESS_OPENAI_KEY;
process.env.CATALYST_LLM_API_KEY = PROCESS_CATALYST_KEY;

const CODER_SYSTEM = /You are the coder of Catalyst/;
const REVIEWER_SYSTEM = /You are the code reviewer of Catalyst/;

/** Every system message of the request: a model without structured outputs gets its schema in one of them. */
function systemOf(req: ReceivedRequest): string {
  const messages: { role?: string; content?: unknown }[] = req.body?.messages ?? [];
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
  return [JSON.stringify(req.body?.system ?? ''), ...system].join('\n');
}

/** A reviewer model that asks for `requests` in turn (one "changes requested" each), then approves. */
function scriptedReviewer(requests: readonly string[][]): () => Step {
  let reviews = 0;
  return () => {
    const items = requests[reviews++] ?? [];
    const answer: ModelReview = {
      summary: items.length
        ? 'The app mostly does what was asked; one thing the request implies is missing.'
        : 'The app does what was asked.',
      does_what_was_asked: items.length === 0,
      items: items.map((message) => ({ file: 'frontend/src/App.tsx', line: null, severity: 'high', message, suggestion: message })),
      unmet_acceptance_criteria: [],
    };
    return { reply: { object: answer, usage: { input: 3000, output: 200 } } };
  };
}

const bwrap = probeBwrap(process.env.PATH ?? '/usr/bin:/bin').path !== null;
const SCREENSHOTS = join(process.cwd(), 'test-results/browser');

let standin: Standin;
/** Who answers the next requests: the coder's session player and, for some builds, a scripted reviewer. */
let coderTurn: (req: ReceivedRequest) => Step = () => ({ reply: { text: 'no session is playing' } });
let reviewerTurn: () => Step = scriptedReviewer([]);
const unrouted: string[] = [];
let dir: string;

before(async () => {
  standin = await startStandin('openai');
  standin.respond((req) => {
    const system = systemOf(req);
    if (CODER_SYSTEM.test(system)) return coderTurn(req);
    if (REVIEWER_SYSTEM.test(system)) return reviewerTurn();
    unrouted.push(system.slice(0, 200));
    return { reply: { text: 'not scripted' } };
  });
  dir = mkdtempSync(join(tmpdir(), 'catalyst-coder-sessions-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await standin?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function assertNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} holds the secret ${secret.slice(0, 12)}…`);
}

describe(
  'the three scripted apps, built end to end with a model coder',
  { skip: bwrap ? false : 'bubblewrap is not installed here' },
  () => {
    let runtime: Runtime;
    let browser: Browser;
    const live: FeedMessage[] = [];
    let off: () => void = () => {};
    const built: string[] = [];

    before(async () => {
      const file = join(dir, 'catalyst.yaml');
      const model = `{provider: openai-compatible, model: standin-coder, base_url: "${standin.baseUrl}"}`;
      writeFileSync(
        file,
        [
          'preview: {mode: process}',
          'agents:',
          // The app's own browser tests would run in every coder round and again in the tester; the smoke check and
          // the Chromium drive below cover the browser, and the unit and API tests still gate each round.
          '  tester: {run_e2e_tests: false}',
          `  coder: {llm: ${model}}`,
          `  reviewer: {llm: ${model}}`,
          'llm:',
          '  default: {provider: none}',
          '  cache: {enabled: false}',
          '  prices: {standin-coder: {input: 1, cached_input: 0.5, output: 2}}',
          'logging: {level: silent}',
        ].join('\n'),
      );
      const config = loadConfig({
        file,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CATALYST_HOME: join(dir, 'home'), CATALYST_LLM_API_KEY: MODEL_KEY },
        cwd: dir,
      });
      runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, logger: quiet });
      off = runtime.feed.on((m) => void live.push(m));
      browser = await launchChromium();
    });
    after(async () => {
      off();
      // A live preview is a child process that would keep this test file from exiting.
      for (const id of built) await stopPreview({ state: runtime.ports.state, previews: runtime.ports.previews, clock: systemClock }, id);
      await browser?.close();
      await runtime?.close();
    });

    async function build(app: FixtureApp) {
      const session = APP_SESSIONS[app]();
      const player: SessionPlayer = playSession(session);
      coderTurn = player.respond;
      reviewerTurn = scriptedReviewer(session.reviewRequests ?? []);
      const from = standin.requests.length;
      const submitted = await runtime.submitBuild({ prompt: session.prompt });
      const task = await runtime.engine.waitFor(submitted.id);
      built.push(task.id);
      const logs = live.flatMap((m) => (m.type === 'agent_log' && m.task_id === task.id ? [m.message] : []));
      assert.equal(task.status, 'completed', `${app}: ${task.error}\n${player.deviations.join('\n')}\n${logs.slice(-30).join('\n')}`);
      assert.deepEqual(player.deviations, [], `${app}: the session went as scripted`);
      const requests = standin.requests.slice(from);

      const artifacts = runtime.ports.artifacts.location(task.id);
      const summary = TestSummary.parse(JSON.parse(readFileSync(join(artifacts, 'test-results/test-summary.json'), 'utf8')));
      assert.equal(summary.overall_status, 'passed', JSON.stringify(summary));
      const suites = [summary.backend, summary.frontend];
      assert.ok(
        suites.every((x) => x.failed === 0) && suites.some((x) => x.passed > 0),
        `${app}: its own tests pass: ${JSON.stringify(suites)}`,
      );
      assert.ok(
        summary.coverage.lines !== null && summary.coverage.lines > 0,
        `${app}: coverage is reported: ${JSON.stringify(summary.coverage)}`,
      );
      if (summary.smoke) assert.equal(summary.smoke.status, 'passed', JSON.stringify(summary.smoke));
      const review = ReviewDecision.parse(JSON.parse(readFileSync(join(artifacts, 'review/review-decision.json'), 'utf8')));
      assert.equal(review.decision, 'approved', JSON.stringify(review));
      const preview = (await runtime.ports.state.getPreviewByTask(task.id))!;
      assert.equal(preview.status, 'healthy');

      // The branch: the skeleton, then the model's writes as batches of conventional commits.
      const repo = (await runtime.ports.state.getProject(task.project_id))!.repo_path!;
      const subjects = git(repo, 'log', '--format=%s', `main^1..${task.branch_name}`).trim().split('\n').reverse();
      assert.match(subjects[0]!, /^chore: start from the web-app skeleton/, subjects.join(' | '));
      const model = subjects.slice(1);
      assert.ok(model.length >= 3, `${app}: the model's work lands in several batches: ${subjects.join(' | ')}`);
      for (const s of model) assert.match(s, /^(feat|fix|test|docs|refactor|chore|style|build)(\([a-z-]+\))?: \S/, s);

      // What the coder did, as the user watches it: tool calls and check summaries.
      const said = logs.join('\n');
      assert.match(said, /typecheck: \d+ error/, said);
      assert.match(said, /tests?: \d+ passed/, said);
      assert.match(said, /(writing|editing|reading) \S+/i, said);
      for (const r of requests) assertNoSecret(`${app}: a request to the model`, JSON.stringify(r.body));
      assert.deepEqual(unrouted, [], 'only the coder and the reviewer asked a model');
      return { task, url: preview.url!, requests, player, logs };
    }

    test('the URL shortener: the short link answers 302 to the long URL and its click count rises', async () => {
      const { url } = await build('shortener');
      const page = await browser.newPage();
      try {
        await page.goto(url);
        const long = 'https://example.com/a/very/long/path?with=query';
        await page.getByLabel('Long URL').fill(long);
        await page.getByRole('button', { name: /shorten/i }).click();
        const short = (await page.getByTestId('short-url').textContent())!.trim();
        await page.screenshot({ path: join(SCREENSHOTS, 'coder-shortener-created.png') });
        const code = short.split('/s/')[1]!;
        assert.ok(code, short);
        const clicks = async () => {
          const res = await fetch(`${url}/api/links`);
          return (await res.json()).links.find((l: { code: string }) => l.code === code).clicks as number;
        };
        const before = await clicks();
        const res = await fetch(`${url}/s/${code}`, { redirect: 'manual' });
        assert.equal(res.status, 302);
        assert.equal(res.headers.get('location'), long);
        assert.equal(await clicks(), before + 1);
        await page.getByRole('button', { name: /refresh/i }).click();
        await page
          .getByTestId(`clicks-${code}`)
          .getByText(String(before + 1))
          .waitFor({ timeout: 5000 });
        await page.screenshot({ path: join(SCREENSHOTS, 'coder-shortener-clicked.png') });
      } finally {
        await page.close();
      }
    });

    test('the pomodoro timer (one review round): start, and the time left goes down', async () => {
      const { url, player } = await build('pomodoro');
      assert.ok(
        player.rounds.some((r) => r.startsWith('The reviewer requested changes:')),
        `the reviewer's round was played: ${player.rounds.join(' | ')}`,
      );
      const page = await browser.newPage();
      try {
        await page.goto(url);
        const left = page.getByTestId('time-left');
        const seconds = async () => {
          const [m, s] = (await left.textContent())!.trim().split(':').map(Number);
          return m! * 60 + s!;
        };
        const start = await seconds();
        await page.screenshot({ path: join(SCREENSHOTS, 'coder-pomodoro-before.png') });
        await page.getByRole('button', { name: 'Start' }).click();
        await page.waitForFunction(
          (s) => {
            const [m, x] = (document.querySelector('[data-testid="time-left"]')?.textContent ?? '').trim().split(':').map(Number);
            return m! * 60 + x! < s;
          },
          start,
          { timeout: 5000 },
        );
        assert.ok((await seconds()) < start);
        await page.screenshot({ path: join(SCREENSHOTS, 'coder-pomodoro-running.png') });
      } finally {
        await page.close();
      }
    });

    test('the snake: a key press and the head moves', async () => {
      const { url } = await build('snake');
      const page = await browser.newPage();
      try {
        await page.goto(url);
        const board = page.getByTestId('board');
        const head = await board.getAttribute('data-head');
        await page.screenshot({ path: join(SCREENSHOTS, 'coder-snake-before.png') });
        await page.keyboard.press('ArrowUp');
        await page.waitForFunction((h) => document.querySelector('[data-testid="board"]')?.getAttribute('data-head') !== h, head, {
          timeout: 5000,
        });
        await page.screenshot({ path: join(SCREENSHOTS, 'coder-snake-moved.png') });
      } finally {
        await page.close();
      }
    });
  },
);

/** Every file under `root` (symlinks not followed) with its size and mtime, for a before/after comparison. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      out.push(`${p} ${st.size} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

describe(
  'the hostile sessions through the real coder agent: each contained',
  { skip: bwrap ? false : 'bubblewrap is not installed here' },
  () => {
    let h: AgentHarness;
    let proposed: AgentEventOf<'architecture.proposed'>;
    let outside: string;
    let worktree: string;
    const before_: { outside: string[]; hooks: string[] } = { outside: [], hooks: [] };
    const from = { requests: 0 };

    before(async () => {
      outside = join(dir, 'outside');
      mkdirSync(outside);
      writeFileSync(join(outside, 'keep.txt'), 'a sibling of the worktree\n');
      h = await openAgentHarness('coder-hostile', { prompt: 'A todo list app.', overrides: { 'agents.tester.run_e2e_tests': false } });
      const [, design] = await runChain(h, [plannerAgent, architectAgent], { models: standinModels(standin, ['coder']).llm });
      proposed = design!.events[0] as AgentEventOf<'architecture.proposed'>;
      worktree = (await h.context(coderAgent, proposed)).paths.worktree;
      before_.outside = snapshot(outside);
      before_.hooks = snapshot(join(h.repo, '.git/hooks'));
      from.requests = standin.requests.length;
    });
    after(async () => {
      await h?.close();
    });

    async function play(session: HostileSession) {
      const player = playSession(session);
      const planted: string[] = [];
      // The worktree exists once the coder has committed its skeleton, which is before it first asks the model.
      coderTurn = (req) => {
        if (planted.length === 0) {
          if (session.plant.symlinkOut) {
            const target = join(outside, `${session.name}-target`);
            mkdirSync(target, { recursive: true });
            symlinkSync(target, join(worktree, session.plant.symlinkOut.path));
            planted.push(session.plant.symlinkOut.path);
          }
          for (const f of session.plant.files ?? []) {
            writeFileSync(join(worktree, f.path), f.content);
            planted.push(f.path);
          }
          planted.push('');
        }
        return player.respond(req);
      };
      const logsFrom = h.logs.length;
      const out = await h.run(coderAgent, proposed, { models: standinModels(standin, ['coder']).llm });
      for (const p of planted) if (p) rmSync(join(worktree, p), { force: true });
      const said = h.logs.slice(logsFrom).map((l) => l.message);
      return { event: out.events[0]!, said, player };
    }

    for (const session of hostileSessions({ outsideDir: join(tmpdir(), 'catalyst-never-written') })) {
      test(`${session.name}: ${session.ends === 'task-fails' ? 'the task fails with a clear code' : 'every hostile call is refused with its reason'}`, async () => {
        const { event, said, player } = await play(session);
        const text = said.join('\n');
        if (session.ends === 'task-fails') {
          assert.equal(event.event_type, 'task.failed', text);
          const failed = event as AgentEventOf<'task.failed'>;
          assert.equal(failed.payload.code, session.name === 'only-chats' ? 'coder_prose' : 'coder_stuck', failed.payload.reason);
          assert.ok(failed.payload.reason.length > 20, failed.payload.reason);
        } else {
          assert.deepEqual(player.deviations, [], 'each hostile call was answered with a refusal');
          const refusals = said.filter((l) => /failed|refused|not allowed|outside/i.test(l));
          assert.ok(refusals.length >= session.refused.length, `${session.refused.length} refusals in the log:\n${text}`);
        }
      });
    }

    test('a planted test that prints the environment: the check runs it, and no key is in what it printed', async () => {
      const session: HostileSession = {
        name: 'env-dump',
        prompt: 'A todo list app.',
        whenDone: 'stop',
        plant: {
          files: [
            {
              path: 'frontend/src/env-dump.test.ts',
              content:
                "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('env', () => assert.fail(`ENV-DUMP ${JSON.stringify(process.env)}`));\n",
            },
          ],
        },
        refused: [],
        ends: 'calls-refused',
        rounds: [
          {
            opensWith: 'Build this app:',
            turns: [
              { toolCalls: [call.runCheck('test')] },
              // The sandboxed test really ran and dumped its environment into the output the model sees.
              { expectResults: /ENV-DUMP .*PATH/, toolCalls: [call.deleteFile('frontend/src/env-dump.test.ts')] },
              { toolCalls: [call.finish('Removed a stray test.')] },
            ],
          },
        ],
      };
      const { event, said, player } = await play(session);
      assert.deepEqual(player.deviations, [], said.join('\n'));
      assert.equal(event.event_type, 'code.pr.opened', said.join('\n'));
    });

    test('nothing was written outside the worktree, and no secret reached the model or a check', () => {
      assert.deepEqual(
        snapshot(outside).filter((l) => !/-target /.test(l)),
        before_.outside.filter((l) => !/-target /.test(l)),
      );
      assert.deepEqual(readdirSync(join(outside, 'symlink-out-target')), [], 'nothing written through the symlink');
      assert.deepEqual(snapshot(join(h.repo, '.git/hooks')), before_.hooks, '.git/hooks untouched');
      assert.equal(statSync(join(tmpdir(), 'catalyst-never-written'), { throwIfNoEntry: false }), undefined);
      const requests = standin.requests.slice(from.requests);
      assert.ok(requests.length > 10);
      for (const r of requests) assertNoSecret('a request to the model', JSON.stringify(r.body) + JSON.stringify(r.headers.cookie ?? ''));
      for (const l of h.logs) assertNoSecret('a log line', l.message);
    });
  },
);
