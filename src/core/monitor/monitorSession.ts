/**
 * One connected stretch of a monitor: the broker and its event subscription, the result backend
 * and its live result subscription, and the periodic jobs the monitor attached. A reconnect throws
 * the whole session away and opens a fresh one, so nothing half-broken is carried over.
 */
import { RedisResultBackend } from '../backend/redisResultBackend';
import type { Broker, Subscription } from '../broker/broker';
import { reportsNotices, type BrokerNotice } from '../broker/brokerNotices';
import { createBroker } from '../broker/createBroker';
import type { RawMessage, Undecodable } from '../celery/rawMessage';
import { RemoteControl } from '../control/remoteControl';
import type { RedisEventSource } from '../broker/redis/redisEventSource';
import type { ConnectionUrl } from '../url/connectionUrl';
import type { Disposable } from '../util/disposable';
import { withTimeout } from '../util/errors';
import type { Logger } from '../util/logger';
import type { ResultFeed } from './resultFeed';

/** How long a close may take before we stop waiting (a hung server never answers a QUIT). */
const CLOSE_TIMEOUT_MS = 3000;

export interface SessionConfig {
  brokerUrl: ConnectionUrl;
  backendUrl?: ConnectionUrl;
  managementUrl?: string;
  connectTimeoutMs: number;
  /** Per-command timeout of the broker and backend clients (a hung server is noticed by it). */
  commandTimeoutMs: number;
  controlTimeoutMs: number;
  logger: Logger;
}

/** Where raw Redis event payloads go when they are decoded elsewhere (EventDecoderThread). */
export interface RawEventSink {
  /**
   * Have someone else (the decoding thread) hold the subscription from its description; undefined
   * when it cannot, and the session subscribes itself and pushes.
   */
  subscribeElsewhere?(source: RedisEventSource): Promise<Subscription> | undefined;
  push(channel: string, payload: Buffer): void;
  /** The subscription feeding it (for back-pressure). */
  attach(subscription: Subscription): void;
}

export interface SessionHandlers {
  onEventMessage(message: RawMessage | Undecodable): void;
  /** When set, a Redis broker's events go here raw instead of to onEventMessage. */
  rawEvents?: RawEventSink;
  /** Build the handler of live results for a freshly connected backend. */
  resultFeed(backend: RedisResultBackend): ResultFeed;
  /** The broker reported its connection lost (AMQP does; Redis failures surface on the next call). */
  onLost(session: MonitorSession, reason: string): void;
  /** The backend could not be used (safe message), or is fine again (undefined). */
  onBackendProblem(problem: string | undefined): void;
  /** Make an error safe to show. */
  describe(err: unknown): string;
  /** The broker told something beyond a lost connection (RabbitMQ: blocked, events dropped). */
  onNotice?(notice: BrokerNotice): void;
}

/** AmqpBroker tells when its connection drops; the Broker interface does not (yet) say so. */
interface ConnectionLossSource {
  onConnectionLost(listener: (reason: string) => void): Disposable;
}

function reportsConnectionLoss(broker: Broker): broker is Broker & ConnectionLossSource {
  return typeof (broker as Partial<ConnectionLossSource>).onConnectionLost === 'function';
}

/** RedisBroker hands out raw event payloads; the Broker interface only decoded messages. */
interface RawEventSource {
  subscribeRawEvents(onRaw: (channel: string, payload: Buffer) => void): Promise<Subscription>;
  eventSource(): RedisEventSource;
}

function hasRawEvents(broker: Broker): broker is Broker & RawEventSource {
  return typeof (broker as Partial<RawEventSource>).subscribeRawEvents === 'function';
}

async function closeQuietly(what: string, close: () => Promise<void>): Promise<void> {
  await withTimeout(close(), CLOSE_TIMEOUT_MS, `Closing the ${what}`).catch(() => undefined);
}

export class MonitorSession {
  readonly control: RemoteControl;
  backend: RedisResultBackend | undefined;
  /** Set when the broker reported the connection lost while the session was being opened. */
  lostReason: string | undefined;
  /** Periodic jobs and listeners, disposed on close. */
  readonly disposables: Disposable[] = [];
  /** The broker's event subscription (set once open() resolved). */
  eventSubscription: Subscription | undefined;
  private readonly subscriptions: Subscription[] = [];
  private resultFeed: ResultFeed | undefined;
  private closed = false;

