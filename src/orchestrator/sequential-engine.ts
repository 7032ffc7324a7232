/**
 * Sequential mode (spec §9.1): the agents' handlers are called directly, in the order their
 * subscriptions dictate, in this process. Events are still recorded (audit trail) but not published.
 */
import type { AgentEvent } from '../contracts/events.ts';
import type { TaskRecord } from '../contracts/records.ts';
import type { Engine, Submission } from './engine.ts';
import { cancelTask, failTask, runStep, subscribersOf, type StepDeps } from './step-runner.ts';
import { waitForTask } from './wait-for-task.ts';

const TIMED_OUT = new Error('timeout');
const CANCELLED = new Error('cancelled');

export function createSequentialEngine(deps: StepDeps & { timeoutMs: number; retryDelayMs: number }): Engine {
  const running = new Map<string, Promise<void>>();
  const controllers = new Map<string, AbortController>();

  async function drive(initial: AgentEvent, signal: AbortSignal): Promise<void> {
    const queue: AgentEvent[] = [initial];
    while (queue.length > 0) {
      const event = queue.shift()!;
      for (const agent of subscribersOf(deps.agents, event)) {
        for (;;) {
          if (signal.aborted) {
            // The task row already says cancelled; failing it now would overwrite that.
            if (signal.reason === CANCELLED) return;
            const reason =
              signal.reason === TIMED_OUT
                ? `timed out after ${Math.round(deps.timeoutMs / 1000)} s (orchestration.sequential.timeout_seconds)`
                : 'stopped: Catalyst shut down while the task was running';
            await failTask(deps, agent, event, reason, { publish: false });
            return;
          }
          const result = await runStep(deps, agent, event, { publish: false, signal });
          if (result.status === 'committed') {
            queue.push(...result.emitted);
            break;
          }
          if (result.status !== 'failed') break;
          if (result.final) {
            await failTask(deps, agent, event, `${agent.id} failed after ${result.attempt} attempt(s): ${result.error.message}`, {
              publish: false,
              cause: result.error,
            });
            return;
          }
          await new Promise((r) => setTimeout(r, deps.retryDelayMs * 2 ** (result.attempt - 1)));
        }
      }
    }
  }

  return {
    mode: 'sequential',
    async start() {},
    async submit(submission: Submission): Promise<TaskRecord> {
      const task = await deps.state.createTask({ ...submission, event: submission.initiated, publish: false });
      deps.feed.emit({ type: 'event', event: submission.initiated });
      const controller = new AbortController();
      controllers.set(task.id, controller);
      const timer = setTimeout(() => controller.abort(TIMED_OUT), deps.timeoutMs);
      const run = drive(submission.initiated, controller.signal)
        .catch((e) => deps.logger.error({ err: e instanceof Error ? e.message : String(e), task_id: task.id }, 'sequential run crashed'))
        .finally(() => {
          clearTimeout(timer);
          controllers.delete(task.id);
          running.delete(task.id);
        });
      running.set(task.id, run);
      return task;
    },
    async waitFor(taskId, signal) {
      await running.get(taskId);
      return waitForTask(deps.state, deps.feed, taskId, signal);
    },
    async cancel(taskId) {
      const cancelled = await cancelTask(deps.state, taskId, deps.clock.now().toISOString());
      controllers.get(taskId)?.abort(CANCELLED);
      await running.get(taskId);
      await deps
        .onCancelled?.(taskId)
        .catch((e: unknown) => deps.logger.warn({ task_id: taskId, err: String(e) }, 'clean-up after cancel failed'));
      return (await deps.state.getTask(taskId)) ?? cancelled;
    },
    async stop() {
      for (const c of controllers.values()) c.abort(new Error('engine stopped'));
      await Promise.allSettled([...running.values()]);
    },
  };
}
