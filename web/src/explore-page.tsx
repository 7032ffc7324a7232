/**
 * The explorer (spec §4.7): scan a git repository, a running deployment or a database (/explore), watch
 * scans finish, read one scan's findings (/explore/:scan_id) and start a build from them.
 */
import { useCallback, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import type {
  DiscoveredEntity,
  ExplorerFindings,
  ScanRecord,
  ScanRequestInput,
  ScanType,
  SecurityIssue,
  Severity,
} from '../../src/contracts/explorer.ts';
import { api, type ScanGraph } from './api.ts';
import { MermaidDiagram } from './mermaid-diagram.tsx';
import { navigate } from './router.ts';
import { ErrorNote, Link, statusBadge } from './ui.tsx';

const POLL_MS = 1500;

const TYPE_LABELS: Record<ScanType, string> = { github: 'Git repository', deployment: 'Running deployment', database: 'Database' };
const SECRET_LABELS: Record<ScanType, string> = {
  github: 'Access token (optional)',
  deployment: 'API key (optional)',
  database: 'Database password (optional)',
};
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

type TypeChoice = ScanType | 'auto';
type Depth = 'quick' | 'standard' | 'full';

/** What "auto" scans a target as: database URLs are databases, clone URLs and paths are repositories, anything else is a running app. */
export function guessScanType(target: string): ScanType {
  const t = target.trim();
  if (/^(postgres|postgresql|mysql|mariadb|mongodb(\+srv)?):\/\//i.test(t)) return 'database';
  if (
    /\.git\/?$/i.test(t) ||
    /^([a-z]+:\/\/|git@)?(www\.)?(github\.com|gitlab\.com)[/:]/i.test(t) ||
    /^(\/|\.{1,2}\/|~\/|[a-z]:[\\/]|file:\/\/)/i.test(t)
  )
    return 'github';
  return 'deployment';
}

function scanRequest(type: ScanType, target: string, depth: Depth, secret: string): ScanRequestInput {
  const t = target.trim();
  switch (type) {
    case 'github':
      return { type, target: t, analysis_depth: depth, ...(secret ? { credentials: { github_token: secret } } : {}) };
    case 'deployment':
      return { type, target: t, ...(secret ? { credentials: { api_key: secret } } : {}) };
    case 'database':
      return { type, target: t, ...(secret ? { credentials: { password: secret } } : {}) };
  }
}

/** Loads once, then again every POLL_MS while `again(data)` holds; a failed load is retried the same way. */
function usePolled<T>(load: () => Promise<T>, again: (data: T | null) => boolean): { data: T | null; error: unknown; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: unknown; settled: number }>({ data: null, error: null, settled: 0 });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState((s) => ({ data, error: null, settled: s.settled + 1 })),
      (error: unknown) => live && setState((s) => ({ data: s.data, error, settled: s.settled + 1 })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
  const keepGoing = state.settled > 0 && again(state.data);
  useEffect(() => {
    if (!keepGoing) return;
    const t = setTimeout(reload, POLL_MS);
    return () => clearTimeout(t);
  }, [keepGoing, state.settled, reload]);
  return { data: state.data, error: state.error, reload };
}

function ScanStatus({ status }: { status: ScanRecord['status'] }) {
  if (status !== 'running') return statusBadge(status);
  return (
    <span className="badge badge-running">
      <span className="spinner" aria-hidden="true" /> running…
    </span>
  );
}

function Section({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function ScanForm({ onStarted }: { onStarted: (scan: ScanRecord) => void }) {
  const [target, setTarget] = useState('');
  const [choice, setChoice] = useState<TypeChoice>('auto');
  const [depth, setDepth] = useState<Depth>('standard');
  const [secret, setSecret] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [started, setStarted] = useState<ScanRecord | null>(null);
  const type = choice === 'auto' ? guessScanType(target) : choice;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending || !target.trim()) return;
    setSending(true);
    setError(null);
    setStarted(null);
    try {
      const { scan } = await api.startScan(scanRequest(type, target, depth, secret));
      // The secret has done its job: it is not kept in the page once the server has it.
      setSecret('');
      setTarget('');
      setStarted(scan);
      onStarted(scan);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };
  return (
    <form className="scan-form" onSubmit={submit} aria-label="Start a scan">
      <div className="field field-target">
        <label htmlFor="scan-target">Target</label>
        <input
          id="scan-target"
          name="target"
          type="text"
          required
          maxLength={512}
          value={target}
          spellCheck={false}
          autoComplete="off"
          placeholder="https://github.com/user/repo, https://app.example.com or postgres://host/db"
          onChange={(e) => setTarget(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="scan-type">Type</label>
        <select
          id="scan-type"
          name="type"
          value={choice}
          onChange={(e) => setChoice(e.target.value as TypeChoice)}
          aria-describedby="scan-type-detected"
        >
          <option value="auto">Auto-detect</option>
          <option value="github">{TYPE_LABELS.github}</option>
          <option value="deployment">{TYPE_LABELS.deployment}</option>
          <option value="database">{TYPE_LABELS.database}</option>
        </select>
        <span id="scan-type-detected" className="field-hint" aria-live="polite">
          {choice === 'auto' ? (target.trim() ? `Scans as: ${TYPE_LABELS[type].toLowerCase()}` : 'From the target') : '\u00a0'}
        </span>
      </div>
      <div className="field">
        <label htmlFor="scan-depth">Depth (repositories)</label>
        <select
          id="scan-depth"
          name="analysis_depth"
          value={depth}
          disabled={type !== 'github'}
          onChange={(e) => setDepth(e.target.value as Depth)}
        >
          <option value="quick">Quick</option>
          <option value="standard">Standard</option>
          <option value="full">Full (history, audit)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="scan-secret">{SECRET_LABELS[type]}</label>
        {/* new-password: the browser must not fill in a saved login here. */}
        <input
          id="scan-secret"
          name="secret"
          type="password"
          value={secret}
          autoComplete="new-password"
          spellCheck={false}
          onChange={(e) => setSecret(e.target.value)}
        />
      </div>
      <button type="submit" disabled={sending || !target.trim()}>
        {sending ? 'Starting…' : 'Scan'}
      </button>
      <div className="form-note">
        <ErrorNote error={error} />
        {started ? (
          <p role="status">
            Scan of {started.target} started. <Link to={`/explore/${started.id}`}>Open it</Link>
          </p>
        ) : null}
      </div>
    </form>
  );
}

function stackText(stack: string[]): string {
  if (stack.length === 0) return '—';
  return stack.length > 5 ? `${stack.slice(0, 5).join(', ')} +${stack.length - 5}` : stack.join(', ');
}

function ScanList() {
  const scans = usePolled(api.scans, (d) => d?.scans.some((s) => s.status === 'running') ?? false);
  const list = scans.data?.scans ?? null;
  return (
    <main className="explore">
      <h1>Explore</h1>
      <p className="muted">
        Scan a git repository, a running app or a database: its stack, records, security and what a rebuild should improve.
      </p>
      <ScanForm onStarted={scans.reload} />
      <section aria-labelledby="scans-title">
        <h2 id="scans-title">Scans</h2>
        <ErrorNote error={scans.error} />
        {list === null && !scans.error ? <p>Loading…</p> : null}
        {list?.length === 0 ? <p className="empty">No scans yet. Give a target above to start one.</p> : null}
        {list && list.length > 0 ? (
          <table aria-label="Scans" className="scans">
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Security</th>
                <th scope="col">Stack</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} data-scan-id={s.id} data-status={s.status}>
                  <td className="scan-target">
                    <Link to={`/explore/${s.id}`}>{s.target}</Link>
                  </td>
                  <td>{TYPE_LABELS[s.scan_type]}</td>
                  <td>
                    <ScanStatus status={s.status} />
                  </td>
                  <td className="number">{s.security_score === null ? '—' : `${s.security_score}/100`}</td>
                  <td>{stackText(s.tech_stack)}</td>
                  <td>
                    <time dateTime={s.created_at}>{new Date(s.created_at).toLocaleString()}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </main>
  );
}

function Scores({ f }: { f: ExplorerFindings }) {
  const items: Array<[string, string, string]> = [
    ['Security', `${f.security_score}/100`, '100 = no security issue found'],
    ['Tech debt', `${f.tech_debt_score}/100`, '0 = no debt found'],
    ['Similarity', `${Math.round(f.similarity_score * 100)}%`, 'how close the stack is to what Catalyst builds'],
    ['Can replicate', f.can_replicate ? 'yes' : 'no', 'a build from this scan has something to go on'],
  ];
  return (
    <dl className="scores" aria-label="Scores">
      {items.map(([name, value, note]) => (
        <div key={name} className="score">
          <dt>{name}</dt>
          <dd>
            <strong>{value}</strong>
            <span className="muted">{note}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Technologies({ f }: { f: ExplorerFindings }) {
  if (f.technologies.length === 0) return <p className="empty">No technology was recognised.</p>;
  return (
    <table aria-label="Technologies">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Version</th>
          <th scope="col">Category</th>
          <th scope="col">Seen in</th>
        </tr>
      </thead>
      <tbody>
        {f.technologies.map((t) => (
          <tr key={`${t.name}:${t.category}:${t.evidence}`}>
            <td>{t.name}</td>
            <td>{t.version ?? '—'}</td>
            <td>{t.category}</td>
            <td className="muted">{t.evidence}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Entity({ e }: { e: DiscoveredEntity }) {
  const id = useId();
  return (
    <section className="entity" aria-labelledby={id} data-entity={e.source_name}>
      <h3 id={id}>
        {e.source_name} {e.rows !== null ? <span className="muted">· about {e.rows} rows</span> : null}
      </h3>
      <table aria-label={`Fields of ${e.source_name}`}>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">As found</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {e.fields.map((field) => (
            <tr key={field.name}>
              <td>{field.name}</td>
              <td>{field.type}</td>
              <td>
                <code>{field.source_type}</code>
              </td>
              <td>
                {[field.primary_key && 'primary key', field.required && 'required', field.unique && 'unique'].filter(Boolean).join(', ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {e.references.length > 0 ? (
        <ul aria-label={`References of ${e.source_name}`} className="references">
          {e.references.map((r) => (
            <li key={`${r.field}->${r.target}`}>
              <code>{r.field}</code> → {r.target} <span className="muted">(on delete {r.on_delete})</span>
            </li>
          ))}
        </ul>
      ) : null}
      <p className="note">Found in {e.evidence}</p>
    </section>
  );
}

function bySeverity(a: SecurityIssue, b: SecurityIssue): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
}

function SecurityIssues({ f }: { f: ExplorerFindings }) {
  if (f.security.length === 0) return <p className="empty">No security issue was found.</p>;
  return (
    <table aria-label="Security issues">
      <thead>
        <tr>
          <th scope="col">Severity</th>
          <th scope="col">Issue</th>
          <th scope="col">Where</th>
        </tr>
      </thead>
      <tbody>
        {[...f.security].sort(bySeverity).map((i, n) => (
          <tr key={`${n}:${i.kind}:${i.location ?? ''}`} data-severity={i.severity}>
            <td>
              <span className={`badge badge-${i.severity}`}>{i.severity}</span>
            </td>
            <td>
              {i.message} <span className="muted">({i.kind.replace(/_/g, ' ')})</span>
            </td>
            <td>{i.location ? <code>{i.location}</code> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Bullets({ items, empty, label }: { items: string[]; empty: string; label: string }) {
  if (items.length === 0) return <p className="empty">{empty}</p>;
  return (
    <ul aria-label={label}>
      {items.map((x) => (
        <li key={x}>{x}</li>
      ))}
    </ul>
  );
}

function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** The part of the findings only one kind of scan has. */
function Details({ f }: { f: ExplorerFindings }) {
  if (f.database) {
    const d = f.database;
    return (
      <Section title="Database">
        <Facts
          items={[
            ['Engine', `${d.engine}${d.version ? ` ${d.version}` : ''}`],
            ['Database', d.database],
            ['Tables', String(d.tables.length)],
            [
              'Slow queries',
              d.slow_queries.status === 'ok' ? `${d.slow_queries.queries.length} recorded` : `unavailable: ${d.slow_queries.reason}`,
            ],
          ]}
        />
        <Bullets items={d.optimizations} empty="No optimisation to suggest." label="Optimisations" />
      </Section>
    );
  }
  if (f.repository) {
    const r = f.repository;
    return (
      <Section title="Repository">
        <Facts
          items={[
            ['Files', `${r.files} (${r.lines} lines)`],
            [
              'Languages',
              r.languages
                .slice(0, 5)
                .map((l) => l.name)
                .join(', ') || '—',
            ],
            ['Tests', r.has_tests ? `${r.test_files} test files` : 'none'],
            ['CI · Docker', `${yesNo(r.has_ci)} · ${yesNo(r.has_docker)}`],
            ['README', r.readme_quality],
            ['License', r.license ?? 'none'],
            ['Commit', r.commit ? <code>{r.commit.slice(0, 12)}</code> : '—'],
          ]}
        />
      </Section>
    );
  }
  if (f.deployment) {
    const d = f.deployment;
    return (
      <Section title="Deployment">
        <Facts
          items={[
            ['Address', <code key="url">{d.final_url}</code>],
            ['Status', String(d.status)],
            [
              'TLS',
              d.tls.enabled
                ? d.tls.valid === false
                  ? 'invalid certificate'
                  : `valid${d.tls.expires_at ? ` until ${new Date(d.tls.expires_at).toLocaleDateString()}` : ''}`
                : 'none',
            ],
            ['Response time', d.performance ? `median ${d.performance.median_ms} ms, p95 ${d.performance.p95_ms} ms` : '—'],
            ['OpenAPI', d.openapi ? `${d.openapi.operations} operations` : 'not found'],
            ['Auth', d.auth.detected ? d.auth.mechanisms.join(', ') || 'yes' : 'none detected'],
            ['Missing headers', d.headers.missing.join(', ') || 'none'],
          ]}
        />
      </Section>
    );
  }
  return null;
}

function DependencyGraphView({ scanId }: { scanId: string }) {
  const graph = usePolled<ScanGraph>(
    () => api.scanGraph(scanId),
    () => false,
  );
  if (graph.error) return <ErrorNote error={graph.error} />;
  if (!graph.data) return <p className="empty diagram-placeholder">Loading the graph…</p>;
  if (!graph.data.mermaid || !graph.data.graph || graph.data.graph.nodes.length === 0)
    return <p className="empty">{graph.data.reason ?? 'The scan found no dependencies to draw.'}</p>;
  return <MermaidDiagram source={graph.data.mermaid} label="Dependency graph" />;
}

function BuildFromScan({ scanId }: { scanId: string }) {
  const [prompt, setPrompt] = useState('build something similar');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending || !prompt.trim()) return;
    setSending(true);
    setError(null);
    try {
      const created = await api.createTask(prompt, { explorer_scan_id: scanId });
      navigate(`/tasks/${created.task_id}`);
    } catch (err) {
      setError(err);
      setSending(false);
    }
  };
  return (
    <form className="build-from-scan" onSubmit={submit}>
      <label htmlFor="build-prompt">What should the agents build from this scan?</label>
      <div className="build-row">
        <textarea id="build-prompt" name="prompt" rows={2} value={prompt} disabled={sending} onChange={(e) => setPrompt(e.target.value)} />
        <button type="submit" disabled={sending || !prompt.trim()}>
          Build from this scan
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function Findings({ f }: { f: ExplorerFindings }) {
  return (
    <>
      <Section title="Summary">
        <p>{f.summary}</p>
        <p>
          Architecture: <strong>{f.architecture.style}</strong>
          {f.architecture.components.length > 0 ? ` — ${f.architecture.components.map((c) => c.name).join(', ')}` : ''}
        </p>
        {f.architecture.notes.length > 0 ? <Bullets items={f.architecture.notes} empty="" label="Architecture notes" /> : null}
        <Scores f={f} />
      </Section>
      <Section title={`Technologies (${f.technologies.length})`}>
        <Technologies f={f} />
      </Section>
      <Section title={`Records found (${f.entities.length})`}>
        {f.entities.length === 0 ? <p className="empty">No records (tables, collections, schemas or models) were found.</p> : null}
        <div className="entities">
          {f.entities.map((e) => (
            <Entity key={e.source_name} e={e} />
          ))}
        </div>
      </Section>
      <Section title={`Security issues (${f.security.length})`}>
        <SecurityIssues f={f} />
      </Section>
      <div className="two-columns">
        <Section title="Improvements">
          <Bullets items={f.improvements} empty="Nothing to improve was found." label="Improvements" />
        </Section>
        <Section title="Suggested tasks">
          <Bullets items={f.suggested_tasks} empty="No task to suggest." label="Suggested tasks" />
        </Section>
      </div>
      <Section title="Dependency graph">
        <DependencyGraphView scanId={f.scan_id} />
      </Section>
      <Details f={f} />
      <Section title="Build from this scan" className="build-card">
        <BuildFromScan scanId={f.scan_id} />
      </Section>
    </>
  );
}

function ScanPage({ id }: { id: string }) {
  const scan = usePolled(
    () => api.scan(id),
    (d) => d?.scan.status === 'running',
  );
  const record = scan.data?.scan ?? null;
  const findings = scan.data?.findings ?? null;
  return (
    <main className="explore scan-page">
      <p>
        <Link to="/explore">← All scans</Link>
      </p>
      <h1 className="scan-title">{record ? `Scan of ${record.target}` : 'Scan'}</h1>
      {record ? (
        <div className="task-meta">
          <ScanStatus status={record.status} /> <span>{TYPE_LABELS[record.scan_type]}</span>
          <span className="muted">
            started <time dateTime={record.created_at}>{new Date(record.created_at).toLocaleString()}</time>
            {findings ? `, took ${(findings.duration_ms / 1000).toFixed(1)} s` : ''}
          </span>
        </div>
      ) : null}
      <ErrorNote error={scan.error} />
      {!record && !scan.error ? <p>Loading…</p> : null}
      {record?.status === 'running' ? (
        <p role="status" className="working">
          <span className="spinner" aria-hidden="true" /> Scanning {record.target}… the findings appear here when it is done.
        </p>
      ) : null}
      {record?.status === 'failed' ? (
        <div role="alert" className="error">
          <strong>The scan failed.</strong>
          <p>{record.error ?? 'No reason was recorded.'}</p>
        </div>
      ) : null}
      {findings ? <Findings f={findings} /> : null}
    </main>
  );
}

export function ExplorePage({ scanId }: { scanId: string | null }) {
  return scanId ? <ScanPage id={scanId} /> : <ScanList />;
}
