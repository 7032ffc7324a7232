/**
 * The build use case: a request in, a recorded and started task out. The request is understood once,
 * here: the project is named from that understanding, and the same understanding travels in
 * task.initiated, so the planner plans what the project was named after instead of reading the prompt again.
 *
 * Every request is a new project with its own repository: two requests whose names coincide ("Item App")
 * get `item-app` and `item-app-2` ("Item App (2)"), never one repository holding both apps.
 */
import { createEvent, type BuildUnderstanding } from '../contracts/events.ts';
import { buildRequestSchema, type BuildRequest } from '../contracts/messages.ts';
import type { TaskLlmOptions } from '../contracts/llm.ts';
import type { OrchestrationMode, TaskRecord } from '../contracts/records.ts';
import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { slugify, uuid } from '../core/ids.ts';
import type { Logger } from '../core/logger.ts';
import type { GitRepos } from '../core/ports/git-repos.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import type { Engine } from './engine.ts';

export interface BuildSubmitterDeps {
  state: Pick<StateStore, 'getProjectBySlug'>;
  git: Pick<GitRepos, 'repoPath'>;
  engine: Engine;
  clock: Clock;
  logger: Logger;
  mode: OrchestrationMode;
  maxPromptChars: number;
  /** What the request asks for (the planner's first step); throws when a scan to build from is unusable. */
  understand(prompt: string, scanId: string | undefined): Promise<BuildUnderstanding>;
}

export type SubmitBuild = (input: unknown) => Promise<TaskRecord>;

export function createBuildSubmitter(deps: BuildSubmitterDeps): SubmitBuild {
  const requestSchema = buildRequestSchema(deps.maxPromptChars);
  const { mode } = deps;

  return async function submitBuild(input) {
    const request = parseRequest(requestSchema, input);
    // A build from a scan is named after what it will really contain: the scanned records, not the prompt's.
    const understanding = await deps.understand(request.prompt, request.explorer_scan_id);
    const { domain } = understanding;
    const baseName = request.project_name ?? domain.app_name;
    const baseSlug = request.project_name ? slugify(request.project_name) : domain.slug;
    for (let attempt = 1; ; attempt++) {
      const { name, slug } = await freeProjectName(deps.state, baseName, baseSlug);
      try {
        return await submitAs(request, understanding, name, slug);
      } catch (e) {
        // Another submission took the same free slug between our look-up and our insert: look again.
        if (attempt < MAX_SLUG_ATTEMPTS && isSlugTaken(e)) continue;
        throw e;
      }
    }
  };

  function submitAs(request: BuildRequest, understanding: BuildUnderstanding, name: string, slug: string): Promise<TaskRecord> {
    const scanId = request.explorer_scan_id;
    // The task's own model choices travel in its metadata, so every process running one of its steps applies them.
    const llmOptions: TaskLlmOptions | null =
      request.budget || request.no_cache
        ? { ...(request.budget ? { budget: request.budget } : {}), no_cache: request.no_cache ?? false }
        : null;
    const projectId = uuid();
    const taskId = uuid();
    const traceId = uuid();
    const initiated = createEvent(
      {
        event_type: 'task.initiated',
        payload: {
          project_id: projectId,
          project_name: name,
          project_slug: slug,
          requirements: request.prompt,
          mode,
          seed: 0,
          next_agent: 'planner',
          ...(scanId === undefined ? {} : { explorer_scan_id: scanId }),
          understanding,
        },
      },
      {
        event_id: uuid(),
        trace_id: traceId,
        task_id: taskId,
        actor: 'orchestrator',
        repo: `catalyst-generated/${slug}`,
        branch: 'main',
        causation_id: null,
        timestamp: deps.clock.now().toISOString(),
      },
    );
    deps.logger.info({ task_id: taskId, trace_id: traceId, project: slug, mode, explorer_scan_id: scanId }, 'task submitted');
    return deps.engine.submit({
      project: { id: projectId, name, slug, description: understanding.domain.summary, repo_path: deps.git.repoPath(slug) },
      task: {
        id: taskId,
        project_id: projectId,
        trace_id: traceId,
        user_prompt: request.prompt,
        mode,
        metadata: {
          ...(scanId === undefined ? {} : { explorer_scan_id: scanId }),
          ...(llmOptions ? { llm: llmOptions } : {}),
        },
      },
      initiated,
    });
  }
}

const MAX_SLUG_ATTEMPTS = 5;
/** The slugs column holds 64 characters; slugify keeps 48, so a suffix always fits. */
const MAX_SLUG = 64;

/** The first of `slug`, `slug-2`, `slug-3`… no project holds, with the name to match ("Item App (2)"). */
async function freeProjectName(
  state: Pick<StateStore, 'getProjectBySlug'>,
  baseName: string,
  baseSlug: string,
): Promise<{ name: string; slug: string }> {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `-${n}`;
    const slug = `${baseSlug.slice(0, MAX_SLUG - suffix.length).replace(/-+$/, '')}${suffix}`;
    if ((await state.getProjectBySlug(slug)) === null) return { slug, name: n === 1 ? baseName : `${baseName} (${n})` };
  }
}

function isSlugTaken(e: unknown): boolean {
  return AppError.isInstance(e) && e.details?.conflict === 'project_slug';
}

/**
 * The request as submitBuild reads it, or the error it refuses it with: `catalyst build` checks its
 * arguments with this before opening the data folder, so a bad prompt costs no store start-up.
 */
export function parseBuildRequest(maxPromptChars: number, input: unknown): BuildRequest {
  return parseRequest(buildRequestSchema(maxPromptChars), input);
}

function parseRequest(schema: ReturnType<typeof buildRequestSchema>, input: unknown): BuildRequest {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.path[0] === 'explorer_scan_id') {
    throw new AppError('invalid_option', issue.message, {
      retryable: false,
      hint: 'GET /api/explorer/scans (or `catalyst scans`) lists scans with their ids',
    });
  }
  throw new AppError('invalid_prompt', issue.message, {
    retryable: false,
    hint:
      issue.path[0] === 'prompt' ? 'pass the request as one quoted argument: catalyst build "build a todo app with user auth"' : undefined,
  });
}
