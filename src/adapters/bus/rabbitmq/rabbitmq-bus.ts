/**
 * The RabbitMQ event bus (spec §5.1, §5.3) over amqplib's promise API.
 *
 * Topology, declared idempotently on every (re)connect:
 * - topic exchange `catalyst.events`; one durable queue per QueueSpec bound to its routing keys;
 * - dead-letter exchange `catalyst.dlq` (fanout) with the durable queue `failed-events`;
 * - retries with delay: headers exchange `catalyst.retry` and one durable wait queue per delay
 *   (`catalyst.retry.<ms>ms`, x-message-ttl = delay) that dead-letters expired messages back through the
 *   default exchange under their routing key, which is the name of the queue they came from. One queue
 *   per delay, because RabbitMQ only expires messages at the head of a queue: mixed delays in one
 *   queue would hold short ones behind long ones;
 * - `subscribe` (UI fan-out): an exclusive, auto-delete, server-named queue per listener, no acks.
 *
 * Payload filters (`Binding.where`, the deployer's approved-only binding) run in the consumer: the
 * queue is bound by routing key and events the filter rejects are acked and dropped. A topic exchange
 * cannot look at the body, and a headers exchange would lose topic wildcards and need the publisher to
 * copy payload fields into headers; the consumer-side check reuses core/routing.ts, so every transport
 * filters with the same function and the publisher stays ignorant of who filters on what.
 *
 * Reliability: persistent messages, publisher confirms with a timeout (publish retries across a
 * reconnect until that timeout, so a broker hiccup delays rather than fails the relay), manual acks,
 * per-consumer prefetch, heartbeats, reconnect with exponential backoff that re-declares the topology
 * and resumes every open consumer and listener. A handler still running when its channel dies cannot
 * ack; the broker redelivers the message and the consumer's inbox makes that harmless.
 */
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { DEAD_LETTER_QUEUE, routingKeyFor, type AgentEvent } from '../../../contracts/events.ts';
import { AppError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Binding, DeadLetter, Delivery, EventBus, HandlerOutcome, QueueSpec, Subscription } from '../../../core/ports/event-bus.ts';
import { bindingMatches, isHandlerOutcome, sameBinding } from '../../../core/routing.ts';

export interface RabbitBusOptions {
  url: string;
  /** Deliveries per message per queue before the bus dead-letters it whatever the handler says. */
  maxDeliveries?: number;
  /** Delay before redelivering a message whose handler threw. */
  retryDelayMs?: number;
  /** Prepended to every exchange and queue name, so several installations (or test runs) share a broker. */
  prefix?: string;
  /** How long publish may take, reconnects included, before it fails. */
  publishTimeoutMs?: number;
  heartbeatSeconds?: number;
  /** The connection's name at the broker (default: `catalyst <prefix> pid <pid>`). */
  connectionName?: string;
  /** Backoff between reconnect attempts: starts at min, doubles, capped at max. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  logger?: Logger;
}

export const EVENTS_EXCHANGE = 'catalyst.events';
export const DLQ_EXCHANGE = 'catalyst.dlq';
export const RETRY_EXCHANGE = 'catalyst.retry';

const H_DELIVERIES = 'x-catalyst-deliveries';
// Not x-prefixed: RabbitMQ's headers exchange ignores x- headers when matching.
const H_DELAY = 'catalyst-retry-delay';
const H_REASON = 'x-catalyst-reason';
const H_QUEUE = 'x-catalyst-queue';
const H_DEAD_AT = 'x-catalyst-dead-lettered-at';

type Handler = (d: Delivery) => Promise<HandlerOutcome>;

interface ConsumerState {
  queue: string;
  handler: Handler;
  prefetch: number;
  open: boolean;
  channel: Channel | null;
  tag: string | null;
  inFlight: Set<Promise<void>>;
}

interface ListenerState {
  pattern: string;
  handler: (event: AgentEvent) => void;
  open: boolean;
  channel: Channel | null;
}

/** The adapter also reports the broker names it declared, so tests and operators can clean up. */
export interface RabbitBus extends EventBus {
  readonly kind: 'rabbitmq';
  /** Every exchange and queue name this instance declared (prefixed), for cleanup. */
  declaredNames(): { exchanges: string[]; queues: string[] };
  /** Connections made so far (1 + reconnects), for logs and fault tests. */
  connectionCount(): number;
}

export async function openRabbitBus(opts: RabbitBusOptions): Promise<RabbitBus> {
  if (!opts.url) {
    throw new AppError('invalid_config', 'the RabbitMQ bus needs a URL', {
      hint: 'set RABBITMQ_URL, e.g. amqp://guest:guest@127.0.0.1:5672',
    });
  }
  const maxDeliveries = opts.maxDeliveries ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 100;
  const prefix = opts.prefix ?? '';
  const publishTimeoutMs = opts.publishTimeoutMs ?? 15_000;
  const reconnectMinMs = opts.reconnectMinMs ?? 100;
  const reconnectMaxMs = opts.reconnectMaxMs ?? 5_000;
  const log = opts.logger;
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
    throw new AppError('invalid_option', `maxDeliveries must be a positive integer, got ${maxDeliveries}`);
  }

