/**
 * What a command needs, created on first use and closed once: the broker connection, the result
 * backend and remote control. Nothing connects until a command asks for it.
 */
import { createBroker } from '../core/broker/createBroker';
import type { Broker } from '../core/broker/broker';
import { RedisResultBackend } from '../core/backend/redisResultBackend';
import { RemoteControl, DEFAULT_CONTROL_TIMEOUT_MS } from '../core/control/remoteControl';
import { DEFAULT_BROKER_URL, parseConnectionUrl, type ConnectionUrl } from '../core/url/connectionUrl';
import { CeleryLensError } from '../core/util/errors';
import type { GlobalOptions } from './args';
import type { Output } from './output';

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export class CliContext {
  private brokerPromise?: Promise<Broker>;
  private backendPromise?: Promise<RedisResultBackend>;
  private readonly closers: Array<() => Promise<void>> = [];

  constructor(
    readonly globals: GlobalOptions,
    readonly out: Output,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** --broker, then $CELERY_BROKER_URL, then Celery's own default. */
  get brokerUrl(): ConnectionUrl {
    return parseConnectionUrl(this.globals.broker ?? (this.env.CELERY_BROKER_URL || DEFAULT_BROKER_URL));
  }

  /** --backend, then $CELERY_RESULT_BACKEND; undefined when neither is set. */
  get backendUrl(): ConnectionUrl | undefined {
    const text = this.globals.backend ?? (this.env.CELERY_RESULT_BACKEND || undefined);
    return text ? parseConnectionUrl(text) : undefined;
  }

  /** --management-url, then $CELERY_LENS_MANAGEMENT_URL (RabbitMQ's management API). */
  get managementUrl(): string | undefined {
    return this.globals.managementUrl ?? (this.env.CELERY_LENS_MANAGEMENT_URL || undefined);
  }

  /** How long to collect worker replies. */
  get replyTimeoutMs(): number {
    return this.globals.timeoutMs ?? DEFAULT_CONTROL_TIMEOUT_MS;
  }

  /** How long to wait for a broker to connect or answer a command. */
  get connectTimeoutMs(): number {
    return this.globals.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  broker(): Promise<Broker> {
    if (!this.brokerPromise) {
      const url = this.brokerUrl;
      const broker = createBroker(url, {
        connectTimeoutMs: this.connectTimeoutMs,
        commandTimeoutMs: Math.max(this.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
        managementUrl: this.managementUrl,
      });
      this.closers.push(() => broker.close());
      this.brokerPromise = broker.connect().then(() => broker);
    }
    return this.brokerPromise as Promise<Broker>;
  }

  async control(): Promise<RemoteControl> {
    return new RemoteControl(await this.broker(), this.replyTimeoutMs);
  }

  /** The Redis result backend; a clear error when none is configured or it is not Redis. */
  backend(): Promise<RedisResultBackend> {
    if (!this.backendPromise) {
      const url = this.backendUrl;
      if (!url) throw new CeleryLensError('no result backend: pass --backend redis://... or set CELERY_RESULT_BACKEND');
      if (url.kind !== 'redis') throw new CeleryLensError(`result backend ${url.redacted} is not Redis: only the Redis result backend is supported`);
      const backend = new RedisResultBackend(url, { connectTimeoutMs: this.connectTimeoutMs });
      this.closers.push(() => backend.close());
      this.backendPromise = backend.connect().then(() => backend);
    }
    return this.backendPromise as Promise<RedisResultBackend>;
  }

  /** The backend if one is configured, else undefined (for commands where it only adds detail). */
  async optionalBackend(): Promise<RedisResultBackend | undefined> {
    return this.backendUrl ? this.backend() : undefined;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.closers.map((close) => close()));
  }
}
