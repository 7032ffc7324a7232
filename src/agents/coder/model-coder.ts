/**
 * The model-driven coder (issue 15): a tool-using model extends a skeleton in the task's worktree, driven by
 * the app's own checks. One run is a few rounds: the model works with the tools until it calls `finish`,
 * then Catalyst runs the checks itself; the first failing check's output starts the next round. Bounded by
 * agents.coder.max_repair_rounds, max_steps, the task's budget and a stuck detector (the same errors after a
 * round, the same edit again and again, the same call over and over). Writes are committed in batches of at
 * most max_files_per_batch files, each a conventional commit. The toolbox is the security boundary; this
 * module never touches a path itself.
 */
import type { DataModels, Plan } from '../../contracts/artifacts.ts';
import type { ErrorCode } from '../../contracts/errors.ts';
import type { AgentContext } from '../../core/agent.ts';
import { AppError } from '../../core/errors.ts';
import type { TaskModel, ToolDefinition } from '../../core/ports/llm.ts';
import {
  buildRoundPrompt,
  checkFailedPrompt,
  coderBrief,
  coderSystemPrompt,
  estimateTokens,
  PROSE_NUDGE,
  reviewPrompt,
  TEXT_PROSE_NUDGE,
} from './coder-prompt.ts';
import { parseTextAnswer, TEXT_FORMAT_INSTRUCTIONS } from './text-format.ts';
import { CHECK_SCRIPTS, type CheckName } from './tools/file-change.ts';
import { createCoderToolbox, type CheckOutcome, type CoderToolbox } from './tools/index.ts';

export type ModelCoderStart =
  | { kind: 'build' }
  /** The tester or reviewer sent the finished app back (the pipeline's repair loop). */
  | { kind: 'repair'; from: 'tests' | 'review'; items: string[]; round: number };

export interface ModelCoderRun {
  ctx: AgentContext;
  model: TaskModel;
  worktree: string;
  plan: Plan;
  models: DataModels;
  skeleton: 'records-app' | 'web-app';
  start: ModelCoderStart;
}

export type ModelCoderResult =
  | { ok: true; head: string; summary: string; changed: string[]; checks: CheckOutcome[] }
  | { ok: false; code: ErrorCode; reason: string; reasons: string[] };

/** A call made this many times in a row, with the same arguments, is a model going round in circles. */
const SAME_CALL_LIMIT = 4;
/** Re-producing contents a file already had, this many times: the edit loop the issue names. */
const REPEATED_EDIT_LIMIT = 3;
/** Tool results resent whole at each step; older large ones are condensed (the model re-reads what it needs). */
const KEEP_TOOL_RESULTS = 6;
const WRITING_TOOLS = new Set(['write_file', 'edit_file', 'delete_file', 'add_dependency']);

function stuck(message: string): AppError {
  return new AppError('coder_stuck', message, { retryable: false });
}

/** The checks this app has scripts for, in the order they run; e2e only with a browser and browser tests. */
async function checksOf(ctx: AgentContext, worktree: string): Promise<CheckName[]> {
  const pkg = await ctx.ports.workspace.readText(`${worktree}/package.json`);
  let scripts: Record<string, unknown> = {};
  try {
    scripts = (JSON.parse(pkg ?? '{}') as { scripts?: Record<string, unknown> }).scripts ?? {};
  } catch {
    // A package.json the model cannot write is never malformed by it; a broken skeleton has no checks to run.
  }
  const files = await ctx.ports.workspace.listFiles(worktree);
  const hasE2e = files.some((f) => /^e2e\/.*\.e2e\.test\.tsx?$/.test(f));
  const wanted: CheckName[] = ['typecheck', 'lint', 'test', 'build'];
  if (hasE2e && ctx.settings.tester.runE2e && ctx.settings.tester.chromiumPath) wanted.push('e2e');
  return wanted.filter((c) => typeof scripts[CHECK_SCRIPTS[c]] === 'string');
}

function isTestPath(p: string): boolean {
  return /(^|\/)(test|e2e)\/|\.test\.tsx?$/.test(p);
}

