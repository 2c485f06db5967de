/**
 * A broker message normalised across transports, as kombu sees it, before its body is interpreted.
 * Redis carries kombu's JSON "envelope" (body base64-encoded inside); AMQP carries the body as raw
 * bytes with basic properties and a header table. Everything above the broker layer works on
 * {@link RawMessage} and never needs to know which transport it came from.
 */

/** Where a message was read from, for error reports (a queue, a channel, a result key). */
export type MessageSource = 'task' | 'event' | 'control' | 'result';

export interface RawMessage {
  /** The body bytes once the transport encoding (Redis base64) is removed. */
  body: Buffer;
  contentType?: string;
  contentEncoding?: string;
  headers: Record<string, unknown>;
  /** kombu property names (snake_case): correlation_id, reply_to, priority, delivery_mode, expiration, ... */
  properties: Record<string, unknown>;
  deliveryInfo: { exchange?: string; routingKey?: string; redelivered?: boolean | null };
  /** Bytes on the wire (the whole envelope on Redis). */
  size: number;
}

/**
 * A message or event that could not be decoded. The decoders return this instead of throwing, so
 * callers can count it, show it and carry on.
 */
export interface Undecodable {
  kind: 'undecodable';
  source: MessageSource;
  /** Queue, channel or key it came from. */
  where: string;
  contentType?: string;
  contentEncoding?: string;
  size: number;
  /** One line a user understands: "pickle content type (application/x-python-serialize) is not decoded". */
  reason: string;
  /** Set when the headers were readable even though the body was not. */
  taskId?: string;
  taskName?: string;
  /** The start of the raw bytes, printable characters only, for a human to recognise the message. */
  preview?: string;
}

/** A message ready to publish, transport-neutral. */
export interface OutgoingMessage {
  body: Buffer;
  contentType: string;
  contentEncoding: string;
  headers: Record<string, unknown>;
  properties: {
    correlation_id?: string;
    reply_to?: string;
    delivery_mode?: 1 | 2;
    priority?: number;
    /** Milliseconds, as a string (AMQP per-message TTL; Celery sets it from `expires`). */
    expiration?: string;
  };
  exchange: string;
  routingKey: string;
}

const PREVIEW_BYTES = 120;

/** Printable start of a buffer, for undecodable reports. */
export function previewOf(bytes: Buffer | string): string {
  const text = typeof bytes === 'string' ? bytes.slice(0, PREVIEW_BYTES) : bytes.subarray(0, PREVIEW_BYTES).toString('latin1');
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, '.');
}

export function undecodable(
  source: MessageSource,
  where: string,
  reason: string,
  extra: Partial<Omit<Undecodable, 'kind' | 'source' | 'where' | 'reason'>> & { size: number },
): Undecodable {
  return { kind: 'undecodable', source, where, reason, ...extra };
}

