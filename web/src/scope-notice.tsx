/**
 * What the build did not deliver of the request (issue 14), on the task page where nobody can miss it:
 * "Not built" with each asked-for behaviour the plan left out and why, or, when nothing could be built
 * without a language model, what needs one and how to configure it.
 */
import { useEffect, useState } from 'react';
import { api } from './api.ts';

type Result = Awaited<ReturnType<typeof api.result>>;

export function ScopeNotice({ id, revision }: { id: string; revision: number }) {
  const [result, setResult] = useState<Result | null>(null);
  useEffect(() => {
    let live = true;
    // A task without a plan yet has nothing to say here; a failed fetch leaves the page as it was.
    api.result(id).then(
      (r) => live && setResult(r),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id, revision]);
  if (!result) return null;
  if (result.error?.code === 'needs_model')
    return (
      <section role="note" aria-label="Needs a language model" className="scope-notice">
        <strong>Needs a language model</strong>
        <p>{result.error.message}</p>
        {result.error.hint ? <p>How: {result.error.hint}</p> : null}
      </section>
    );
  if (result.not_built.length === 0) return null;
  return (
    <section role="note" aria-label="Not built" className="scope-notice">
      <strong>Not built</strong>
      <p>The request asked for more than this build delivers:</p>
      <ul>
        {result.not_built.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}