/** A conventional-commit subject for one batch. */
export function batchSubject(written: readonly string[], deleted: readonly string[], repairing: boolean): string {
  const all = [...written, ...deleted];
  const type = repairing ? 'fix' : all.every(isTestPath) ? 'test' : 'feat';
  const tops = new Set(all.map((p) => p.split('/')[0]));
  const scope = tops.size === 1 && ['frontend', 'backend', 'e2e'].includes([...tops][0]!) ? `(${[...tops][0]})` : '';
  const names = all.map((p) => p.split('/').at(-1)!);
  const listed = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} more files`;
  const verb = deleted.length > 0 && written.length === 0 ? 'remove' : repairing ? 'update' : 'write';
  return `${type}${scope}: ${verb} ${listed}`;
}

export async function runModelCoder(run: ModelCoderRun): Promise<ModelCoderResult> {
  const { ctx, model, worktree } = run;
  const s = ctx.settings.coder;
  const repairing = run.start.kind === 'repair';
  const log = ctx.log.bind(ctx);
  let batch = 0;
  let head = await ctx.ports.git.head(worktree);
  const changedEver = new Set<string>();
  // Every path the model wrote, committed or not: the UI's file tree refreshes as this count moves.
  const touched = new Set<string>();
  const tried: string[] = [];

  const toolbox: CoderToolbox = createCoderToolbox({
    worktree,
    runner: ctx.ports.runner,
    limits: { maxFileBytes: s.maxFileBytes, maxFiles: s.maxFiles, maxReadBytes: 64 * 1024 },
    check: { timeoutMs: s.checkTimeoutMs, memoryMb: ctx.settings.tester.memoryMb, chromiumPath: ctx.settings.tester.chromiumPath },
    allowedDependencies: s.allowedDependencies,
    onEvent: (e) => log(e.message, e.refused ? 'warning' : 'info'),
  });

  const pending = { written: new Set<string>(), deleted: new Set<string>() };
  const collect = () => {
    const { written, deleted } = toolbox.takeChanged();
    for (const p of written) {
      pending.deleted.delete(p);
      pending.written.add(p);
      touched.add(p);
    }
    for (const p of deleted) {
      pending.written.delete(p);
      pending.deleted.add(p);
      touched.add(p);
    }
  };
  const commitPending = async () => {
    collect();
    if (pending.written.size === 0 && pending.deleted.size === 0) return;
    const written = [...pending.written].sort();
    const deleted = [...pending.deleted].sort();
    pending.written.clear();
    pending.deleted.clear();
    const files = [];
    for (const path of written) {
      const content = await ctx.ports.workspace.readText(`${worktree}/${path}`);
      if (content !== null) files.push({ path, content });
    }
    batch += 1;
    const subject = batchSubject(written, deleted, repairing);
    // Not commitOnce: a model's run is not repeatable, so a retried one commits what it wrote anew; the
    // trailers still tie each commit to the event and attempt it answers.
    head =
      (await ctx.ports.git.commit({
        checkout: worktree,
        files,
        removed: deleted,
        message: `${subject}\n\n[coder-agent]`,
        trailers: { 'Catalyst-Event': `${ctx.inbound.event_id}/model-${ctx.attempt}-${batch}`, 'Catalyst-Task': ctx.task.id },
      })) ?? head;
    for (const p of [...written, ...deleted]) changedEver.add(p);
    tried.push(subject);
  };

  const checks = await checksOf(ctx, worktree);
  const brief = coderBrief({
    request: ctx.task.user_prompt,
    plan: run.plan,
    models: run.models,
    skeleton: run.skeleton,
    files: (await ctx.ports.workspace.browse(worktree)).map((e) => ({ path: e.path, size: e.size })),
    maxFilesPerBatch: s.maxFilesPerBatch,
    allowedDependencies: Object.keys(s.allowedDependencies),
    checks,
  });
  const system = coderSystemPrompt({
    skeleton: run.skeleton,
    maxFilesPerBatch: s.maxFilesPerBatch,
    allowedDependencies: Object.keys(s.allowedDependencies),
    checks,
  });

  let stepsUsed = 0;
  const progress = (message: string) =>
    ctx.progress({
      progress: Math.min(0.95, stepsUsed / s.maxSteps),
      files_created: touched.size,
      total_estimated_files: touched.size,
      message,
    });

  /** One round with tools; returns whether the model made any change at all. */
  const toolRound = async (prompt: string): Promise<{ acted: boolean; text: string }> => {
    const stop = new AbortController();
    let lastCall = '';
    let sameCalls = 0;
    let acted = false;
    /** Calls that reached a tool; any other failed call was refused by its argument check, which logs nothing itself. */
    const executed = new Set<string>();
    const tools: Record<string, ToolDefinition> = {};
    for (const [name, def] of Object.entries(toolbox.tools) as [string, ToolDefinition][]) {
      tools[name] = {
        description: def.description,
        input: def.input,
        execute: async (input, c) => {
          const call = `${name}:${JSON.stringify(input)}`;
          executed.add(call);
          sameCalls = call === lastCall ? sameCalls + 1 : 1;
          lastCall = call;
          if (sameCalls >= SAME_CALL_LIMIT) {
            stop.abort(stuck(`the model called ${name} with the same arguments ${sameCalls} times in a row`));
            throw new AppError('coder_stuck', 'stopped: the same call again');
          }
          if (name === 'run_check' || name === 'finish') await commitPending();
          acted = true;
          const out = await def.execute(input, c);
          if (WRITING_TOOLS.has(name)) {
            collect();
            if (toolbox.repeatedEdits() >= REPEATED_EDIT_LIMIT) {
              stop.abort(stuck(`the model re-made an earlier version of a file ${toolbox.repeatedEdits()} times (an edit loop)`));
            } else if (pending.written.size + pending.deleted.size >= s.maxFilesPerBatch) {
              await commitPending();
            }
            progress(`${name.replace('_', ' ')}`);
          }
          return out;
        },
      };
    }
    const maxSteps = s.maxSteps - stepsUsed;
    if (maxSteps <= 0) throw limit(`reached agents.coder.max_steps (${s.maxSteps}) before the checks passed`);
    guardContext(system, prompt);
    try {
      const result = await model.runTools({
        system,
        prompt,
        tools,
        maxSteps,
        stopAfter: ['finish'],
        signal: stop.signal,
        keepToolResults: KEEP_TOOL_RESULTS,
      });
      stepsUsed += result.steps.length;
      for (const c of result.steps.flatMap((step) => step.toolCalls))
        if (c.error !== undefined && !executed.has(`${c.name}:${JSON.stringify(c.input)}`))
          log(`refused ${c.name}: ${c.error.slice(0, 300)}`, 'warning');
      const calls = result.steps.reduce((n, step) => n + step.toolCalls.length, 0);
      if (calls > 0 && !toolbox.finished() && result.steps.length >= maxSteps)
        throw limit(`reached agents.coder.max_steps (${s.maxSteps}) before the model called finish`);
      return { acted: acted || calls > 0, text: result.text };
    } finally {
      await commitPending();
    }
  };

  /** One round in the text format, for models without tool calling. */
  const textRound = async (prompt: string): Promise<{ acted: boolean; text: string }> => {
    if (stepsUsed >= s.maxSteps) throw limit(`reached agents.coder.max_steps (${s.maxSteps}) before the checks passed`);
    const sources = await sourcesFor(ctx, worktree);
    const full = `${prompt}\n\nCurrent files:\n${sources}`;
    guardContext(`${system}\n${TEXT_FORMAT_INSTRUCTIONS}`, full);
    const { text } = await model.generateText({ system: `${system}\n\n${TEXT_FORMAT_INSTRUCTIONS}`, prompt: full });
    stepsUsed += 1;
    const acted = await applyText(text);
    await commitPending();
    return { acted, text };
  };

  const applyText = async (text: string): Promise<boolean> => {
    const parsed = parseTextAnswer(text);
    for (const path of parsed.truncated) log(`Left out ${path}: the answer stopped in the middle of it`, 'warning');
    let applied = 0;
    for (const change of parsed.changes) {
      try {
        await toolbox.applyChange(change);
        applied += 1;
      } catch (e) {
        log(`refused: ${(e as Error).message}`, 'warning');
      }
      collect();
      if (pending.written.size + pending.deleted.size >= s.maxFilesPerBatch) await commitPending();
    }
    return applied > 0;
  };

  const guardContext = (sys: string, prompt: string) => {
    const tokens = estimateTokens(sys, prompt);
    // The answer needs room too: a prompt over 80% of the window would be a provider 400 or a cut answer.
    if (tokens > s.contextTokens * 0.8)
      throw new AppError(
        'llm_context_too_long',
        `the coder's prompt is about ${tokens} tokens, more than ${model.provider} model ${model.model} can take with room to answer (agents.coder.context_tokens: ${s.contextTokens})`,
        { hint: 'raise agents.coder.context_tokens if the model has a larger window, or ask for a smaller app', retryable: false },
      );
  };

  const limit = (why: string) => new AppError('coder_limit', why, { retryable: false });
  const round = s.editFormat === 'text' ? textRound : toolRound;
  const nudge = s.editFormat === 'text' ? TEXT_PROSE_NUDGE : PROSE_NUDGE;

  let prompt = run.start.kind === 'build' ? buildRoundPrompt(brief) : reviewPrompt(brief, run.start.from, run.start.items);
  let repairs = 0;
  let nudged = false;
  let lastSignature: string | null = null;
  const outcomes: CheckOutcome[] = [];
  try {
    for (;;) {
      progress(repairs === 0 ? 'the model is writing the app' : `repair round ${repairs}`);
      const { acted, text } = await round(prompt);
      if (!acted) {
        // Tool-calling models sometimes answer in the text format anyway; take their files.
        if (s.editFormat === 'tools' && (await applyText(text))) {
          await commitPending();
        } else if (!nudged) {
          nudged = true;
          log('The model answered in prose instead of changing files; asking once more', 'warning');
          prompt = `${nudge}\n\n${prompt}`;
          continue;
        } else {
          return failure(
            'coder_prose',
            'the model answered in prose instead of writing files, twice',
            text ? [`its last answer began: ${text.slice(0, 200)}`] : [],
          );
        }
      }
      toolbox.clearFinished();
      const failed = await runChecks(checks);
      if (!failed) {
        const summary = toolbox.finished()?.summary ?? `${changedEver.size} files changed`;
        log(`All checks pass: ${outcomes.map((o) => o.summary).join(', ')}`);
        return { ok: true, head, summary, changed: [...changedEver].sort(), checks: outcomes };
      }
      if (lastSignature !== null && failed.signature === lastSignature)
        return failure('coder_stuck', `the same ${failed.check} errors came back after a repair round (${failed.summary})`, [
          failed.output,
        ]);
      lastSignature = failed.signature;
      if (repairs >= s.maxRepairRounds)
        return failure('coder_limit', `${failed.summary} after ${s.maxRepairRounds} repair round(s) (agents.coder.max_repair_rounds)`, [
          failed.output,
        ]);
      repairs += 1;
      tried.push(`round ${repairs}: ${failed.summary}`);
      log(`Repair round ${repairs}: ${failed.summary}`, 'warning');
      prompt = checkFailedPrompt(brief, failed, tried);
    }
  } catch (e) {
    if (AppError.isInstance(e) && (e.code === 'coder_stuck' || e.code === 'coder_limit')) return failure(e.code, e.message, []);
    throw e;
  }

  async function runChecks(names: readonly CheckName[]): Promise<CheckOutcome | null> {
    for (const name of names) {
      progress(`running ${name}`);
      // The toolbox logs each check's summary (its onEvent), as it does for the model's own run_check.
      const outcome = await toolbox.runCheck(name, ctx.signal);
      outcomes.push(outcome);
      if (!outcome.ok) return outcome;
    }
    return null;
  }

  function failure(code: ErrorCode, reason: string, extra: string[]): ModelCoderResult {
    log(reason, 'error');
    return {
      ok: false,
      code,
      reason,
      reasons: [reason, ...(tried.length > 0 ? [`tried: ${tried.join('; ')}`] : []), ...extra.filter((x) => x.length > 0)],
    };
  }
}

/** The app's own source for a text-format model, which cannot read files itself (capped). */
async function sourcesFor(ctx: AgentContext, worktree: string): Promise<string> {
  const out: string[] = [];
  let total = 0;
  for (const path of await ctx.ports.workspace.listFiles(worktree)) {
    if (!/^(frontend\/src|backend\/src|backend\/test|e2e)\/.*\.(tsx?|css|html)$/.test(path)) continue;
    const content = await ctx.ports.workspace.readText(`${worktree}/${path}`);
    if (content === null || total + content.length > 48 * 1024) {
      out.push(`${path} (not shown)`);
      continue;
    }
    total += content.length;
    out.push(`${path}\n\`\`\`\n${content}\n\`\`\``);
  }
  return out.join('\n\n');
}