export function isUndecodable(value: unknown): value is Undecodable {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'undecodable';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The bytes a padded base64 string of whole quads stands for, or undefined when its length is not
 * a multiple of 4. Node's decoder skips characters it does not know, so a decoded length equal to
 * this proves every character was valid.
 */
export function base64DecodedLength(text: string): number | undefined {
  const length = text.length;
  if (length % 4 !== 0) return undefined;
  const padding = length > 0 && text.charCodeAt(length - 1) === 61 ? (text.charCodeAt(length - 2) === 61 ? 2 : 1) : 0;
  return (length / 4) * 3 - padding;
}

/**
 * Strict base64 (standard or URL-safe alphabet, whitespace ignored): the bytes, or undefined when
 * `text` is not base64. Node's decoder skips characters it does not know, so for a string
 * without whitespace (what kombu writes) the decoded length alone tells that every character was
 * valid; only other strings pay for the whitespace strip and the character check.
 */
function decodeBase64(text: string): Buffer | undefined {
  const expected = base64DecodedLength(text);
  if (expected !== undefined) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === expected) return bytes;
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/**
 * Parse a kombu Redis envelope (a list item, a pub/sub payload). Never throws: a bad envelope or a
 * bad base64 body becomes an {@link Undecodable}.
 */
export function parseRedisEnvelope(data: Buffer | string, source: MessageSource, where: string): RawMessage | Undecodable {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  let envelope: unknown;
  try {
    envelope = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (err) {
    return undecodable(source, where, `not a kombu envelope: invalid JSON (${(err as Error).message})`, { size, preview: previewOf(data) });
  }
  if (!isRecord(envelope) || !('body' in envelope)) {
    return undecodable(source, where, 'not a kombu envelope: no "body" field', { size, preview: previewOf(data) });
  }
  const headers = isRecord(envelope.headers) ? envelope.headers : {};
  const properties = isRecord(envelope.properties) ? envelope.properties : {};
  const contentType = typeof envelope['content-type'] === 'string' ? envelope['content-type'] : undefined;
  const contentEncoding = typeof envelope['content-encoding'] === 'string' ? envelope['content-encoding'] : undefined;
  const info = isRecord(properties.delivery_info) ? properties.delivery_info : {};
  const taskId = typeof headers.id === 'string' ? headers.id : undefined;
  const taskName = typeof headers.task === 'string' ? headers.task : undefined;
  let body: Buffer;
  if (typeof envelope.body !== 'string') {
    return undecodable(source, where, 'kombu envelope body is not a string', { size, contentType, contentEncoding, taskId, taskName });
  }
  if (properties.body_encoding === 'base64') {
    const decoded = decodeBase64(envelope.body);
    if (decoded === undefined) {
      return undecodable(source, where, 'bad base64 in message body', {
        size, contentType, contentEncoding, taskId, taskName, preview: previewOf(envelope.body),
      });
    }
    body = decoded;
  } else {
    body = Buffer.from(envelope.body, 'utf8');
  }
  return { body, contentType, contentEncoding, headers, properties, deliveryInfo: deliveryInfoFrom(info), size };
}

/**
 * Delivery info from a record that uses kombu's snake_case names (`exchange`, `routing_key`,
 * `redelivered`), as a Redis envelope and the RabbitMQ management API both do. Fields of the
 * wrong type are left out (`redelivered` becomes null: unknown), so untrusted input never throws.
 */
export function deliveryInfoFrom(info: Record<string, unknown>): RawMessage['deliveryInfo'] {
  return {
    exchange: typeof info.exchange === 'string' ? info.exchange : undefined,
    routingKey: typeof info.routing_key === 'string' ? info.routing_key : undefined,
    redelivered: typeof info.redelivered === 'boolean' ? info.redelivered : null,
  };
}

/** Build the kombu Redis envelope for a message, exactly as kombu's Redis transport writes it. */
export function buildRedisEnvelope(message: OutgoingMessage, deliveryTag: string): string {
  const properties: Record<string, unknown> = {
    ...message.properties,
    delivery_mode: message.properties.delivery_mode ?? 2,
    delivery_info: { exchange: message.exchange, routing_key: message.routingKey },
    priority: message.properties.priority ?? 0,
    body_encoding: 'base64',
    delivery_tag: deliveryTag,
  };
  return JSON.stringify({
    body: message.body.toString('base64'),
    'content-encoding': message.contentEncoding,
    'content-type': message.contentType,
    headers: message.headers,
    properties,
  });
}

/** The parts of an amqplib message this layer reads (structural, so core/celery does not import amqplib). */
export interface AmqpMessageLike {
  content: Buffer;
  fields: { exchange?: string; routingKey?: string; redelivered?: boolean };
  properties: {
    contentType?: unknown;
    contentEncoding?: unknown;
    headers?: unknown;
    correlationId?: unknown;
    replyTo?: unknown;
    deliveryMode?: unknown;
    priority?: unknown;
    expiration?: unknown;
  };
}

/** Normalise an amqplib message to a {@link RawMessage}. */
export function rawFromAmqp(message: AmqpMessageLike): RawMessage {
  const p = message.properties;
  const properties: Record<string, unknown> = {};
  if (p.correlationId !== undefined) properties.correlation_id = p.correlationId;
  if (p.replyTo !== undefined) properties.reply_to = p.replyTo;
  if (p.deliveryMode !== undefined) properties.delivery_mode = p.deliveryMode;
  if (p.priority !== undefined) properties.priority = p.priority;
  if (p.expiration !== undefined) properties.expiration = p.expiration;
  return {
    body: message.content,
    contentType: typeof p.contentType === 'string' ? p.contentType : undefined,
    contentEncoding: typeof p.contentEncoding === 'string' ? p.contentEncoding : undefined,
    headers: isRecord(p.headers) ? p.headers : {},
    properties,
    deliveryInfo: {
      exchange: message.fields.exchange,
      routingKey: message.fields.routingKey,
      redelivered: message.fields.redelivered ?? null,
    },
    size: message.content.length,
  };
}
