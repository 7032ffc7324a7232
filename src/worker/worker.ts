/**
 * `catalyst worker`: consumes agent queues in event-driven mode in a process of its own, so agents
 * scale out across processes and machines (spec §2, §9.1). Every worker also relays the outbox:
 * relays never hand one row to two claimers (StateStore.claimOutbox), so more relays only mean less
 * latency, and no single process has to stay up for events to keep flowing.
 */
import { PIPELINE_AGENTS } from '../agents/index.ts';
import type { CatalystConfig } from '../config/index.ts';
import type { AgentDefinition } from '../core/agent.ts';
import { AppError } from '../core/errors.ts';
import { createRuntime, type Runtime } from '../runtime.ts';

export interface WorkerOptions {
  /** Agent ids to consume for; empty or undefined means every pipeline agent. */
  agents?: readonly string[];
  relay?: boolean;
}

export function selectAgents(ids: readonly string[] | undefined, all: readonly AgentDefinition[] = PIPELINE_AGENTS): AgentDefinition[] {
  if (!ids || ids.length === 0) return [...all];
  const known = new Map(all.map((a) => [a.id as string, a]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError('invalid_option', `unknown agent${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, {
      hint: `choose from ${[...known.keys()].join(', ')}, comma-separated`,
    });
  }
  return [...new Set(ids)].map((id) => known.get(id)!);
}

/** A worker shares state and queues with other processes, so it needs the server adapters. */
export function assertSharedInfrastructure(config: Readonly<CatalystConfig>): void {
  if (config.adapters.bus.kind !== 'rabbitmq') {
    throw new AppError('invalid_config', 'a worker needs RabbitMQ: the in-process bus cannot reach other processes', {
      hint: 'set RABBITMQ_URL (orchestration.event_driven.rabbitmq_url), e.g. amqp://guest:guest@127.0.0.1:5672',
    });
  }
  if (config.adapters.state.kind !== 'postgres') {
    throw new AppError('invalid_config', 'a worker needs PostgreSQL: the embedded database serves one process only', {
      hint: 'set POSTGRES_URL (storage.databases.postgres.url), e.g. postgresql://postgres@127.0.0.1:5432/catalyst',
    });
  }
}

export async function startWorker(config: Readonly<CatalystConfig>, opts: WorkerOptions = {}): Promise<Runtime> {
  assertSharedInfrastructure(config);
  const consumeFor = selectAgents(opts.agents);
  // Previews outlive the worker: a restarted or scaled-down worker must not take live previews with it.
  return createRuntime(config, { mode: 'event_driven', detachedPreviews: true, consumeFor, runRelay: opts.relay ?? true });
}
