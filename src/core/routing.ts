/**
 * AMQP topic semantics (spec §5.1), shared by the sequential engine, the in-process bus and the
 * RabbitMQ adapter's consumer-side filter, so every transport routes the same way.
 */
import type { AgentEvent } from '../contracts/events.ts';
import type { Binding, HandlerOutcome } from './ports/event-bus.ts';

/**
 * AMQP topic-exchange matching, as RabbitMQ does it: words are separated by `.`, `*` stands for exactly
 * one word and `#` for zero or more. An empty routing key has zero words (RabbitMQ's split_topic_key),
 * so `#` matches it and `*` does not; `a.` has two words, the second one empty.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = splitWords(pattern);
  const k = splitWords(routingKey);
  // reachable[j] = "the first i pattern words can consume the first j key words". One row per pattern
  // word keeps it O(|p|·|k|) even for patterns like `#.#.#.x` that make naive backtracking exponential.
  let reachable: boolean[] = Array.from({ length: k.length + 1 }, (_, j) => j === 0);
  for (const word of p) {
    const next: boolean[] = new Array<boolean>(k.length + 1).fill(false);
    for (let j = 0; j <= k.length; j++) {
      if (word === '#') {
        // zero words (stay at j) or one more word after any reachable position
        next[j] = reachable[j] === true || (j > 0 && next[j - 1] === true);
      } else if (j > 0 && reachable[j - 1] === true) {
        next[j] = word === '*' || word === k[j - 1];
      }
    }
    reachable = next;
  }
  return reachable[k.length] === true;
}

function splitWords(s: string): string[] {
  return s === '' ? [] : s.split('.');
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

/** Two bindings are the same when key and filter agree (re-declaring a queue adds only new bindings). */
export function sameBinding(a: Binding, b: Binding): boolean {
  return a.routingKey === b.routingKey && a.where?.field === b.where?.field && a.where?.equals === b.where?.equals;
}

/** Whether a handler returned a valid outcome; anything else is treated as a retry by the buses. */
export function isHandlerOutcome(value: unknown): value is HandlerOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  if (o.outcome === 'ack') return true;
  if (o.outcome === 'dead_letter') return typeof o.reason === 'string';
  if (o.outcome === 'retry') return typeof o.delayMs === 'number';
  return false;
}
