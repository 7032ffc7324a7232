/**
 * Result views of a task, each read from the API: preview, files, plan, architecture, tests, review,
 * commits. Code is highlighted with shiki and Mermaid diagrams are drawn with @mermaid-js/tiny, both loaded
 * on first use so the first page stays small.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { parse as parseYaml } from 'yaml';
import type { FileEntry } from '../../src/contracts/api.ts';
import type { DataModels, Plan, ReviewDecision, SmokeSummary, TestSummary } from '../../src/contracts/artifacts.ts';
import { ApiError, api, type CommitInfo } from './api.ts';
import { CodeView } from './code-view.tsx';
import { MermaidDiagram } from './mermaid-diagram.tsx';
import { ErrorNote } from './ui.tsx';
import type { TaskStream } from './use-task-stream.ts';
import { previewLabel, type PreviewState } from './use-preview.ts';

/** Loads something for a task; a 404 means "not produced yet" rather than an error. */
function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; missing: boolean; error: unknown } {
  const [state, setState] = useState<{ data: T | null; missing: boolean; error: unknown }>({ data: null, missing: false, error: null });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, missing: false, error: null }),
      (error: unknown) =>
        live &&
        setState((s) => ({
          data: s.data,
          missing: error instanceof ApiError && error.status === 404,
          error: error instanceof ApiError && error.status === 404 ? null : error,
        })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

function Pending({ what }: { what: string }) {
  return <p className="empty">{what} will appear here once the agent has produced it.</p>;
}

function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? 'n/a' : `${Math.round(v * 1000) / 10}%`;
}

/** The preview's state as a badge: "running" only while it answers. */
export function PreviewBadge({ preview }: { preview: PreviewState }) {
  const label = previewLabel(preview);
  return <span className={`badge badge-preview-${label}`}>{label}</span>;
}

const NOT_RUNNING: Record<string, string> = {
  stopped: 'The preview was stopped.',
  expired: 'The preview expired: previews are stopped after their time to live (preview.ttl_hours).',
  failed: 'The preview failed to start or crashed too often.',
  unhealthy: 'The preview is not answering its health check; its supervisor restarts it when it crashes.',
};

export function PreviewView({ preview, url }: { preview: PreviewState; url: string | null }) {
  const { record } = preview;
  // Before the record loads, the URL the build announced is live: the deployer has just checked it.
  const live = record ? record.status === 'healthy' && !preview.restarting : url !== null;
  const shown = record?.url ?? url;
  if (!shown) return <Pending what="The live preview" />;
  const label = previewLabel(preview);
  const restart = (
    <button type="button" onClick={preview.restart} disabled={preview.restarting}>
      {preview.restarting ? 'Restarting…' : 'Restart preview'}
    </button>
  );
  return (
    <div className="preview">
      <p>
        {record ? <PreviewBadge preview={preview} /> : null}{' '}
        {live ? (
          <a href={shown} target="_blank" rel="noopener noreferrer">
            Open in new tab
          </a>
        ) : null}{' '}
        <code>{shown}</code>
      </p>
      <ErrorNote error={preview.error} />
      {live ? (
        <iframe title="Preview of the generated app" src={shown} className="preview-frame" />
      ) : label === 'starting' || label === 'restarting' ? (
        <p role="status" className="preview-state">
          {label === 'restarting' ? 'Restarting the preview…' : 'Starting the preview…'}
        </p>
      ) : (
        <div role="status" className="preview-state">
          <p>{NOT_RUNNING[record?.status ?? ''] ?? `The preview is ${label}.`}</p>
          {restart}
        </div>
      )}
    </div>
  );
}

interface TreeNode {
  name: string;
  path: string;
  children: Map<string, TreeNode>;
  file: FileEntry | null;
}

