/**
 * A task another Catalyst process took over after its owner stopped or died (issue 16): while it runs
 * the header says it is resuming and which attempt at the task this is, so a phase that starts over
 * is not mistaken for a stuck or restarted-from-scratch build; once it is over, that it was resumed.
 */
import { resumeOf, type TaskRecord } from '../../src/contracts/records.ts';

function clock(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleTimeString();
}

export function ResumeNotice({ task, working }: { task: Pick<TaskRecord, 'metadata'> | null; working: boolean }) {
  const resume = task ? resumeOf(task) : null;
  if (!resume) return null;
  // The first run was attempt 1; every takeover is one more.
  const attempt = resume.count + 1;
  const why = resume.previous_owner ? `its previous process (${resume.previous_owner}) died` : 'its previous process was stopped';
  return working ? (
    <p role="status" aria-label="Resuming after restart" className="resume-notice">
      Resuming after restart · attempt {attempt} — {why}; taken over at {clock(resume.at)}, continuing from the last finished step.
    </p>
  ) : (
    <p aria-label="Resumed after restart" className="resume-notice resume-notice-done">
      Resumed after restart {resume.count === 1 ? 'once' : `${resume.count} times`} ({attempt} attempts in all).
    </p>
  );
}
