/**
 * One Redis connection subscribed to one pattern, spoken to directly over a socket (plain or TLS)
 * with subscriberFrames.ts reading it, instead of through ioredis: a subscriber only ever sends
 * AUTH, CLIENT SETNAME, PSUBSCRIBE, PING and QUIT, and reading the event stream through ioredis's
 * general reader was the largest cost per message on the decoding thread. Commands and the rest of
 * the broker keep using ioredis; reconnecting is the owner's (patternSubscription.ts).
 *
 * Opening fails as openRedis does, with the same safe messages: the server named, never the
 * password, a hint for certificates that do not verify, a TimeoutError when nothing answered
 * within the connect timeout (which bounds the handshake and the subscription, not just TCP).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { RedisConnectionUrl } from '../../url/connectionUrl';
import { TimeoutError } from '../../util/errors';
import { type Logger, silentLogger } from '../../util/logger';
import { tlsVerifyHint } from '../tlsHint';
import { DEFAULT_CONNECT_TIMEOUT_MS, describeServer, RedisUnavailableError, redisFailure, safeMessage, tlsOptionsFor } from './redisClient';
import { type RespReply, RespErrorReply, SubscriberFrameReader } from './subscriberFrames';

export interface SubscriberConnectionOptions {
  /** What the connection is for, in errors and logs ("event subscriber", ...). */
  role: string;
  /** Names the subscription in its errors ("Subscribing to events"). */
  what: string;
  connectTimeoutMs?: number;
  logger?: Logger;
}

export interface SubscriberListener {
  /** A message on a channel matching the pattern; must not throw. */
  onMessage(channel: string, payload: Buffer): void;
  /**
   * The connection ended, not by close(); `reason` is safe to show. `byUs`: we dropped it because
   * Redis sent what is not RESP2 (otherwise the server or the network ended it). Called at most once.
   */
  onEnd(reason: string, byUs: boolean): void;
}

interface PendingReply {
  resolve(reply: RespReply): void;
  reject(err: Error): void;
}

/** Redis answers AUTH so when the server has no password; ioredis goes on, and so do we. */
const NO_PASSWORD_SET = /no password is set|without any password configured/i;

function command(...args: string[]): Buffer {
  let text = `*${args.length}\r\n`;
  for (const arg of args) text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return Buffer.from(text);
}

export class SubscriberConnection {
  private readonly reader: SubscriberFrameReader;
  /** Replies come in the order the commands went; each resolves the oldest waiting. */
  private readonly waiting: PendingReply[] = [];
  private received = 0;
  private lastError: Error | undefined;
  private protocolError = false;
  private closing = false;
  private ended = false;
  /** open() succeeded: only then is an end the listener's business (a failed open is open()'s). */
  private established = false;
  private listener: SubscriberListener | undefined;

  private constructor(private readonly socket: net.Socket, private readonly url: RedisConnectionUrl, private readonly logger: Logger, private readonly role: string) {
    this.reader = new SubscriberFrameReader({
      onMessage: (channel, payload) => this.listener?.onMessage(channel, payload),
      onReply: (reply) => this.settle(reply),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      try {
        this.reader.write(chunk);
      } catch (err) {
        this.lastError = err as Error;
        this.protocolError = true;
        socket.destroy();
      }
    });
    socket.on('error', (err) => {
      this.lastError = err;
      logger.debug(`redis ${role} (${describeServer(url)}): ${safeMessage(err, url)}`);
    });
    socket.on('close', () => this.onClose());
  }

