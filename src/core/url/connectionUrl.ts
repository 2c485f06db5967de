/**
 * Broker and result-backend URLs in the forms Celery (kombu) accepts. Parsing is strict enough to
 * name the bad part of a URL, and every string this module produces for display has the password
 * replaced, so a URL can be logged or shown in an error without leaking a secret.
 */
import { CeleryLensError } from '../util/errors';

/** Celery's own default broker when none is configured. */
export const DEFAULT_BROKER_URL = 'amqp://guest:guest@localhost:5672//';

/** TLS settings taken from `rediss://`/`amqps://` and their `ssl_*` query parameters. */
export interface TlsSettings {
  /** False only when the URL asks for `ssl_cert_reqs=none` (CERT_NONE). */
  rejectUnauthorized: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

interface ConnectionUrlBase {
  /** The URL with any password replaced by `***`: safe for logs, errors and the UI. */
  redacted: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** Present when the scheme is a TLS one. */
  tls?: TlsSettings;
}

export interface RedisConnectionUrl extends ConnectionUrlBase {
  kind: 'redis';
  scheme: 'redis' | 'rediss';
  db: number;
}

export interface AmqpConnectionUrl extends ConnectionUrlBase {
  kind: 'amqp';
  scheme: 'amqp' | 'amqps';
  /** The virtual host, `/` for Celery's `//`. */
  vhost: string;
}

export type ConnectionUrl = RedisConnectionUrl | AmqpConnectionUrl;

export class UrlError extends CeleryLensError {
  constructor(message: string) {
    super(message, 'BAD_URL');
    this.name = 'UrlError';
  }
}

const SCHEMES: Record<string, { kind: 'redis' | 'amqp'; scheme: ConnectionUrl['scheme']; port: number }> = {
  redis: { kind: 'redis', scheme: 'redis', port: 6379 },
  rediss: { kind: 'redis', scheme: 'rediss', port: 6379 },
  amqp: { kind: 'amqp', scheme: 'amqp', port: 5672 },
  pyamqp: { kind: 'amqp', scheme: 'amqp', port: 5672 },
  amqps: { kind: 'amqp', scheme: 'amqps', port: 5671 },
  pyamqps: { kind: 'amqp', scheme: 'amqps', port: 5671 },
};

const PASSWORD_PARAM = /([?&](?:password|passwd|pwd)=)[^&#]*/gi;

/**
 * Replace the password of anything that looks like a URL with credentials; never throws.
 * Conservative on purpose: a raw (unencoded) password may contain `@`, `/`, `?` or `#`, so the
 * credentials are taken to end at the LAST `@`, and a URL that cannot be read is over-redacted
 * rather than leaked. Scheme-less `user:pass@host` and `?password=` parameters are redacted too.
 */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  const prefix = scheme ? scheme[0] : '';
  const rest = url.slice(prefix.length);
  const at = rest.lastIndexOf('@');
  let out = url;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) out = `${prefix}${userinfo.slice(0, colon)}:***${rest.slice(at)}`;
  }
  return out.replace(PASSWORD_PARAM, '$1***');
}

/** Replace every credentialed URL inside free text (an error message from a library, say). */
export function redactSecretsInText(text: string): string {
  // Within one whitespace-delimited token the password runs to the last '@' (it may contain '@', '/').
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^@\s/?#:]*):(\S*)@/gi, '$1$2:***@')
    .replace(PASSWORD_PARAM, '$1***');
}

function decode(part: string, what: string, redacted: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UrlError(`Bad ${what} encoding in ${redacted}`);
  }
}

