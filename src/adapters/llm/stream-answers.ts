/**
 * Streamed answers in the same stored form as generated ones, so a request asked once with streaming and
 * once without hits the same cache entry and replays to the same text.
 */
import type { LanguageModelV3Content, LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { ZERO_USAGE, type StoredAnswer } from './response-store.ts';

/** A stored answer as a stream: the whole text in one delta, then `finish` with zero usage. */
export function streamFromStored(stored: StoredAnswer): ReadableStream<LanguageModelV3StreamPart> {
  const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: stored.warnings }];
  if (stored.response) {
    parts.push({
      type: 'response-metadata',
      ...(stored.response.id ? { id: stored.response.id } : {}),
      ...(stored.response.modelId ? { modelId: stored.response.modelId } : {}),
      ...(stored.response.timestamp ? { timestamp: new Date(stored.response.timestamp) } : {}),
    });
  }
  stored.content.forEach((part, i) => {
    if (part.type === 'text') {
      const id = `stored-${i}`;
      parts.push({ type: 'text-start', id }, { type: 'text-delta', id, delta: part.text }, { type: 'text-end', id });
    } else if (part.type === 'tool-call') {
      parts.push(part);
    }
  });
  parts.push({
    type: 'finish',
    usage: ZERO_USAGE,
    finishReason: stored.finishReason,
    ...(stored.providerMetadata ? { providerMetadata: stored.providerMetadata } : {}),
  });
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

export type StreamOutcome =
  { ok: true; answer: StoredAnswer; usage: LanguageModelV3GenerateResult['usage'] } | { ok: false; error: unknown };

/**
 * Passes a stream through unchanged and, when it ends, hands over what it said as a stored answer — or the
 * error, when the stream carried one or stopped before `finish` (a dropped connection).
 */
export function observeStream(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  onEnd: (outcome: StreamOutcome) => void,
): ReadableStream<LanguageModelV3StreamPart> {
  const texts = new Map<string, string>();
  const content: (LanguageModelV3Content | { type: 'text-ref'; id: string })[] = [];
  let warnings: StoredAnswer['warnings'] = [];
  let response: StoredAnswer['response'];
  let finish: Extract<LanguageModelV3StreamPart, { type: 'finish' }> | null = null;
  let error: unknown = null;
  let ended = false;
  const end = (outcome: StreamOutcome) => {
    if (ended) return;
    ended = true;
    onEnd(outcome);
  };
  const observe = (part: LanguageModelV3StreamPart) => {
    switch (part.type) {
      case 'stream-start':
        warnings = part.warnings;
        break;
      case 'response-metadata':
        response = {
          ...(part.id ? { id: part.id } : {}),
          ...(part.modelId ? { modelId: part.modelId } : {}),
          ...(part.timestamp ? { timestamp: part.timestamp.toISOString() } : {}),
        };
        break;
      case 'text-start':
        texts.set(part.id, '');
        content.push({ type: 'text-ref', id: part.id });
        break;
      case 'text-delta':
        texts.set(part.id, (texts.get(part.id) ?? '') + part.delta);
        break;
      case 'tool-call':
        content.push(part);
        break;
      case 'finish':
        finish = part;
        break;
      case 'error':
        error ??= part.error;
        break;
    }
  };
  const complete = () => {
    if (error !== null || finish === null) {
      end({ ok: false, error: error ?? new Error('the stream ended before the answer was complete') });
      return;
    }
    const done: Extract<LanguageModelV3StreamPart, { type: 'finish' }> = finish;
    const answer: StoredAnswer = {
      content: content.map((c) => (c.type === 'text-ref' ? { type: 'text', text: texts.get(c.id) ?? '' } : c)),
      finishReason: done.finishReason,
      usage: done.usage,
      ...(done.providerMetadata ? { providerMetadata: done.providerMetadata } : {}),
      warnings,
      ...(response ? { response } : {}),
    };
    end({ ok: true, answer, usage: done.usage });
  };
  // Read by hand rather than pipeThrough: a transform never hears of an upstream error (a dropped socket).
  const reader = stream.getReader();
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      let next: ReadableStreamReadResult<LanguageModelV3StreamPart>;
      try {
        next = await reader.read();
      } catch (e) {
        end({ ok: false, error: e });
        controller.error(e);
        return;
      }
      if (next.done) {
        complete();
        controller.close();
        return;
      }
      observe(next.value);
      controller.enqueue(next.value);
    },
    cancel(reason) {
      end({ ok: false, error: reason ?? new Error('the stream was cancelled') });
      return reader.cancel(reason);
    },
  });
}
