/**
 * A Mermaid diagram drawn to SVG with `@mermaid-js/tiny`, loaded on first use (it is the largest script of
 * the UI). The tiny build draws every diagram type the UI shows (flowcharts and graphs, ER diagrams, and the
 * usual ones a model may write) without mermaid's ~130 MB install tree; it lacks only mindmaps, architecture
 * diagrams and KaTeX. It is a prebuilt script that sets `globalThis.mermaid`, so it is added as a script
 * (an asset served from this origin) rather than bundled. `securityLevel: 'strict'` makes mermaid escape
 * labels, drop click handlers and sanitise the SVG it returns; that SVG is the only markup this component
 * injects. A diagram that does not parse shows mermaid's message next to its source, so the author can see
 * what to fix.
 */
import { useEffect, useId, useState } from 'react';
import mermaidUrl from '@mermaid-js/tiny/dist/mermaid.tiny.js?url';

/** The part of mermaid's API this component uses. */
interface Mermaid {
  initialize(config: { startOnLoad: boolean; securityLevel: 'strict'; theme: 'default'; suppressErrorRendering: boolean }): void;
  parse(source: string): Promise<unknown>;
  render(id: string, source: string): Promise<{ svg: string }>;
}

let mermaidModule: Promise<Mermaid> | null = null;

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => {
      script.remove();
      reject(new Error(`could not load the diagram library (${src})`));
    };
    document.head.append(script);
  });
}

function loadMermaid(): Promise<Mermaid> {
  mermaidModule ??= loadScript(mermaidUrl).then(() => {
    const mermaid = (globalThis as { mermaid?: Mermaid }).mermaid;
    if (!mermaid) throw new Error('the diagram library loaded but did not define mermaid');
    // suppressErrorRendering: a bad diagram is reported by this component, not as mermaid's error SVG in the page.
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', suppressErrorRendering: true });
    return mermaid;
  });
  mermaidModule.catch(() => (mermaidModule = null));
  return mermaidModule;
}

type State = { kind: 'loading' } | { kind: 'ok'; svg: string } | { kind: 'error'; message: string };

export function MermaidDiagram({ source, label }: { source: string; label: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [showSource, setShowSource] = useState(false);
  // mermaid needs a DOM id for its scratch element; React's ids contain ':' which it cannot select.
  const domId = `mermaid-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    (async () => {
      const mermaid = await loadMermaid();
      await mermaid.parse(source);
      return (await mermaid.render(domId, source)).svg;
    })().then(
      (svg) => live && setState({ kind: 'ok', svg }),
      (e: unknown) => live && setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [source, domId]);
  const sourceId = `${domId}-source`;
  return (
    <figure className="diagram" aria-label={label} aria-busy={state.kind === 'loading'}>
      {state.kind === 'ok' ? (
        <div className="diagram-svg" role="img" aria-label={`${label} (rendered)`} dangerouslySetInnerHTML={{ __html: state.svg }} />
      ) : state.kind === 'loading' ? (
        <p className="empty">Drawing the diagram…</p>
      ) : (
        <div role="alert" className="error">
          <strong>This Mermaid diagram does not parse, so it cannot be drawn.</strong>
          <p className="diagram-error">{state.message}</p>
          <p>Its source is shown below; fix it in architecture/design.md.</p>
        </div>
      )}
      {state.kind === 'error' || showSource ? (
        <pre id={sourceId} className="code mermaid-source" aria-label={`${label} (Mermaid source)`}>
          {source}
        </pre>
      ) : null}
      {state.kind === 'error' ? null : (
        <button
          type="button"
          className="secondary"
          aria-expanded={showSource}
          aria-controls={sourceId}
          onClick={() => setShowSource((v) => !v)}
        >
          {showSource ? 'Hide source' : 'Show source'}
        </button>
      )}
    </figure>
  );
}