  private constructor(
    readonly broker: Broker,
    private readonly config: SessionConfig,
    private readonly handlers: SessionHandlers,
  ) {
    this.control = new RemoteControl(broker, config.controlTimeoutMs);
  }

  /**
   * Connect the broker and subscribe to events (failures reject, after closing what was opened),
   * then the backend and its results (failures are reported through onBackendProblem only).
   */
  static async open(config: SessionConfig, handlers: SessionHandlers): Promise<MonitorSession> {
    const broker = createBroker(config.brokerUrl, {
      connectTimeoutMs: config.connectTimeoutMs,
      commandTimeoutMs: config.commandTimeoutMs,
      managementUrl: config.managementUrl,
      logger: config.logger,
    });
    const session = new MonitorSession(broker, config, handlers);
    try {
      if (reportsConnectionLoss(broker)) {
        session.disposables.push(broker.onConnectionLost((reason) => {
          session.lostReason ??= reason;
          handlers.onLost(session, reason);
        }));
      }
      const onNotice = handlers.onNotice;
      if (onNotice && reportsNotices(broker)) session.disposables.push(broker.onNotice((n) => onNotice(n)));
      await broker.connect();
      const raw = handlers.rawEvents;
      if (raw && hasRawEvents(broker)) {
        const subscription = await (raw.subscribeElsewhere?.(broker.eventSource()) ??
          broker.subscribeRawEvents((channel, payload) => raw.push(channel, payload)));
        raw.attach(subscription);
        session.eventSubscription = subscription;
      } else {
        session.eventSubscription = await broker.subscribeEvents((m) => handlers.onEventMessage(m));
      }
      session.subscriptions.push(session.eventSubscription);
    } catch (err) {
      await session.close();
      throw err;
    }
    await session.connectBackend();
    return session;
  }

  /** Whether a backend is configured but not connected (so a retry makes sense). */
  get backendMissing(): boolean {
    return this.config.backendUrl !== undefined && this.backend === undefined;
  }

  /** (Re)try the result backend: connect, subscribe to live results. True when it is usable. */
  async connectBackend(): Promise<boolean> {
    const url = this.config.backendUrl;
    if (!url || this.backend || this.closed) return this.backend !== undefined;
    if (url.kind !== 'redis') {
      this.handlers.onBackendProblem(`the result backend ${url.redacted} is not Redis: only Redis result backends are read`);
      return false;
    }
    const backend = new RedisResultBackend(url, {
      connectTimeoutMs: this.config.connectTimeoutMs,
      commandTimeoutMs: this.config.commandTimeoutMs,
      logger: this.config.logger,
    });
    try {
      await backend.connect();
      const feed = this.handlers.resultFeed(backend);
      const subscription = await backend.subscribeResults(feed.onMeta);
      if (this.closed) {
        feed.close();
        await closeQuietly('result backend', () => backend.close());
        return false;
      }
      this.backend = backend;
      this.resultFeed = feed;
      this.subscriptions.push(subscription);
      this.handlers.onBackendProblem(undefined);
      return true;
    } catch (err) {
      await closeQuietly('result backend', () => backend.close());
      this.handlers.onBackendProblem(this.handlers.describe(err));
      return false;
    }
  }

  /** Close everything this session opened; idempotent, never rejects, bounded in time. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const disposable of this.disposables.splice(0)) {
      try {
        disposable.dispose();
      } catch {
        // Disposing a timer or listener cannot meaningfully fail; keep closing the rest.
      }
    }
    this.resultFeed?.close();
    const subscriptions = this.subscriptions.splice(0);
    await Promise.all(subscriptions.map((s) => closeQuietly('subscription', () => s.close())));
    const backend = this.backend;
    this.backend = undefined;
    await Promise.all([
      closeQuietly('broker', () => this.broker.close()),
      backend ? closeQuietly('result backend', () => backend.close()) : Promise.resolve(),
    ]);
  }
}
