/**
 * Local HTTP stand-ins for model providers, started by tests, speaking the real wire formats so the AI SDK
 * providers reach them exactly as they would the real services:
 * - `openai`: chat completions (JSON, or SSE when `stream: true`), `response_format` json_schema answered as
 *   JSON content, tool calls, usage with `prompt_tokens_details.cached_tokens`;
 * - `anthropic`: messages (JSON, or SSE with `event:` lines), structured output through `output_config.format`
 *   or the forced `json` tool (tool_use), usage with `cache_read_input_tokens`;
 * - `ollama`: an OpenAI-compatible server without strict structured output: it ignores the schema and wraps
 *   JSON answers in ``` fences, as local models do.
 * Each request takes the next scripted step (`script`), else the default (`respond`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Wire = 'openai' | 'anthropic' | 'ollama';

export interface Reply {
  /** A structured answer (sent as the JSON text, the `json` tool's input, or fenced JSON for ollama). */
  object?: unknown;
  text?: string;
  toolCalls?: { name: string; args: unknown }[];
  usage?: { input: number; cached?: number; output: number };
}

export type Step =
  /** `hold`: the answer waits for it, so a test can look at a build while a model call is in flight. */
  | { reply: Reply; delayMs?: number; hold?: Promise<unknown> }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  /** The answer starts and the connection drops halfway (mid-stream for SSE, mid-body for JSON). */
  | { truncate: Reply }
  /** Text that is not JSON where JSON was asked for. */
  | { invalidJson: true }
  | { contextLength: true }
  /** 401 whose message echoes the key it was sent (worst case: the real services mask most of it). */
  | { authFail: true }
  | { unknownModel: true };

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** Time the stand-in spent from the full request to the end of its answer (ms). */
  handledMs: number;
}

export interface Standin {
  wire: Wire;
  /** The base URL a provider is configured with (ends in /v1). */
  baseUrl: string;
  requests: ReceivedRequest[];
  script(...steps: Step[]): void;
  respond(fn: (req: ReceivedRequest) => Step): void;
  /** Forgets the scripted steps left, the requests received and the default, so a test starts clean. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_USAGE = { input: 120, cached: 0, output: 30 };

export async function startStandin(wire: Wire): Promise<Standin> {
  const queue: Step[] = [];
  const byDefault = (): Step => ({ reply: { text: 'ok' } });
  let fallback: (req: ReceivedRequest) => Step = byDefault;
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const t0 = performance.now();
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: text ? safeJson(text) : null,
        handledMs: 0,
      };
      requests.push(received);
      res.on('finish', () => (received.handledMs = performance.now() - t0));
      const step = queue.shift() ?? fallback(received);
      void answer(wire, step, received, res);
    });
  });
  // The stand-in shares the test's event loop, so its idle-socket timer and the client's pool do not run on
  // two clocks. When synchronous work (git, PGlite: tens of seconds on a loaded machine, measured) blocks the
  // loop past Node's 5 s keepAliveTimeout, the client sends its next request on the pooled socket it still
  // holds and the server's overdue timer then destroys that socket unread: ECONNRESET, llm_unavailable, and
  // the test's scripted step left for the next test. A remote provider keeps idle connections longer than the
  // client's pool does (undici drops them after 4 s), so here too the client decides, and close() ends them.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    wire,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...steps) => queue.push(...steps),
    respond: (fn) => (fallback = fn),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = byDefault;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function answer(wire: Wire, step: Step, req: ReceivedRequest, res: ServerResponse): Promise<void> {
  const expected = wire === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
  if (req.method !== 'POST' || req.path !== expected)
    return sendJson(res, 404, errorBody(wire, 'not_found_error', `no route ${req.method} ${req.path}`));
  if ('hang' in step) return; // never answers; the client must time out
  if ('status' in step)
    return sendJson(res, step.status, step.body ?? errorBody(wire, 'api_error', `scripted ${step.status}`), step.headers);
  if ('authFail' in step) {
    const key =
      wire === 'anthropic' ? String(req.headers['x-api-key'] ?? '') : String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    return sendJson(res, 401, errorBody(wire, 'authentication_error', `Incorrect API key provided: ${key}.`, 'invalid_api_key'));
  }
  if ('contextLength' in step) {
    const message =
      wire === 'anthropic'
        ? 'prompt is too long: 215000 tokens > 200000 maximum'
        : "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.";
    return sendJson(res, 400, errorBody(wire, 'invalid_request_error', message, 'context_length_exceeded'));
  }
  if ('unknownModel' in step) {
    return sendJson(
      res,
      404,
      errorBody(
        wire,
        'not_found_error',
        `The model \`${req.body?.model}\` does not exist or you do not have access to it.`,
        'model_not_found',
      ),
    );
  }
  if ('invalidJson' in step) return sendReply(wire, { text: 'Sure! Here is the plan: {name: "todo", features: [' }, req, res, false);
  if ('truncate' in step) return sendReply(wire, step.truncate, req, res, true);
  if (step.hold) await step.hold;
  if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
  return sendReply(wire, step.reply, req, res, false);
}

function errorBody(wire: Wire, type: string, message: string, code?: string): unknown {
  return wire === 'anthropic' ? { type: 'error', error: { type, message } } : { error: { message, type, param: null, code: code ?? null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The reply as this wire's content: what a structured request gets depends on how it asked. */
function contentOf(
  wire: Wire,
  reply: Reply,
  req: ReceivedRequest,
): { text: string | null; tools: { id: string; name: string; args: unknown }[] } {
  const tools = (reply.toolCalls ?? []).map((t, i) => ({ id: `call_${i + 1}`, name: t.name, args: t.args }));
  if (reply.object === undefined) return { text: reply.text ?? (tools.length ? null : ''), tools };
  const json = JSON.stringify(reply.object);
  if (wire === 'ollama') return { text: `Here is the JSON:\n\`\`\`json\n${JSON.stringify(reply.object, null, 2)}\n\`\`\``, tools };
  if (wire === 'anthropic' && !req.body?.output_config?.format && (req.body?.tools ?? []).some((t: any) => t.name === 'json')) {
    return { text: null, tools: [{ id: 'toolu_json', name: 'json', args: reply.object }, ...tools] };
  }
  return { text: json, tools };
}

function sendReply(wire: Wire, reply: Reply, req: ReceivedRequest, res: ServerResponse, truncate: boolean): void {
  const usage = { ...DEFAULT_USAGE, ...reply.usage };
  const content = contentOf(wire, reply, req);
  const model = String(req.body?.model ?? 'unknown');
  const stream = req.body?.stream === true;
  if (wire === 'anthropic') {
    return stream
      ? anthropicStream(res, model, content, usage, truncate)
      : sendBody(res, anthropicMessage(model, content, usage), truncate);
  }
  return stream
    ? openaiStream(res, wire, model, content, usage, truncate, req)
    : sendBody(res, openaiCompletion(wire, model, content, usage), truncate);
}

function sendBody(res: ServerResponse, body: unknown, truncate: boolean): void {
  const text = JSON.stringify(body);
  if (!truncate) return sendJson(res, 200, body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.write(text.slice(0, Math.floor(text.length / 2)));
  res.socket?.destroy();
}

type Content = ReturnType<typeof contentOf>;
type Usage = typeof DEFAULT_USAGE;

function openaiUsage(wire: Wire, u: Usage) {
  const base = { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output };
  return wire === 'ollama' ? base : { ...base, prompt_tokens_details: { cached_tokens: u.cached } };
}

function openaiCompletion(wire: Wire, model: string, c: Content, u: Usage) {
  return {
    id: 'chatcmpl-standin',
    object: 'chat.completion',
    created: 1_765_000_000,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: c.text,
          ...(c.tools.length
            ? {
                tool_calls: c.tools.map((t) => ({
                  id: t.id,
                  type: 'function',
                  function: { name: t.name, arguments: JSON.stringify(t.args) },
                })),
              }
            : {}),
        },
        finish_reason: c.tools.length ? 'tool_calls' : 'stop',
      },
    ],
    usage: openaiUsage(wire, u),
  };
}