function buildTree(files: FileEntry[]): TreeNode {
  const root: TreeNode = { name: '', path: '', children: new Map(), file: null };
  for (const f of files) {
    let node = root;
    const parts = f.path.split('/');
    parts.forEach((part, i) => {
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = { name: part, path: parts.slice(0, i + 1).join('/'), children: new Map(), file: null }));
      if (i === parts.length - 1) child.file = f;
      node = child;
    });
  }
  return root;
}

function Tree({
  node,
  selected,
  onSelect,
  depth,
}: {
  node: TreeNode;
  selected: string | null;
  onSelect: (p: string) => void;
  depth: number;
}) {
  const entries = [...node.children.values()].sort(
    (a, b) => Number(b.file === null) - Number(a.file === null) || a.name.localeCompare(b.name),
  );
  return (
    <ul role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? 'Files' : undefined}>
      {entries.map((child) =>
        child.file ? (
          <li key={child.path} role="treeitem" aria-selected={selected === child.path}>
            <button
              type="button"
              className={`file ${selected === child.path ? 'file-selected' : ''}`}
              onClick={() => onSelect(child.path)}
              title={child.path}
            >
              {child.name}
            </button>
          </li>
        ) : (
          <li key={child.path} role="treeitem" aria-expanded={true}>
            <details open={depth < 1}>
              <summary>{child.name}/</summary>
              <Tree node={child} selected={selected} onSelect={onSelect} depth={depth + 1} />
            </details>
          </li>
        ),
      )}
    </ul>
  );
}

export function FilesView({ id, stream }: { id: string; stream: TaskStream }) {
  const filesKey = stream.progress?.files_created ?? 0;
  const [tick, setTick] = useState(0);
  // Files stream in while the coder commits: refetch (at most twice a second) as the count grows.
  useEffect(() => {
    const t = setTimeout(() => setTick((n) => n + 1), 500);
    return () => clearTimeout(t);
  }, [filesKey, stream.revision]);
  const list = useLoad(() => api.files(id), [id, tick]);
  const [selected, setSelected] = useState<string | null>(null);
  const file = useLoad(async () => (selected ? { path: selected, text: await api.file(id, selected) } : null), [id, selected]);
  const tree = useMemo(() => buildTree(list.data?.files ?? []), [list.data]);
  return (
    <div className="files">
      <div className="file-tree">
        <p className="file-count" aria-live="polite">
          {list.data?.files.length ?? 0} files
        </p>
        <ErrorNote error={list.error} />
        {list.data && list.data.files.length === 0 ? (
          <Pending what="Generated files" />
        ) : (
          <Tree node={tree} selected={selected} onSelect={setSelected} depth={0} />
        )}
      </div>
      <div className="file-view">
        {selected ? (
          <>
            <h3>{selected}</h3>
            <ErrorNote error={file.error} />
            <CodeView path={selected} text={file.data?.path === selected ? file.data.text : null} />
          </>
        ) : (
          <p className="empty">Choose a file to read it.</p>
        )}
      </div>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card">
      <h3>{title}</h3>
      {children}
    </section>
  );
}

