import { parseEvent, type AgentEvent } from '../contracts/events.ts';
import type { CatalystConfig } from '../config/index.ts';
import { resolveTask, taskRefId } from '../orchestrator/id-refs.ts';
import { serverFor } from './connect.ts';
import { EXIT, printJson, table } from './output.ts';

function summaryOf(payload: Record<string, unknown>): string {
  const keys = [
    'status',
    'decision',
    'preview_url',
    'url',
    'feature_count',
    'data_model_count',
    'files_created',
    'total_tests',
    'coverage',
    'score',
    'reason',
  ];
  return keys
    .filter((k) => payload[k] !== undefined && payload[k] !== null)
    .map(
      (k) =>
        `${k}=${typeof payload[k] === 'number' && k === 'coverage' ? `${Math.round((payload[k] as number) * 1000) / 10}%` : String(payload[k])}`,
    )
    .join(' ');
}

interface EventsView {
  task_id: string;
  trace_id: string;
  status: string;
  events: AgentEvent[];
}

async function readEmbedded(taskRef: string, config: Readonly<CatalystConfig>): Promise<EventsView> {
  // A mistyped id is refused before the runtime (imported only now: seconds of modules) and the store start.
  taskRefId(taskRef);
  const { createRuntime } = await import('../runtime.ts');
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false, storeLock: { purpose: 'catalyst events' } });
  try {
    const task = await resolveTask(runtime.ports.state, taskRef);
    const events = (await runtime.ports.state.listEvents(task.id)).map((row) => parseEvent(row.envelope));
    return { task_id: task.id, trace_id: task.trace_id, status: task.status, events };
  } finally {
    await runtime.close();
  }
}

/** `catalyst events <task_id>`: the audit trail of one task (full or short id), validated against the event catalog. */
export async function eventsCommand(taskRef: string, opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const server = await serverFor(config);
  const view = server
    ? await server.json<EventsView>('GET', `/api/events/${encodeURIComponent(taskRef)}`).then((v) => ({
        ...v,
        // The API adds the row's id and time to each envelope.
        events: v.events.map(({ id: _id, created_at: _at, ...envelope }: AgentEvent & { id?: number; created_at?: string }) =>
          parseEvent(envelope),
        ),
      }))
    : await readEmbedded(taskRef, config);
  if (opts.json) printJson(view);
  else {
    process.stdout.write(
      `${table(
        ['time', 'actor', 'event', 'summary'],
        view.events.map((e) => [e.timestamp.slice(11, 23), e.actor, e.event_type, summaryOf(e.payload as Record<string, unknown>)]),
      )}\n`,
    );
  }
  return EXIT.ok;
}
