/**
 * Scripted coder sessions: what a tool-using model does while it builds an app, turn by turn, and a player
 * that answers the stand-in model server's requests (test/support/llm-standins) from such a script.
 *
 * The player works out where the session is from the request itself, not from how many requests came
 * before: the round from the last user message (its opening words name the round: the build, a failed
 * check, the reviewer's changes), the turn from how many assistant messages follow it. So the session stays
 * on its script however many checks the coder loop runs between rounds, and a retried request gets the
 * same answer again.
 */
import type { ReceivedRequest, Reply, Step } from '../llm-standins/standin-server.ts';
import type { CheckName, CoderToolName } from '../../../src/agents/coder/tools/file-change.ts';

/** The opening words of the user message that starts each kind of round (the coder loop sends them). */
export const ROUND_OPENINGS = {
  build: 'Build this app:',
  check: (check: CheckName) => `The \`${check}\` check failed`,
  review: 'The reviewer requested changes:',
} as const;

export interface ToolCall {
  name: CoderToolName;
  /** Unknown, not typed per tool: the hostile sessions send arguments a tool must refuse. */
  args: unknown;
}

/** The coder's tools as a model calls them. */
export const call = {
  listFiles: (): ToolCall => ({ name: 'list_files', args: {} }),
  readFile: (path: string): ToolCall => ({ name: 'read_file', args: { path } }),
  writeFile: (path: string, content: string): ToolCall => ({ name: 'write_file', args: { path, content } }),
  editFile: (path: string, search: string, replace: string): ToolCall => ({ name: 'edit_file', args: { path, search, replace } }),
  deleteFile: (path: string): ToolCall => ({ name: 'delete_file', args: { path } }),
  addDependency: (name: string, dev = false): ToolCall => ({ name: 'add_dependency', args: { name, dev } }),
  runCheck: (check: CheckName): ToolCall => ({ name: 'run_check', args: { check } }),
  finish: (summary: string): ToolCall => ({ name: 'finish', args: { summary } }),
};

/** One answer of the model: tool calls (run together, as one step), or only text. */
export interface ModelTurn {
  text?: string;
  toolCalls?: ToolCall[];
  /**
   * What the tool results this turn answers must show for the script to be on track (a type error after
   * run_check, a refusal after a hostile call). A miss is recorded in `SessionPlayer.deviations`; the turn
   * is played anyway, as a model would carry on.
   */
  expectResults?: RegExp;
}

export interface ScriptedRound {
  /**
   * How the user message opening the round starts (ROUND_OPENINGS); several when the coder loop may report
   * the same mistake through either check (a unit test and the browser test); null: any message.
   */
  opensWith: string | readonly string[] | null;
  /** What that message must say for the script to be on track (the failing test's name, the reviewer's item). */
  expectMessage?: RegExp;
  turns: ModelTurn[];
}

export interface ScriptedSession {
  name: string;
  /** The user's request, as the build is submitted. */
  prompt: string;
  rounds: ScriptedRound[];
  /**
   * After the round's last turn (or for a message no round opens with): 'stop' answers a short text;
   * 'repeat' plays the last turn again, forever (the endless edit loop, the model that only chats).
   */
  whenDone: 'stop' | 'repeat';
  /**
   * What the reviewer asks for, one list of items per "changes requested" decision, before it approves
   * (a scripted reviewer plays them); empty when the first review approves.
   */
  reviewRequests?: string[][];
}

export interface SessionPlayer {
  /** For `Standin.respond`. */
  respond: (req: ReceivedRequest) => Step;
  /** The openings of the rounds played, in order. */
  rounds: string[];
  /** Where the coder loop's messages and the script disagreed; empty when the session went as written. */
  deviations: string[];
}

/** A message of either wire format, reduced to what the player looks at. */
interface Message {
  role: 'user' | 'assistant' | 'tool';
  /** The user's (or assistant's) own text; null for a message of only tool results. */
  text: string | null;
  toolResults: string[];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part?.type === 'text' ? String(part.text) : '')).join('');
}

/** OpenAI chat messages, or Anthropic messages (whose tool results are user messages, maybe with text after them). */
function messagesOf(body: any): Message[] {
  const out: Message[] = [];
  for (const m of Array.isArray(body?.messages) ? body.messages : []) {
    if (m.role === 'tool') out.push({ role: 'tool', text: null, toolResults: [textOf(m.content)] });
    else if (m.role === 'assistant') out.push({ role: 'assistant', text: textOf(m.content), toolResults: [] });
    else if (m.role === 'user') {
      const parts: any[] = Array.isArray(m.content) ? m.content : [{ type: 'text', text: m.content }];
      const toolResults = parts.filter((p) => p?.type === 'tool_result').map((p) => textOf(p.content));
      const text = parts
        .filter((p) => p?.type === 'text')
        .map((p) => String(p.text))
        .join('');
      out.push({ role: 'user', text: text.trim() === '' ? null : text, toolResults });
    }
  }
  return out;
}

