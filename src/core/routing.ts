/**
 * AMQP topic semantics (spec §5.1), shared by the sequential engine, the in-process bus and the
 * RabbitMQ adapter's consumer-side filter, so every transport routes the same way.
 */
import type { AgentEvent } from '../contracts/events.ts';
import type { Binding } from './ports/event-bus.ts';

/** `*` matches exactly one dot-separated word, `#` zero or more words. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0);
}

function matchWords(p: string[], i: number, k: string[], j: number): boolean {
  if (i === p.length) return j === k.length;
  const word = p[i];
  if (word === '#') {
    for (let skip = j; skip <= k.length; skip++) if (matchWords(p, i + 1, k, skip)) return true;
    return false;
  }
  if (j === k.length) return false;
  return (word === '*' || word === k[j]) && matchWords(p, i + 1, k, j + 1);
}

/** Whether a binding's payload filter (if any) accepts the event. */
export function filterAccepts(binding: Binding, event: AgentEvent): boolean {
  if (!binding.where) return true;
  const value = (event.payload as Record<string, unknown>)[binding.where.field];
  return value === binding.where.equals;
}

export function bindingMatches(binding: Binding, routingKey: string, event: AgentEvent): boolean {
  return topicMatches(binding.routingKey, routingKey) && filterAccepts(binding, event);
}
