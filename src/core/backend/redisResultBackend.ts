/**
 * Celery's Redis result backend, read-only: single task and group records, a SCAN over every
 * stored task, and the live stream the backend PUBLISHes on each record's key as it writes it.
 */
import type { Redis } from 'ioredis';
import type { Subscription } from '../broker/broker';
import type { Undecodable } from '../celery/rawMessage';
import type { RedisConnectionUrl } from '../url/connectionUrl';
import { type Logger, silentLogger } from '../util/logger';
import { openRedis } from '../broker/redis/redisClient';
import { RedisConnections } from '../broker/redis/redisConnections';
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
  private readonly connections: RedisConnections;
  private readonly logger: Logger;

  constructor(
    readonly url: RedisConnectionUrl,
    private readonly options: ResultBackendOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    const open = (): Promise<Redis> => openRedis(this.url, { ...this.clientOptions(), role: 'result backend' });
    this.connections = new RedisConnections(url, this.logger, open, `The result backend ${url.redacted}`);
  }

  async connect(): Promise<void> {
    await this.connections.command();
  }

  /** Close the connection and every result subscription; safe to call twice. */
  async close(): Promise<void> {
    await this.connections.close();
  }

  /** A task's record; undefined when none is stored (PENDING or unknown). */
  async getTaskMeta(taskId: string): Promise<TaskMeta | Undecodable | undefined> {
    const client = await this.connections.command();
    const key = `${TASK_META_PREFIX}${taskId}`;
    const data = await this.connections.run('Reading a task result', () => client.getBuffer(key));
    return data === null ? undefined : parseTaskMeta(data, key);
  }

  /** A group saved with `GroupResult.save()`; undefined when none is stored. */
  async getGroupMeta(groupId: string): Promise<GroupMeta | Undecodable | undefined> {
    const client = await this.connections.command();
    const key = `${GROUP_META_PREFIX}${groupId}`;
    const data = await this.connections.run('Reading a group result', () => client.getBuffer(key));
    return data === null ? undefined : parseGroupMeta(data, key);
  }

  /** Every stored task record, by SCAN (never KEYS) and one MGET per batch. Keys are visited once. */
  async *scanTaskMetas(options: ScanTaskMetasOptions = {}): AsyncGenerator<TaskMeta | Undecodable> {
    const client = await this.connections.command();
    const batch = Math.max(1, Math.floor(options.batch ?? 200));
    const pattern = `${TASK_META_PREFIX}${options.match ?? '*'}`;
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.connections.run('Scanning task results', () => client.scan(cursor, 'MATCH', pattern, 'COUNT', batch));
      cursor = next;
      // SCAN may return a key twice; a key set with a glob-like id may not really match our prefix.
      const keys = found.filter((key) => !seen.has(key) && key.startsWith(TASK_META_PREFIX));
      for (const key of keys) seen.add(key);
      for (let i = 0; i < keys.length; i += batch) {
        const slice = keys.slice(i, i + batch);
        const values = await this.connections.run('Reading task results', () => client.mgetBuffer(...slice));
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
    return this.connections.subscribe({
      role: 'result subscriber',
      connectTimeoutMs: this.options.connectTimeoutMs,
      pattern: `${TASK_META_PREFIX}*`,
      what: 'Subscribing to results',
      handlerName: 'result handler',
      onMessage: (channel, payload) => onMeta(parseTaskMeta(payload, channel)),
    });
  }

  private clientOptions(): { connectTimeoutMs?: number; commandTimeoutMs?: number; logger: Logger } {
    return { connectTimeoutMs: this.options.connectTimeoutMs, commandTimeoutMs: this.options.commandTimeoutMs, logger: this.logger };
  }
}