function pieces(text: string, n = 4): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function writeSse(res: ServerResponse, events: string[], truncate: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const upTo = truncate ? Math.max(1, Math.floor(events.length / 2)) : events.length;
  for (const e of events.slice(0, upTo)) res.write(e);
  if (truncate) res.socket?.destroy();
  else res.end();
}

function openaiStream(res: ServerResponse, wire: Wire, model: string, c: Content, u: Usage, truncate: boolean, req: ReceivedRequest): void {
  const chunk = (delta: unknown, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: 1_765_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  for (const p of pieces(c.text ?? '')) events.push(chunk({ content: p }, null));
  c.tools.forEach((t, index) => {
    events.push(chunk({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, null));
    for (const p of pieces(JSON.stringify(t.args))) events.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }, null));
  });
  events.push(chunk({}, c.tools.length ? 'tool_calls' : 'stop'));
  if (req.body?.stream_options?.include_usage) {
    events.push(
      `data: ${JSON.stringify({ id: 'chatcmpl-standin', object: 'chat.completion.chunk', created: 1_765_000_000, model, choices: [], usage: openaiUsage(wire, u) })}\n\n`,
    );
  }
  events.push('data: [DONE]\n\n');
  writeSse(res, events, truncate);
}

function anthropicUsage(u: Usage) {
  return { input_tokens: u.input - u.cached, output_tokens: u.output, cache_read_input_tokens: u.cached, cache_creation_input_tokens: 0 };
}

function anthropicMessage(model: string, c: Content, u: Usage) {
  return {
    id: 'msg_standin',
    type: 'message',
    role: 'assistant',
    model,
    content: [
      ...(c.text !== null && c.text !== '' ? [{ type: 'text', text: c.text }] : []),
      ...c.tools.map((t) => ({ type: 'tool_use', id: t.id, name: t.name, input: t.args })),
    ],
    stop_reason: c.tools.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(u),
  };
}

function anthropicStream(res: ServerResponse, model: string, c: Content, u: Usage, truncate: boolean): void {
  const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const usage = anthropicUsage(u);
  const events = [
    ev('message_start', {
      message: {
        id: 'msg_standin',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (c.text) {
    events.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const p of pieces(c.text)) events.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: p } }));
    events.push(ev('content_block_stop', { index }));
    index += 1;
  }
  for (const t of c.tools) {
    events.push(ev('content_block_start', { index, content_block: { type: 'tool_use', id: t.id, name: t.name, input: {} } }));
    for (const p of pieces(JSON.stringify(t.args)))
      events.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } }));
    events.push(ev('content_block_stop', { index }));
    index += 1;
  }
  events.push(
    ev('message_delta', {
      delta: { stop_reason: c.tools.length ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: u.output },
    }),
  );
  events.push(ev('message_stop', {}));
  writeSse(res, events, truncate);
}