  const names = {
    events: `${prefix}${EVENTS_EXCHANGE}`,
    dlx: `${prefix}${DLQ_EXCHANGE}`,
    retry: `${prefix}${RETRY_EXCHANGE}`,
    failed: `${prefix}${DEAD_LETTER_QUEUE}`,
    queue: (q: string) => `${prefix}${q}`,
    retryQueue: (ms: number) => `${prefix}catalyst.retry.${ms}ms`,
  };
  const url = withHeartbeat(opts.url, opts.heartbeatSeconds ?? 15);
  // Shown in the management UI and `rabbitmqctl list_connections`; fault tests close connections by it.
  const connectionName = opts.connectionName ?? `catalyst ${prefix || '-'} pid ${process.pid}`;

  const specs = new Map<string, Binding[]>();
  const retryDelays = new Set<number>();
  const consumers = new Set<ConsumerState>();
  const listeners = new Set<ListenerState>();

  let model: ChannelModel | null = null;
  let pub: ConfirmChannel | null = null;
  let connections = 0;
  let closing = false;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let backoff = reconnectMinMs;
  /** Resolves when a connection with a ready publish channel exists; replaced on every disconnect. */
  let ready: Promise<void>;
  let markReady: () => void = () => undefined;
  const resetReady = () => {
    ready = new Promise<void>((r) => (markReady = r));
  };
  resetReady();

  function assertOpen(): void {
    if (closing || closed) throw new AppError('service_unavailable', 'the RabbitMQ event bus is closed', { retryable: false });
  }

  async function declareBase(ch: Channel): Promise<void> {
    await ch.assertExchange(names.events, 'topic', { durable: true });
    await ch.assertExchange(names.dlx, 'fanout', { durable: true });
    await ch.assertExchange(names.retry, 'headers', { durable: true });
    await ch.assertQueue(names.failed, { durable: true });
    await ch.bindQueue(names.failed, names.dlx, '');
  }

  async function declareQueue(ch: Channel, name: string, bindings: Binding[]): Promise<void> {
    const q = names.queue(name);
    // Rejected messages (nack without requeue) still reach failed-events rather than vanish.
    await ch.assertQueue(q, { durable: true, arguments: { 'x-dead-letter-exchange': names.dlx } });
    for (const key of new Set(bindings.map((b) => b.routingKey))) await ch.bindQueue(q, names.events, key);
  }

