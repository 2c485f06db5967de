/**
 * Turning a message from the management API's `/get` into a {@link RawMessage}. The API reports
 * basic properties with AMQP's snake_case names (the same names kombu uses), so they map straight
 * across. Never throws: a payload we cannot rebuild becomes an {@link Undecodable}.
 */
import { deliveryInfoFrom, previewOf, undecodable, type RawMessage, type Undecodable } from '../../celery/rawMessage';
import type { ManagementMessage } from './managementClient';

/** The kombu property names carried over from the API's `properties`. */
const KOMBU_PROPERTIES = ['correlation_id', 'reply_to', 'delivery_mode', 'priority', 'expiration'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * Convert one API message. `maxBodyBytes` is the truncate limit the request used: a longer body
 * arrived cut, so it is reported as undecodable rather than handed on incomplete.
 */
export function rawFromManagement(message: ManagementMessage, queue: string, maxBodyBytes: number): RawMessage | Undecodable {
  const props = isRecord(message.properties) ? message.properties : {};
  const headers = isRecord(props.headers) ? props.headers : {};
  const contentType = typeof props.content_type === 'string' ? props.content_type : undefined;
  const contentEncoding = typeof props.content_encoding === 'string' ? props.content_encoding : undefined;
  const size = typeof message.payload_bytes === 'number' ? message.payload_bytes : 0;
  const taskId = typeof headers.id === 'string' ? headers.id : undefined;
  const taskName = typeof headers.task === 'string' ? headers.task : undefined;
  const known = { size, contentType, contentEncoding, taskId, taskName };

  if (typeof message.payload !== 'string') {
    return undecodable('task', queue, 'the management API returned a message without a payload', known);
  }
  let body: Buffer;
  if (message.payload_encoding === 'base64') {
    body = Buffer.from(message.payload, 'base64');
  } else if (message.payload_encoding === 'string') {
    body = Buffer.from(message.payload, 'utf8');
  } else {
    return undecodable('task', queue, `unknown payload encoding "${String(message.payload_encoding)}" from the management API`, known);
  }
  if (size > maxBodyBytes || body.length < size) {
    return undecodable('task', queue, `body is ${formatBytes(size)}, larger than the ${formatBytes(maxBodyBytes)} peek limit; not decoded`, {
      ...known, preview: previewOf(body),
    });
  }

  const properties: Record<string, unknown> = {};
  for (const name of KOMBU_PROPERTIES) {
    if (props[name] !== undefined) properties[name] = props[name];
  }
  const deliveryInfo = deliveryInfoFrom({ exchange: message.exchange, routing_key: message.routing_key, redelivered: message.redelivered });
  return { body, contentType, contentEncoding, headers, properties, deliveryInfo, size };
}
