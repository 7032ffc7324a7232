/**
 * What the language models cost (issue 14): the task page's cost summary and per-agent table, read from
 * GET /api/tasks/:id/cost and GET /api/models, kept current while the build runs. A task built without a
 * model says so in words: an empty table would look like missing data.
 */
import { useEffect, useState } from 'react';
import type { ConfiguredModel, LlmUsageTotals, ModelAgent, TaskCost } from '../../src/contracts/llm.ts';
import { api } from './api.ts';
import { ErrorNote, Link } from './ui.tsx';

/** The agents that may call a model (MODEL_AGENTS of the contract; not imported, so zod stays out of the bundle). */
export const COST_AGENTS = ['planner', 'architect', 'coder', 'reviewer'] as const satisfies readonly ModelAgent[];

export const NO_MODEL_TEXT = 'No language model configured: agents ran deterministically (0 tokens).';

const ZERO: LlmUsageTotals = { calls: 0, cache_hits: 0, failed: 0, tokens_in: 0, tokens_cached: 0, tokens_out: 0, cost_usd: 0 };

export function tokens(n: number): string {
  return n.toLocaleString('en-US');
}

/** Model spend is often fractions of a cent: below a dollar it keeps micro-dollar precision (the API's rounding). */
export function usd(v: number): string {
  if (v === 0) return '$0.00';
  if (v >= 1) return `$${v.toFixed(2)}`;
  return `$${v.toFixed(6).replace(/(\.\d{2}\d*?)0+$/, '$1')}`;
}

export function modelLabel(m: Pick<ConfiguredModel, 'provider' | 'model'>): string {
  return `${m.provider} / ${m.model}`;
}

export interface TaskCostState {
  cost: TaskCost | null;
  /** null until loaded; empty when no agent has a model configured. */
  models: ConfiguredModel[] | null;
  error: unknown;
}

/**
 * The task's cost, fetched again whenever a model call is announced (`calls` counts `llm_call` messages),
 * an agent changes state (`revision`), and every few seconds while the build runs — so the numbers move
 * during a long agent step even if a live message was missed.
 */
export function useTaskCost(id: string, live: { calls: number; revision: number; running: boolean }): TaskCostState {
  const [cost, setCost] = useState<TaskCost | null>(null);
  const [models, setModels] = useState<ConfiguredModel[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    api.models().then(
      (m) => alive && setModels(m),
      (e: unknown) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, []);
  useEffect(() => {
    if (!live.running) return;
    const t = setInterval(() => setTick((n) => n + 1), 3000);
    return () => clearInterval(t);
  }, [live.running]);
  useEffect(() => {
    let alive = true;
    api.taskCost(id).then(
      (c) => {
        if (!alive) return;
        setCost(c);
        setError(null);
      },
      (e: unknown) => alive && setError(e),
    );
    return () => {
      alive = false;
    };
  }, [id, live.calls, live.revision, tick]);
  return { cost, models, error };
}

function noModelRan(state: TaskCostState): boolean {
  return state.cost !== null && state.cost.total.calls === 0 && state.models !== null && state.models.length === 0;
}

function spendLine(t: LlmUsageTotals): string {
  const calls = `${t.calls} model call${t.calls === 1 ? '' : 's'}`;
  const hits = t.cache_hits > 0 ? ` (${t.cache_hits} from cache)` : '';
  return `${calls}${hits} · ${tokens(t.tokens_in + t.tokens_out)} tokens · ${usd(t.cost_usd)}`;
}

/** One line beside the timeline: the spend so far, or that no model was used; the details are on the Cost tab. */
export function CostSummary({ id, state }: { id: string; state: TaskCostState }) {
  if (!state.cost) return null;
  return (
    <p className="cost-summary" aria-label="Cost summary">
      {noModelRan(state) ? (
        NO_MODEL_TEXT
      ) : (
        <>
          Model cost: {spendLine(state.cost.total)} <Link to={`/tasks/${id}/cost`}>details</Link>
        </>
      )}
    </p>
  );
}

export function UsageCells({ t }: { t: LlmUsageTotals }) {
  return (
    <>
      <td className="num" data-col="calls">
        {t.calls}
        {t.failed > 0 ? <span className="muted"> ({t.failed} failed)</span> : null}
      </td>
      <td className="num" data-col="cache_hits">
        {t.cache_hits}
      </td>
      <td className="num" data-col="tokens_in">
        {tokens(t.tokens_in)}
      </td>
      <td className="num" data-col="tokens_cached">
        {tokens(t.tokens_cached)}
      </td>
      <td className="num" data-col="tokens_out">
        {tokens(t.tokens_out)}
      </td>
      <td className="num" data-col="cost_usd">
        {usd(t.cost_usd)}
      </td>
    </>
  );
}

export function UsageHeaders() {
  return (
    <>
      <th scope="col" className="num">
        Calls
      </th>
      <th scope="col" className="num">
        Cache hits
      </th>
      <th scope="col" className="num">
        Tokens in
      </th>
      <th scope="col" className="num" title="The part of the input the provider served from its prompt cache (billed at the cached price)">
        Cached in
      </th>
      <th scope="col" className="num">
        Tokens out
      </th>
      <th scope="col" className="num">
        Cost (USD)
      </th>
    </>
  );
}

/** The Cost tab: per agent its configured model and what its calls used, with the task's totals. */
export function CostView({ state, running }: { state: TaskCostState; running: boolean }) {
  const { cost, models } = state;
  if (!cost) return state.error ? <ErrorNote error={state.error} /> : <p>Loading…</p>;
  if (noModelRan(state))
    return (
      <section aria-labelledby="cost-title">
        <h2 id="cost-title">Model cost</h2>
        <p role="status" className="empty">
          {NO_MODEL_TEXT}
        </p>
      </section>
    );
  const byAgent = new Map((models ?? []).map((m) => [m.agent, m]));
  return (
    <section aria-labelledby="cost-title">
      <h2 id="cost-title">Model cost</h2>
      <ErrorNote error={state.error} />
      <table aria-label="Cost per agent" className="cost-table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Model</th>
            <UsageHeaders />
          </tr>
        </thead>
        <tbody>
          {COST_AGENTS.map((agent) => {
            const m = byAgent.get(agent);
            return (
              <tr key={agent} data-agent={agent}>
                <th scope="row">{agent}</th>
                <td data-col="model">
                  {m ? modelLabel(m) : <span className="muted">none (deterministic)</span>}
                  {m && m.fallbacks.length > 0 ? <span className="muted"> then {m.fallbacks.map(modelLabel).join(', ')}</span> : null}
                </td>
                <UsageCells t={cost.per_agent[agent] ?? ZERO} />
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr data-agent="total">
            <th scope="row">Total</th>
            <td />
            <UsageCells t={cost.total} />
          </tr>
        </tfoot>
      </table>
      <p className="note">
        {running ? 'Updating live while the build runs. ' : ''}
        Models are the ones configured now; a response served from Catalyst&apos;s cache costs 0 tokens.{' '}
        <Link to="/cost">All tasks&apos; spend</Link>
      </p>
    </section>
  );
}
