/**
 * The review of an app's scope (issue 14): no app may be approved whose plan hides what it lacks. The
 * reviewer reads the request again with the rules (src/generator/understand/app-kind.ts): each asked-for
 * behaviour beyond CRUD must be in the plan's scope, built or listed as not built. One missing from it is a
 * blocking item; one listed as not built is a non-blocking item and a recommendation, so the review says
 * what the app lacks without holding back the records part it does deliver.
 */
import { notBuiltOf } from '../../contracts/app-scope.ts';
import type { Plan } from '../../contracts/artifacts.ts';
import type { ReviewItem } from '../../contracts/events.ts';
import { classifyAppScope } from '../../generator/understand/app-kind.ts';
import { CODER_LATER_HINT, CONFIGURE_MODEL_HINT } from '../shared/configure-model.ts';

/** Words too common to tell two names of one behaviour apart. */
const COMMON = new Set(['the', 'a', 'an', 'its', 'to', 'of', 'and', 'on', 'in', 'for', 'play', 'app', 'long', 'short', 'link', 'url']);

function keyWords(name: string): string[] {
  return (name.toLowerCase().match(/[a-z0-9-]+/g) ?? []).filter((w) => w.length > 2 && !COMMON.has(w));
}

/** Does the plan's scope account for this behaviour (under its own name or the model's wording of it)? */
function accounted(name: string, plan: Pick<Plan, 'scope'> | null): boolean {
  const listed = plan?.scope?.behaviours ?? [];
  const words = keyWords(name);
  return listed.some((b) => b.name === name || keyWords(b.name).some((w) => words.includes(w)));
}

export interface ScopeReview {
  items: ReviewItem[];
  recommendations: string[];
}

/** The scope items and recommendations for the request and its plan (null: no plan.yaml to account for anything). */
export function reviewScope(requirements: string, plan: Pick<Plan, 'scope' | 'domain'> | null): ScopeReview {
  const asked = classifyAppScope(requirements, plan ? { domain: plan.domain } : undefined);
  const items: ReviewItem[] = [];
  for (const b of asked.behaviours) {
    if (accounted(b.name, plan)) continue;
    items.push({
      severity: 'high',
      file: 'planning/plan.yaml',
      line: null,
      message: `the request asks for "${b.name}", which the plan neither builds nor lists as not built`,
      suggestion:
        'build it, or list it under scope in planning/plan.yaml with built: false and the reason, so the app does not hide what it lacks',
      blocking: true,
    });
  }
  const left = notBuiltOf(plan?.scope);
  // With a model the planner already had one: what is missing is the coder's part, not the user's setup.
  const suggestion = plan?.scope?.decided_by === 'model' ? CODER_LATER_HINT : CONFIGURE_MODEL_HINT;
  for (const line of left)
    items.push({
      severity: 'medium',
      file: 'planning/plan.yaml',
      line: null,
      message: `not built: ${line}`,
      suggestion,
      blocking: false,
    });
  const recommendations = left.map((line) => `Build what the request asked for and this build left out: ${line}`);
  return { items, recommendations };
}
