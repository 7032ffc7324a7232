import { parseEvent } from '../contracts/events.ts';
import type { CatalystConfig } from '../config/index.ts';
import { AppError } from '../core/errors.ts';
import { createRuntime } from '../runtime.ts';
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

/** `catalyst events <task_id>`: the audit trail of one task, validated against the event catalog. */
export async function eventsCommand(taskId: string, opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  if (!/^[0-9a-f-]{36}$/i.test(taskId)) {
    throw new AppError('invalid_option', `"${taskId}" is not a task id`, { hint: 'use the full task_id printed by `catalyst build`' });
  }
  const runtime = await createRuntime(config, { mode: 'sequential', detachedPreviews: false });
  try {
    const task = await runtime.ports.state.getTask(taskId);
    if (!task)
      throw new AppError('task_not_found', `no task ${taskId}`, {
        hint: 'check the id; tasks live in the state store of this data folder',
      });
    const events = (await runtime.ports.state.listEvents(taskId)).map((row) => parseEvent(row.envelope));
    if (opts.json) printJson({ task_id: taskId, trace_id: task.trace_id, status: task.status, events });
    else {
      process.stdout.write(
        `${table(
          ['time', 'actor', 'event', 'summary'],
          events.map((e) => [e.timestamp.slice(11, 23), e.actor, e.event_type, summaryOf(e.payload as Record<string, unknown>)]),
        )}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}
