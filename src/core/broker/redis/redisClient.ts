/**
 * Opening ioredis connections for the broker and the result backend so that a down or wrong server
 * fails fast with a message a user understands (and that never holds the password), instead of
 * retrying forever with commands piling up in an offline queue.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConnectionUrl } from '../../url/connectionUrl';
import { redactSecretsInText } from '../../url/connectionUrl';
import { CeleryLensError, TimeoutError } from '../../util/errors';
import { type Logger, silentLogger } from '../../util/logger';
import { tlsVerifyHint } from '../tlsHint';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10000;

export interface RedisClientOptions {
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** What this connection is for, used in errors and logs ("broker", "event subscriber", ...). */
  role: string;
  /**
   * A connection for BRPOP: no per-command timeout (it would cut the block short); a client-side
   * deadline of the command's own timeout plus a grace period guards against a dead socket instead.
   */
  blocking?: boolean;
  logger?: Logger;
}

/** A Redis operation failed; the message names the server (host, port, db) but never the password. */
export class RedisUnavailableError extends CeleryLensError {
  constructor(message: string) {
    super(message, 'REDIS_UNAVAILABLE');
    this.name = 'RedisUnavailableError';
  }
}

export function describeServer(url: RedisConnectionUrl): string {
  return `${url.scheme}://${url.host}:${url.port}/${url.db}`;
}

/** Strip anything secret from a library message: credentialed URLs and the password itself. */
export function safeMessage(err: unknown, url: RedisConnectionUrl): string {
  let text = err instanceof Error ? err.message : String(err);
  text = redactSecretsInText(text);
  if (url.password) text = text.split(url.password).join('***');
  return text;
}

/**
 * Wrap any error from a Redis call into a {@link CeleryLensError} that is safe to show.
 * `commandTimeoutMs`, when known, turns ioredis's bare "Command timed out" into what it means.
 */
export function redisFailure(err: unknown, url: RedisConnectionUrl, what: string, commandTimeoutMs?: number): CeleryLensError {
  if (err instanceof CeleryLensError) return err;
  let message = safeMessage(err, url);
  if (commandTimeoutMs !== undefined && /^Command timed out$/i.test(message)) {
    message = `no answer within ${commandTimeoutMs} ms (command timed out: the server is hung, overloaded or unreachable)`;
  }
  const text = `${what} failed on Redis ${describeServer(url)}: ${message}`;
  return /timed out/i.test(message) ? new TimeoutError(text) : new RedisUnavailableError(text);
}

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CeleryLensError(`Cannot read the TLS ${what} file "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'BAD_TLS_FILE');
  }
}

/** ioredis TLS options from the URL's `ssl_*` settings; undefined for plain `redis://`. */
export function tlsOptionsFor(url: RedisConnectionUrl): ConnectionOptions | undefined {
  if (!url.tls) return undefined;
  const tls: ConnectionOptions = { rejectUnauthorized: url.tls.rejectUnauthorized };
  // SNI takes host names only (Node warns when given an IP address).
  if (!isIP(url.host)) tls.servername = url.host;
  if (url.tls.caFile) tls.ca = readTlsFile(url.tls.caFile, 'CA certificate');
  if (url.tls.certFile) tls.cert = readTlsFile(url.tls.certFile, 'client certificate');
  if (url.tls.keyFile) tls.key = readTlsFile(url.tls.keyFile, 'client key');
  return tls;
}

/** The ioredis options we use (exported for unit tests). */
export function redisOptionsFor(url: RedisConnectionUrl, options: RedisClientOptions, isConnected: () => boolean): RedisOptions {
  const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return {
    host: url.host,
    port: url.port,
    username: url.username,
    password: url.password,
    db: url.db,
    tls: tlsOptionsFor(url),
    connectionName: 'celery-lens',
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeout: options.blocking ? undefined : commandTimeout,
    blockingTimeout: options.blocking ? commandTimeout : undefined,
    blockingTimeoutGrace: 500,
    // Fail fast instead of queueing: a command sent while the link is down errors at once.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // Never retry the first connect (the caller gets the error); reconnect later drops with backoff
    // so long-lived subscriptions survive a Redis restart.
    retryStrategy: (times) => (isConnected() ? Math.min(times * 250, 3000) : null),
    autoResubscribe: true,
    autoResendUnfulfilledCommands: false,
  };
}

/**
 * Open and wait for a ready connection. Rejects with a {@link RedisUnavailableError} or
 * {@link TimeoutError} naming the server (never the password) when Redis cannot be reached.
 */
export async function openRedis(url: RedisConnectionUrl, options: RedisClientOptions): Promise<Redis> {
  const logger = options.logger ?? silentLogger;
  let connected = false;
  let lastError: unknown;
  const client = new Redis(redisOptionsFor(url, options, () => connected));
  // Without a listener ioredis prints "Unhandled error event" to the console.
  client.on('error', (err: unknown) => {
    lastError = err;
    logger.debug(`redis ${options.role} (${describeServer(url)}): ${safeMessage(err, url)}`);
  });
  const connectTimeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  // connectTimeout only covers the TCP/TLS handshake; this also bounds HELLO/AUTH/SELECT and the ready check.
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new Error(`no answer within ${connectTimeout} ms`));
        }, connectTimeout);
      }),
    ]);
    connected = true;
    return client;
  } catch (err) {
    client.disconnect();
    const reason = safeMessage(lastError ?? err, url);
    const text = `Cannot connect to Redis ${describeServer(url)} (${options.role}): ${reason}${tlsVerifyHint(reason)}`;
    const etimedout = (lastError as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    throw timedOut || etimedout ? new TimeoutError(text) : new RedisUnavailableError(text);
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT politely, and drop the socket if the server does not answer promptly. Never throws. */
export async function closeRedis(client: Redis, timeoutMs = 1000): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.quit(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Already closed or the link is down: disconnect below is all that is left to do.
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
