/**
 * `catalyst explore <target>` (spec §4.7): scans a git repository, a running deployment or a database
 * and prints what it found; `catalyst scans [scan_id]` lists scans or shows one. A build can then start
 * from the scan: `catalyst build "…" --from-scan <scan_id>`.
 */
import { isAbsolute } from 'node:path';
import type { CatalystConfig } from '../config/index.ts';
import type { ExplorerFindings, ScanRecord, ScanRequestInput, ScanType } from '../contracts/explorer.ts';
import { AppError } from '../core/errors.ts';
import { createRuntime } from '../runtime.ts';
import { serverFor } from './connect.ts';
import { EXIT, printJson, table } from './output.ts';

export interface ExploreOptions {
  type?: ScanType;
  depth?: 'quick' | 'standard' | 'full';
  token?: string;
  apiKey?: string;
  json: boolean;
}

/** The scan type a target implies: database URL schemes, git URLs and paths, else a running site. */
export function scanTypeOf(target: string): ScanType {
  if (/^(postgres|postgresql|mysql|mariadb|mongodb|mongodb\+srv):\/\//i.test(target)) return 'database';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target) || isAbsolute(target)) return 'github';
  if (/\.git\/?$/i.test(target) || /^https?:\/\/(www\.)?(github\.com|gitlab\.com|bitbucket\.org)\//i.test(target)) return 'github';
  return 'deployment';
}

function requestFor(target: string, opts: ExploreOptions): ScanRequestInput {
  const type = opts.type ?? scanTypeOf(target);
  if (type === 'github') {
    return { type, target, analysis_depth: opts.depth ?? 'standard', ...(opts.token ? { credentials: { github_token: opts.token } } : {}) };
  }
  if (opts.depth)
    throw new AppError('invalid_option', '--depth applies to repository scans only', {
      hint: `drop --depth, or scan a repository (this target reads as a ${type})`,
    });
  if (type === 'deployment') return { type, target, ...(opts.apiKey ? { credentials: { api_key: opts.apiKey } } : {}) };
  return { type, target };
}

function recordRow(r: ScanRecord): string[] {
  return [
    r.id,
    r.scan_type,
    r.status,
    r.target,
    r.security_score === null ? '' : String(r.security_score),
    r.status === 'failed' ? (r.error ?? '') : r.tech_stack.slice(0, 4).join(', '),
  ];
}

type ScanView = { record: ScanRecord; findings: ExplorerFindings | null };

/** Runs a scan to its end: through the running server (started, then polled), or in this process. */
async function runScan(request: ScanRequestInput, config: Readonly<CatalystConfig>): Promise<ScanView> {
  const server = await serverFor(config);
  if (server) {
    const { scan } = await server.json<{ scan: ScanRecord }>('POST', '/api/explorer/scan', request);
    for (;;) {
      const view = await server.json<{ scan: ScanRecord; findings: ExplorerFindings | null }>('GET', `/api/explorer/scans/${scan.id}`);
      if (view.scan.status !== 'running') return { record: view.scan, findings: view.findings };
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, storeLock: { purpose: 'catalyst explore' } });
  try {
    const record = await runtime.explorer.run(request);
    return { record, findings: (await runtime.explorer.get(record.id)).findings };
  } finally {
    await runtime.close();
  }
}

export async function exploreCommand(target: string, opts: ExploreOptions, config: Readonly<CatalystConfig>): Promise<number> {
  const request = requestFor(target, opts);
  if (!opts.json) process.stderr.write(`Explorer: scanning ${request.type === 'database' ? 'a database' : target} (${request.type})…\n`);
  const { record, findings } = await runScan(request, config);
  if (opts.json) printJson({ scan: record, findings });
  else if (record.status === 'failed' || !findings) {
    process.stderr.write(`Scan ${record.id} failed: ${record.error}\n`);
  } else {
    const lines = [
      findings.summary,
      '',
      `Records: ${findings.entities.map((e) => e.source_name).join(', ') || 'none'}`,
      `Security ${findings.security_score}/100 · tech debt ${findings.tech_debt_score}/100 · similarity to Catalyst's stack ${findings.similarity_score}`,
      '',
      'Suggested tasks:',
      ...findings.suggested_tasks.slice(0, 8).map((t) => `  - ${t}`),
      '',
      `Report: ${record.artifacts_dir}/report.md`,
      `Build from it: catalyst build "build something similar" --from-scan ${record.id}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return record.status === 'completed' ? EXIT.ok : EXIT.failed;
}

async function readScans(scanId: string | undefined, config: Readonly<CatalystConfig>): Promise<ScanRecord[] | ScanView> {
  const server = await serverFor(config);
  if (server) {
    if (scanId === undefined) return (await server.json<{ scans: ScanRecord[] }>('GET', '/api/explorer/scans')).scans;
    const view = await server.json<{ scan: ScanRecord; findings: ExplorerFindings | null }>(
      'GET',
      `/api/explorer/scans/${encodeURIComponent(scanId)}`,
    );
    return { record: view.scan, findings: view.findings };
  }
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, storeLock: { purpose: 'catalyst scans' } });
  try {
    return scanId === undefined ? await runtime.explorer.list() : await runtime.explorer.get(scanId);
  } finally {
    await runtime.close();
  }
}

export async function scansCommand(scanId: string | undefined, opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const read = await readScans(scanId, config);
  if (Array.isArray(read)) {
    if (opts.json) printJson({ scans: read });
    else process.stdout.write(`${table(['scan_id', 'type', 'status', 'target', 'security', 'stack / error'], read.map(recordRow))}\n`);
    return EXIT.ok;
  }
  const { record, findings } = read;
  if (opts.json) printJson({ scan: record, findings });
  else
    process.stdout.write(
      `${table(['scan_id', 'type', 'status', 'target', 'security', 'stack / error'], [recordRow(record)])}\n${findings ? `\n${findings.summary}\n` : ''}`,
    );
  return EXIT.ok;
}
