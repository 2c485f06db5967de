/**
 * Celery's Redis result backend, read-only: single task and group records, a SCAN over every
 * stored task, and the live stream the backend PUBLISHes on each record's key as it writes it.
 */
import type { Redis } from 'ioredis';
import type { Subscription } from '../broker/broker';
import type { Undecodable } from '../celery/rawMessage';
import type { RedisConnectionUrl } from '../url/connectionUrl';
import { CeleryLensError } from '../util/errors';
import { type Logger, silentLogger } from '../util/logger';
import { closeRedis, openRedis, redisFailure } from '../broker/redis/redisClient';
import { GROUP_META_PREFIX, parseGroupMeta, parseTaskMeta, TASK_META_PREFIX, type GroupMeta, type TaskMeta } from './taskMeta';

export interface ResultBackendOptions {
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  logger?: Logger;
}

export interface ScanTaskMetasOptions {
  /** Keys per SCAN step and per MGET (default 200). */
  batch?: number;
  /** Glob over the task id (`celery-task-meta-<match>`); default `*`. */
  match?: string;
}

export class RedisResultBackend {
  private client: Redis | undefined;
  private connecting: Promise<Redis> | undefined;
  private readonly subscriptions = new Set<Subscription>();
  private readonly logger: Logger;
  private closed = false;

  constructor(
    readonly url: RedisConnectionUrl,
    private readonly options: ResultBackendOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  async connect(): Promise<void> {
    await this.command();
  }

  /** Close the connection and every result subscription; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((s) => s.close().catch(() => undefined)));
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    if (client) await closeRedis(client);
  }

  /** A task's record; undefined when none is stored (PENDING or unknown). */
  async getTaskMeta(taskId: string): Promise<TaskMeta | Undecodable | undefined> {
    const client = await this.command();
    const key = `${TASK_META_PREFIX}${taskId}`;
    const data = await this.run('Reading a task result', () => client.getBuffer(key));
    return data === null ? undefined : parseTaskMeta(data, key);
  }

  /** A group saved with `GroupResult.save()`; undefined when none is stored. */
  async getGroupMeta(groupId: string): Promise<GroupMeta | Undecodable | undefined> {
    const client = await this.command();
    const key = `${GROUP_META_PREFIX}${groupId}`;
    const data = await this.run('Reading a group result', () => client.getBuffer(key));
    return data === null ? undefined : parseGroupMeta(data, key);
  }

  /** Every stored task record, by SCAN (never KEYS) and one MGET per batch. Keys are visited once. */
  async *scanTaskMetas(options: ScanTaskMetasOptions = {}): AsyncGenerator<TaskMeta | Undecodable> {
    const client = await this.command();
    const batch = Math.max(1, Math.floor(options.batch ?? 200));
    const pattern = `${TASK_META_PREFIX}${options.match ?? '*'}`;
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.run('Scanning task results', () => client.scan(cursor, 'MATCH', pattern, 'COUNT', batch));
      cursor = next;
      // SCAN may return a key twice; a key set with a glob-like id may not really match our prefix.
      const keys = found.filter((key) => !seen.has(key) && key.startsWith(TASK_META_PREFIX));
      for (const key of keys) seen.add(key);
      for (let i = 0; i < keys.length; i += batch) {
        const slice = keys.slice(i, i + batch);
        const values = await this.run('Reading task results', () => client.mgetBuffer(...slice));
        for (let j = 0; j < slice.length; j++) {
          const value = values[j];
          // Expired or deleted between SCAN and MGET.
          if (value !== null && value !== undefined) yield parseTaskMeta(value, slice[j]);
        }
      }
    } while (cursor !== '0');
  }

  /**
   * Live result updates: the backend PUBLISHes each record on a channel named like its key. Pub/sub
   * channels are not per database, so another app's backend on the same server is heard too.
   */
  async subscribeResults(onMeta: (meta: TaskMeta | Undecodable) => void): Promise<Subscription> {
    this.assertOpen();
    const sub = await openRedis(this.url, { ...this.clientOptions(), role: 'result subscriber' });
    sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, payload: Buffer) => {
      try {
        onMeta(parseTaskMeta(payload, channel.toString('utf8')));
      } catch (err) {
        this.logger.warn(`result handler failed: ${(err as Error).message}`);
      }
    });
    try {
      await sub.psubscribe(`${TASK_META_PREFIX}*`);
    } catch (err) {
      sub.disconnect();
      throw redisFailure(err, this.url, 'Subscribing to results');
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

  private clientOptions(): { connectTimeoutMs?: number; commandTimeoutMs?: number; logger: Logger } {
    return { connectTimeoutMs: this.options.connectTimeoutMs, commandTimeoutMs: this.options.commandTimeoutMs, logger: this.logger };
  }

  private assertOpen(): void {
    if (this.closed) throw new CeleryLensError(`The result backend ${this.url.redacted} was closed`, 'CLOSED');
  }

  private async command(): Promise<Redis> {
    this.assertOpen();
    if (this.client) return this.client;
    if (!this.connecting) {
      this.connecting = openRedis(this.url, { ...this.clientOptions(), role: 'result backend' }).then(
        (client) => {
          if (this.closed) {
            void closeRedis(client);
            throw new CeleryLensError(`The result backend ${this.url.redacted} was closed`, 'CLOSED');
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

  private async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw redisFailure(err, this.url, what);
    }
  }
}