  async function declareRetry(ch: Channel, ms: number): Promise<void> {
    const q = names.retryQueue(ms);
    // Expired messages go back through the default exchange under their routing key (= source queue).
    await ch.assertQueue(q, { durable: true, arguments: { 'x-message-ttl': ms, 'x-dead-letter-exchange': '' } });
    await ch.bindQueue(q, names.retry, '', { 'x-match': 'all', [H_DELAY]: String(ms) });
  }

  async function connectOnce(): Promise<void> {
    // noDelay: small confirmed publishes otherwise wait on Nagle + delayed ACK (~40 ms at p99).
    const m = await connect(url, { noDelay: true, clientProperties: { connection_name: connectionName } });
    connections += 1;
    m.on('error', (e: Error) => log?.warn({ port: 'bus', err: e.message }, 'RabbitMQ connection error'));
    m.on('close', () => onConnectionLost(m));
    try {
      const ch = await openPublisher(m);
      await declareBase(ch);
      for (const [name, bindings] of specs) await declareQueue(ch, name, bindings);
      for (const ms of retryDelays) await declareRetry(ch, ms);
      model = m;
      pub = ch;
      for (const c of consumers) if (c.open) await startConsumer(c);
      for (const l of listeners) if (l.open) await startListener(l);
      backoff = reconnectMinMs;
      markReady();
      if (connections > 1) log?.info({ port: 'bus', connections }, 'RabbitMQ reconnected; topology re-declared, consumers resumed');
    } catch (e) {
      model = null;
      pub = null;
      await m.close().catch(() => undefined);
      throw e;
    }
  }

  async function openPublisher(m: ChannelModel): Promise<ConfirmChannel> {
    const ch = await m.createConfirmChannel();
    ch.on('error', (e: Error) => log?.warn({ port: 'bus', err: e.message }, 'RabbitMQ publish channel error'));
    ch.on('close', () => {
      if (pub === ch) pub = null;
      // A publish channel closed by a channel-level error leaves the connection up: open another.
      if (model === m && !closing) void reopenPublisher(m);
    });
    return ch;
  }

  async function reopenPublisher(m: ChannelModel): Promise<void> {
    try {
      pub = await openPublisher(m);
    } catch {
      /* the connection is going too; its close handler reconnects */
    }
  }

