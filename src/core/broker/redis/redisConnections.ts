/**
 * The connections of one Redis broker or result backend, closed together: the command connection,
 * opened on first use (once, however many calls wait for it), and the pub/sub subscriptions, each
 * on a connection of its own. Also the error wrapping every command shares, so that a failure
 * names the server and never the password.
 */
import type { Redis } from 'ioredis';
import type { Subscription } from '../broker';
import type { RedisConnectionUrl } from '../../url/connectionUrl';
import { CeleryLensError } from '../../util/errors';
import type { Logger } from '../../util/logger';
import { subscribePattern, type PatternSubscriptionRequest } from './patternSubscription';
import { closeRedis, redisFailure } from './redisClient';

export class RedisConnections {
  private client: Redis | undefined;
  private connecting: Promise<Redis> | undefined;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  /**
   * @param openCommand opens a new command connection.
   * @param owner names the owner in the CLOSED error, e.g. "The Redis broker redis://h:6379/0".
   */
  constructor(
    private readonly url: RedisConnectionUrl,
    private readonly logger: Logger,
    private readonly openCommand: () => Promise<Redis>,
    private readonly owner: string,
  ) {}

  /** The command connection, opening it on first use; a failed attempt is retried by the next call. */
  async command(): Promise<Redis> {
    this.assertOpen();
    if (this.client) return this.client;
    if (!this.connecting) {
      this.connecting = this.openCommand().then(
        (client) => {
          // close() may have run while we were connecting: nobody else would close this client.
          if (this.closed) {
            void closeRedis(client);
            throw this.closedError();
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

  /** Run one operation, turning any failure into an error that is safe to show (see redisFailure). */
  async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw redisFailure(err, this.url, what, this.client?.options.commandTimeout);
    }
  }

  /** A pattern subscription on a new connection, closed by close() if not closed before. */
  async subscribe(request: PatternSubscriptionRequest): Promise<Subscription> {
    this.assertOpen();
    const subscription = await subscribePattern(this.url, this.logger, request, (s) => this.subscriptions.delete(s));
    // close() may have run while we were connecting: it could not see this subscription.
    if (this.closed) {
      await subscription.close();
      throw this.closedError();
    }
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Close every subscription and the command connection (or the one being opened); safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((s) => s.close().catch(() => undefined)));
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    if (client) await closeRedis(client);
  }

  private closedError(): CeleryLensError {
    return new CeleryLensError(`${this.owner} was closed`, 'CLOSED');
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedError();
  }
}
