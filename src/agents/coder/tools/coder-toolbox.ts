/**
 * The toolbox the coder loop hands to the model: the tools of CODER_TOOL_NAMES over one worktree. Every
 * call is untrusted input — the path gate, the size and count caps, the dependency allow-list and the
 * fixed check scripts are the security boundary (issue 15) — and every call, refused or not, becomes an
 * event a person can read on the task timeline. Calls run one at a time: a model may ask for several in
 * one step, and two edits of one file must not interleave.
 */
import { realpathSync } from 'node:fs';
import { z } from 'zod';
import { AppError } from '../../../core/errors.ts';
import type { CommandRunner } from '../../../core/ports/command-runner.ts';
import type { ToolDefinition } from '../../../core/ports/llm.ts';
import { addDependency } from './dependencies.ts';
import { CHECK_NAMES, type CheckName, type CoderToolName, type FileChange } from './file-change.ts';
import { runCheck, type CheckOutcome, type CheckSettings } from './run-check.ts';
import { openWorktreeFiles, type FileLimits } from './worktree-files.ts';
import { isRefusal } from './worktree-paths.ts';

export interface CoderToolEvent {
  tool: CoderToolName;
  /** As a person reads it: "editing src/game.ts", "typecheck: 2 errors", "refused: path escapes the worktree (../x)". */
  message: string;
  path?: string;
  refused?: boolean;
}

export interface CoderToolboxOptions {
  /** Absolute path of the task's worktree. */
  worktree: string;
  /** Runs the checks; the bubblewrap-sandboxed runner in production. */
  runner: CommandRunner;
  limits: FileLimits;
  check: CheckSettings;
  /** Package name → exact version: what add_dependency may add (see installedDependencyVersions). */
  allowedDependencies: Readonly<Record<string, string>>;
  onEvent(e: CoderToolEvent): void;
}

export interface CoderToolbox {
  tools: Record<CoderToolName, ToolDefinition>;
  /** The guarded path the write, edit and delete tools take; the text-format fallback calls it. Throws an AppError for the model. */
  applyChange(change: FileChange): Promise<{ path: string; bytes: number }>;
  /** Sorted paths changed since the last call (the loop commits them as one batch). */
  takeChanged(): { written: string[]; deleted: string[] };
  runCheck(check: CheckName, signal?: AbortSignal): Promise<CheckOutcome>;
  /** Set by the `finish` tool. */
  finished(): { summary: string } | null;
  clearFinished(): void;
  /** Write/edit/delete calls that gave a file a content it already had earlier (A → B → A, or the same write again). */
  repeatedEdits(): number;
}

const PATH = z.string().describe('File path relative to the app root, with forward slashes, e.g. "frontend/src/App.tsx"');

const INPUTS = {
  list_files: z.object({}).strict(),
  read_file: z.object({ path: PATH }).strict(),
  write_file: z.object({ path: PATH, content: z.string().describe('The complete new content of the file (not a diff)') }).strict(),
  edit_file: z
    .object({
      path: PATH,
      search: z
        .string()
        .describe('Exact text to replace, copied from the file; it must occur exactly once, so include enough surrounding lines'),
      replace: z.string().describe('The text that replaces it'),
    })
    .strict(),
  delete_file: z.object({ path: PATH }).strict(),
  add_dependency: z
    .object({
      name: z.string().min(1).max(214).describe('npm package name, e.g. "zod"; only packages Catalyst has installed are available'),
      dev: z.boolean().optional().describe('true for a devDependency (types, test tools)'),
    })
    .strict(),
  run_check: z.object({ check: z.enum(CHECK_NAMES).describe('Which of the app’s checks to run') }).strict(),
  finish: z.object({ summary: z.string().min(1).max(4000).describe('What was built and how it was checked, for the reviewer') }).strict(),
} satisfies Record<CoderToolName, z.ZodType>;

type Inputs = { [K in CoderToolName]: z.infer<(typeof INPUTS)[K]> };

