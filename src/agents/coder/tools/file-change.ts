/**
 * One change a model asks for in the task's worktree, whichever way it asked: a tool call, or a fenced
 * block in a text answer (models without tool calling). Both paths apply changes through the same guard
 * (paths confined to the worktree, sizes and counts capped), so the text format is no way around it.
 */
export type FileChange =
  /** The whole new content of a file (created or replaced). */
  | { kind: 'write'; path: string; content: string }
  /** Exact search/replace: `search` must occur exactly once in the current file. */
  | { kind: 'edit'; path: string; search: string; replace: string }
  | { kind: 'delete'; path: string };

/** The tool names the coder's model is offered; the stand-in sessions in test/ play against these. */
export const CODER_TOOL_NAMES = [
  'list_files',
  'read_file',
  'write_file',
  'edit_file',
  'delete_file',
  'add_dependency',
  'run_check',
  'finish',
] as const;
export type CoderToolName = (typeof CODER_TOOL_NAMES)[number];

/** The app's fixed npm scripts a check may run; nothing else is ever executed on the model's behalf. */
export const CHECK_NAMES = ['typecheck', 'test', 'lint', 'build', 'e2e'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** The npm script each check runs (`npm run <script>`), the same in every skeleton. */
export const CHECK_SCRIPTS: Readonly<Record<CheckName, string>> = {
  typecheck: 'typecheck',
  test: 'test',
  lint: 'lint',
  build: 'build',
  e2e: 'test:e2e',
};
