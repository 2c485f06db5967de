/**
 * The {@link Broker} for Redis (kombu's Redis transport), on ioredis (the pub/sub subscriptions on
 * connections of their own, subscriberConnection.ts). One command connection is
 * opened by connect(); the event subscriptions and the BRPOP connections used by broadcasts get
 * their own connections, because a subscribed or blocked connection cannot run other commands.
 */
import type { Redis } from 'ioredis';
import type {
  Broker, BrokerOptions, ControlRequestOptions, QueueInfo, Subscription, UnackedEntry,
} from '../broker';
import { parseRedisEnvelope, type OutgoingMessage, type RawMessage, type Undecodable } from '../../celery/rawMessage';
import type { RedisConnectionUrl } from '../../url/connectionUrl';
import type { BroadcastResult } from '../../control/pidboxProtocol';
import type { Disposable } from '../../util/disposable';
import { Emitter } from '../../util/emitter';
import { type Logger, silentLogger } from '../../util/logger';
import type { BrokerNotice } from '../brokerNotices';
import { BlockingPool } from './blockingPool';
import { pidboxBroadcast } from './redisPidbox';
import { DEFAULT_COMMAND_TIMEOUT_MS, openRedis, type RedisClientOptions } from './redisClient';
import { RedisConnections } from './redisConnections';
import { eventSubscriptionRequest, type RedisEventSource } from './redisEventSource';
import { publishToRedis } from './redisPublish';
import { listBoundQueues, listUnackedEntries, peekQueue, purgeQueue, queueDepths } from './redisQueues';
import { moveQueuedMessage, peekQueueWindow, restoreUnackedMessage } from './redisMessageOps';

export class RedisBroker implements Broker {
  readonly kind = 'redis' as const;
  private readonly connections: RedisConnections;
  private readonly blocking: BlockingPool;
  private readonly knownQueues = new Set<string>();
  private readonly logger: Logger;
  private clock = 0;
  private readonly notices = new Emitter<BrokerNotice>();

  /** Broadcasts in flight, so close() can let their cleanup run first. */
  private readonly broadcasts = new Set<Promise<BroadcastResult>>();

  constructor(
    readonly url: RedisConnectionUrl,
    private readonly options: BrokerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.blocking = new BlockingPool(() => this.open('pidbox reply reader', true));
    this.connections = new RedisConnections(url, this.logger, () => this.open('broker', false), `The Redis broker ${url.redacted}`);
  }

  async connect(): Promise<void> {
    await this.connections.command();
  }

  /** Close every connection (command, subscriptions, BRPOP pool); safe to call twice. */
  async close(): Promise<void> {
    // Ending the BRPOP connections first makes in-flight broadcasts finish now; their cleanup
    // (SREM the reply binding, DEL the reply lists) still needs the command connection, so it
    // closes only after them. Otherwise every close during a broadcast leaves a stale binding.
    this.blocking.close();
    await Promise.allSettled([...this.broadcasts]);
    await this.connections.close();
  }

  async publish(message: OutgoingMessage): Promise<void> {
    const client = await this.connections.command();
    const delivery = await this.connections.run('publish', () => publishToRedis(client, this.url.db, message));
    this.logger.debug(`published to ${delivery.channel ?? delivery.lists.join(', ')}`);
  }

  async subscribeEvents(onMessage: (message: RawMessage | Undecodable) => void): Promise<Subscription> {
    return this.subscribeRawEvents((channel, payload) => onMessage(parseRedisEnvelope(payload, 'event', channel)));
  }

  /** The `celeryev` stream as raw pub/sub payloads (kombu envelopes), for a decoder elsewhere (a worker thread). */
  async subscribeRawEvents(onRaw: (channel: string, payload: Buffer) => void): Promise<Subscription> {
    return this.connections.subscribe(eventSubscriptionRequest(this.eventSource(), {
      onMessage: onRaw,
      onInterruption: (lostAt, resumedAt, reason) => this.notices.fire({ kind: 'events-interrupted', lostAt, resumedAt, reason }),
    }));
  }

  /** The same subscription as plain data, for a thread that opens it itself (see redisEventSource.ts). */
  eventSource(): RedisEventSource {
    return { url: this.url, connectTimeoutMs: this.options.connectTimeoutMs, commandTimeoutMs: this.commandTimeoutMs };
  }

  /** The event subscription cut and restored by its reconnect (see {@link BrokerNotice}). */
  onNotice(listener: (notice: BrokerNotice) => void): Disposable {
    return this.notices.event(listener);
  }

  async broadcast(method: string, args: Record<string, unknown>, options: ControlRequestOptions): Promise<BroadcastResult> {
    const client = await this.connections.command();
    const call = this.connections.run(`Remote control "${method}"`, () => pidboxBroadcast({
      db: this.url.db,
      client,
      withBlockingClient: (use) => this.blocking.with(use),
      nextClock: () => ++this.clock,
    }, method, args, options));
    this.broadcasts.add(call);
    try {
      return await call;
    } finally {
      this.broadcasts.delete(call);
    }
  }

  async listQueues(): Promise<string[]> {
    const client = await this.connections.command();
    const queues = await this.connections.run('Listing queues', () => listBoundQueues(client));
    for (const queue of queues) this.knownQueues.add(queue);
    return queues;
  }

  async queueInfo(names: string[]): Promise<QueueInfo[]> {
    const client = await this.connections.command();
    return this.connections.run('Reading queue depths', () => queueDepths(client, names, this.knownQueues));
  }

  async peek(queue: string, limit: number, offset = 0): Promise<Array<RawMessage | Undecodable>> {
    const client = await this.connections.command();
    return this.connections.run(`Peeking queue "${queue}"`, () => (offset > 0 ? peekQueueWindow(client, queue, offset, limit) : peekQueue(client, queue, limit)));
  }

  async moveMessage(queue: string, taskId: string, target: string, searchLimit: number): Promise<{ from: string; to: string }> {
    const client = await this.connections.command();
    return this.connections.run(`Moving task ${taskId} from "${queue}" to "${target}"`, () => moveQueuedMessage(client, queue, taskId, target, searchLimit));
  }

  async restoreUnacked(deliveryTag: string): Promise<string[]> {
    const client = await this.connections.command();
    return this.connections.run(`Restoring unacked message ${deliveryTag}`, () => restoreUnackedMessage(client, deliveryTag));
  }

  async purge(queue: string): Promise<number> {
    const client = await this.connections.command();
    return this.connections.run(`Purging queue "${queue}"`, () => purgeQueue(client, queue));
  }

  async listUnacked(): Promise<UnackedEntry[]> {
    const client = await this.connections.command();
    return this.connections.run('Reading unacked messages', () => listUnackedEntries(client));
  }

  private get commandTimeoutMs(): number {
    return this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  private open(role: string, blocking: boolean): Promise<Redis> {
    const options: RedisClientOptions = {
      role,
      blocking,
      connectTimeoutMs: this.options.connectTimeoutMs,
      commandTimeoutMs: this.options.commandTimeoutMs,
      logger: this.logger,
    };
    return openRedis(this.url, options);
  }
}
