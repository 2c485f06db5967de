/**
 * Opening an amqplib connection from a parsed {@link AmqpConnectionUrl}: connect timeout, heartbeat,
 * TLS files, and error messages that name the broker without ever carrying the password.
 */
import { readFileSync } from 'node:fs';
import * as amqp from 'amqplib';
import type { AmqpConnectionUrl } from '../../url/connectionUrl';
import { redactSecretsInText } from '../../url/connectionUrl';
import { CeleryLensError, TimeoutError } from '../../util/errors';
import { tlsVerifyHint } from '../tlsHint';

/** Connection tuning for {@link openAmqpConnection}. */
export interface AmqpConnectSettings {
  connectTimeoutMs: number;
  /** AMQP heartbeat in seconds (0 disables it). */
  heartbeatSeconds: number;
}

/** Shown to RabbitMQ (management UI "client properties") so operators can tell what connected. */
const CLIENT_PROPERTIES = { connection_name: 'celery-lens' };

/** An amqplib channel error: `code` is the AMQP reply code (404, 406, ...). */
interface AmqpError extends Error {
  code?: unknown;
}

/** True for a 404 NOT_FOUND channel error (passive declare of a missing queue or exchange). */
export function isNotFound(err: unknown): boolean {
  return err instanceof Error && ((err as AmqpError).code === 404 || /\b404\b|NOT_FOUND/.test(err.message));
}

/** Remove every form of the URL's password from a library message. */
export function sanitize(text: string, url: AmqpConnectionUrl): string {
  let out = redactSecretsInText(text);
  const secret = url.password;
  // A bare password could also appear outside a URL; a very short one (or one equal to the user
  // name, like guest/guest) would mangle ordinary words, and is not much of a secret anyway.
  if (secret && secret.length >= 4 && secret !== url.username) out = out.split(secret).join('***');
  return out;
}

/** Wrap any failure from amqplib into a {@link CeleryLensError} that says what failed, redacted. */
export function describeAmqpError(err: unknown, what: string, url: AmqpConnectionUrl): CeleryLensError {
  if (err instanceof CeleryLensError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof Error && typeof (err as AmqpError).code === 'number' ? 'AMQP_' + String((err as AmqpError).code) : 'AMQP';
  return new CeleryLensError(`${what} failed on RabbitMQ ${url.redacted}: ${sanitize(message, url)}`, code);
}

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CeleryLensError(`Cannot read the TLS ${what} file ${path}: ${(err as Error).message}`, 'TLS_FILE');
  }
}

/** The amqplib arguments for a URL: a connect object (so no URL string with a password is built) and socket options. */
export function amqpConnectArgs(url: AmqpConnectionUrl, settings: AmqpConnectSettings): {
  connect: amqp.Options.Connect;
  socket: amqp.SocketOptions;
} {
  const connect: amqp.Options.Connect = {
    protocol: url.scheme,
    hostname: url.host,
    port: url.port,
    username: url.username ?? '',
    password: url.password ?? '',
    // amqplib unescapes the vhost it is given; escaping keeps a literal "%" intact.
    vhost: encodeURIComponent(url.vhost),
    heartbeat: settings.heartbeatSeconds,
  };
  const socket: amqp.SocketOptions = {
    timeout: settings.connectTimeoutMs,
    noDelay: true,
    keepAlive: true,
    clientProperties: CLIENT_PROPERTIES,
  };
  if (url.scheme === 'amqps') {
    const tls = url.tls ?? { rejectUnauthorized: true };
    socket.rejectUnauthorized = tls.rejectUnauthorized;
    if (tls.caFile) socket.ca = [readTlsFile(tls.caFile, 'CA')];
    if (tls.certFile) socket.cert = readTlsFile(tls.certFile, 'certificate');
    if (tls.keyFile) socket.key = readTlsFile(tls.keyFile, 'key');
  }
  return { connect, socket };
}

/** A plain-words explanation for the amqplib messages that do not say what went wrong. */
function connectHint(message: string, url: AmqpConnectionUrl): string {
  if (/ConnectionOpenOk/.test(message)) {
    return ` (the server refused to open virtual host "${url.vhost}": it may not exist, or user "${url.username ?? ''}" has no permission on it)`;
  }
  if (/Frame size \d+ exceeds|Expected ConnectionStart/.test(message)) return ' (the server does not speak AMQP 0-9-1: is this the right port?)';
  if (/wrong version number|packet length too long/i.test(message)) {
    return url.scheme === 'amqps' ? ' (the port does not speak TLS: use amqp:// or the TLS port, usually 5671)' : '';
  }
  return tlsVerifyHint(message);
}

/**
 * Connect and log in. Fails with a redacted {@link CeleryLensError} (or a {@link TimeoutError})
 * naming the broker. A connection that completes after the deadline is closed at once.
 */
export async function openAmqpConnection(url: AmqpConnectionUrl, settings: AmqpConnectSettings): Promise<amqp.ChannelModel> {
  const { connect, socket } = amqpConnectArgs(url, settings);
  const attempt = amqp.connect(connect, socket);
  let timer: NodeJS.Timeout | undefined;
  // amqplib's socket timeout covers an idle socket; this deadline also covers a slow trickle.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TimeoutError(`Connecting to RabbitMQ ${url.redacted} timed out: no answer within ${settings.connectTimeoutMs} ms`));
    }, settings.connectTimeoutMs + 500);
  });
  try {
    return await Promise.race([attempt, deadline]);
  } catch (err) {
    attempt.then((late) => late.close().catch(() => undefined), () => undefined);
    if (err instanceof TimeoutError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (/ETIMEDOUT/.test(message)) {
      throw new TimeoutError(`Connecting to RabbitMQ ${url.redacted} timed out: no answer within ${settings.connectTimeoutMs} ms`);
    }
    throw new CeleryLensError(`Cannot connect to RabbitMQ ${url.redacted}: ${sanitize(message.trim(), url)}${connectHint(message, url)}`, 'CONNECT');
  } finally {
    clearTimeout(timer);
  }
}