export function PlanView({ id, revision }: { id: string; revision: number }) {
  const plan = useLoad(async () => parseYaml(await api.artifact(id, 'planning/plan.yaml')) as Plan, [id, revision]);
  if (plan.missing || (!plan.data && !plan.error)) return <Pending what="The plan" />;
  if (!plan.data) return <ErrorNote error={plan.error} />;
  const p = plan.data;
  return (
    <div className="plan">
      <h2>Plan: {p.project.name}</h2>
      <p>{p.project.description}</p>
      <Section title={`Features (${p.features.length})`}>
        <ul>
          {p.features.map((f) => (
            <li key={f.id}>
              <strong>{f.name}</strong> <span className="badge">{f.priority}</span> — {f.description}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={`Tasks (${p.tasks.length})`}>
        <table>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Type</th>
              <th scope="col">Hours</th>
            </tr>
          </thead>
          <tbody>
            {p.tasks.map((t) => (
              <tr key={t.id}>
                <td>{t.description}</td>
                <td>{t.type}</td>
                <td>{t.estimated_hours}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Risks">
        <ul>
          {p.risk_assessment.map((r) => (
            <li key={r.risk}>
              <span className={`badge badge-${r.severity}`}>{r.severity}</span> {r.risk} — <em>{r.mitigation}</em>
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

export function ArchitectureView({ id, revision }: { id: string; revision: number }) {
  const models = useLoad(async () => JSON.parse(await api.artifact(id, 'architecture/data-models.json')) as DataModels, [id, revision]);
  const design = useLoad(() => api.artifact(id, 'architecture/design.md'), [id, revision]);
  const openapi = useLoad(
    async () =>
      parseYaml(await api.artifact(id, 'architecture/api-contracts/openapi.yaml')) as {
        paths?: Record<string, Record<string, { summary?: string }>>;
      },
    [id, revision],
  );
  if (!models.data && !design.data) return models.error ? <ErrorNote error={models.error} /> : <Pending what="The architecture" />;
  const diagrams = [...(design.data ?? '').matchAll(/```mermaid[ \t]*\r?\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return (
    <div className="architecture">
      <h2>Architecture</h2>
      <Section title="Diagrams">
        {diagrams.length === 0 ? <p className="empty">The design has no Mermaid diagram.</p> : null}
        {diagrams.map((d, i) => (
          <MermaidDiagram key={`${i}:${d}`} source={d} label={`Diagram ${i + 1}`} />
        ))}
      </Section>
      {models.data ? (
        <Section title={`Data models (${models.data.models.length})`}>
          {models.data.models.map((m) => (
            <div key={m.name} className="model">
              <h4>{m.name}</h4>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Type</th>
                    <th scope="col">Notes</th>
                  </tr>
                </thead>
                <tbody>
                  {m.fields.map((f) => (
                    <tr key={f.name}>
                      <td>{f.name}</td>
                      <td>{f.type}</td>
                      <td>
                        {[
                          f.primary_key && 'primary key',
                          f.required && 'required',
                          f.unique && 'unique',
                          f.foreign_key && `→ ${f.foreign_key}`,
                        ]
                          .filter(Boolean)
                          .join(', ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </Section>
      ) : null}
      {openapi.data?.paths ? (
        <Section title="API (OpenAPI)">
          <ul className="endpoints">
            {Object.entries(openapi.data.paths).flatMap(([path, ops]) =>
              Object.entries(ops)
                .filter(([method]) => HTTP_METHODS.has(method))
                .map(([method, op]) => (
                  <li key={`${method} ${path}`}>
                    <code>
                      {method.toUpperCase()} {path}
                    </code>{' '}
                    {op?.summary ?? ''}
                  </li>
                )),
            )}
          </ul>
        </Section>
      ) : null}
    </div>
  );
}

export function TestsView({ id, revision }: { id: string; revision: number }) {
  const summary = useLoad(async () => JSON.parse(await api.artifact(id, 'test-results/test-summary.json')) as TestSummary, [id, revision]);
  if (!summary.data) return summary.error ? <ErrorNote error={summary.error} /> : <Pending what="Test results" />;
  const s = summary.data;
  const suites = [
    ['Backend', s.backend],
    ['Frontend', s.frontend],
    ['End-to-end', s.e2e],
  ] as const;
  return (
    <div className="tests">
      <h2>
        Test results <span className={`badge badge-${s.overall_status}`}>{s.overall_status}</span>
      </h2>
      <table aria-label="Test suites">
        <thead>
          <tr>
            <th scope="col">Suite</th>
            <th scope="col">Status</th>
            <th scope="col">Passed</th>
            <th scope="col">Failed</th>
            <th scope="col">Skipped</th>
            <th scope="col">Coverage</th>
          </tr>
        </thead>
        <tbody>
          {suites.map(([name, suite]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{suite.status}</td>
              <td>{suite.passed}</td>
              <td>{suite.failed}</td>
              <td>{suite.skipped}</td>
              <td>{pct(suite.coverage)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Line coverage: <strong>{pct(s.coverage.lines)}</strong> · Security: {s.security.critical} critical, {s.security.high} high,{' '}
        {s.security.secrets_found} secrets · {s.total_duration_seconds.toFixed(1)} s
      </p>
      {suites.map(([name, suite]) => (suite.note ? <p key={name} className="note">{`${name}: ${suite.note}`}</p> : null))}
      {s.smoke ? <SmokeView id={id} smoke={s.smoke} revision={revision} /> : null}
    </div>
  );
}

function Screenshot({ id, path, revision }: { id: string; path: string; revision: number }) {
  const image = useLoad(() => api.artifactImage(id, path), [id, path, revision]);
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!image.data) return image.error ? <ErrorNote error={image.error} /> : <p className="empty">Loading {name}…</p>;
  return (
    <figure className="smoke-shot">
      <img src={image.data} alt={`Smoke check screenshot: ${name}`} />
      <figcaption>{name}</figcaption>
    </figure>
  );
}

/** Catalyst's own browser check of the running app: each check, then the screenshots before and after the interaction. */
function SmokeView({ id, smoke, revision }: { id: string; smoke: SmokeSummary; revision: number }) {
  return (
    <section aria-label="Smoke check">
      <h3>
        Smoke check in Chromium <span className={`badge badge-${smoke.status}`}>{smoke.status}</span>
      </h3>
      {smoke.reason ? <p className="note">{smoke.reason}</p> : null}
      {smoke.checks.length > 0 ? (
        <table aria-label="Smoke checks">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Status</th>
              <th scope="col">What was seen</th>
            </tr>
          </thead>
          <tbody>
            {smoke.checks.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.name.replace('_', ' ')}</th>
                <td>{c.status}</td>
                <td>{c.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="smoke-shots">
        {smoke.screenshots.map((path) => (
          <Screenshot key={path} id={id} path={path} revision={revision} />
        ))}
      </div>
    </section>
  );
}

export function ReviewView({ id, revision }: { id: string; revision: number }) {
  const review = useLoad(async () => JSON.parse(await api.artifact(id, 'review/review-decision.json')) as ReviewDecision, [id, revision]);
  if (!review.data) return review.error ? <ErrorNote error={review.error} /> : <Pending what="The review" />;
  const r = review.data;
  return (
    <div className="review">
      <h2>
        Review: <span className={`badge badge-${r.decision}`}>{r.decision}</span> score {r.overall_score}/100
      </h2>
      <Section title="Scores">
        <ul>
          {Object.entries(r.breakdown).map(([k, v]) => (
            <li key={k}>
              {k.replace(/_/g, ' ')}: {v}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Metrics">
        <ul>
          <li>coverage {pct(r.metrics.coverage)}</li>
          <li>pass rate {pct(r.metrics.pass_rate)}</li>
          <li>type errors {r.metrics.type_errors}</li>
          <li>
            files {r.metrics.files}, lines of code {r.metrics.lines_of_code}
          </li>
        </ul>
      </Section>
      <Section title="Recommendations">
        {r.recommendations.length === 0 ? <p className="empty">None.</p> : null}
        <ul>
          {r.recommendations.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      </Section>
    </div>
  );
}

export function CommitsView({ id, revision }: { id: string; revision: number }) {
  const commits = useLoad(() => api.commits(id), [id, revision]);
  if (!commits.data) return commits.error ? <ErrorNote error={commits.error} /> : <Pending what="Commits" />;
  return (
    <div className="commits">
      <h2>
        Commits on <code>{commits.data.ref}</code>
      </h2>
      <ol aria-label="Commits">
        {commits.data.commits.map((c: CommitInfo) => (
          <li key={c.sha}>
            <code>{c.sha.slice(0, 8)}</code> {c.message.split('\n')[0]}{' '}
            <span className="muted">
              — {c.author}, {new Date(c.date).toLocaleString()}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
