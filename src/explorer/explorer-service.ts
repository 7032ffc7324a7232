/**
 * The explorer (spec §4.7, §8): runs a scan on demand, records it in the state store (running, then
 * completed with its findings or failed with the reason), writes `explorer/<scan-id>/`, keeps the
 * findings in the document store (`explorer_findings`) and their embedding in the vector store, and
 * records an `explorer.findings` event. A build can then start from the scan (`explorer_scan_id`).
 *
 * Scans run in the process that asked (API server or CLI), at most `explorer.max_concurrent_scans` at a
 * time; each has a deadline and can be cancelled. A failing scan never touches another scan's records.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createEvent } from '../contracts/events.ts';
import { ExplorerFindings, ScanRequest, type AnalyzerResult, type ScanRecord } from '../contracts/explorer.ts';
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ArtifactStore } from '../core/ports/artifact-store.ts';
import type { DocumentStore } from '../core/ports/document-store.ts';
import type { StateStore } from '../core/ports/state-store.ts';
import type { VectorMatch, VectorStore } from '../core/ports/vector-store.ts';
import { embedText, EMBEDDING_DIMENSIONS } from './embedding.ts';
import { composeFindings, techStackNames } from './findings.ts';
import { writeScanArtifacts } from './scan-artifacts.ts';
import { checkAllowedHost, redactTarget } from './scan-target.ts';

export const FINDINGS_COLLECTION = 'explorer_findings';

export interface ScanContext {
  /** A scratch folder for this scan (a clone, say), removed when the scan ends. */
  workDir: string;
  signal: AbortSignal;
  progress: (message: string) => void;
}

/** One analyzer per scan type; src/explorer/analyzers.ts wires the real ones. */
export interface Analyzers {
  /** Refuses a target its scanner could never read (wrong scheme, credentials in a URL), before any record is made. */
  checkTarget(request: ScanRequest): void;
  github(request: Extract<ScanRequest, { type: 'github' }>, ctx: ScanContext): Promise<AnalyzerResult>;
  deployment(request: Extract<ScanRequest, { type: 'deployment' }>, ctx: ScanContext): Promise<AnalyzerResult>;
  database(request: Extract<ScanRequest, { type: 'database' }>, ctx: ScanContext): Promise<AnalyzerResult>;
}

export interface ExplorerOptions {
  state: StateStore;
  documents: DocumentStore;
  vectors: VectorStore;
  analyzers: Analyzers;
  logger: Logger;
  /** Each scan's report and structured files, keyed by scan id (spec §4.7 Output). */
  artifacts: ArtifactStore;
  /** Scratch folders of scans in progress (`<workRoot>/<scan-id>`: a clone, say), removed when the scan ends. */
  workRoot: string;
  enabled: boolean;
  maxConcurrent: number;
  allowHosts: readonly string[];
  /** Repository scans of local paths (default true). */
  allowLocalPaths?: boolean;
  /** Upper bound for one scan. */
  timeoutMs?: number;
  clock?: Clock;
  /** Scan progress lines (the live feed, the CLI's spinner). */
  onProgress?: (scanId: string, message: string) => void;
}

