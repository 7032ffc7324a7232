/** The cost dashboard (/cost): model spend across tasks (newest first), per agent, per model, and in total. */
import { useEffect, useState } from 'react';
import type { ConfiguredModel, CostOverview } from '../../src/contracts/llm.ts';
import { api } from './api.ts';
import { COST_AGENTS, NO_MODEL_TEXT, UsageCells, UsageHeaders, modelLabel, tokens, usd } from './cost.tsx';
import { ErrorNote, Link, statusBadge } from './ui.tsx';

export function CostPage() {
  const [overview, setOverview] = useState<CostOverview | null>(null);
  const [models, setModels] = useState<ConfiguredModel[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.costOverview().then(setOverview, setError);
    api.models().then(setModels, setError);
  }, []);
  const spent = overview !== null && overview.total.calls > 0;
  return (
    <main className="cost-page">
      <h1>Model cost</h1>
      <ErrorNote error={error} />
      {overview === null && !error ? <p>Loading…</p> : null}
      {models ? <ConfiguredModels models={models} /> : null}
      {overview && !spent ? (
        <p role="status" className="empty">
          {models?.length === 0 ? `${NO_MODEL_TEXT} ` : ''}No task has called a language model yet, so nothing was spent.
        </p>
      ) : null}
      {overview && spent ? (
        <>
          <p className="cost-total" aria-label="Total spend">
            {usd(overview.total.cost_usd)} over {overview.total.calls} model call{overview.total.calls === 1 ? '' : 's'} (
            {overview.total.cache_hits} from cache) · {tokens(overview.total.tokens_in)} tokens in, {tokens(overview.total.tokens_cached)}{' '}
            of them cached · {tokens(overview.total.tokens_out)} tokens out
          </p>
          <section aria-labelledby="cost-tasks-title">
            <h2 id="cost-tasks-title">Per task</h2>
            <table aria-label="Cost per task" className="cost-table">
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Status</th>
                  <th scope="col">Started</th>
                  <UsageHeaders />
                </tr>
              </thead>
              <tbody>
                {overview.tasks.map((t) => (
                  <tr key={t.task_id} data-task={t.task_id}>
                    <th scope="row">
                      <Link to={`/tasks/${t.task_id}/cost`}>{t.user_prompt}</Link> <span className="muted">{t.project_name}</span>
                    </th>
                    <td>{statusBadge(t.status)}</td>
                    <td>
                      <time dateTime={t.created_at}>{new Date(t.created_at).toLocaleString()}</time>
                    </td>
                    <UsageCells t={t.total} />
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="cost-agents-title">
            <h2 id="cost-agents-title">Per agent</h2>
            <table aria-label="Cost per agent" className="cost-table">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <UsageHeaders />
                </tr>
              </thead>
              <tbody>
                {COST_AGENTS.filter((a) => overview.per_agent[a]).map((a) => (
                  <tr key={a} data-agent={a}>
                    <th scope="row">{a}</th>
                    <UsageCells t={overview.per_agent[a]!} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr data-agent="total">
                  <th scope="row">Total</th>
                  <UsageCells t={overview.total} />
                </tr>
              </tfoot>
            </table>
          </section>
          <section aria-labelledby="cost-models-title">
            <h2 id="cost-models-title">Per model</h2>
            <table aria-label="Cost per model" className="cost-table">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <UsageHeaders />
                </tr>
              </thead>
              <tbody>
                {overview.per_model.map((m) => (
                  <tr key={modelLabel(m)} data-model={modelLabel(m)}>
                    <th scope="row">{modelLabel(m)}</th>
                    <UsageCells t={m.total} />
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      ) : null}
    </main>
  );
}

/** The visible choice (issue 14): which model each agent calls now. */
function ConfiguredModels({ models }: { models: ConfiguredModel[] }) {
  if (models.length === 0) return null;
  const byAgent = new Map(models.map((m) => [m.agent, m]));
  return (
    <p className="note" aria-label="Configured models">
      Models now:{' '}
      {COST_AGENTS.map((a, i) => {
        const m = byAgent.get(a);
        return (
          <span key={a}>
            {i > 0 ? ' · ' : ''}
            {a} {m ? modelLabel(m) : 'none (deterministic)'}
          </span>
        );
      })}
    </p>
  );
}
