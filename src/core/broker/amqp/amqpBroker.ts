/**
 * {@link Broker} over RabbitMQ (amqplib). One connection, opened lazily and reopened on the next
 * call after it was lost; every operation uses its own short-lived channel (a failed passive
 * declare closes its channel, and must not take anything else with it), except publishing, which
 * keeps one confirm channel.
 */
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { Broker, BrokerOptions, ControlRequestOptions, QueueInfo, Subscription, UnackedEntry } from '../broker';
import type { OutgoingMessage, RawMessage, Undecodable } from '../../celery/rawMessage';
import type { AmqpConnectionUrl } from '../../url/connectionUrl';
import { CeleryLensError, UnsupportedError } from '../../util/errors';
import { Emitter } from '../../util/emitter';
import type { BrokerNotice } from '../brokerNotices';
import type { Disposable } from '../../util/disposable';
import { silentLogger, type Logger } from '../../util/logger';
import { openAmqpConnection, sanitize } from './amqpConnect';
import type { AmqpSession } from './amqpSession';
import { AmqpPublisher } from './amqpPublisher';
import type { BroadcastResult } from '../../control/pidboxProtocol';
import { amqpBroadcast } from './amqpPidbox';
import { amqpSubscribeEvents } from './amqpEvents';
import { amqpListQueues, amqpPeek, amqpPurge, amqpQueueInfo } from './amqpQueues';
import { ManagementClient } from './managementClient';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10000;
export const DEFAULT_HEARTBEAT_SECONDS = 30;

/** {@link BrokerOptions} plus what only AMQP has. */
export interface AmqpBrokerOptions extends BrokerOptions {
  /** AMQP heartbeat, seconds (0 disables); detects a dead TCP connection. */
  heartbeatSeconds?: number;
}

/** An events subscription; `queueName` is the current `celeryev.<uuid>` queue (it changes after a resubscribe). */
export interface AmqpEventSubscription extends Subscription {
  readonly queueName: string | undefined;
}

export class AmqpBroker implements Broker, AmqpSession {
  readonly kind = 'amqp' as const;
  readonly logger: Logger;
  readonly commandTimeoutMs: number;
  /** Set when a management URL was given. */
  readonly management?: ManagementClient;

  private connection?: ChannelModel;
  private connecting?: Promise<ChannelModel>;
  private closed = false;
  private readonly lost = new Emitter<string>();
  private readonly notices = new Emitter<BrokerNotice>();
  private readonly publisher = new AmqpPublisher(this);
  private readonly subscriptions = new Set<Subscription>();

  constructor(readonly url: AmqpConnectionUrl, private readonly options: AmqpBrokerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (options.managementUrl) this.management = new ManagementClient(options.managementUrl, this.commandTimeoutMs);
  }