export interface Explorer {
  /** Validates and records the scan, then runs it in the background; the record says `running`. */
  start(input: unknown): Promise<ScanRecord>;
  /** Runs a scan to its end; resolves with the finished record (completed or failed). */
  run(input: unknown): Promise<ScanRecord>;
  get(id: string): Promise<{ record: ScanRecord; findings: ExplorerFindings | null }>;
  list(opts?: { limit?: number }): Promise<ScanRecord[]>;
  /** Completed scans whose findings read most like `text`, best first. */
  similar(text: string, limit?: number): Promise<Array<{ scan_id: string; score: number }>>;
  /** Resolves when every running scan has finished (shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_SCAN_TIMEOUT_MS = 10 * 60_000;

export function parseScanRequest(input: unknown): ScanRequest {
  const parsed = ScanRequest.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new AppError('invalid_option', `the scan request is not valid: ${where}${issue.message}`, {
    hint: 'send {"type": "github" | "deployment" | "database", "target": "<url or path>"}; see GET /docs for every field',
    retryable: false,
  });
}

function describe(e: unknown): string {
  if (AppError.isInstance(e)) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function createExplorer(opts: ExplorerOptions): Explorer {
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
  const running = new Map<string, { done: Promise<ScanRecord>; abort: AbortController }>();
  const closing = new AbortController();
  let collectionReady: Promise<void> | null = null;

  function findingsVector(f: ExplorerFindings): number[] {
    return embedText(
      [
        f.scan_type,
        f.architecture.style,
        ...techStackNames(f.technologies),
        ...f.entities.map((e) => e.source_name),
        ...f.improvements,
      ].join(' '),
    );
  }

  async function remember(f: ExplorerFindings): Promise<void> {
    await opts.documents.put(FINDINGS_COLLECTION, f.scan_id, f as unknown as Record<string, unknown>);
    collectionReady ??= opts.vectors.ensureCollection(FINDINGS_COLLECTION, EMBEDDING_DIMENSIONS);
    await collectionReady;
    await opts.vectors.upsert(FINDINGS_COLLECTION, [
      { id: f.scan_id, vector: findingsVector(f), payload: { scan_id: f.scan_id, scan_type: f.scan_type, target: f.target } },
    ]);
    const event = createEvent(
      {
        event_type: 'explorer.findings',
        payload: {
          scan_id: f.scan_id,
          scan_type: f.scan_type,
          target: f.target,
          can_replicate: f.can_replicate,
          tech_stack: techStackNames(f.technologies),
          similarity_score: f.similarity_score,
          suggested_tasks: f.suggested_tasks,
          findings_ref: `file://${opts.artifacts.location(f.scan_id)}/findings.json`,
        },
      },
      // A scan is not a task: it is its own trace, recorded under its own id.
      {
        event_id: randomUUID(),
        trace_id: randomUUID(),
        task_id: f.scan_id,
        actor: 'explorer',
        repo: '',
        branch: '',
        causation_id: null,
        timestamp: clock.now().toISOString(),
      },
    );
    await opts.state.appendEvent(event);
  }

  async function analyze(request: ScanRequest, ctx: ScanContext): Promise<AnalyzerResult> {
    switch (request.type) {
      case 'github':
        return opts.analyzers.github(request, ctx);
      case 'deployment':
        return opts.analyzers.deployment(request, ctx);
      case 'database':
        return opts.analyzers.database(request, ctx);
    }
  }

  async function execute(id: string, request: ScanRequest, target: string, abort: AbortController): Promise<ScanRecord> {
    const log = opts.logger.child({ scan_id: id, scan_type: request.type });
    const startedAt = clock.now();
    const workDir = join(opts.workRoot, id);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([abort.signal, deadline, closing.signal]);
    const progress = (message: string) => {
      log.info(message);
      opts.onProgress?.(id, message);
    };
    try {
      await mkdir(workDir, { recursive: true });
      progress(`Explorer: scanning ${target}`);
      const result = await analyze(request, { workDir, signal, progress });
      signal.throwIfAborted();
      const findings = ExplorerFindings.parse(
        composeFindings({ scanId: id, scanType: request.type, target, startedAt, completedAt: clock.now(), result }),
      );
      progress('Explorer: writing the report');
      await writeScanArtifacts(opts.artifacts, findings);
      await remember(findings);
      const record = await opts.state.finishScan(id, {
        status: 'completed',
        findings,
        tech_stack: techStackNames(findings.technologies),
        security_score: findings.security_score,
        tech_debt_score: findings.tech_debt_score,
        artifacts_dir: opts.artifacts.location(id),
      });
      progress(`Explorer: done — ${findings.entities.length} records, security ${findings.security_score}/100`);
      return record;
    } catch (e) {
      const reason = deadline.aborted
        ? `the scan took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`
        : closing.signal.aborted
          ? 'Catalyst shut down during the scan'
          : abort.signal.aborted
            ? 'the scan was cancelled'
            : describe(e);
      log.warn({ err: e instanceof Error ? e.message : String(e) }, 'scan failed');
      opts.onProgress?.(id, `Explorer: failed — ${reason}`);
      return opts.state.finishScan(id, { status: 'failed', error: reason });
    } finally {
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async function begin(input: unknown): Promise<{ record: ScanRecord; done: Promise<ScanRecord> }> {
    if (!opts.enabled) {
      throw new AppError('invalid_option', 'the explorer is switched off (explorer.enabled: false)', {
        hint: 'set explorer.enabled: true in config.yaml',
        retryable: false,
      });
    }
    const request = parseScanRequest(input);
    opts.analyzers.checkTarget(request);
    checkAllowedHost(request, opts.allowHosts, opts.allowLocalPaths ?? true);
    if (running.size >= opts.maxConcurrent) {
      throw new AppError('scans_busy', `${running.size} scans are already running (explorer.max_concurrent_scans)`, {
        hint: 'wait for one to finish (GET /api/explorer/scans), or raise explorer.max_concurrent_scans',
      });
    }
    const id = randomUUID();
    const target = redactTarget(request.target);
    const record = await opts.state.createScan({ id, scan_type: request.type, target });
    const abort = new AbortController();
    const done = execute(id, request, target, abort).finally(() => running.delete(id));
    running.set(id, { done, abort });
    return { record, done };
  }

  async function get(id: string): Promise<{ record: ScanRecord; findings: ExplorerFindings | null }> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new AppError('invalid_option', `"${id}" is not a scan id`, {
        hint: 'use the full scan id printed by `catalyst explore` (a UUID)',
        retryable: false,
      });
    }
    const found = await opts.state.getScan(id);
    if (!found)
      throw new AppError('scan_not_found', `no explorer scan with id ${id}`, {
        hint: 'GET /api/explorer/scans (or `catalyst scans`) lists scans',
      });
    return { record: found.record, findings: found.findings === null ? null : ExplorerFindings.parse(found.findings) };
  }

  return {
    async start(input) {
      return (await begin(input)).record;
    },
    async run(input) {
      return (await begin(input)).done;
    },
    get,
    list: (o) => opts.state.listScans(o),
    async similar(text, limit = 5) {
      collectionReady ??= opts.vectors.ensureCollection(FINDINGS_COLLECTION, EMBEDDING_DIMENSIONS);
      await collectionReady;
      const matches: VectorMatch[] = await opts.vectors.search(FINDINGS_COLLECTION, embedText(text), { limit });
      return matches.map((m) => ({ scan_id: String(m.payload.scan_id ?? m.id), score: Math.round(m.score * 1000) / 1000 }));
    },
    async idle() {
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
    async close() {
      closing.abort();
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
  };
}
