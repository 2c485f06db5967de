/**
 * What kind of trouble an error is, so the monitor knows whether to reconnect and what to show:
 * - `needs-user`: the server answered but refuses us (wrong password, missing vhost, untrusted
 *   certificate, unreadable TLS file, bad URL). Retrying alone will not fix it, so the status is
 *   `error`; the monitor still retries slowly, because an operator may fix the server side.
 * - `connection`: the link is down, refused, reset or too slow. Reconnecting with backoff helps.
 * - `other`: the call failed for its own reasons (a missing queue, a management API error); the
 *   connection is fine, so the problem is only recorded.
 */
import { redactSecretsInText, type ConnectionUrl } from '../url/connectionUrl';
import { CeleryLensError, TimeoutError } from '../util/errors';

export type FaultKind = 'needs-user' | 'connection' | 'other';

const NEEDS_USER = new RegExp([
  'WRONGPASS', 'NOAUTH', 'NOPERM', 'invalid password', 'invalid username', 'ACCESS[-_ ]REFUSED', '\\b403\\b',
  'NOT[-_]ALLOWED', '\\b530\\b', 'virtual host', 'certificate', 'self[- ]signed', 'CERT_', 'UNABLE_TO_VERIFY',
  'does not speak', 'TLS file', 'the port does not speak TLS',
].join('|'), 'i');
const NEEDS_USER_CODES = new Set(['BAD_URL', 'BAD_TLS_FILE', 'TLS_FILE']);

const CONNECTION = new RegExp([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT',
  'socket', 'Connection is closed', 'connection closed', "isn't writeable", 'not writable', 'heartbeat',
  'channel ended', 'connection lost', 'Cannot connect', 'no answer within', 'timed out',
].join('|'), 'i');
const CONNECTION_CODES = new Set(['REDIS_UNAVAILABLE', 'CONNECT', 'CLOSED', 'TIMEOUT']);

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

/** Classify an error from a broker, backend or control call. */
export function classifyFault(err: unknown): FaultKind {
  const message = messageOf(err);
  const code = err instanceof CeleryLensError ? err.code : undefined;
  if ((code && NEEDS_USER_CODES.has(code)) || NEEDS_USER.test(message)) return 'needs-user';
  if (err instanceof TimeoutError || (code && CONNECTION_CODES.has(code)) || CONNECTION.test(message)) return 'connection';
  return 'other';
}

/** True when the error means the broker link is gone or unusable (reconnect). */
export function isConnectionFault(err: unknown): boolean {
  return classifyFault(err) === 'connection';
}

/**
 * A one-line reason safe to show: credentialed URLs redacted, and the passwords of `urls` removed
 * wherever they appear (a library may quote one on its own).
 */
export function safeReason(err: unknown, urls: Array<ConnectionUrl | undefined> = []): string {
  let text = redactSecretsInText(messageOf(err)).replace(/\s+/g, ' ').trim();
  for (const url of urls) {
    const secret = url?.password;
    // A very short password (or one equal to the user name, like guest/guest) would mangle words.
    if (secret && secret.length >= 4 && secret !== url.username) text = text.split(secret).join('***');
  }
  return text || 'unknown error';
}
