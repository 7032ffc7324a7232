/**
 * Event drafts for the small stand-in agents of the engine and recovery tests, which care about how events
 * flow rather than what a plan says: one valid payload, shared, so a contract change is fixed in one place.
 */
import type { EventDraft } from '../../src/contracts/events.ts';

export function planCreatedDraft(): EventDraft<'plan.created'> {
  return {
    event_type: 'plan.created',
    payload: {
      plan_ref: 'git://main/planning/plan.yaml',
      commit: 'abc',
      feature_count: 1,
      task_count: 1,
      api_endpoint_count: 0,
      entity_count: 1,
      estimated_hours: 1,
      risk_level: 'low',
      complexity_score: 0.1,
      assumptions: [],
    },
  };
}