const DESCRIPTIONS: Record<CoderToolName, string> = {
  list_files: 'List the app’s files with their sizes (dependencies, git data and build output are left out).',
  read_file: 'Read one file of the app. Large files are cut off, with a note saying so.',
  write_file: 'Create a file or replace its whole content. For small changes to a large file prefer edit_file.',
  edit_file:
    'Replace one exact piece of text in a file. The search text must occur exactly once; otherwise nothing changes and the error says why.',
  delete_file: 'Delete one file of the app.',
  add_dependency: 'Add an npm package to package.json at the version Catalyst has installed. Packages Catalyst does not have are refused.',
  run_check:
    'Run one of the app’s checks (npm scripts): typecheck, test, lint, build or e2e (browser tests). Returns ok, a summary and the failing output.',
  finish: 'Say the work is done, with a short summary. Run the checks first.',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function createCoderToolbox(opts: CoderToolboxOptions): CoderToolbox {
  const files = openWorktreeFiles(opts.worktree, opts.limits);
  let realWorktree: string | null = null;
  const real = () => (realWorktree ??= realpathSync(opts.worktree));
  let done: { summary: string } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn);
    queue = next.catch(() => undefined);
    return next;
  };

  /**
   * Runs one call, reporting it. `doing` names it for the timeline ("editing src/a.ts") and in its error;
   * `done` words the success, with the normalized path of the file it touched (for the file tree).
   */
  async function reported<T>(
    tool: CoderToolName,
    doing: string,
    fn: () => Promise<T>,
    done: (r: T) => { message: string; path?: string },
  ): Promise<T> {
    try {
      const result = await fn();
      opts.onEvent({ tool, ...done(result) });
      return result;
    } catch (e) {
      // File system errors carry absolute paths; the model and the timeline get the reason about its own path instead.
      const fromFs = !AppError.isInstance(e) && AppError.from(e).code !== 'disk_full';
      const err = fromFs ? new AppError('internal', `${doing} failed: ${fsReason(e)}`, { cause: e, retryable: false }) : AppError.from(e);
      const refusal = isRefusal(err);
      opts.onEvent({
        tool,
        message: refusal || fromFs ? err.message : `${doing} failed: ${err.message}`,
        ...(refusal ? { refused: true } : {}),
      });
      throw err;
    }
  }

  function applyChange(change: FileChange): Promise<{ path: string; bytes: number }> {
    const tool: CoderToolName = change.kind === 'write' ? 'write_file' : change.kind === 'edit' ? 'edit_file' : 'delete_file';
    const verb = change.kind === 'write' ? 'writing' : change.kind === 'edit' ? 'editing' : 'deleting';
    return serial(() =>
      reported(
        tool,
        `${verb} ${change.path}`,
        () => files.apply(change),
        (r) => ({ message: `${verb} ${r.path}`, path: r.path }),
      ),
    );
  }

  function check(name: CheckName, signal?: AbortSignal): Promise<CheckOutcome> {
    return serial(async () => {
      // Queued behind other calls: a task cancelled meanwhile starts nothing more.
      if (signal?.aborted) throw AppError.from(signal.reason ?? new Error('cancelled'), 'command_failed');
      opts.onEvent({ tool: 'run_check', message: `running ${name}` });
      return reported(
        'run_check',
        `running ${name}`,
        () => runCheck(name, { worktree: opts.worktree, realWorktree: real(), runner: opts.runner, settings: opts.check, signal }),
        (r) => ({ message: r.summary }),
      );
    });
  }

  function define<K extends CoderToolName>(
    name: K,
    execute: (input: Inputs[K], ctx: { signal: AbortSignal }) => Promise<unknown>,
  ): ToolDefinition {
    return { description: DESCRIPTIONS[name], input: INPUTS[name], execute: execute as ToolDefinition['execute'] };
  }

  const tools: Record<CoderToolName, ToolDefinition> = {
    list_files: define('list_files', () =>
      serial(() =>
        reported(
          'list_files',
          'listing files',
          async () => ({ files: await files.list() }),
          (r) => ({ message: `listing files (${plural(r.files.length, 'file')})` }),
        ),
      ),
    ),
    read_file: define('read_file', ({ path }) =>
      serial(() =>
        reported(
          'read_file',
          `reading ${path}`,
          () => files.read(path),
          (r) => ({ message: `reading ${r.path}`, path: r.path }),
        ),
      ),
    ),
    write_file: define('write_file', async ({ path, content }) => applyChange({ kind: 'write', path, content })),
    edit_file: define('edit_file', async ({ path, search, replace }) => applyChange({ kind: 'edit', path, search, replace })),
    delete_file: define('delete_file', async ({ path }) => {
      const { path: deleted } = await applyChange({ kind: 'delete', path });
      return { path: deleted, deleted: true };
    }),
    add_dependency: define('add_dependency', ({ name, dev }) =>
      serial(() =>
        reported(
          'add_dependency',
          `adding dependency ${name}`,
          async () => {
            const manifest = await files.read('package.json');
            if (manifest.note)
              throw new AppError('invalid_request', `package.json cannot be changed: ${manifest.note}`, { retryable: false });
            const edit = addDependency(manifest.content, name, dev ?? false, opts.allowedDependencies);
            if (edit.manifest !== null) await files.writeManifest(edit.manifest);
            return { name: edit.name, version: edit.version, dev: edit.dev, changed: edit.manifest !== null };
          },
          (r) =>
            r.changed
              ? { message: `adding ${r.dev ? 'dev ' : ''}dependency ${r.name} ${r.version}`, path: 'package.json' }
              : { message: `${r.name} ${r.version} is already a dependency` },
        ),
      ),
    ),
    run_check: define('run_check', async ({ check: name }, { signal }) => {
      const outcome = await check(name, signal);
      return { ok: outcome.ok, summary: outcome.summary, output: outcome.output };
    }),
    finish: define('finish', ({ summary }) =>
      serial(() =>
        reported(
          'finish',
          'finishing',
          async () => {
            done = { summary };
            return { ok: true };
          },
          () => ({ message: `finished: ${oneLine(summary)}` }),
        ),
      ),
    ),
  };

  return {
    tools,
    applyChange,
    takeChanged: () => files.takeChanged(),
    runCheck: check,
    finished: () => done,
    clearFinished: () => {
      done = null;
    },
    repeatedEdits: () => files.repeatedEdits(),
  };
}

function oneLine(text: string): string {
  const first = text.trim().split('\n')[0]!;
  return first.length > 160 ? `${first.slice(0, 160)}…` : first;
}

/** A file system error's reason without the absolute path Node puts in its message. */
function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    EISDIR: 'the path is a folder',
    ENOTDIR: 'a parent of the path is a file',
    ELOOP: 'the path is a symbolic link',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOSPC: 'the disk is full',
    ENAMETOOLONG: 'the path is too long',
  };
  return (code && reasons[code]) ?? (code ? `file system error ${code}` : 'unexpected error');
}