  async connect(): Promise<void> {
    await this.liveConnection();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of [...this.subscriptions]) await subscription.close().catch(() => undefined);
    this.subscriptions.clear();
    await this.publisher.close();
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    this.connecting = undefined;
    this.lost.dispose();
    if (connection) await connection.close().catch(() => undefined);
  }

  publish(message: OutgoingMessage): Promise<void> {
    return this.publisher.publish(message);
  }

  async subscribeEvents(onMessage: (message: RawMessage | Undecodable) => void): Promise<AmqpEventSubscription> {
    const inner = await amqpSubscribeEvents(
      this,
      onMessage,
      (count, reason) => this.notices.fire({ kind: 'events-lost', count, reason }),
      (lostAt, resumedAt, reason) => this.notices.fire({ kind: 'events-interrupted', lostAt, resumedAt, reason }),
    );
    const subscriptions = this.subscriptions;
    const outer: AmqpEventSubscription = {
      get queueName() {
        return inner.queueName;
      },
      async close() {
        subscriptions.delete(outer);
        await inner.close();
      },
      probe: (since) => inner.probe?.(since) ?? Promise.resolve('unknown'),
    };
    this.subscriptions.add(outer);
    return outer;
  }

  broadcast(method: string, args: Record<string, unknown>, options: ControlRequestOptions): Promise<BroadcastResult> {
    return amqpBroadcast(this, method, args, options);
  }

  listQueues(): Promise<string[]> {
    return amqpListQueues(this, this.management);
  }

  queueInfo(names: string[]): Promise<QueueInfo[]> {
    return amqpQueueInfo(this, this.management, names);
  }

  peek(queue: string, limit: number, offset = 0): Promise<Array<RawMessage | Undecodable>> {
    return amqpPeek(this, this.management, queue, limit, offset);
  }

  async moveMessage(_queue: string, _taskId: string, _target: string, _searchLimit: number): Promise<{ from: string; to: string }> {
    throw new UnsupportedError(
      'Moving a single message is not possible on RabbitMQ without consuming it: AMQP has no atomic ' +
      '"move", and taking the message off the queue and publishing it again could lose or duplicate it. ' +
      'Use a shovel (rabbitmq_shovel) or the management UI\'s "Move messages" if you must.',
    );
  }

  async restoreUnacked(_deliveryTag: string): Promise<string[]> {
    throw new UnsupportedError('RabbitMQ puts unacknowledged messages back in their queue by itself when the worker\'s connection closes.');
  }

  purge(queue: string): Promise<number> {
    return amqpPurge(this, queue);
  }

  async listUnacked(): Promise<UnackedEntry[]> {
    throw new UnsupportedError(
      'RabbitMQ does not show messages delivered to a worker but not yet acknowledged to other clients; ' +
      'use "inspect reserved" and "inspect active" to see what the workers hold.',
    );
  }

  // --- AmqpSession ---

  async openChannel(): Promise<Channel> {
    return this.guardChannel(await (await this.liveConnection()).createChannel());
  }

  async openConfirmChannel(): Promise<ConfirmChannel> {
    return this.guardChannel(await (await this.liveConnection()).createConfirmChannel());
  }

  onConnectionLost(listener: (reason: string) => void): Disposable {
    return this.lost.event(listener);
  }

  /** Blocked/unblocked connection and events dropped from our event queue (see {@link BrokerNotice}). */
  onNotice(listener: (notice: BrokerNotice) => void): Disposable {
    return this.notices.event(listener);
  }

  private guardChannel<T extends Channel>(channel: T): T {
    // Without an 'error' listener a server-side channel close (404, 406...) is an uncaught
    // exception; the failing call already rejects with the same error, so logging is enough.
    channel.on('error', (err: Error) => this.logger.debug(`AMQP channel error: ${sanitize(err.message, this.url)}`));
    channel.on('handler-error', (err: Error) => this.logger.error(`AMQP channel handler failed: ${err.message}`));
    return channel;
  }

  /** The open connection, connecting (again) if there is none. */
  private async liveConnection(): Promise<ChannelModel> {
    if (this.closed) throw new CeleryLensError(`The RabbitMQ connection to ${this.url.redacted} was closed`, 'CLOSED');
    if (this.connection) return this.connection;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<ChannelModel> {
    const connection = await openAmqpConnection(this.url, {
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      heartbeatSeconds: this.options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS,
    });
    if (this.closed) {
      await connection.close().catch(() => undefined);
      throw new CeleryLensError(`The RabbitMQ connection to ${this.url.redacted} was closed`, 'CLOSED');
    }
    let lastError = '';
    connection.on('error', (err: Error) => {
      lastError = sanitize(err.message, this.url);
      this.logger.warn(`RabbitMQ connection error (${this.url.redacted}): ${lastError}`);
    });
    connection.on('close', (err?: Error) => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      if (this.closed) return;
      const reason = (err ? sanitize(err.message, this.url) : lastError) || 'closed by the server';
      this.logger.warn(`RabbitMQ connection to ${this.url.redacted} lost: ${reason}; reconnecting on next use`);
      this.lost.fire(reason);
    });
    // A resource alarm: our publishes (control requests) wait, and so do the workers' events.
    connection.on('blocked', (reason: string) => this.notices.fire({ kind: 'blocked', reason: String(reason) }));
    connection.on('unblocked', () => this.notices.fire({ kind: 'unblocked' }));
    this.connection = connection;
    this.logger.debug(`connected to RabbitMQ ${this.url.redacted}`);
    return connection;
  }
}