  function onConnectionLost(m: ChannelModel): void {
    if (model !== m) return;
    model = null;
    pub = null;
    for (const c of consumers) c.channel = null;
    for (const l of listeners) l.channel = null;
    if (closing) return;
    resetReady();
    log?.warn({ port: 'bus' }, 'RabbitMQ connection lost; reconnecting');
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (closing || reconnectTimer) return;
    const delay = Math.min(backoff, reconnectMaxMs) * (0.8 + Math.random() * 0.4);
    backoff = Math.min(backoff * 2, reconnectMaxMs);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connectOnce().catch((e: unknown) => {
        log?.warn({ port: 'bus', err: e instanceof Error ? e.message : String(e) }, 'RabbitMQ reconnect failed; retrying');
        scheduleReconnect();
      });
    }, delay);
  }

  async function startConsumer(c: ConsumerState): Promise<void> {
    if (!model) return;
    const ch = await model.createChannel();
    ch.on('error', (e: Error) => log?.warn({ port: 'bus', queue: c.queue, err: e.message }, 'RabbitMQ consumer channel error'));
    await ch.prefetch(c.prefetch);
    c.channel = ch;
    const reply = await ch.consume(names.queue(c.queue), (msg) => {
      if (msg) onMessage(c, ch, msg);
    });
    c.tag = reply.consumerTag;
  }

  async function startListener(l: ListenerState): Promise<void> {
    if (!model) return;
    const ch = await model.createChannel();
    ch.on('error', () => undefined);
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await ch.bindQueue(queue, names.events, l.pattern);
    l.channel = ch;
    await ch.consume(
      queue,
      (msg) => {
        if (!msg || !l.open) return;
        const event = parse(msg);
        if (!event) return;
        // A listener is a UI socket: its failure must never reach the bus or other listeners.
        try {
          const result: unknown = l.handler(event);
          if (result instanceof Promise) result.catch(() => undefined);
        } catch {
          /* isolated on purpose */
        }
      },
      { noAck: true },
    );
  }

  function onMessage(c: ConsumerState, ch: Channel, msg: ConsumeMessage): void {
    const run = handleMessage(c, ch, msg).finally(() => c.inFlight.delete(run));
    c.inFlight.add(run);
  }

  async function handleMessage(c: ConsumerState, ch: Channel, msg: ConsumeMessage): Promise<void> {
    const event = parse(msg);
    const headers = msg.properties.headers ?? {};
    const previous = Number(headers[H_DELIVERIES] ?? 0);
    // Header counts bus-driven retries; `redelivered` adds the broker's redelivery after a lost channel.
    const deliveryCount = (Number.isFinite(previous) ? previous : 0) + 1 + (msg.fields.redelivered ? 1 : 0);
    if (!event) {
      await settle(ch, msg, c.queue, deliveryCount, { outcome: 'dead_letter', reason: 'message body is not a JSON event' });
      return;
    }
    const bindings = specs.get(c.queue) ?? [];
    if (!bindings.some((b) => bindingMatches(b, msg.fields.routingKey, event)) && msg.fields.exchange === names.events) {
      safeAck(ch, msg);
      return;
    }
    const outcome = await runHandler(c.handler, { event, routingKey: routingKeyFor(event.event_type), deliveryCount });
    await settle(ch, msg, c.queue, deliveryCount, outcome);
  }

  async function runHandler(handler: Handler, delivery: Delivery): Promise<HandlerOutcome> {
    try {
      const outcome = await handler(delivery);
      if (isHandlerOutcome(outcome)) return outcome;
      return { outcome: 'retry', delayMs: retryDelayMs, reason: `handler returned no outcome: ${JSON.stringify(outcome)}` };
    } catch (e) {
      return { outcome: 'retry', delayMs: retryDelayMs, reason: `handler threw: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  async function settle(ch: Channel, msg: ConsumeMessage, queue: string, deliveryCount: number, outcome: HandlerOutcome): Promise<void> {
    try {
      if (outcome.outcome === 'ack') {
        safeAck(ch, msg);
        return;
      }
      if (outcome.outcome === 'retry' && deliveryCount < maxDeliveries) {
        const ms = Math.max(1, Math.round(outcome.delayMs));
        await ensureRetryQueue(ms);
        await confirmPublish(names.retry, names.queue(queue), msg.content, {
          ...msg.properties,
          headers: { ...(msg.properties.headers ?? {}), [H_DELIVERIES]: deliveryCount, [H_DELAY]: String(ms) },
        });
        safeAck(ch, msg);
        return;
      }
      const reason = outcome.outcome === 'retry' ? `gave up after ${deliveryCount} deliveries: ${outcome.reason}` : outcome.reason;
      await confirmPublish(names.dlx, queue, msg.content, {
        ...msg.properties,
        headers: {
          ...(msg.properties.headers ?? {}),
          [H_DELIVERIES]: deliveryCount,
          [H_REASON]: reason,
          [H_QUEUE]: queue,
          [H_DEAD_AT]: new Date().toISOString(),
        },
      });
      safeAck(ch, msg);
    } catch (e) {
      // Could not move the message on (broker gone): leave it unacked; the broker redelivers it.
      log?.warn(
        { port: 'bus', queue, err: e instanceof Error ? e.message : String(e) },
        'could not settle a message; it will be redelivered',
      );
      try {
        ch.nack(msg, false, true);
      } catch {
        /* channel already closed: redelivery is automatic */
      }
    }
  }

  async function ensureRetryQueue(ms: number): Promise<void> {
    if (retryDelays.has(ms)) return;
    await withChannel((ch) => declareRetry(ch, ms));
    retryDelays.add(ms);
  }

  /** Runs declarations on a short-lived channel, so a refused declaration never kills the publish channel. */
  async function withChannel<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
    await waitReady();
    const ch = await model!.createChannel();
    ch.on('error', () => undefined);
    try {
      return await fn(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  async function waitReady(deadline = Date.now() + publishTimeoutMs): Promise<void> {
    while (!(model && pub)) {
      assertOpen();
      const left = deadline - Date.now();
      if (left <= 0)
        throw new AppError('service_unavailable', 'RabbitMQ is not reachable', {
          hint: 'check RABBITMQ_URL and that the broker is running',
        });
      let t: NodeJS.Timeout | undefined;
      await Promise.race([ready, new Promise((r) => (t = setTimeout(r, Math.min(left, 200))))]);
      clearTimeout(t);
    }
  }

  /** Publishes and waits for the broker's confirm; retries on a new channel after a disconnect. */
  async function confirmPublish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    props: ConsumeMessage['properties'] | Record<string, unknown>,
  ): Promise<void> {
    const deadline = Date.now() + publishTimeoutMs;
    let lastError: unknown;
    for (;;) {
      if (Date.now() > deadline) {
        throw new AppError('service_unavailable', `RabbitMQ did not confirm a publish within ${publishTimeoutMs} ms`, {
          cause: lastError,
          hint: 'check the broker (rabbitmqctl status) and RABBITMQ_URL',
        });
      }
      await waitReady(deadline);
      const ch = pub!;
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('publish confirm timed out')), Math.max(1, deadline - Date.now()));
          ch.publish(exchange, routingKey, content, publishOptions(props as Record<string, unknown>), (err) => {
            clearTimeout(timer);
            if (err) reject(err instanceof Error ? err : new Error(String(err)));
            else resolve();
          });
        });
        return;
      } catch (e) {
        lastError = e;
        if (closed) throw e;
        // A nack or a closed channel: wait for the (re)connection and publish again.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  async function browseDeadLetters(): Promise<DeadLetter[]> {
    // RabbitMQ has no peek: get every message unacked, then close the channel, which requeues them.
    return withChannel(async (ch) => {
      const out: DeadLetter[] = [];
      for (let i = 0; i < 100_000; i++) {
        const msg = await ch.get(names.failed, { noAck: false });
        if (!msg) break;
        const event = parse(msg);
        if (!event) continue;
        const h = msg.properties.headers ?? {};
        out.push({
          queue: String(h[H_QUEUE] ?? ''),
          event,
          reason: String(h[H_REASON] ?? 'rejected by the broker'),
          deadLetteredAt: String(h[H_DEAD_AT] ?? new Date(0).toISOString()),
        });
      }
      return out;
    });
  }

  async function closeConsumer(c: ConsumerState): Promise<void> {
    c.open = false;
    consumers.delete(c);
    const ch = c.channel;
    if (ch && c.tag) await ch.cancel(c.tag).catch(() => undefined);
    while (c.inFlight.size > 0) await Promise.all([...c.inFlight]);
    if (ch) await ch.close().catch(() => undefined);
    c.channel = null;
  }

  try {
    await connectOnce();
  } catch (e) {
    throw new AppError(
      'service_unavailable',
      `cannot connect to RabbitMQ at ${redact(opts.url)}: ${e instanceof Error ? e.message : String(e)}`,
      {
        hint: 'start the broker (rabbitmq-server -detached) or fix RABBITMQ_URL',
        cause: e,
      },
    );
  }

  return {
    kind: 'rabbitmq',

    async declare(queues: QueueSpec[]): Promise<void> {
      assertOpen();
      for (const spec of queues) {
        if (spec.name === DEAD_LETTER_QUEUE) {
          throw new AppError('invalid_option', `queue name ${DEAD_LETTER_QUEUE} is reserved for dead letters`);
        }
      }
      await withChannel(async (ch) => {
        for (const spec of queues) {
          const existing = specs.get(spec.name) ?? [];
          const merged = [...existing];
          for (const b of spec.bindings) if (!merged.some((x) => sameBinding(x, b))) merged.push({ ...b });
          await declareQueue(ch, spec.name, merged);
          specs.set(spec.name, merged);
        }
      });
    },

    async publish(event: AgentEvent): Promise<void> {
      assertOpen();
      await confirmPublish(names.events, routingKeyFor(event.event_type), Buffer.from(JSON.stringify(event)), {
        messageId: event.event_id,
        type: event.event_type,
        timestamp: Math.floor(Date.parse(event.timestamp) / 1000) || undefined,
        headers: { [H_DELIVERIES]: 0 },
      });
    },

    async consume(queue, handler, consumeOpts = {}): Promise<Subscription> {
      assertOpen();
      if (!specs.has(queue)) {
        throw new AppError('invalid_option', `queue ${queue} is not declared`, {
          hint: 'call declare() with the queue and its bindings before consuming from it',
        });
      }
      const prefetch = consumeOpts.prefetch ?? 1;
      if (!Number.isInteger(prefetch) || prefetch < 1)
        throw new AppError('invalid_option', `prefetch must be a positive integer, got ${prefetch}`);
      const c: ConsumerState = { queue, handler, prefetch, open: true, channel: null, tag: null, inFlight: new Set() };
      consumers.add(c);
      await waitReady();
      await startConsumer(c);
      return { close: () => closeConsumer(c) };
    },

    async subscribe(pattern, handler): Promise<Subscription> {
      assertOpen();
      const l: ListenerState = { pattern, handler, open: true, channel: null };
      listeners.add(l);
      await waitReady();
      await startListener(l);
      return {
        async close() {
          l.open = false;
          listeners.delete(l);
          await l.channel?.close().catch(() => undefined);
          l.channel = null;
        },
      };
    },

    deadLetters: browseDeadLetters,

    declaredNames() {
      return {
        exchanges: [names.events, names.dlx, names.retry],
        queues: [names.failed, ...[...specs.keys()].map(names.queue), ...[...retryDelays].map(names.retryQueue)],
      };
    },

    connectionCount: () => connections,

    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      clearTimeout(reconnectTimer);
      await Promise.all([...consumers].map(closeConsumer));
      for (const l of listeners) l.open = false;
      listeners.clear();
      const m = model;
      model = null;
      pub = null;
      closed = true;
      await m?.close().catch(() => undefined);
    },
  };
}

function parse(msg: { content: Buffer }): AgentEvent | null {
  try {
    const value: unknown = JSON.parse(msg.content.toString('utf8'));
    if (value && typeof value === 'object' && 'event_type' in value && 'event_id' in value) return value as AgentEvent;
    return null;
  } catch {
    return null;
  }
}

function publishOptions(props: Record<string, unknown>): Record<string, unknown> {
  // The broker's x-death bookkeeping grows with every dead-letter hop; our own headers carry the count.
  const headers = Object.fromEntries(
    Object.entries((props.headers as Record<string, unknown> | undefined) ?? {}).filter(
      ([k]) => !/^x-(death|first-death|last-death)/.test(k),
    ),
  );
  // Only publish-side properties; everything Catalyst publishes is persistent JSON.
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: props.messageId,
    type: props.type,
    timestamp: props.timestamp,
    headers,
  };
}

function safeAck(ch: Channel, msg: ConsumeMessage): void {
  try {
    ch.ack(msg);
  } catch {
    /* the channel closed meanwhile: the broker redelivers, the inbox absorbs it */
  }
}

function withHeartbeat(raw: string, seconds: number): string {
  try {
    const u = new URL(raw);
    if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', String(seconds));
    return u.toString();
  } catch {
    return raw;
  }
}

export function redact(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