function openings(round: ScriptedRound): readonly string[] {
  return round.opensWith === null ? [] : typeof round.opensWith === 'string' ? [round.opensWith] : round.opensWith;
}

function opens(round: ScriptedRound, message: string): boolean {
  return round.opensWith === null || openings(round).some((o) => message.startsWith(o));
}

// Roughly what the providers count: four characters a token, prompt caching in blocks of 1024 tokens.
const tokens = (text: string) => Math.ceil(text.length / 4);

/** Plays `session` against the stand-in: `standin.respond(playSession(s).respond)`. */
export function playSession(session: ScriptedSession): SessionPlayer {
  const rounds: string[] = [];
  const deviations: string[] = [];
  /** Round played for each opening message seen (its text), so a retried request stays in its round. */
  const roundOf = new Map<string, number>();
  let nextRound = 0;

  const startRound = (opening: string): number | null => {
    const known = roundOf.get(opening);
    if (known !== undefined) return known;
    const index = session.rounds.findIndex((r, i) => i >= nextRound && opens(r, opening));
    if (index === -1) return null;
    const round = session.rounds[index]!;
    if (round.expectMessage && !round.expectMessage.test(opening))
      deviations.push(
        `${session.name}: round ${index + 1} opened by a message not matching ${round.expectMessage}: ${opening.slice(0, 300)}`,
      );
    roundOf.set(opening, index);
    rounds.push(openings(round).find((o) => opening.startsWith(o)) ?? opening.split('\n')[0]!);
    nextRound = index + 1;
    return index;
  };

  const turnFor = (messages: Message[]): ModelTurn => {
    const openingAt = messages.findLastIndex((m) => m.role === 'user' && m.text !== null);
    const opening = messages[openingAt]?.text ?? '';
    let roundIndex = startRound(opening);
    const repeat = session.whenDone === 'repeat';
    if (roundIndex === null) {
      if (!repeat || nextRound === 0) {
        deviations.push(`${session.name}: no round opens with: ${opening.split('\n')[0]?.slice(0, 200)}`);
        return { text: `The script of "${session.name}" has no round for this message.` };
      }
      roundIndex = nextRound - 1;
    }
    const round = session.rounds[roundIndex]!;
    const played = messages.slice(openingAt + 1).filter((m) => m.role === 'assistant').length;
    const turn = round.turns[played] ?? (repeat ? round.turns.at(-1) : undefined);
    if (!turn) return { text: 'Done: everything asked for is in place.' };
    if (turn.expectResults) {
      const lastAssistant = messages.findLastIndex((m) => m.role === 'assistant');
      const results = messages
        .slice(lastAssistant + 1)
        .flatMap((m) => m.toolResults)
        .join('\n');
      if (!turn.expectResults.test(results))
        deviations.push(
          `${session.name}: round ${roundIndex + 1} turn ${played + 1} expected tool results matching ${turn.expectResults}, got: ${results.slice(0, 500)}`,
        );
    }
    return turn;
  };

  const respond = (req: ReceivedRequest): Step => {
    const turn = turnFor(messagesOf(req.body));
    const all: unknown[] = Array.isArray(req.body?.messages) ? req.body.messages : [];
    const sent = (messages: unknown[]) => tokens(JSON.stringify([req.body?.system ?? '', req.body?.tools ?? [], messages]));
    const prompt = sent(all);
    // Everything up to the model's last answer was sent before, so the provider serves it from its cache.
    const lastAnswer = all.findLastIndex((m) => (m as { role?: unknown })?.role === 'assistant');
    const cached = lastAnswer === -1 ? 0 : Math.floor(sent(all.slice(0, lastAnswer + 1)) / 1024) * 1024;
    const written = tokens((turn.text ?? '') + JSON.stringify(turn.toolCalls ?? []));
    const reply: Reply = {
      ...(turn.text !== undefined ? { text: turn.text } : {}),
      ...(turn.toolCalls?.length ? { toolCalls: turn.toolCalls } : {}),
      // A little reasoning and framing on top of what the model writes out.
      usage: { input: prompt, cached, output: written + 24 },
    };
    return { reply };
  };

  return { respond, rounds, deviations };
}

/** The files a turn writes, for keeping batches within `agents.coder.max_files_per_batch`. */
export function filesWritten(turn: { toolCalls?: { name: string; args: unknown }[] }): string[] {
  return (turn.toolCalls ?? [])
    .filter((c) => c.name === 'write_file' || c.name === 'edit_file' || c.name === 'delete_file')
    .map((c) => String((c.args as { path?: unknown }).path));
}
