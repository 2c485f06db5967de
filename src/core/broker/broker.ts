/**
 * The one interface over both transports. Implementations: RedisBroker (ioredis) and AmqpBroker
 * (amqplib). Everything here is read-safe unless its name says otherwise: peeking, counting and
 * listing never consume, ack or reorder a message.
 */
import type { ConnectionUrl } from '../url/connectionUrl';
import type { OutgoingMessage, RawMessage, Undecodable } from '../celery/rawMessage';
import type { Logger } from '../util/logger';

export interface BrokerOptions {
  /** Connect timeout, ms. */
  connectTimeoutMs?: number;
  /** Per-command timeout, ms. */
  commandTimeoutMs?: number;
  /** RabbitMQ management API base URL (http://user:pass@host:15672), for queue listing and peeking. */
  managementUrl?: string;
  logger?: Logger;
}

/** A handle on a subscription; `close()` unsubscribes and frees what the subscription made. */
export interface Subscription {
  close(): Promise<void>;
  /** Stop (true) or go on (false) reading the connection: back-pressure from a slow consumer (Redis only). */
  setPaused?(paused: boolean): void;
  /**
   * Ask whether the subscription still delivers. Redis: PING on the subscribed connection (bytes
   * read since its last look count as an answer). RabbitMQ: a delivery after `since` (epoch ms)
   * counts; otherwise our queue's consumer is checked and its binding re-asserted. 'dead': it is
   * being subscribed again; 'unknown': it cannot tell now (reading paused, reconnecting, a binding
   * just re-asserted).
   */
  probe?(since?: number): Promise<'alive' | 'dead' | 'unknown'>;
}

export interface ControlRequestOptions {
  /** Worker node names; omitted or empty means every worker. */
  destination?: string[];
  /** How long to collect replies, ms. */
  timeoutMs: number;
  /** Stop collecting when this many replies arrived (defaults to destination.length when given). */
  limit?: number;
  /** False for a cast (no ticket, no reply_to, resolves at once with []). */
  reply: boolean;
}

/** One worker's reply to a pidbox request. */
export interface ControlReply {
  hostname: string;
  reply: unknown;
  /** Milliseconds from publishing the request to receiving this reply (round-trip time). */
  elapsedMs: number;
}

export interface QueueInfo {
  name: string;
  /** Ready messages (all priority levels). */
  messages: number;
  /** Known consumers; undefined when the broker cannot tell (Redis lists have no consumers). */
  consumers?: number;
  /**
   * Per-priority breakdown. Redis: keyed by kombu's bucket (0, 3, 6, 9). AMQP: only when the
   * management API reports it; otherwise empty.
   */
  byPriority: Record<string, number>;
  /** False when the queue does not exist on the broker (nothing was created to find out). */
  exists: boolean;
}

/** A message held by a Redis consumer that has not acked it yet (kombu's `unacked` hash). */
export interface UnackedEntry {
  deliveryTag: string;
  /** Epoch seconds when it was delivered to a worker (from `unacked_index`). */
  deliveredAt?: number;
  exchange: string;
  routingKey: string;
  message: RawMessage | Undecodable;
}

/** How deep a RabbitMQ peek may reach: the management API reads from the head, every message up to the window. */
export const AMQP_PEEK_MAX_DEPTH = 1000;

export interface Broker {
  readonly kind: 'redis' | 'amqp';
  readonly url: ConnectionUrl;

  connect(): Promise<void>;
  /** Close every connection this broker opened; safe to call twice. */
  close(): Promise<void>;

  /** Publish a task message (or any kombu message) to an exchange/routing key. */
  publish(message: OutgoingMessage): Promise<void>;

  /**
   * Receive the `celeryev` stream. Each broker message is passed on as received (a `task.multi`
   * batch is one message); decoding is the caller's business. Undecodable envelopes arrive as
   * {@link Undecodable}.
   */
  subscribeEvents(onMessage: (message: RawMessage | Undecodable) => void): Promise<Subscription>;

  /** Pidbox broadcast; resolves with the replies collected (ticket-matched) until timeout/limit. */
  broadcast(method: string, args: Record<string, unknown>, options: ControlRequestOptions): Promise<{
    replies: ControlReply[];
    errors: Undecodable[];
  }>;

  /** Queue names the broker itself knows (Redis bindings; AMQP management API when configured). */
  listQueues(): Promise<string[]>;
  /** Depth and consumers for each named queue, in one round trip where the broker allows. */
  queueInfo(names: string[]): Promise<QueueInfo[]>;
  /**
   * `limit` messages in delivery order (the next one to run first) from position `offset` (default 0),
   * nothing consumed. AMQP reads from the head through the management API, so deep offsets are
   * refused past {@link AMQP_PEEK_MAX_DEPTH} with an UnsupportedError.
   */
  peek(queue: string, limit: number, offset?: number): Promise<Array<RawMessage | Undecodable>>;
  /** DESTRUCTIVE: remove every ready message (all priority levels); returns how many were removed. */
  purge(queue: string): Promise<number>;
  /** Redis only: messages delivered to workers but not acked. AMQP throws UnsupportedError. */
  listUnacked(): Promise<UnackedEntry[]>;
  /**
   * DESTRUCTIVE, Redis only: move the waiting message of task `taskId` from `queue` to `target` in one
   * atomic step (searching the first `searchLimit` messages). AMQP throws UnsupportedError.
   */
  moveMessage(queue: string, taskId: string, target: string, searchLimit: number): Promise<{ from: string; to: string }>;
  /**
   * DESTRUCTIVE, Redis only: put an unacked message back in its queue(s) atomically, like kombu's
   * restore_by_tag; returns the queues. AMQP throws UnsupportedError.
   */
  restoreUnacked(deliveryTag: string): Promise<string[]>;
}
