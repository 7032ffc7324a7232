/** The explorer (spec §4.7) over the runtime's ports, with the real scanners unless a test brings its own. */
import { join } from 'node:path';
import type { CatalystConfig } from '../config/index.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { createAnalyzers } from '../explorer/analyzers.ts';
import { createExplorer, type Analyzers, type Explorer } from '../explorer/explorer-service.ts';
import type { RuntimePorts } from './open-ports.ts';

export function openExplorer(
  config: Readonly<CatalystConfig>,
  ports: RuntimePorts,
  opts: { logger: Logger; clock: Clock; analyzers?: Analyzers },
): Explorer {
  const { explorer } = config;
  return createExplorer({
    state: ports.state,
    documents: ports.documents,
    vectors: ports.vectors,
    analyzers: opts.analyzers ?? createAnalyzers({ runner: ports.runner, workspace: ports.workspace, childEnv: config.childEnv }),
    logger: opts.logger.child({ component: 'explorer' }),
    artifacts: ports.scans,
    // Beside the scans but never a scan's own folder: `.work` is not a scan id.
    workRoot: join(config.paths.explorer, '.work'),
    enabled: explorer.enabled,
    maxConcurrent: explorer.max_concurrent_scans,
    allowHosts: explorer.allow_hosts,
    allowLocalPaths: explorer.allow_local_paths,
    timeoutMs: explorer.scan_timeout_seconds * 1000,
    clock: opts.clock,
  });
}