  /**
   * Connect, authenticate and PSUBSCRIBE `pattern`; messages go to `listener` from then on.
   * Rejects with a RedisUnavailableError or TimeoutError that is safe to show.
   */
  static async open(url: RedisConnectionUrl, pattern: string, options: SubscriberConnectionOptions, listener: SubscriberListener): Promise<SubscriberConnection> {
    const logger = options.logger ?? silentLogger;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const tlsOptions = tlsOptionsFor(url);
    const socket = tlsOptions ? tls.connect({ ...tlsOptions, host: url.host, port: url.port }) : net.connect({ host: url.host, port: url.port });
    const connection = new SubscriberConnection(socket, url, logger, options.role);
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    void deadline.catch(() => undefined);
    let subscribing = false;
    const cannotConnect = (reason: string): string => `Cannot connect to Redis ${describeServer(url)} (${options.role}): ${reason}`;
    try {
      await Promise.race([connection.connected(tlsOptions !== undefined), deadline]);
      const auth = !url.password ? undefined : connection.request(url.username ? command('AUTH', url.username, url.password) : command('AUTH', url.password));
      const name = connection.request(command('CLIENT', 'SETNAME', 'celery-lens'));
      // Messages may come in the same read as the confirmation: the listener must be there first.
      connection.listener = listener;
      const subscribed = connection.request(command('PSUBSCRIBE', pattern));
      // Whichever fails first is reported; the rest are rejected when the socket goes.
      for (const reply of [auth, name, subscribed]) void reply?.catch(() => undefined);
      const authReply = auth && await Promise.race([auth, deadline]);
      if (authReply instanceof RespErrorReply && !NO_PASSWORD_SET.test(authReply.message)) throw authReply;
      // An old or restricted server may refuse to name the connection; the name is only a label.
      await Promise.race([name, deadline]);
      subscribing = true;
      const reply = await Promise.race([subscribed, deadline]);
      if (!Array.isArray(reply) || reply[0] !== 'psubscribe') throw reply instanceof Error ? reply : new Error(`unexpected answer to PSUBSCRIBE: ${JSON.stringify(reply)}`);
    } catch (err) {
      connection.listener = undefined;
      socket.destroy();
      if (subscribing && !timedOut) throw redisFailure(err, url, options.what);
      const reason = safeMessage(connection.lastError ?? err, url);
      const text = cannotConnect(`${reason}${tlsVerifyHint(reason)}`);
      const etimedout = (connection.lastError as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
      throw timedOut || etimedout ? new TimeoutError(text) : new RedisUnavailableError(text);
    } finally {
      clearTimeout(timer);
    }
    // Ended between the confirmation and here: nobody would hear of it, so this open failed.
    if (connection.ended) throw new RedisUnavailableError(cannotConnect('the connection closed as it subscribed'));
    connection.established = true;
    return connection;
  }

  /** Bytes read from the socket so far. */
  get bytesRead(): number {
    return this.received;
  }

  get isOpen(): boolean {
    return !this.ended && !this.closing;
  }

  /** Resolves when Redis answers a PING; rejects if the connection ends first. */
  async ping(): Promise<void> {
    const reply = await this.request(command('PING'));
    if (reply instanceof Error) throw reply;
  }

  /** Stop reading (Redis buffers for us meanwhile) or read again. */
  setPaused(paused: boolean): void {
    if (paused) this.socket.pause();
    else this.socket.resume();
  }

  /** Drop the connection now; the listener hears onEnd. */
  destroy(): void {
    this.socket.destroy();
  }

  /** QUIT politely, and drop the socket if the server does not answer within `timeoutMs`. Never throws. */
  async close(timeoutMs = 1000): Promise<void> {
    if (this.closing || this.ended) return;
    this.closing = true;
    this.listener = undefined;
    const gone = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    this.socket.resume();
    this.socket.end(command('QUIT'));
    await Promise.race([gone, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.socket.destroy();
  }

  private connected(secure: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
      this.socket.once('close', () => reject(this.lastError ?? new Error('the connection closed')));
    });
  }

  private request(bytes: Buffer): Promise<RespReply> {
    if (this.ended) return Promise.reject(new Error('the connection is closed'));
    return new Promise<RespReply>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(bytes);
    });
  }

  private settle(reply: RespReply): void {
    const pending = this.waiting.shift();
    if (pending) pending.resolve(reply);
    else this.logger.debug(`redis ${this.role} (${describeServer(this.url)}): unexpected ${reply instanceof Error ? `error ${reply.message}` : 'reply'} ignored`);
  }

  private onClose(): void {
    this.ended = true;
    const reason = this.lastError ? safeMessage(this.lastError, this.url) : 'the connection closed';
    for (const pending of this.waiting.splice(0)) pending.reject(this.lastError ?? new Error(reason));
    const listener = this.listener;
    this.listener = undefined;
    if (!this.closing && this.established) listener?.onEnd(reason, this.protocolError);
  }
}