/** Parse a broker or backend URL. Throws {@link UrlError} naming the bad part. */
export function parseConnectionUrl(input: string): ConnectionUrl {
  const url = input.trim();
  const redacted = redactUrl(url);
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  if (!match) {
    throw new UrlError(`Not a broker URL: "${redacted}" (expected e.g. redis://localhost:6379/0 or amqp://guest:guest@localhost:5672//)`);
  }
  const schemeName = match[1].toLowerCase();
  // hasOwn: a scheme such as "constructor://" must not find an Object.prototype member.
  const scheme = Object.hasOwn(SCHEMES, schemeName) ? SCHEMES[schemeName] : undefined;
  if (!scheme) {
    throw new UrlError(`Unsupported scheme "${schemeName}://" in ${redacted}: Celery Lens speaks redis://, rediss://, amqp:// and amqps://`);
  }
  let rest = match[2];
  // An '@' after the host part means credentials holding a raw '/', '?', '#' or '@': reading on
  // would misplace the password into the host, port or path, and from there into messages.
  const firstDelimiter = rest.search(/[/?#]/);
  if (firstDelimiter >= 0 && rest.lastIndexOf('@') > firstDelimiter) {
    throw new UrlError(`Bad URL ${redacted}: "@" after the host part. If the user name or password contains "@", "/", "?" or "#", percent-encode it (%40, %2F, %3F, %23)`);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1) : undefined;

  let userinfo: string | undefined;
  let hostport = authority;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    userinfo = authority.slice(0, at);
    hostport = authority.slice(at + 1);
  }
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    username = user ? decode(user, 'user name', redacted) : undefined;
    if (colon >= 0) password = decode(userinfo.slice(colon + 1), 'password', redacted);
  }

  let host = hostport;
  let port = scheme.port;
  const ipv6 = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  let portText: string | undefined;
  if (ipv6) {
    host = ipv6[1];
    portText = ipv6[2];
  } else {
    const colon = hostport.lastIndexOf(':');
    if (colon >= 0) {
      host = hostport.slice(0, colon);
      portText = hostport.slice(colon + 1);
    }
  }
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new UrlError(`Bad port "${portText}" in ${redacted}: expected a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  host = host ? decode(host, 'host', redacted) : 'localhost';
  if (/[\s/@]/.test(host)) throw new UrlError(`Bad host "${host}" in ${redacted}`);

  const params = new URLSearchParams(query);
  const tlsScheme = scheme.scheme === 'rediss' || scheme.scheme === 'amqps';
  const tls = tlsScheme || params.has('ssl_cert_reqs') || params.get('ssl') === 'true' ? parseTls(params, redacted) : undefined;

  if (scheme.kind === 'redis') {
    let db = 0;
    const dbText = path?.replace(/\/+$/, '') ?? '';
    if (dbText !== '') {
      if (!/^\d+$/.test(dbText)) throw new UrlError(`Bad database "${dbText}" in ${redacted}: expected a number such as /0`);
      db = Number(dbText);
    }
    if (params.has('db')) {
      const value = params.get('db') ?? '';
      if (!/^\d+$/.test(value)) throw new UrlError(`Bad database "${value}" in ${redacted}: expected a number`);
      db = Number(value);
    }
    return { kind: 'redis', scheme: scheme.scheme as RedisConnectionUrl['scheme'], redacted, host, port, username, password, tls, db };
  }

  // kombu: the path after the host is the vhost; "" and "/" (from Celery's "//") both mean "/".
  const vhost = path === undefined || path === '' ? '/' : decode(path, 'virtual host', redacted);
  if (username === undefined && password === undefined) {
    username = 'guest';
    password = 'guest';
  }
  return { kind: 'amqp', scheme: scheme.scheme as AmqpConnectionUrl['scheme'], redacted, host, port, username, password, tls, vhost };
}

function parseTls(params: URLSearchParams, redacted: string): TlsSettings {
  const reqs = (params.get('ssl_cert_reqs') ?? 'required').toLowerCase().replace(/^cert_/, '');
  if (!['required', 'optional', 'none'].includes(reqs)) {
    throw new UrlError(`Bad ssl_cert_reqs "${params.get('ssl_cert_reqs')}" in ${redacted}: expected required, optional or none`);
  }
  const settings: TlsSettings = { rejectUnauthorized: reqs !== 'none' };
  const ca = params.get('ssl_ca_certs');
  const cert = params.get('ssl_certfile');
  const key = params.get('ssl_keyfile');
  if (ca) settings.caFile = ca;
  if (cert) settings.certFile = cert;
  if (key) settings.keyFile = key;
  return settings;
}

/**
 * Split the password out of a URL, so the URL can be stored in settings or state and the password
 * in secret storage. The URL keeps its user name; a password-only userinfo (`redis://:pw@h`) goes.
 */
export function splitPassword(url: string): { url: string; password?: string } {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(url.trim());
  if (!match) return { url };
  const [, scheme, rest] = match;
  // As in parseConnectionUrl: credentials end at the last "@" (a raw "@" may sit in a password).
  const at = rest.lastIndexOf('@');
  if (at < 0) return { url };
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { url };
  let password: string;
  try {
    password = decodeURIComponent(userinfo.slice(colon + 1));
  } catch {
    password = userinfo.slice(colon + 1);
  }
  const user = userinfo.slice(0, colon);
  return { url: `${scheme}${user ? `${user}@` : ''}${rest.slice(at + 1)}`, password };
}

/** Put a password (from secret storage) back into a URL that has none. */
export function withPassword(url: string, password: string | undefined): string {
  if (!password) return url;
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(url.trim());
  if (!match) return url;
  const [, scheme, rest] = match;
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  const user = at >= 0 ? authority.slice(0, at).split(':')[0] : '';
  const host = at >= 0 ? rest.slice(at + 1) : rest;
  return `${scheme}${user}:${encodeURIComponent(password)}@${host}`;
}
