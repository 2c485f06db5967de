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

/** Replace the password of anything that looks like a URL with credentials; never throws. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    if (colon < 0) return `${scheme}${userinfo}@`;
    return `${scheme}${userinfo.slice(0, colon)}:***@`;
  });
}

/** Replace every credentialed URL inside free text (an error message from a library, say). */
export function redactSecretsInText(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^@\s/?#]*):([^@\s/?#]*)@/gi, '$1$2:***@');
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
  const scheme = SCHEMES[schemeName];
  if (!scheme) {
    throw new UrlError(`Unsupported scheme "${schemeName}://" in ${redacted}: Celery Lens speaks redis://, rediss://, amqp:// and amqps://`);
  }
  let rest = match[2];
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
