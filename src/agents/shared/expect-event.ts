import type { AgentEvent, AgentEventOf, EventType } from '../../contracts/events.ts';
import { AppError } from '../../core/errors.ts';

/** Narrows an inbound event to the types an agent handles; anything else is a wiring bug, not retryable. */
export function expectEvent<T extends EventType>(event: AgentEvent, ...types: T[]): AgentEventOf<T> {
  if (!(types as EventType[]).includes(event.event_type)) {
    throw new AppError('invalid_event', `expected ${types.join(' or ')}, got ${event.event_type}`, { retryable: false });
  }
  return event as AgentEventOf<T>;
}
