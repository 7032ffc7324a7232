/**
 * Step 1 of planning (spec §4.1): what a build request asks for. Run once, when the build is
 * submitted (the project is named from it); the result travels in task.initiated to the planner.
 */
import type { BuildUnderstanding } from '../../contracts/events.ts';
import type { StateStore } from '../../core/ports/state-store.ts';
import { withScopeRecords } from '../../generator/understand/app-kind.ts';
import { analyzeRequest, type Understanding } from '../../generator/understand/index.ts';
import { applyFindings, findingsOfScan } from '../../generator/understand/from-findings.ts';

/** The request's understanding; a build from a scan takes its records from the scan (throws when it cannot). */
export async function understandBuild(
  prompt: string,
  scanId: string | undefined,
  state: Pick<StateStore, 'getScan'>,
): Promise<BuildUnderstanding> {
  // A request whose records the rules could not name but its behaviour implies (a URL shortener keeps links).
  const understood = withScopeRecords(analyzeRequest(prompt), prompt);
  if (scanId === undefined) return toBuildUnderstanding(understood);
  const findings = findingsOfScan(await state.getScan(scanId), scanId);
  const applied = applyFindings(understood, findings);
  return {
    ...toBuildUnderstanding(applied),
    scan: { id: scanId, target: findings.target, records_copied: applied.domain !== understood.domain },
  };
}

function toBuildUnderstanding(u: Understanding): BuildUnderstanding {
  return { domain: u.domain, assumptions: u.assumptions, open_questions: u.openQuestions };
}

export function fromBuildUnderstanding(u: BuildUnderstanding): Understanding {
  return { domain: u.domain, assumptions: u.assumptions, openQuestions: u.open_questions };
}
