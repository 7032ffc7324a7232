/**
 * What an agent is (ARCHITECTURE.md §1): a definition — which events it consumes and emits — and a
 * handler that turns one inbound event into outbound events using only the ports in its context.
 * The same definition runs under the sequential engine and under event-driven workers.
 */
import type { AgentEvent, AgentId, EventDraft, EventType } from '../contracts/events.ts';
import type { ServerMessage } from '../contracts/messages.ts';
import type { ProjectRecord, TaskRecord } from '../contracts/records.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import type { ArtifactStore } from './ports/artifact-store.ts';
import type { CommandRunner } from './ports/command-runner.ts';
import type { DocumentStore } from './ports/document-store.ts';
import type { Binding } from './ports/event-bus.ts';
import type { GitRepos } from './ports/git-repos.ts';
import type { LanguageModels, ModelAgent, TaskModel } from './ports/llm.ts';
import type { PageBrowser } from './ports/page-browser.ts';
import type { PreviewEventRecorder } from './ports/preview-events.ts';
import type { PreviewRuntime } from './ports/preview-runtime.ts';
import type { StateStore } from './ports/state-store.ts';
import type { Workspace } from './ports/workspace.ts';

/** The slice of configuration agents read, filled from config.yaml by the composition root. */
export interface AgentSettings {
  maxRepairRounds: number;
  /** maxFeatures: agents.planner.max_features — a larger plan fails with request_too_large before any code. */
  planner: { maxFeatures: number };
  /** generateDiagrams: agents.architect.generate_diagrams — Mermaid diagrams in design.md. */
  architect: { generateDiagrams: boolean };
  /** agents.coder.*: maxFilesPerBatch bounds every commit; the rest bound the model-driven coder only. */
  coder: {
    maxFilesPerBatch: number;
    /** Check → fix rounds within one coder run (agents.coder.max_repair_rounds). */
    maxRepairRounds: number;
    /** Model steps in one coder run, all rounds together. */
    maxSteps: number;
    /** 'tools': tool calling; 'text': fenced files and search/replace blocks, for models without tools. */
    editFormat: 'tools' | 'text';
    maxFileBytes: number;
    maxFiles: number;
    checkTimeoutMs: number;
    /** The model's context window in tokens: a prompt that cannot fit stops before it is sent. */
    contextTokens: number;
    /** What a model may add as a dependency: Catalyst's own installed packages, name → exact version. */
    allowedDependencies: Readonly<Record<string, string>>;
  };
  /** chromiumPath: the browser for the app's e2e tests and the smoke check, null when none is installed (checked by the composition root). */
  /** runSmokeCheck: agents.tester.run_smoke_check — Catalyst's own browser check of the running app. */
  /** testKinds: which of the app's node tests run (agents.tester.run_unit_tests / run_integration_tests); never empty. */
  tester: {
    timeoutMs: number;
    memoryMb: number;
    minCoverage: number;
    runE2e: boolean;
    runSmokeCheck: boolean;
    chromiumPath: string | null;
    testKinds: ReadonlyArray<'unit' | 'integration'>;
  };
  reviewer: { minApprovalScore: number; minCoverage: number; minPassRate: number; maxTypeErrors: number; runTypeCheck: boolean };
  /**
   * router: set when the Host router is enabled (preview.router), so the deployer reports its URL.
   * maxConcurrent: preview.max_concurrent, enforced by the deployer before it starts one more (absent: no limit).
   */
  preview: {
    timeoutMs: number;
    ttlHours: number;
    detached: boolean;
    mode: string;
    maxConcurrent?: number;
    router?: { port: number; baseDomain: string } | null;
  };
  /** Exact versions of the packages generated apps depend on (what Catalyst has installed). */
  dependencyVersions: Record<string, string>;
  /** mergeOnApproval: storage.git.merge_on_approval — the deployer merges the approved branch into main. */
  git: { mode: 'local' | 'github' | 'both'; mergeOnApproval: boolean };
}

export interface AgentPorts {
  state: StateStore;
  documents: DocumentStore;
  git: GitRepos;
  runner: CommandRunner;
  previews: PreviewRuntime;
  artifacts: ArtifactStore;
  workspace: Workspace;
  /** `preview.*` events about other tasks' previews (e.g. one evicted to make room); absent in bare tests. */
  previewEvents?: PreviewEventRecorder;
  /** Headless Chromium for the tester's smoke check; absent when none is installed. */
  browser?: PageBrowser;
  /** The configured language models; absent (as with provider `none`) every agent stays deterministic. */
  models?: LanguageModels;
}

/** The models one task may use, with its budget, cancellation and cache choice already bound. */
export interface TaskModels {
  /** Null when no model is configured for `agent`: it does its job deterministically. */
  for(agent: ModelAgent): TaskModel | null;
}

export interface AgentContext {
  agent: AgentId;
  task: TaskRecord;
  project: ProjectRecord & { slug: string };
  /** The event being handled; its id goes into commit trailers so redelivery can find prior effects. */
  inbound: AgentEvent;
  /** 1 on the first attempt at this event. */
  attempt: number;
  ports: AgentPorts;
  /** This task's models; `models.for('planner')` is null without one. */
  models: TaskModels;
  settings: AgentSettings;
  paths: { repo: string; worktree: string; artifacts: string };
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** A line in the agent's activity log (agent_logs + live feed), as a person would read it. */
  log(message: string, level?: 'info' | 'warning' | 'error'): void;
  /** Progress within this agent's phase, 0..1, with files written so far. */
  progress(update: { progress: number; files_created?: number; total_estimated_files?: number; message?: string }): void;
}

export interface AgentOutput {
  events: EventDraft[];
}

export interface AgentDefinition {
  id: AgentId;
  description: string;
  consumes: Binding[];
  emits: EventType[];
  handle(event: AgentEvent, ctx: AgentContext): Promise<AgentOutput>;
}

/** Live, non-durable notifications for the CLI progress view, WebSocket and SSE clients. */
export interface LiveFeed {
  emit(message: ServerMessage | { type: 'event'; event: AgentEvent }): void;
  on(listener: (message: ServerMessage | { type: 'event'; event: AgentEvent }) => void): () => void;
}
