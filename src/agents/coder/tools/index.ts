/** The coder's toolbox: what the model coder loop offers the model, and the guarded paths behind it. */
export { createCoderToolbox, type CoderToolbox, type CoderToolboxOptions, type CoderToolEvent } from './coder-toolbox.ts';
export { installedDependencyVersions } from './dependencies.ts';
export type { CheckOutcome } from './run-check.ts';
export { CHECK_NAMES, CHECK_SCRIPTS, CODER_TOOL_NAMES, type CheckName, type CoderToolName, type FileChange } from './file-change.ts';
