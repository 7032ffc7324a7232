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
