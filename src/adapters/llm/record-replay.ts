/**
 * A build's model calls exported to a JSONL file (one answer per line, in call order) and replayed from it,
 * so a model-made app can be rebuilt in CI at no cost and byte for byte. A replayed build asks for exactly
 * the requests it recorded; one the file does not hold is `llm_replay_missing`, never a silent live call.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../core/errors.ts';
import type { StoredAnswer } from './response-store.ts';

export interface RecordedCall {
  key: string;
  agent: string;
  provider: string;
  model: string;
  answer: StoredAnswer;
}

export interface Replay {
  /** The next recorded answer for this key; the same key asked again after its last answer gets the last one. */
  take(key: string, m: { provider: string; model: string; agent: string }): StoredAnswer;
}

export function loadReplay(file: string): Replay {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('invalid_option', `cannot read the replay file ${file}: ${(e as Error).message}`, {
      hint: 'pass a file written by a build run with --record',
    });
  }
  const byKey = new Map<string, StoredAnswer[]>();
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let call: RecordedCall;
    try {
      call = JSON.parse(line) as RecordedCall;
    } catch {
      throw new AppError('invalid_option', `${file}:${i + 1}: not a recorded model call (invalid JSON)`);
    }
    const list = byKey.get(call.key) ?? [];
    list.push(call.answer);
    byKey.set(call.key, list);
  }
  return {
    take(key, m) {
      const list = byKey.get(key);
      if (!list || list.length === 0) {
        throw new AppError(
          'llm_replay_missing',
          `${file} holds no recorded answer for this ${m.agent} request to ${m.provider} model ${m.model} (key ${key.slice(0, 12)})`,
          { hint: 'the prompt, the models or their settings changed since the recording: record the build again', details: { key } },
        );
      }
      return list.length > 1 ? list.shift()! : list[0]!;
    },
  };
}

export interface Recorder {
  write(call: RecordedCall): void;
}

export function createRecorder(file: string): Recorder {
  mkdirSync(dirname(file), { recursive: true });
  return { write: (call) => appendFileSync(file, `${JSON.stringify(call)}\n`) };
}
