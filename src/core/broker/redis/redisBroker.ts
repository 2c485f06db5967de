/**
 * The {@link Broker} for Redis (kombu's Redis transport), on ioredis. One command connection is
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
import { CeleryLensError } from '../../util/errors';
import { type Logger, silentLogger } from '../../util/logger';
import { BlockingPool } from './blockingPool';
import { EVENT_EXCHANGE, fanoutChannel } from './kombuKeys';
import { pidboxBroadcast } from './redisPidbox';
import { closeRedis, openRedis, redisFailure, type RedisClientOptions } from './redisClient';
import { publishToRedis } from './redisPublish';
import { listBoundQueues, listUnackedEntries, peekQueue, purgeQueue, queueDepths } from './redisQueues';

export class RedisBroker implements Broker {
  readonly kind = 'redis' as const;
  private client: Redis | undefined;
  private connecting: Promise<Redis> | undefined;
  private readonly blocking: BlockingPool;
  private readonly subscriptions = new Set<Subscription>();
  private readonly knownQueues = new Set<string>();
  private readonly logger: Logger;
  private clock = 0;
  private closed = false;

  constructor(
    readonly url: RedisConnectionUrl,
    private readonly options: BrokerOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.blocking = new BlockingPool(() => this.open('pidbox reply reader', true));
  }

  async connect(): Promise<void> {
    await this.command();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blocking.close();
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((s) => s.close().catch(() => undefined)));
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    if (client) await closeRedis(client);
  }

  async publish(message: OutgoingMessage): Promise<void> {
    const client = await this.command();
    const delivery = await this.run('publish', () => publishToRedis(client, this.url.db, message));
    this.logger.debug(`published to ${delivery.channel ?? delivery.lists.join(', ')}`);
  }

  async subscribeEvents(onMessage: (message: RawMessage | Undecodable) => void): Promise<Subscription> {
    this.assertOpen();
    const pattern = `${fanoutChannel(this.url.db, EVENT_EXCHANGE)}/*`;
    const sub = await this.open('event subscriber', false);
    sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, payload: Buffer) => {
      const message = parseRedisEnvelope(payload, 'event', channel.toString('utf8'));
      try {
        onMessage(message);
      } catch (err) {
        this.logger.warn(`event handler failed: ${(err as Error).message}`);
      }
    });
    try {
      await sub.psubscribe(pattern);
    } catch (err) {
      sub.disconnect();
      throw redisFailure(err, this.url, 'Subscribing to events');
    }
    let done = false;
    const subscription: Subscription = {
      close: async () => {
        if (done) return;
        done = true;
        this.subscriptions.delete(subscription);
        sub.removeAllListeners('pmessageBuffer');
        await closeRedis(sub);
      },
    };
    // close() may have run while we were connecting: it could not see this subscription.
    if (this.closed) {
      await subscription.close();
      this.assertOpen();
    }
    this.subscriptions.add(subscription);
    return subscription;
  }

  async broadcast(method: string, args: Record<string, unknown>, options: ControlRequestOptions): Promise<BroadcastResult> {
    const client = await this.command();
    return this.run(`Remote control "${method}"`, () => pidboxBroadcast({
      db: this.url.db,
      client,
      withBlockingClient: (use) => this.blocking.with(use),
      nextClock: () => ++this.clock,
    }, method, args, options));
  }

  async listQueues(): Promise<string[]> {
    const client = await this.command();
    const queues = await this.run('Listing queues', () => listBoundQueues(client));
    for (const queue of queues) this.knownQueues.add(queue);
    return queues;
  }

  async queueInfo(names: string[]): Promise<QueueInfo[]> {
    const client = await this.command();
    return this.run('Reading queue depths', () => queueDepths(client, names, this.knownQueues));
  }

  async peek(queue: string, limit: number): Promise<Array<RawMessage | Undecodable>> {
    const client = await this.command();
    return this.run(`Peeking queue "${queue}"`, () => peekQueue(client, queue, limit));
  }

  async purge(queue: string): Promise<number> {
    const client = await this.command();
    return this.run(`Purging queue "${queue}"`, () => purgeQueue(client, queue));
  }

  async listUnacked(): Promise<UnackedEntry[]> {
    const client = await this.command();
    return this.run('Reading unacked messages', () => listUnackedEntries(client));
  }

  private assertOpen(): void {
    if (this.closed) throw new CeleryLensError(`The Redis broker ${this.url.redacted} was closed`, 'CLOSED');
  }

  /** The command connection, opened on first use (connect() just opens it early). */
  private async command(): Promise<Redis> {
    this.assertOpen();
    if (this.client) return this.client;
    if (!this.connecting) {
      this.connecting = this.open('broker', false).then(
        (client) => {
          if (this.closed) {
            void closeRedis(client);
            throw new CeleryLensError(`The Redis broker ${this.url.redacted} was closed`, 'CLOSED');
          }
          this.client = client;
          return client;
        },
        (err: unknown) => {
          this.connecting = undefined;
          throw err;
        },
      );
    }
    return this.connecting;
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

  private async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw redisFailure(err, this.url, what);
    }
  }
}
